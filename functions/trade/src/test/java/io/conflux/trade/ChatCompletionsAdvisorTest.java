package io.conflux.trade;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import io.conflux.agent.Decision;
import io.conflux.agent.Market;
import io.conflux.agent.Portfolio;
import io.conflux.agent.RiskLimits;
import io.conflux.agent.RiskState;
import io.conflux.agent.TradingPolicy;
import io.conflux.platform.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The LLM advisor against a local HTTP server that speaks the chat-completions protocol (no LLM runs here):
 * a good answer is used within the limits; malformed, invalid, failing and slow answers leave the policy to
 * decide alone, and the decision says why.
 */
class ChatCompletionsAdvisorTest {
    private static final Market M = Market.btcUsdt();
    private static final RiskLimits L = RiskLimits.defaults(M);
    private static final TradingPolicy POLICY = new TradingPolicy(L, 10);
    private static final long CASH = 10_000_000_000L;
    private HttpServer server;
    private final AtomicReference<String> answer = new AtomicReference<>();
    private final AtomicReference<Integer> status = new AtomicReference<>(200);
    private final AtomicReference<Long> delayMs = new AtomicReference<>(0L);
    private final AtomicReference<String> received = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            received.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            try {
                Thread.sleep(delayMs.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String body = status.get() != 200 ? "{\"error\":{\"message\":\"overloaded\"}}"
                    : Json.write(Map.of("id", "c1", "object", "chat.completion", "choices",
                    List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", answer.get()), "finish_reason", "stop"))));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ChatCompletionsAdvisor advisor(Duration timeout) {
        return new ChatCompletionsAdvisor(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1"), "llama3.1", "sk-test", timeout);
    }

    private Decision decide(float[] p) {
        return POLICY.decide(new TradingPolicy.Situation(Instant.parse("2021-05-01T12:00:00Z"), 50_000, p, Portfolio.ofCash(M, CASH), RiskState.start(CASH),
                Duration.ofHours(1)), advisor(Duration.ofMillis(500)), Map.of("rsi14", 61.5, "atr14", 812.0)).decision();
    }

    @Test
    void aGoodAnswerIsUsed_withinTheLimits_andTheRequestCarriesTheSchemaAndTheNumbers() throws Exception {
        answer.set("{\"action\": \"BUY\", \"size_fraction\": 0.8, \"rationale\": \"Momentum and the model agree; scale in.\"}");
        Decision d = decide(new float[] {0.3f, 0.4f, 0.3f}); // the policy alone would hold (no edge)
        assertEquals(Decision.Action.BUY, d.action());
        assertTrue(d.reasons().containsAll(List.of(Decision.Reason.ADVISOR, Decision.Reason.MAX_ORDER)), d.reasons().toString());
        assertEquals(M.quantityFor((long) (CASH * L.maxOrder()), 50_000), d.quantity(), "0.8 of the value asked, 25% allowed per order");
        assertTrue(d.rationale().startsWith("Advisor: Momentum and the model agree"), d.rationale());

        Map<String, Object> req = Json.object(received.get());
        assertEquals("llama3.1", req.get("model"));
        assertEquals(Map.of("type", "json_object"), req.get("response_format"));
        String user = (String) Json.at(((List<?>) req.get("messages")).get(1), "content");
        Map<String, Object> shown = Json.object(user);
        assertEquals(0.4, ((Number) Json.at(shown, "probabilities", "flat")).doubleValue(), 1e-6);
        assertEquals(61.5, ((Number) Json.at(shown, "indicators", "rsi14")).doubleValue());
        assertTrue(((String) Json.at(((List<?>) req.get("messages")).get(0), "content")).contains("\"size_fraction\""));
    }

    @Test
    void aFencedAnswerIsRead_aSellSellsItsShareOfThePosition() {
        answer.set("```json\n{\"action\":\"hold\",\"size_fraction\":0,\"rationale\":\"Wait for confirmation.\"}\n```");
        Decision d = decide(new float[] {0.1f, 0.2f, 0.7f}); // the policy alone would buy
        assertEquals(Decision.Action.HOLD, d.action());
        assertTrue(d.reasons().contains(Decision.Reason.ADVISOR));
    }

    @Test
    void malformedInvalidFailingOrSlowAnswers_leaveThePolicyToDecideAlone() {
        float[] up = {0.1f, 0.2f, 0.7f};
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("I think you should buy!", "not a JSON object");
        cases.put("{\"action\":\"BUY\",\"size_fraction\":3,\"rationale\":\"all in\"}", "invalid: size fraction 3.0");
        cases.put("{\"action\":\"YOLO\",\"size_fraction\":0.5,\"rationale\":\"x\"}", "unknown action 'YOLO'");
        cases.put("{\"action\":\"BUY\",\"rationale\":\"x\"}", "lacks action, size_fraction or rationale");
        for (var c : cases.entrySet()) {
            answer.set(c.getKey());
            Decision d = decide(up);
            assertEquals(Decision.Action.BUY, d.action(), c.getKey());
            assertFalse(d.reasons().contains(Decision.Reason.ADVISOR));
            assertTrue(d.rationale().startsWith("No advice used (") && d.rationale().contains(c.getValue()), d.rationale());
        }
        answer.set("{\"action\":\"SELL\",\"size_fraction\":1,\"rationale\":\"x\"}");
        status.set(500);
        assertTrue(decide(up).rationale().contains("HTTP 500"));
        status.set(200);
        delayMs.set(1500L);
        Decision slow = decide(up);
        assertEquals(Decision.Action.BUY, slow.action());
        assertTrue(slow.rationale().contains("no answer within 500 ms"), slow.rationale());
    }
}
