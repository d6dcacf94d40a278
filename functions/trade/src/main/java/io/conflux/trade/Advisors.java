package io.conflux.trade;

import io.conflux.agent.Advisor;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * The advisor the environment asks for; none unless configured (the agent never needs one).
 * <pre>
 *   CONFLUX_ADVISOR             none (default) | openai | bedrock
 *   CONFLUX_ADVISOR_URL         openai: the API base, e.g. http://localhost:11434/v1 (Ollama), https://api.openai.com/v1
 *   CONFLUX_ADVISOR_MODEL       the model name (openai) or model id (bedrock)
 *   CONFLUX_ADVISOR_API_KEY     openai: the bearer key, if the endpoint wants one
 *   CONFLUX_ADVISOR_TIMEOUT_MS  how long a tick waits for advice (default 3000)
 * </pre>
 */
public final class Advisors {
    public static final String PROVIDER = "CONFLUX_ADVISOR";

    private Advisors() {}

    /** @return null when no advisor is configured */
    public static Advisor fromEnv(Map<String, String> env) {
        String provider = env.getOrDefault(PROVIDER, "none").strip().toLowerCase(java.util.Locale.ROOT);
        Duration timeout = Duration.ofMillis(Long.parseLong(env.getOrDefault("CONFLUX_ADVISOR_TIMEOUT_MS", "3000")));
        return switch (provider) {
            case "", "none" -> null;
            case "openai" -> new ChatCompletionsAdvisor(URI.create(require(env, "CONFLUX_ADVISOR_URL")), require(env, "CONFLUX_ADVISOR_MODEL"),
                    env.get("CONFLUX_ADVISOR_API_KEY"), timeout);
            case "bedrock" -> new BedrockAdvisor(BedrockRuntimeClient.builder()
                    .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                    .overrideConfiguration(c -> c.apiCallTimeout(timeout)).build(), require(env, "CONFLUX_ADVISOR_MODEL"));
            default -> throw new IllegalStateException(PROVIDER + " is none, openai or bedrock, not '" + provider + "'");
        };
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) throw new IllegalStateException(name + " is required by " + PROVIDER + "=" + env.get(PROVIDER));
        return v;
    }
}
