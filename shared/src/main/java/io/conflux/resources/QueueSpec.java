package io.conflux.resources;

import java.time.Duration;

/**
 * An SQS queue with its dead-letter queue: a message received {@code maxReceiveCount} times without
 * being deleted moves to the DLQ, where it stays for inspection and re-drive.
 */
public record QueueSpec(String logicalName, String envVar, Duration visibilityTimeout, int maxReceiveCount, Duration dlqRetention) {
    public String physicalName(String stage) {
        return ConfluxResources.physicalName(stage, logicalName);
    }

    public String dlqPhysicalName(String stage) {
        return physicalName(stage) + "-dlq";
    }
}
