package io.conflux.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conflux.update.UpdateLedger;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the S3 event notification JSON (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html)
 * that SQS carries as a message body. Keys arrive URL-encoded with '+' for spaces, as S3 writes them.
 */
final class S3EventRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private S3EventRecords() {}

    /** The ObjectCreated records of a message; empty for S3's test event and for other event kinds. */
    static List<UpdateLedger.ObjectRef> objectsCreated(String body) throws IOException {
        JsonNode root = JSON.readTree(body);
        List<UpdateLedger.ObjectRef> out = new ArrayList<>();
        if ("s3:TestEvent".equals(root.path("Event").asText())) return out;
        JsonNode records = root.path("Records");
        if (!records.isArray()) throw new IOException("not an S3 event notification: no Records array");
        for (JsonNode r : records) {
            if (!"aws:s3".equals(r.path("eventSource").asText()) || !r.path("eventName").asText().startsWith("ObjectCreated:")) continue;
            JsonNode o = r.path("s3").path("object");
            String key = URLDecoder.decode(o.path("key").asText(), StandardCharsets.UTF_8);
            String eTag = o.hasNonNull("eTag") ? o.get("eTag").asText() : null;
            String version = o.hasNonNull("versionId") ? o.get("versionId").asText() : null;
            out.add(new UpdateLedger.ObjectRef(key, eTag, version, o.path("size").asLong(), Instant.parse(r.path("eventTime").asText())));
        }
        return out;
    }
}
