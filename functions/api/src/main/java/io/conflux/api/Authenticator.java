package io.conflux.api;

import io.conflux.aws.Platform;
import io.conflux.identity.AuthenticationException;
import io.conflux.identity.Session;
import jakarta.inject.Singleton;

/** Turns an {@code Authorization: Bearer <token>} header into a session, or a 401 with the reason. */
@Singleton
final class Authenticator {
    private final Platform platform;

    Authenticator(Platform platform) {
        this.platform = platform;
    }

    Session require(String authorization) throws AuthenticationException {
        String token = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) token = authorization.substring(7).trim();
        return platform.signIn().authenticate(token);
    }
}
