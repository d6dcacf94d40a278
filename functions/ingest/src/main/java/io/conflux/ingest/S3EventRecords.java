package io.conflux.ingest;

import io.conflux.platform.Json;
import io.conflux.update.UpdateLedger;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the S3 event notification JSON (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html)
 * that SQS carries as a message body. Keys arrive URL-encoded with '+' for spaces, as S3 writes them.
 */
final class S3EventRecords {

    private S3EventRecords() {}

    /** The ObjectCreated records of a message; empty for S3's test event and for other event kinds. */
    static List<UpdateLedger.ObjectRef> objectsCreated(String body) throws IOException {
        Object root = Json.parse(body);
        List<UpdateLedger.ObjectRef> out = new ArrayList<>();
        if ("s3:TestEvent".equals(Json.string(root, "Event"))) return out;
        if (!(Json.at(root, "Records") instanceof List<?> records)) throw new IOException("not an S3 event notification: no Records array");
        for (Object r : records) {
            if (!"aws:s3".equals(Json.string(r, "eventSource")) || !String.valueOf(Json.string(r, "eventName")).startsWith("ObjectCreated:")) continue;
            String key = Json.string(r, "s3", "object", "key");
            if (key == null || !(Json.at(r, "s3", "object", "size") instanceof Number size)) throw new IOException("S3 record without object key or size");
            try {
                out.add(new UpdateLedger.ObjectRef(URLDecoder.decode(key, StandardCharsets.UTF_8), Json.string(r, "s3", "object", "eTag"),
                        Json.string(r, "s3", "object", "versionId"), size.longValue(), Instant.parse(Json.string(r, "eventTime"))));
            } catch (DateTimeParseException | NullPointerException e) {
                throw new IOException("S3 record with a missing or malformed eventTime");
            }
        }
        return out;
    }
}
