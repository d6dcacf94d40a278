package io.conflux.api;

import io.conflux.aws.Platform;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/** The platform from the process environment, unless the caller (tests, local runtime) registered one. */
@Factory
class PlatformFactory {
    @Singleton
    @Requires(missingBeans = Platform.class)
    @Bean(preDestroy = "close")
    Platform platform() {
        return Platform.fromSystem();
    }
}
