package io.conflux.api;

import io.conflux.aws.Platform;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The platform from the process environment, unless the caller (tests, local runtime) registered one. */
@Factory
class PlatformFactory {
    private static volatile CompletableFuture<Platform> early;

    /** Begins building the platform beside the Micronaut context (Lambda's cold start has two cores to use). */
    static synchronized void startBuilding() {
        if (early == null) {
            early = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    Platform p = Platform.fromSystem();
                    p.prime();
                    early.complete(p);
                } catch (Throwable e) {
                    early.completeExceptionally(e);
                }
            }, "conflux-platform-init");
            t.setDaemon(true);
            t.start();
        }
    }

    @Singleton
    @Requires(missingBeans = Platform.class)
    @Bean(preDestroy = "close")
    Platform platform() {
        CompletableFuture<Platform> f = early;
        if (f == null) return Platform.fromSystem();
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
