package io.conflux.standins;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conflux.resources.ConfluxResources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@ExtendWith(SharedStandIns.class)
class StandInsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void provision_createsEveryTableOfTheSpec_andIsIdempotent(LocalAws aws) {
        List<String> tables = aws.dynamo().listTables().tableNames();
        for (var t : ConfluxResources.tables()) assertTrue(tables.contains(t.physicalName(SharedStandIns.STAGE)), t.logicalName());
        // a second provisioning of the same stage changes nothing and does not fail
        Map<String, String> again = Provisioner.provision(aws.target(), SharedStandIns.STAGE);
        assertEquals(aws.get("TABLE_UPDATES"), again.get("TABLE_UPDATES"));
        assertEquals(aws.get("QUEUE_INGEST"), again.get("QUEUE_INGEST"));
    }

    @Test
    void objectCreated_underTheRoutedPrefix_deliversAnAwsShapedEvent(LocalAws aws) throws Exception {
        String bucket = aws.get("BUCKET_UPDATES");
        String key = "rounds/standins-test/updates/0x0000000000000000000000000000000000000001/" + "a".repeat(32);
        aws.s3().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString("hello"));
        aws.s3().putObject(r -> r.bucket(bucket).key("elsewhere/x"), RequestBody.fromString("not routed"));

        JsonNode record = receiveEventFor(aws, key);
        assertEquals("aws:s3", record.path("eventSource").asText());
        assertEquals("2.1", record.path("eventVersion").asText());
        assertTrue(record.path("eventName").asText().startsWith("ObjectCreated:"));
        assertEquals(bucket, record.path("s3").path("bucket").path("name").asText());
        assertEquals(5, record.path("s3").path("object").path("size").asLong());
        assertFalse(record.path("s3").path("object").path("eTag").asText().isEmpty());
    }

    @Test
    void conditionalPut_refusesToOverwriteAnExistingObject(LocalAws aws) {
        String bucket = aws.get("BUCKET_UPDATES");
        aws.s3().putObject(r -> r.bucket(bucket).key("cond/once").ifNoneMatch("*"), RequestBody.fromString("first"));
        S3Exception e = assertThrows(S3Exception.class,
                () -> aws.s3().putObject(r -> r.bucket(bucket).key("cond/once").ifNoneMatch("*"), RequestBody.fromString("second")));
        assertEquals(412, e.statusCode());
        assertEquals("first", aws.s3().getObjectAsBytes(r -> r.bucket(bucket).key("cond/once")).asUtf8String());
    }

    @Test
    void ingestQueue_hasADeadLetterQueue(LocalAws aws) {
        String redrive = aws.sqs().getQueueAttributes(r -> r.queueUrl(aws.get("QUEUE_INGEST"))
                .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes().get(QueueAttributeName.REDRIVE_POLICY);
        assertNotNull(redrive);
        assertTrue(redrive.contains("-dlq"), redrive);
        assertTrue(redrive.contains("\"maxReceiveCount\""), redrive);
    }

    /** Reads the ingest queue until the event for {@code key} arrives; other events go back to the queue. */
    static JsonNode receiveEventFor(LocalAws aws, String key) throws Exception {
        String queue = aws.get("QUEUE_INGEST");
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (Message m : aws.sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                JsonNode rec = JSON.readTree(m.body()).path("Records").path(0);
                if (rec.path("s3").path("object").path("key").asText().equals(key)) {
                    aws.sqs().deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
                    return rec;
                }
                aws.sqs().changeMessageVisibility(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
            }
        }
        fail("no ObjectCreated event for " + key);
        return null;
    }
}
