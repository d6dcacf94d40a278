package io.conflux.api;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.conflux.aws.Platform;
import io.conflux.identity.Signatures;
import io.conflux.identity.SignInService;
import io.conflux.identity.Wallet;
import io.conflux.ingest.IngestHandler;
import io.conflux.model.ModelTemplate;
import io.conflux.resources.ConfluxResources;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.standins.SqsEventSource;
import io.conflux.testing.Fixtures;
import io.conflux.update.ModelUpdate;
import io.conflux.update.TestUpdates;
import io.conflux.update.UpdateEnvelope;
import io.conflux.update.UploadUrlSigner.PresignedPut;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The first slice through the API, as the Lambda handler and as the local HTTP server: sign in, open a
 * round, get an upload URL, upload, ingest, read the verdict; and the ways a caller is refused.
 */
@ExtendWith(SharedStandIns.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSliceTest {
    private Platform platform;
    private SqsEventSource ingest;
    private Api lambda;
    private Api http;

    @BeforeAll
    void setUp(LocalAws aws) {
        platform = Fixtures.platform(aws);
        ingest = new SqsEventSource(aws.sqs(), aws.get(ConfluxResources.INGEST_QUEUE.envVar()), new IngestHandler(platform), 10);
        lambda = Api.lambda(platform);
        http = Api.http(platform);
    }

    @AfterAll
    void tearDown() {
        lambda.shutdown();
        http.shutdown();
    }

    Stream<Api> transports() {
        return Stream.of(lambda, http);
    }

    /** What a wallet app does: ask for a nonce, compose the EIP-4361 message from the challenge, sign it. */
    static String[] signedMessage(Api api, Wallet w) {
        JsonNode c = api.post("/auth/nonce", null, null).json();
        SignInService.SignedLogin login = new SignInService.Challenge(c.get("nonce").asText(), Instant.parse(c.get("issuedAt").asText()),
                Instant.parse(c.get("expiresAt").asText()), c.get("domain").asText(), c.get("uri").asText(), c.get("chainId").asLong()).signWith(w);
        assertEquals(SignInService.STATEMENT, c.get("statement").asText());
        return new String[] {login.message(), login.signature()};
    }

    static String login(Api api, Wallet w) {
        String[] m = signedMessage(api, w);
        Api.Response r = api.post("/auth/login", null, Map.of("message", m[0], "signature", m[1]));
        assertEquals(200, r.status(), r.body());
        return r.json().get("token").asText();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void theWholeSlice_signInOpenRoundUploadIngestRead(Api api) {
        Wallet trader = Wallet.create();
        String token = login(api, trader);
        Api.Response me = api.get("/me", token);
        assertEquals(200, me.status(), me.body());
        assertEquals(trader.address(), me.json().get("address").asText());
        assertEquals("[\"TRADER\"]", me.json().get("roles").toString());

        String operator = login(api, Fixtures.OPERATOR);
        Api.Response opened = api.post("/rounds", operator, Map.of("durationSeconds", 600, "normBound", 5.0));
        assertEquals(201, opened.status(), opened.body());
        String roundId = opened.json().get("roundId").asText();
        assertTrue(opened.json().get("acceptingUpdates").asBoolean());

        JsonNode round = api.get("/rounds/" + roundId, token).json();
        assertEquals(ModelTemplate.standard().id(), round.get("templateId").asText());
        assertTrue(api.get("/rounds", token).body().contains(roundId));
        byte[] roundKey = Base64.getDecoder().decode(round.get("publicKey").asText());

        ModelUpdate update = TestUpdates.gaussian(ModelTemplate.parse(round.get("templateId").asText()), roundId, trader.address(), 42, 1.5);
        byte[] sealed = UpdateEnvelope.seal(update, trader, roundKey);
        Api.Response ticket = api.post("/rounds/" + roundId + "/uploads", token, Map.of("contentLength", sealed.length));
        assertEquals(201, ticket.status(), ticket.body());
        JsonNode t = ticket.json();
        Map<String, String> headers = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = t.get("headers").fields(); it.hasNext(); ) {
            var e = it.next();
            headers.put(e.getKey(), e.getValue().asText());
        }
        assertEquals(200, Fixtures.put(new PresignedPut(java.net.URI.create(t.get("url").asText()), headers, Instant.parse(t.get("expiresAt").asText())), sealed).statusCode());

        String statusPath = "/rounds/" + roundId + "/uploads/" + t.get("uploadId").asText();
        JsonNode status = awaitDecided(api, statusPath, token);
        assertEquals("ACCEPTED", status.get("status").asText(), status.toString());
        assertEquals(update.sampleCount(), status.get("sampleCount").asLong());
        assertEquals(1.5, status.get("norm").asDouble(), 1e-4);

        // another trader may not read it; an operator may
        String other = login(api, Wallet.create());
        Api.Response forbidden = api.get(statusPath, other);
        assertEquals(403, forbidden.status());
        assertEquals("NOT_YOUR_UPLOAD", forbidden.json().get("error").asText());
        assertEquals(200, api.get(statusPath, operator).status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void signIn_refusesReplayedForeignWrongDomainAndBadlySignedMessages(Api api) {
        Wallet w = Wallet.create();
        String[] m = signedMessage(api, w);
        assertEquals(200, api.post("/auth/login", null, Map.of("message", m[0], "signature", m[1])).status());
        assertRefused(api, "NONCE_USED", m[0], m[1]);

        String foreign = m[0].replaceAll("Nonce: \\w+", "Nonce: neverIssued1234");
        assertRefused(api, "NONCE_UNKNOWN", foreign, sign(w, foreign));
        String[] fresh = signedMessage(api, w);
        String otherDomain = fresh[0].replace(Fixtures.DOMAIN + " wants", "evil.test wants");
        assertRefused(api, "WRONG_DOMAIN", otherDomain, sign(w, otherDomain));
        String otherChain = fresh[0].replace("Chain ID: " + Fixtures.CHAIN_ID, "Chain ID: 1");
        assertRefused(api, "WRONG_CHAIN", otherChain, sign(w, otherChain));
        assertRefused(api, "BAD_SIGNATURE", fresh[0], sign(Wallet.create(), fresh[0]));
        assertRefused(api, "MALFORMED_MESSAGE", "hello", sign(w, "hello"));
        // the nonce survived those refusals (each failed before consuming it), and still works once
        assertEquals(200, api.post("/auth/login", null, Map.of("message", fresh[0], "signature", fresh[1])).status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void everyEndpointButSignIn_needsAValidToken(Api api) {
        for (String[] call : List.of(new String[] {"GET", "/rounds"}, new String[] {"GET", "/rounds/x"}, new String[] {"GET", "/me"},
                new String[] {"POST", "/rounds"}, new String[] {"POST", "/rounds/x/uploads"}, new String[] {"GET", "/rounds/x/uploads/y"})) {
            Api.Response none = api.call(call[0], call[1], null, call[0].equals("POST") ? Map.of() : null);
            assertEquals(401, none.status(), call[1] + ": " + none.body());
            assertEquals("TOKEN_MISSING", none.json().get("error").asText());
            Api.Response bad = api.call(call[0], call[1], "eyJhbGciOiJIUzI1NiJ9.e30.AAAA", call[0].equals("POST") ? Map.of() : null);
            assertEquals(401, bad.status(), call[1]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void roundsAndUploads_refuseWhatTheCallerMayNotDo(Api api) {
        String trader = login(api, Wallet.create());
        Api.Response notOperator = api.post("/rounds", trader, Map.of("durationSeconds", 60));
        assertEquals(403, notOperator.status());
        assertEquals("OPERATOR_ONLY", notOperator.json().get("error").asText());

        String operator = login(api, Fixtures.OPERATOR);
        assertEquals(400, api.post("/rounds", operator, Map.of("durationSeconds", 60, "templateId", "gru/v9")).status());
        assertEquals(404, api.get("/rounds/no-such-round", trader).status());
        assertEquals(404, api.post("/rounds/no-such-round/uploads", trader, Map.of("contentLength", 10)).status());

        String roundId = api.post("/rounds", operator, Map.of("durationSeconds", 60, "maxUpdateBytes", 50_000)).json().get("roundId").asText();
        Api.Response tooLarge = api.post("/rounds/" + roundId + "/uploads", trader, Map.of("contentLength", 50_001));
        assertEquals(400, tooLarge.status());
        assertEquals("TOO_LARGE", tooLarge.json().get("error").asText());
        assertEquals(400, api.post("/rounds/" + roundId + "/uploads", trader, Map.of("contentLength", 0)).status());
        assertEquals(409, api.post("/rounds", operator, Map.of("durationSeconds", 60, "roundId", roundId)).status());
    }

    private static String sign(Wallet w, String text) {
        return Signatures.toHex(w.signPersonal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertRefused(Api api, String reason, String message, String signature) {
        Api.Response r = api.post("/auth/login", null, Map.of("message", message, "signature", signature));
        assertEquals(401, r.status(), r.body());
        assertEquals(reason, r.json().get("error").asText(), r.body());
    }

    private JsonNode awaitDecided(Api api, String path, String token) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode s = api.get(path, token).json();
            if (!"ISSUED".equals(s.get("status").asText())) return s;
            ingest.pollOnce(1);
        }
        throw new AssertionError("not decided: " + path);
    }
}
