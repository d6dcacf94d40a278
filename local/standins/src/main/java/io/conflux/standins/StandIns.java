package io.conflux.standins;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * The real local stand-ins on free loopback ports: DynamoDB Local (in memory or on disk), s3proxy
 * enforcing SigV4 (presigned URLs included), and ElasticMQ. s3proxy sends no event notifications, so
 * its blob store is wrapped in a {@link NotifyingBlobStore} that delivers AWS-shaped ObjectCreated
 * events to SQS as a bucket notification would.
 */
public final class StandIns implements AwsTarget {
    private final DynamoDBProxyServer dynamo;
    private final S3Proxy s3proxy;
    private final SQSRestServer sqsServer;
    private final NotifyingBlobStore blobs;
    private final URI dynamoUri;
    private final URI s3Uri;
    private final URI sqsUri;

    private StandIns(DynamoDBProxyServer dynamo, URI dynamoUri, S3Proxy s3proxy, URI s3Uri, NotifyingBlobStore blobs,
                     SQSRestServer sqsServer, URI sqsUri) {
        this.dynamo = dynamo;
        this.dynamoUri = dynamoUri;
        this.s3proxy = s3proxy;
        this.s3Uri = s3Uri;
        this.blobs = blobs;
        this.sqsServer = sqsServer;
        this.sqsUri = sqsUri;
    }

    /** Everything in memory: for tests. */
    public static StandIns startInMemory() {
        return start(null);
    }

    /**
     * @param dataDir where DynamoDB and S3 keep their data across restarts, or null for memory only
     */
    public static StandIns start(Path dataDir) {
        DynamoDBProxyServer dynamo = null;
        S3Proxy s3 = null;
        SQSRestServer sqs = null;
        try {
            int dynamoPort = freePort();
            String[] dynamoArgs = dataDir == null
                    ? new String[] {"-inMemory", "-port", Integer.toString(dynamoPort), "-disableTelemetry"}
                    : new String[] {"-dbPath", Files.createDirectories(dataDir.resolve("dynamodb")).toString(), "-sharedDb",
                                    "-port", Integer.toString(dynamoPort), "-disableTelemetry"};
            dynamo = ServerRunner.createServerFromCommandLineArgs(dynamoArgs);
            dynamo.start();

            Properties props = new Properties();
            String provider = "transient";
            if (dataDir != null) {
                provider = "filesystem";
                props.setProperty("jclouds.filesystem.basedir", Files.createDirectories(dataDir.resolve("s3")).toString());
            }
            BlobStore base = BlobStores.create(provider, props);
            int sqsPort = freePort();
            URI sqsUri = URI.create("http://127.0.0.1:" + sqsPort);
            NotifyingBlobStore blobs = new NotifyingBlobStore(base, REGION);
            int s3Port = freePort();
            URI s3Uri = URI.create("http://127.0.0.1:" + s3Port);
            s3 = S3Proxy.builder()
                    .blobStore(blobs)
                    .endpoint(s3Uri)
                    .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                    .build();
            s3.start();
            while (!"STARTED".equals(s3.getState())) Thread.sleep(5);

            sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(sqsPort)
                    .withServerAddress(new NodeAddress("http", "127.0.0.1", sqsPort, ""))
                    .withAWSRegion(REGION)
                    .start();
            sqs.waitUntilStarted();
            StandIns standIns = new StandIns(dynamo, URI.create("http://127.0.0.1:" + dynamoPort), s3, s3Uri, blobs, sqs, sqsUri);
            blobs.connect(standIns.sqs());
            return standIns;
        } catch (Exception e) {
            stopQuietly(dynamo, s3, sqs);
            throw new IllegalStateException("could not start the local AWS stand-ins: " + e.getMessage(), e);
        }
    }

    @Override
    public URI dynamoEndpoint() {
        return dynamoUri;
    }

    @Override
    public URI s3Endpoint() {
        return s3Uri;
    }

    @Override
    public URI sqsEndpoint() {
        return sqsUri;
    }

    @Override
    public boolean nativeS3Notifications() {
        return false;
    }

    @Override
    public void routeObjectCreated(String bucket, String prefix, String queueUrl, String queueArn) {
        blobs.route(bucket, prefix, queueUrl);
    }

    @Override
    public void close() {
        blobs.close();
        stopQuietly(dynamo, s3proxy, sqsServer);
    }

    private static void stopQuietly(DynamoDBProxyServer dynamo, S3Proxy s3, SQSRestServer sqs) {
        try {
            if (s3 != null) s3.stop();
        } catch (Exception ignored) {
            // shutting down
        }
        try {
            if (dynamo != null) dynamo.stop();
        } catch (Exception ignored) {
            // shutting down
        }
        if (sqs != null) sqs.stopAndWait();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
