package io.conflux.standins;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What Lambda's SQS event source mapping does, on the stand-ins: receive a batch, invoke the handler
 * with an {@link SQSEvent}, delete the messages that succeeded, and leave the reported failures (and
 * the whole batch if the handler throws) to become visible again, so the queue's redrive policy moves
 * a message that keeps failing to its DLQ. With ReportBatchItemFailures, as the CDK stack configures.
 */
public final class SqsEventSource implements AutoCloseable {
    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
    private final int batchSize;
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread thread;

    public SqsEventSource(SqsClient sqs, String queueUrl, RequestHandler<SQSEvent, SQSBatchResponse> handler, int batchSize) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
        this.handler = handler;
        this.batchSize = batchSize;
    }

    /** Polls in a background thread until closed. */
    public SqsEventSource start() {
        running.set(true);
        thread = new Thread(() -> {
            while (running.get()) {
                try {
                    pollOnce(1);
                } catch (RuntimeException e) {
                    if (running.get()) sleep(200); // the queue is unreachable for a moment: poll again
                }
            }
        }, "sqs-event-source");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /**
     * One receive-invoke-delete cycle.
     *
     * @return how many messages the handler processed successfully
     */
    public int pollOnce(int waitSeconds) {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(batchSize).waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
        if (messages.isEmpty()) return 0;
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle(m.receiptHandle());
            r.setBody(m.body());
            r.setMd5OfBody(m.md5OfBody());
            r.setEventSource("aws:sqs");
            r.setEventSourceArn(queueArn);
            r.setAwsRegion(AwsTarget.REGION);
            r.setAttributes(Map.of("ApproximateReceiveCount", m.attributesAsStrings().getOrDefault("ApproximateReceiveCount", "1"),
                    "SentTimestamp", m.attributesAsStrings().getOrDefault("SentTimestamp", "0")));
            records.add(r);
        }
        event.setRecords(records);
        Set<String> failed = new HashSet<>();
        try {
            SQSBatchResponse response = handler.handleRequest(event, null);
            if (response != null && response.getBatchItemFailures() != null) {
                response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
            }
        } catch (RuntimeException e) {
            messages.forEach(m -> failed.add(m.messageId())); // the whole batch returns to the queue
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size())).receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
        return done.size();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        if (thread != null) {
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
