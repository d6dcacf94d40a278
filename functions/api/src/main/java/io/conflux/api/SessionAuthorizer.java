package io.conflux.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.conflux.aws.Platform;
import io.conflux.identity.AuthenticationException;
import io.conflux.identity.Session;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The HTTP API's sign-in authorizer (API Gateway v2 Lambda authorizer, payload 2.0, simple responses): a request
 * to a signed-in route reaches the API function only with a session token this platform issued and that has not
 * expired. The API function checks the token again (the local runtime has no gateway in front of it, and a
 * second check costs microseconds); what the gateway adds is that a flood of unauthenticated requests never
 * starts an API function, and API Gateway caches each token's answer.
 * <p>The answer's context carries the wallet and its roles to the integration ({@code requestContext.authorizer.lambda}).
 * A refused token is logged with its reason (never the token); the caller gets API Gateway's plain 401/403.
 */
public final class SessionAuthorizer implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final Platform platform;

    public SessionAuthorizer() {
        this(Platform.fromSystem());
        io.conflux.aws.SnapStart.prime("authorizer", this::prime);
    }

    public SessionAuthorizer(Platform platform) {
        this.platform = platform;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        String authorization = header(event, "authorization");
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : null;
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Session s = platform.signIn().authenticate(token);
            out.put("isAuthorized", true);
            Map<String, Object> ctx = new LinkedHashMap<>();
            ctx.put("wallet", s.address());
            ctx.put("roles", String.join(",", new TreeSet<>(s.roles().stream().map(Enum::name).toList())));
            ctx.put("expiresAt", s.expiresAt().toString());
            out.put("context", ctx);
        } catch (AuthenticationException e) {
            System.out.printf("{\"event\":\"unauthorized\",\"reason\":\"%s\",\"route\":\"%s\"}%n", e.reason(), event == null ? null : event.get("routeArn"));
            out.put("isAuthorized", false);
        }
        return out;
    }

    /** Reads only: verifies a token that cannot be valid, which loads the session key (from its secret) and the HMAC. */
    public void prime() {
        try {
            platform.signIn().authenticate("prime.prime");
        } catch (AuthenticationException expected) {
            // refused, as it must be
        }
    }

    /** API Gateway lower-cases header names in payload 2.0; a test or another caller may not. */
    @SuppressWarnings("unchecked")
    private static String header(Map<String, Object> event, String name) {
        if (event == null || !(event.get("headers") instanceof Map<?, ?> headers)) return null;
        for (Map.Entry<String, Object> e : ((Map<String, Object>) headers).entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && e.getValue() != null) return e.getValue().toString();
        }
        return null;
    }
}
