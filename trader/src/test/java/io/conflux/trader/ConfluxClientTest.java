package io.conflux.trader;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries on transient failures. The platform's own stand-ins cannot be made to fail on cue, so a loopback
 * HTTP server here answers 503 (or an error) a set number of times first: it plays a flaky network, not a
 * Conflux service. The client against the real API is tested in local/runtime (TraderCliTest).
 */
class ConfluxClientTest {
    private static final ConfluxClient.Retry FAST = new ConfluxClient.Retry(4, Duration.ofMillis(5), Duration.ofMillis(20));
    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI serve(int failures, int failStatus, int finalStatus, String finalBody) {
        server.createContext("/", ex -> {
            int n = calls.incrementAndGet();
            byte[] body = (n <= failures ? "{\"error\":\"BUSY\",\"message\":\"try again\"}" : finalBody).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(n <= failures ? failStatus : finalStatus, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static ConfluxClient client(URI api) {
        return new ConfluxClient(api, HttpClient.newHttpClient(), FAST);
    }

    @Test
    void aServiceThatIsBrieflyUnavailable_isRetriedUntilItAnswers() throws IOException {
        URI api = serve(2, 503, 200, "{\"roundId\":\"r-1\"}");
        assertEquals("r-1", client(api).round("r-1").get("roundId").asText());
        assertEquals(3, calls.get());
    }

    @Test
    void retriesStopAtTheLimit_andTheLastAnswerIsReported() {
        URI api = serve(10, 503, 200, "{}");
        var e = assertThrows(ConfluxClient.ApiException.class, () -> client(api).round("r-1"));
        assertEquals(503, e.status());
        assertEquals("BUSY", e.code());
        assertEquals(4, calls.get());
    }

    @Test
    void aRefusalIsNotRetried_andCarriesTheApisCodeAndMessage() {
        URI api = serve(0, 503, 409, "{\"error\":\"ROUND_NOT_OPEN\",\"message\":\"round r-1 is not open for updates\"}");
        var e = assertThrows(ConfluxClient.ApiException.class, () -> client(api).ticket("r-1", 10));
        assertEquals(409, e.status());
        assertEquals("ROUND_NOT_OPEN", e.code());
        assertTrue(e.getMessage().contains("round r-1 is not open"), e.getMessage());
        assertEquals(1, calls.get());
        assertTrue(ConfluxTrader.explain(e).contains("`conflux-trader rounds` lists the open ones"));
    }

    @Test
    void noServiceAtTheAddress_isRetried_thenExplained() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        var e = assertThrows(IOException.class, () -> client(URI.create("http://127.0.0.1:" + port)).round("r-1"));
        assertTrue(e.getMessage().contains("failed after 4 attempts") && e.getMessage().contains("cannot connect"), e.getMessage());
    }
}
