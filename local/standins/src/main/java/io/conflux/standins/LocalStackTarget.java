package io.conflux.standins;

import java.net.URI;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;

/**
 * LocalStack in Docker (Testcontainers), for machines that have Docker: the same tests, another set
 * of emulators. LocalStack sends S3 notifications itself, so routing uses the real S3 API.
 * Selected with {@code -Plocalstack} (system property {@code conflux.aws.target=localstack}).
 */
public final class LocalStackTarget implements AwsTarget {
    public static final String IMAGE = "localstack/localstack:4.4.0";
    private final LocalStackContainer container;

    private LocalStackTarget(LocalStackContainer container) {
        this.container = container;
    }

    public static LocalStackTarget start() {
        LocalStackContainer c = new LocalStackContainer(DockerImageName.parse(IMAGE)).withServices(
                LocalStackContainer.Service.S3, LocalStackContainer.Service.DYNAMODB, LocalStackContainer.Service.SQS,
                LocalStackContainer.Service.KMS);
        c.start();
        return new LocalStackTarget(c);
    }

    private URI endpoint() {
        return container.getEndpoint();
    }

    @Override
    public URI dynamoEndpoint() {
        return endpoint();
    }

    @Override
    public URI s3Endpoint() {
        return endpoint();
    }

    @Override
    public URI sqsEndpoint() {
        return endpoint();
    }

    @Override
    public URI kmsEndpoint() {
        return endpoint();
    }

    @Override
    public String region() {
        return container.getRegion();
    }

    @Override
    public String accessKey() {
        return container.getAccessKey();
    }

    @Override
    public String secretKey() {
        return container.getSecretKey();
    }

    @Override
    public boolean nativeS3Notifications() {
        return true;
    }

    @Override
    public void routeObjectCreated(String bucket, String prefix, String queueUrl, String queueArn) {
        try (S3Client s3 = s3()) {
            s3.putBucketNotificationConfiguration(r -> r.bucket(bucket).notificationConfiguration(n -> n.queueConfigurations(
                    q -> q.queueArn(queueArn).events(Event.S3_OBJECT_CREATED)
                            .filter(f -> f.key(k -> k.filterRules(rule -> rule.name("prefix").value(prefix)))))));
        }
    }

    @Override
    public void close() {
        container.stop();
    }
}
