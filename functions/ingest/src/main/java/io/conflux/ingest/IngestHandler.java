package io.conflux.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.conflux.aws.Platform;
import io.conflux.update.IngestService;
import io.conflux.update.UpdateLedger;
import java.util.ArrayList;
import java.util.List;

/**
 * S3 ObjectCreated (through SQS) -> verify and record each uploaded update.
 *
 * <p>A message whose processing fails for a reason outside the object (a storage error, throttling)
 * is reported in {@code batchItemFailures}, so only it is retried and, after the queue's
 * maxReceiveCount, lands in the DLQ; the rest of the batch is done
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). A bad object is
 * never a failure: it is a recorded rejection.
 */
public final class IngestHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final Platform platform;

    /**
     * Lambda's entry point: configuration from the environment, built once per container, then primed (see
     * {@link #prime}) before SnapStart's snapshot.
     */
    public IngestHandler() {
        this(Platform.fromSystem());
        io.conflux.aws.SnapStart.prime("ingest", this::prime);
    }

    /**
     * Loads both SDK clients' request paths with reads that change nothing (S3 on a second thread, since init has
     * two cores), so the first update does not pay for them.
     */
    public void prime() {
        Thread s3 = new Thread(platform::primeUpdatesBucket, "conflux-s3-prime");
        s3.start();
        platform.prime();
        try {
            s3.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public IngestHandler(Platform platform) {
        this.platform = platform;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            try {
                for (UpdateLedger.ObjectRef object : S3EventRecords.objectsCreated(m.getBody())) {
                    IngestService.Result r = platform.ingest().process(object);
                    log(context, "ingest", "key", object.key(), "status", String.valueOf(r.status()), "reason", String.valueOf(r.reason()),
                            "outcome", String.valueOf(r.outcome()));
                }
            } catch (Exception e) {
                log(context, "ingest-failed", "messageId", m.getMessageId(), "error", e.getClass().getName() + ": " + e.getMessage());
                if (System.getenv("CONFLUX_DEBUG") != null) e.printStackTrace();
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(m.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** One JSON line per decision; values are escaped (object keys come from whoever wrote to the bucket). */
    private static void log(Context context, String event, String... fields) {
        StringBuilder line = new StringBuilder("{\"event\":\"").append(event).append('"');
        for (int i = 0; i < fields.length; i += 2) {
            line.append(",\"").append(fields[i]).append("\":\"");
            JsonStringEncoder.getInstance().quoteAsString(String.valueOf(fields[i + 1]), line);
            line.append('"');
        }
        line.append('}');
        if (context != null && context.getLogger() != null) context.getLogger().log(line + "\n");
        else System.out.println(line);
    }
}
