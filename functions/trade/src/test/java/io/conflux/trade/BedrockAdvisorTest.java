package io.conflux.trade;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import io.conflux.agent.Advisor;
import io.conflux.agent.Decision;
import io.conflux.agent.Market;
import io.conflux.agent.RiskLimits;
import io.conflux.platform.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * The Bedrock advisor through the real AWS SDK client against a loopback server answering the Converse REST
 * protocol. No local stand-in for Bedrock exists: this checks the request we build and the answer we read,
 * not Bedrock itself.
 */
class BedrockAdvisorTest {

    @Test
    void theConverseRequestCarriesPromptAndNumbers_andTheAnswerIsRead_orItsFailureReported() throws Exception {
        AtomicReference<String> path = new AtomicReference<>(), body = new AtomicReference<>();
        AtomicReference<Integer> status = new AtomicReference<>(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            path.set(ex.getRequestURI().getRawPath());
            body.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String text = "{\"action\":\"SELL\",\"size_fraction\":0.5,\"rationale\":\"Downside risk dominates.\"}";
            byte[] out = (status.get() == 200 ? Json.write(Map.of("output", Map.of("message", Map.of("role", "assistant", "content", List.of(Map.of("text", text)))),
                    "stopReason", "end_turn", "usage", Map.of("inputTokens", 10, "outputTokens", 20, "totalTokens", 30), "metrics", Map.of("latencyMs", 5)))
                    : "{\"message\":\"Model is throttled\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "application/json");
            if (status.get() != 200) ex.getResponseHeaders().add("x-amzn-ErrorType", "ThrottlingException");
            ex.sendResponseHeaders(status.get(), out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
        try (BedrockRuntimeClient client = BedrockRuntimeClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(5)).retryStrategy(r -> r.maxAttempts(1))).build()) {
            BedrockAdvisor advisor = new BedrockAdvisor(client, "anthropic.claude-3-haiku-20240307-v1:0");
            Advisor.Request req = new Advisor.Request(Market.btcUsdt(), Instant.parse("2021-05-01T12:00:00Z"), new float[] {0.5f, 0.3f, 0.2f},
                    Map.of("rsi14", 30.0), 50_000, 10_000_000_000L, 0.4, RiskLimits.defaults(Market.btcUsdt()));
            Advisor.Result r = advisor.advise(req);
            assertEquals(new Advisor.Advice(Decision.Action.SELL, 0.5, "Downside risk dominates."), r.advice().orElseThrow());
            assertTrue(path.get().startsWith("/model/anthropic.claude-3-haiku-20240307-v1") && path.get().endsWith("/converse"), path.get());
            Map<String, Object> sent = Json.object(body.get());
            assertTrue(((String) Json.at(((List<?>) sent.get("system")).get(0), "text")).contains("size_fraction"));
            String user = (String) Json.at(((List<?>) Json.at(((List<?>) sent.get("messages")).get(0), "content")).get(0), "text");
            assertEquals(0.5, ((Number) Json.at(Json.object(user), "probabilities", "down")).doubleValue(), 1e-6);
            assertEquals(0.0, ((Number) Json.at(sent, "inferenceConfig", "temperature")).doubleValue());

            status.set(429);
            Advisor.Result throttled = advisor.advise(req);
            assertTrue(throttled.advice().isEmpty());
            assertTrue(throttled.failure().orElseThrow().reason().contains("Bedrock refused or failed"), throttled.failure().toString());
        } finally {
            server.stop(0);
        }
        assertNull(Advisors.fromEnv(Map.of()));
        assertInstanceOf(ChatCompletionsAdvisor.class, Advisors.fromEnv(Map.of("CONFLUX_ADVISOR", "openai", "CONFLUX_ADVISOR_URL", "http://127.0.0.1:1/v1",
                "CONFLUX_ADVISOR_MODEL", "m")));
        assertThrows(IllegalStateException.class, () -> Advisors.fromEnv(Map.of("CONFLUX_ADVISOR", "openai")));
        assertThrows(IllegalStateException.class, () -> Advisors.fromEnv(Map.of("CONFLUX_ADVISOR", "gpt")));
    }
}
