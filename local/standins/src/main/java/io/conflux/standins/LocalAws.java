package io.conflux.standins;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A provisioned target: its clients, and the environment the functions read their resources from.
 * One per test run (see {@link SharedStandIns}) or per local runtime.
 */
public final class LocalAws implements AutoCloseable {
    private final AwsTarget target;
    private final Map<String, String> env;
    private final DynamoDbClient dynamo;
    private final S3Client s3;
    private final SqsClient sqs;

    public LocalAws(AwsTarget target, String stage) {
        this.target = target;
        this.env = Map.copyOf(Provisioner.provision(target, stage));
        this.dynamo = target.dynamo();
        this.s3 = target.s3();
        this.sqs = target.sqs();
    }

    public AwsTarget target() {
        return target;
    }

    /** The provisioned resources' environment (tables, bucket, queue, endpoints, credentials). */
    public Map<String, String> env() {
        return env;
    }

    public String get(String envVar) {
        String v = env.get(envVar);
        if (v == null) throw new IllegalArgumentException(envVar + " is not provisioned");
        return v;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public S3Client s3() {
        return s3;
    }

    public SqsClient sqs() {
        return sqs;
    }

    @Override
    public void close() {
        dynamo.close();
        s3.close();
        sqs.close();
        target.close();
    }
}
