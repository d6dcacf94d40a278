package io.conflux.standins;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where the AWS APIs are: the loopback stand-ins, or LocalStack. The functions reach either through
 * the same environment variables ({@link #environment()}), as they would reach AWS.
 */
public interface AwsTarget extends AutoCloseable {

    String REGION = "us-east-1";
    /** One key for every stand-in; DynamoDB Local accepts only letters and digits in it. */
    String ACCESS_KEY = "CONFLUXLOCAL";
    String SECRET_KEY = "conflux-local-secret-key";

    URI dynamoEndpoint();

    URI s3Endpoint();

    URI sqsEndpoint();

    /** KMS, where the target has it (LocalStack); the loopback stand-ins have no KMS (no real stand-in exists). */
    default URI kmsEndpoint() {
        return null;
    }

    default String region() {
        return REGION;
    }

    default String accessKey() {
        return ACCESS_KEY;
    }

    default String secretKey() {
        return SECRET_KEY;
    }

    /** Whether the target sends S3 notifications itself (LocalStack) or needs {@link NotifyingBlobStore} (s3proxy). */
    boolean nativeS3Notifications();

    /** Routes a bucket's ObjectCreated events under a prefix to a queue (where the target has no native notifications). */
    void routeObjectCreated(String bucket, String prefix, String queueUrl, String queueArn);

    /** The environment a function needs to reach this target (endpoints and credentials). */
    default Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", region());
        env.put("AWS_ACCESS_KEY_ID", accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", secretKey());
        env.put("CONFLUX_ENDPOINT_DYNAMODB", dynamoEndpoint().toString());
        env.put("CONFLUX_ENDPOINT_S3", s3Endpoint().toString());
        env.put("CONFLUX_ENDPOINT_SQS", sqsEndpoint().toString());
        return env;
    }

    default DynamoDbClient dynamo() {
        return DynamoDbClient.builder().endpointOverride(dynamoEndpoint()).region(Region.of(region()))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    default S3Client s3() {
        return S3Client.builder().endpointOverride(s3Endpoint()).region(Region.of(region()))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    default SqsClient sqs() {
        return SqsClient.builder().endpointOverride(sqsEndpoint()).region(Region.of(region()))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    default StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey(), secretKey()));
    }

    @Override
    void close();
}
