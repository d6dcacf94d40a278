package io.conflux.standins;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * S3 event notifications for s3proxy, which sends none: after an object is stored, an
 * {@code s3:ObjectCreated:*} event of AWS's shape (event version 2.1, URL-encoded key, size, eTag,
 * sequencer; https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html)
 * goes to each queue routed for the bucket and key prefix.
 *
 * <p>Delivery is at least once, as in AWS: a send that fails is kept in an outbox and retried in the
 * background until it succeeds or the stand-ins stop.
 */
public final class NotifyingBlobStore extends ForwardingBlobStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Route(String bucket, String prefix, String queueUrl) {}

    private record Pending(String queueUrl, String body) {}

    private final String region;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Pending> outbox = new LinkedBlockingQueue<>();
    private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() * 1000);
    private final ScheduledExecutorService retrier = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "s3-notification-retry");
        t.setDaemon(true);
        return t;
    });
    private volatile SqsClient sqs;

    NotifyingBlobStore(BlobStore delegate, String region) {
        super(delegate);
        this.region = region;
    }

    void connect(SqsClient sqs) {
        this.sqs = sqs;
        retrier.scheduleWithFixedDelay(this::drainOutbox, 500, 500, TimeUnit.MILLISECONDS);
    }

    void route(String bucket, String prefix, String queueUrl) {
        routes.add(new Route(bucket, prefix, queueUrl));
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        PutObjectResponse response = super.putBlob(request, content);
        notifyCreated("ObjectCreated:Put", request.bucket(), request.key(), objectSize(request.bucket(), request.key()),
                response.eTag(), response.versionId());
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload, CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
        notifyCreated("ObjectCreated:CompleteMultipartUpload", upload.containerName(), upload.blobName(),
                objectSize(upload.containerName(), upload.blobName()), response.eTag(), response.versionId());
        return response;
    }

    private long objectSize(String bucket, String key) {
        var head = delegate().blobMetadataIfPresent(bucket, key);
        return head == null || head.contentLength() == null ? 0 : head.contentLength();
    }

    private void notifyCreated(String eventName, String bucket, String key, long size, String eTag, String versionId) {
        for (Route r : routes) {
            if (r.bucket.equals(bucket) && key.startsWith(r.prefix)) {
                send(new Pending(r.queueUrl, event(eventName, bucket, key, size, eTag, versionId)));
            }
        }
    }

    private String event(String eventName, String bucket, String key, long size, String eTag, String versionId) {
        ObjectNode record = JSON.createObjectNode();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("awsRegion", region);
        record.put("eventTime", Instant.now().toString());
        record.put("eventName", eventName);
        record.putObject("userIdentity").put("principalId", "AWS:" + AwsTarget.ACCESS_KEY);
        record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
        ObjectNode s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", "conflux-object-created");
        ObjectNode b = s3.putObject("bucket");
        b.put("name", bucket);
        b.putObject("ownerIdentity").put("principalId", AwsTarget.ACCESS_KEY);
        b.put("arn", "arn:aws:s3:::" + bucket);
        ObjectNode o = s3.putObject("object");
        o.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"));
        o.put("size", size);
        if (eTag != null) o.put("eTag", eTag.replace("\"", ""));
        if (versionId != null) o.put("versionId", versionId);
        o.put("sequencer", Long.toHexString(sequencer.incrementAndGet()).toUpperCase());
        ObjectNode root = JSON.createObjectNode();
        root.putArray("Records").add(record);
        return root.toString();
    }

    private void send(Pending p) {
        try {
            sqs.sendMessage(m -> m.queueUrl(p.queueUrl).messageBody(p.body));
        } catch (RuntimeException e) {
            outbox.add(p); // the object is stored: its event must follow, later if not now
        }
    }

    private void drainOutbox() {
        Pending p;
        int n = outbox.size();
        while (n-- > 0 && (p = outbox.poll()) != null) send(p);
    }

    @Override
    public void close() {
        retrier.shutdownNow();
    }
}
