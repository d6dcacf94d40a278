package io.conflux.standins;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension: starts the emulators once per test run (the first class that asks starts them, the
 * run's end stops them), provisions them from the resource spec, and injects {@link LocalAws}.
 * Tests isolate themselves by their own ids (rounds, wallets), not by fresh emulators.
 *
 * <p>{@code -Dconflux.aws.target=localstack} (the {@code localstack} Maven profile) runs the same tests
 * against LocalStack in Docker instead.
 */
public final class SharedStandIns implements ParameterResolver {
    public static final String STAGE = "test";
    private static final String KEY = "conflux.local-aws";

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == LocalAws.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return get(c);
    }

    public static LocalAws get(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(KEY, k -> new LocalAws(startTarget(), STAGE), LocalAws.class);
    }

    private static AwsTarget startTarget() {
        return "localstack".equals(System.getProperty("conflux.aws.target")) ? LocalStackTarget.start() : StandIns.startInMemory();
    }
}
