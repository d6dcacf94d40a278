package io.conflux.trade;

import io.conflux.agent.Advisor;
import io.conflux.platform.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An advisor behind any OpenAI-compatible chat-completions endpoint ({@code POST {base}/chat/completions}):
 * Secret AI, Ollama, vLLM, OpenAI. Temperature 0, JSON-object answers; the whole call is bounded by the timeout.
 */
public final class ChatCompletionsAdvisor implements Advisor {
    private final URI base;
    private final String model;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http;

    /** @param base e.g. {@code http://localhost:11434/v1} (Ollama) or {@code https://api.openai.com/v1}; @param apiKey may be null */
    public ChatCompletionsAdvisor(URI base, String model, String apiKey, Duration timeout) {
        this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
        this.model = model;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    @Override
    public Result advise(Request request) {
        String body = Json.write(Map.of(
                "model", model,
                "temperature", 0,
                "response_format", Map.of("type", "json_object"),
                "messages", List.of(Map.of("role", "system", "content", AdviceParser.SYSTEM_PROMPT),
                        Map.of("role", "user", "content", AdviceParser.requestJson(request)))));
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("chat/completions")).timeout(timeout)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null && !apiKey.isBlank()) b.header("authorization", "Bearer " + apiKey);
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return Result.failed("no answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return Result.failed("the advisor could not be reached: " + e.getClass().getSimpleName() + " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed("interrupted");
        }
        if (r.statusCode() != 200) return Result.failed("HTTP " + r.statusCode() + " " + AdviceParser.abbreviate(r.body()));
        try {
            Object content = Json.at(Json.parse(r.body()), "choices");
            if (!(content instanceof List<?> choices) || choices.isEmpty()) return Result.failed("no choices in the answer");
            Object text = Json.at(choices.get(0), "message", "content");
            return AdviceParser.parse(text instanceof String s ? s : null);
        } catch (IOException | RuntimeException e) {
            return Result.failed("the answer is not a chat completion: " + AdviceParser.abbreviate(r.body()));
        }
    }
}
