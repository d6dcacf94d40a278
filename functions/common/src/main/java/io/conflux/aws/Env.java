package io.conflux.aws;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A function's configuration: environment variables in Lambda, the provisioned map on the local
 * runtime and in tests. Names are those of {@link io.conflux.resources.ConfluxResources} and
 * {@link Settings}.
 */
public final class Env {
    private final Map<String, String> vars;

    public Env(Map<String, String> vars) {
        this.vars = Map.copyOf(vars);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public Env with(Map<String, String> overrides) {
        Map<String, String> m = new HashMap<>(vars);
        m.putAll(overrides);
        return new Env(m);
    }

    public String require(String name) {
        String v = vars.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (the CDK stack and the local runtime set it)");
        }
        return v;
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(vars.get(name)).filter(v -> !v.isBlank());
    }

    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    public Map<String, String> asMap() {
        return vars;
    }
}
