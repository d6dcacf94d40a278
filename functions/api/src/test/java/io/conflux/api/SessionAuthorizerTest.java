package io.conflux.api;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.aws.Platform;
import io.conflux.identity.AuthenticationException;
import io.conflux.identity.SessionTokens;
import io.conflux.identity.SignInService;
import io.conflux.identity.Wallet;
import io.conflux.rounds.RoundService;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.testing.Fixtures;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway's sign-in authorizer on the stand-ins, and the API functions' SnapStart priming. */
@ExtendWith(SharedStandIns.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionAuthorizerTest {
    private LocalAws aws;
    private Platform platform;
    private SessionAuthorizer authorizer;

    @BeforeAll
    void setUp(LocalAws aws) {
        this.aws = aws;
        platform = Fixtures.platform(aws);
        authorizer = new SessionAuthorizer(platform);
    }

    private SessionTokens.Issued signIn(Wallet w) throws AuthenticationException {
        SignInService.SignedLogin login = platform.signIn().challenge().signWith(w);
        return platform.signIn().signIn(login.message(), login.signature());
    }

    /** An authorizer event as API Gateway sends it (payload 2.0; header names lower-cased). */
    private static Map<String, Object> event(String authorization) {
        Map<String, Object> headers = new HashMap<>();
        if (authorization != null) headers.put("authorization", authorization);
        return Map.of("version", "2.0", "type", "REQUEST", "routeArn", "arn:aws:execute-api:eu-west-1:123456789012:abc/$default/GET/me",
                "routeKey", "$default", "headers", headers);
    }

    @Test
    void aSessionTokenIsAuthorized_withTheWalletAndRolesInTheContext() throws Exception {
        Wallet trader = Wallet.create();
        Map<String, Object> out = authorizer.handleRequest(event("Bearer " + signIn(trader).token()), null);
        assertEquals(true, out.get("isAuthorized"));
        @SuppressWarnings("unchecked") Map<String, Object> ctx = (Map<String, Object>) out.get("context");
        assertEquals(trader.address(), ctx.get("wallet"));
        assertEquals("TRADER", ctx.get("roles"));

        Map<String, Object> op = authorizer.handleRequest(event("bearer " + signIn(Fixtures.OPERATOR).token()), null);
        assertEquals(true, op.get("isAuthorized"), "the scheme is case-insensitive");
        assertEquals("OPERATOR,TRADER", ((Map<?, ?>) op.get("context")).get("roles"));
    }

    @Test
    void theAuthorizerNeedsNeitherTheUpdatesBucketNorTheRoundKeys_asTheStackDeploysIt() throws Exception {
        Map<String, String> env = new HashMap<>(Fixtures.env(aws).asMap());
        env.remove(io.conflux.resources.ConfluxResources.UPDATES_BUCKET.envVar());
        env.remove(io.conflux.aws.Settings.ROUND_KEY_PROTECTION);
        SessionAuthorizer bare = new SessionAuthorizer(new Platform(new io.conflux.aws.Env(env), java.time.Clock.systemUTC()));
        assertEquals(true, bare.handleRequest(event("Bearer " + signIn(Wallet.create()).token()), null).get("isAuthorized"));
    }

    @Test
    void noTokenAForgedOneOrAnExpiredOne_isRefused() throws Exception {
        String token = signIn(Wallet.create()).token();
        assertEquals(Map.of("isAuthorized", false), authorizer.handleRequest(event(null), null));
        assertEquals(Map.of("isAuthorized", false), authorizer.handleRequest(event(token), null), "not a Bearer header");
        assertEquals(Map.of("isAuthorized", false), authorizer.handleRequest(event("Bearer " + token.substring(0, token.length() - 2) + "xx"), null));
        SessionTokens otherKey = new SessionTokens("another-platforms-key-of-32-bytes!!".getBytes(), "conflux", Duration.ofMinutes(5),
                java.time.Clock.systemUTC());
        String foreign = otherKey.issue(Wallet.create().address(), java.util.Set.of(io.conflux.identity.Session.Role.OPERATOR)).token();
        assertEquals(Map.of("isAuthorized", false), authorizer.handleRequest(event("Bearer " + foreign), null), "signed with another key");
        SessionTokens past = new SessionTokens(java.util.Base64.getDecoder().decode(platform.env().require(io.conflux.aws.Settings.TOKEN_SECRET)),
                "conflux", Duration.ofMinutes(5), java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(-1)));
        String expired = past.issue(Wallet.create().address(), java.util.Set.of(io.conflux.identity.Session.Role.TRADER)).token();
        assertEquals(Map.of("isAuthorized", false), authorizer.handleRequest(event("Bearer " + expired), null));
    }

    @Test
    void theApiAndAuthorizerPriming_onlyReads() {
        platform.rounds().open(new RoundService.OpenRequest(null, null, Duration.ofHours(1), null, null));
        var before = Fixtures.state(aws);
        assertFalse(before.get("table rounds").isEmpty(), "there is something priming could have changed");
        ApiHandler api = ApiHandler.over(Fixtures.platform(aws)); // its own: closing the handler may close the platform
        try {
            api.prime();
        } finally {
            api.close();
        }
        authorizer.prime();
        assertEquals(before, Fixtures.state(aws));
    }
}
