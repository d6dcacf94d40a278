package io.conflux.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conflux.platform.Json;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs in a fresh JVM on a function's own Lambda class path: constructs the handler (Lambda's init
 * phase), hands it one event (the first invocation), and prints how long each took and the time since
 * the JVM started. The event object is built with the streaming JSON reader the functions already
 * load, so the probe adds no JSON data-binding classes of its own to what is measured.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        String kind = args[0];
        String json = Files.readString(Path.of(args[1]));
        String outcome;
        long initNs, invokeNs;
        if (kind.equals("api")) {
            long t0 = System.nanoTime();
            var handler = new io.conflux.api.ApiHandler();
            initNs = System.nanoTime() - t0;
            APIGatewayV2HTTPEvent e = apiEvent(Json.parse(json));
            t0 = System.nanoTime();
            var r = handler.handleRequest(e, null);
            invokeNs = System.nanoTime() - t0;
            outcome = "status=" + r.getStatusCode();
        } else {
            long t0 = System.nanoTime();
            var handler = new io.conflux.ingest.IngestHandler();
            initNs = System.nanoTime() - t0;
            SQSEvent e = sqsEvent(Json.parse(json));
            t0 = System.nanoTime();
            var r = handler.handleRequest(e, null);
            invokeNs = System.nanoTime() - t0;
            outcome = "failures=" + r.getBatchItemFailures().size();
        }
        long start = ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.printf("PROBE %s jvm_to_main_ms=%d init_ms=%.1f first_invoke_ms=%.1f jvm_start_to_response_ms=%d %s%n", kind,
                mainAt - start, initNs / 1e6, invokeNs / 1e6, System.currentTimeMillis() - start, outcome);
    }

    @SuppressWarnings("unchecked")
    static APIGatewayV2HTTPEvent apiEvent(Object root) {
        Map<String, String> headers = (Map<String, String>) Json.at(root, "headers");
        return APIGatewayV2HTTPEvent.builder().withVersion(Json.string(root, "version")).withRouteKey(Json.string(root, "routeKey"))
                .withRawPath(Json.string(root, "rawPath")).withRawQueryString(Json.string(root, "rawQueryString"))
                .withHeaders(headers).withBody(Json.string(root, "body")).withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId(Json.string(root, "requestContext", "requestId"))
                        .withStage(Json.string(root, "requestContext", "stage")).withRouteKey(Json.string(root, "requestContext", "routeKey"))
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(Json.string(root, "requestContext", "http", "method"))
                                .withPath(Json.string(root, "requestContext", "http", "path"))
                                .withProtocol(Json.string(root, "requestContext", "http", "protocol"))
                                .withSourceIp(Json.string(root, "requestContext", "http", "sourceIp")).build())
                        .build())
                .build();
    }

    static SQSEvent sqsEvent(Object root) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (Object r : (List<?>) Json.at(root, "Records")) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId(Json.string(r, "messageId"));
            m.setBody(Json.string(r, "body"));
            m.setEventSource(Json.string(r, "eventSource"));
            messages.add(m);
        }
        SQSEvent e = new SQSEvent();
        e.setRecords(messages);
        return e;
    }
}
