package io.conflux.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.File;
import java.lang.management.ManagementFactory;

/**
 * Runs in a fresh JVM on a function's own Lambda class path: constructs the handler (Lambda's init
 * phase), hands it one event (the first invocation), and prints how long each took and the time since
 * the JVM started.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        long mainAt = System.nanoTime();
        String kind = args[0];
        File event = new File(args[1]);
        ObjectMapper json = JsonMapper.builder().enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        String outcome;
        long initNs, invokeNs;
        if (kind.equals("api")) {
            long t0 = System.nanoTime();
            var handler = new io.conflux.api.ApiHandler();
            initNs = System.nanoTime() - t0;
            var e = json.readValue(event, APIGatewayV2HTTPEvent.class);
            t0 = System.nanoTime();
            var r = handler.handleRequest(e, null);
            invokeNs = System.nanoTime() - t0;
            outcome = "status=" + r.getStatusCode();
        } else {
            long t0 = System.nanoTime();
            var handler = new io.conflux.ingest.IngestHandler();
            initNs = System.nanoTime() - t0;
            var e = json.readValue(event, SQSEvent.class);
            t0 = System.nanoTime();
            var r = handler.handleRequest(e, null);
            invokeNs = System.nanoTime() - t0;
            outcome = "failures=" + r.getBatchItemFailures().size();
        }
        long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.printf("PROBE %s jvm_to_main_ms=%d init_ms=%.1f first_invoke_ms=%.1f jvm_start_to_response_ms=%d %s%n", kind,
                ManagementFactory.getRuntimeMXBean().getUptime() - (System.nanoTime() - mainAt) / 1_000_000,
                initNs / 1e6, invokeNs / 1e6, sinceJvmStart, outcome);
    }
}
