package io.conflux.aws;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The SDK clients a function uses, created once per container and sharing one HTTP client (the
 * URL-connection client: smallest start-up cost on Lambda). Region and credentials are set
 * explicitly so the SDK does not search for them at start-up.
 * See https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/lambda-optimize-starttime.html
 */
public final class AwsClients implements AutoCloseable {
    private final Env env;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http = new RetryableIoHttpClient(UrlConnectionHttpClient.create());
    private DynamoDbClient dynamo;
    private S3Client s3;
    private S3Presigner presigner;
    private KmsClient kms;
    private SecretsManagerClient secrets;
    private SfnClient sfn;

    public AwsClients(Env env) {
        this.env = env;
        this.region = Region.of(env.require("AWS_REGION"));
        this.credentials = credentials(env);
    }

    private static AwsCredentialsProvider credentials(Env env) {
        var key = env.get("AWS_ACCESS_KEY_ID");
        var secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() && secret.isPresent()) {
            var token = env.get("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token.isPresent()
                    ? AwsSessionCredentials.create(key.get(), secret.get(), token.get())
                    : AwsBasicCredentials.create(key.get(), secret.get()));
        }
        return DefaultCredentialsProvider.builder().build(); // SnapStart: container credentials
    }

    public synchronized DynamoDbClient dynamo() {
        if (dynamo == null) {
            var b = DynamoDbClient.builder().region(region).credentialsProvider(credentials).httpClient(http);
            env.get(Settings.ENDPOINT_DYNAMODB).map(URI::create).ifPresent(b::endpointOverride);
            dynamo = b.build();
        }
        return dynamo;
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            var b = S3Client.builder().region(region).credentialsProvider(credentials).httpClient(http);
            env.get(Settings.ENDPOINT_S3).map(URI::create).ifPresent(u -> b.endpointOverride(u)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()));
            s3 = b.build();
        }
        return s3;
    }

    public synchronized S3Presigner presigner() {
        if (presigner == null) {
            var b = S3Presigner.builder().region(region).credentialsProvider(credentials);
            env.get(Settings.PUBLIC_ENDPOINT_S3).or(() -> env.get(Settings.ENDPOINT_S3)).map(URI::create)
                    .ifPresent(u -> b.endpointOverride(u).serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()));
            presigner = b.build();
        }
        return presigner;
    }

    public synchronized KmsClient kms() {
        if (kms == null) {
            var b = KmsClient.builder().region(region).credentialsProvider(credentials).httpClient(http);
            env.get(Settings.ENDPOINT_KMS).map(URI::create).ifPresent(b::endpointOverride);
            kms = b.build();
        }
        return kms;
    }

    public synchronized SfnClient sfn() {
        if (sfn == null) {
            var b = SfnClient.builder().region(region).credentialsProvider(credentials).httpClient(http);
            env.get(Settings.ENDPOINT_SFN).map(URI::create).ifPresent(b::endpointOverride);
            sfn = b.build();
        }
        return sfn;
    }

    public synchronized SecretsManagerClient secrets() {
        if (secrets == null) secrets = SecretsManagerClient.builder().region(region).credentialsProvider(credentials).httpClient(http).build();
        return secrets;
    }

    @Override
    public synchronized void close() {
        if (secrets != null) secrets.close();
        if (dynamo != null) dynamo.close();
        if (s3 != null) s3.close();
        if (presigner != null) presigner.close();
        if (kms != null) kms.close();
        if (sfn != null) sfn.close();
        http.close();
    }
}
