package io.conflux.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.conflux.aws.Env;
import io.conflux.aws.Platform;
import io.conflux.identity.Wallet;
import io.conflux.settlement.AllocationTree;
import io.conflux.settlement.ModelTime;
import io.conflux.settlement.Settlement;
import io.conflux.settlement.SettlementStore;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The settlement endpoints over both transports, reading settlements and allocations written by the real store. */
@ExtendWith(SharedStandIns.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SettlementApiTest {
    static final String VAULT = "0x" + "5e".repeat(20);
    private final Wallet alice = Wallet.create(), bob = Wallet.create();
    private Api lambda, http, unconfigured;
    private AllocationTree tree0, tree1;

    @BeforeAll
    void setUp(LocalAws aws) {
        Map<String, String> env = new HashMap<>(Fixtures.env(aws).asMap());
        env.put(SettlementsController.VAULT, VAULT);
        Platform platform = new Platform(new Env(env), Clock.systemUTC());
        lambda = Api.lambda(platform);
        http = Api.http(platform);
        unconfigured = Api.lambda(Fixtures.platform(aws));

        SettlementStore store = platform.settlements(VAULT);
        String a = alice.address(), b = bob.address();
        tree0 = new AllocationTree(0, Map.of(a, 3_000_000L, b, 2_000_000L));
        tree1 = new AllocationTree(1, Map.of(a, 700_000L));
        ModelTime m = new ModelTime("ab".repeat(32), "r-1", 1, 168, Map.of());
        store.create(settlement(0, 10_000_000, 3_000_000, 5_000_000, tree0, m));
        store.putAllocations(0, tree0);
        store.markSettled(0, "0xtx0", Instant.parse("2025-01-08T00:10:00Z"));
        store.create(settlement(1, 1_400_000, 420_000, 700_000, tree1, m));
        store.putAllocations(1, tree1);
        store.markClaimed(0, a, "0xclaim");
    }

    static Settlement settlement(long epoch, long profit, long fee, long pool, AllocationTree t, ModelTime m) {
        Instant from = Instant.parse("2025-01-01T00:00:00Z").plusSeconds(epoch * 7 * 86400);
        return new Settlement(epoch, from, from.plusSeconds(7 * 86400), Settlement.Status.PENDING, 1_000_000_000 + profit, 1_000_000_000, 1_000_000_000 + profit,
                profit, 3000, 5000, fee, pool, profit - fee - pool, pool, 0, t.amounts().size(), t.root(), "0x" + "cd".repeat(32), List.of(m), null, null,
                from.plusSeconds(7 * 86400 + 60), null);
    }

    @AfterAll
    void tearDown() {
        lambda.shutdown();
        http.shutdown();
        unconfigured.shutdown();
    }

    Stream<Api> transports() {
        return Stream.of(lambda, http);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void anyoneReadsTheEpochs(Api api) {
        Api.Response r = api.get("/epochs", null);
        assertEquals(200, r.status(), r.body());
        JsonNode epochs = r.json().get("epochs");
        assertEquals(VAULT, r.json().get("vault").asText());
        assertEquals(2, epochs.size());
        assertEquals(1, epochs.get(0).get("epoch").asLong(), "newest first");
        assertEquals("PENDING", epochs.get(0).get("status").asText());
        JsonNode e0 = api.get("/epochs/0", null).json();
        assertEquals("SETTLED", e0.get("status").asText());
        assertEquals(10_000_000, e0.get("profit").asLong());
        assertEquals(e0.get("profit").asLong(), e0.get("fee").asLong() + e0.get("contributors").asLong() + e0.get("investors").asLong());
        assertEquals(tree0.root(), e0.get("allocationsRoot").asText());
        assertEquals("0xtx0", e0.get("txHash").asText());
        assertEquals(168, e0.get("models").get(0).get("ticks").asLong());

        assertEquals("EPOCH_NOT_SETTLED", api.get("/epochs/7", null).json().get("error").asText());
        Api.Response bad = api.get("/epochs/last", null);
        assertEquals(400, bad.status());
        assertEquals("INVALID_EPOCH", bad.json().get("error").asText());
        assertEquals("INVALID_LIMIT", api.get("/epochs?limit=0", null).json().get("error").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aTraderReadsTheirOwnAllocationsWithProofs(Api api) {
        assertEquals(401, api.get("/me/payouts", null).status());
        JsonNode p = api.get("/me/payouts", ApiSliceTest.login(api, alice)).json();
        assertEquals(alice.address(), p.get("trader").asText());
        assertEquals(700_000, p.get("claimable").asLong());
        assertEquals(3_000_000, p.get("claimed").asLong());
        JsonNode rows = p.get("allocations");
        assertEquals(2, rows.size());
        assertEquals(1, rows.get(0).get("epoch").asLong());
        assertFalse(rows.get(0).get("claimed").asBoolean());
        assertEquals("0xclaim", rows.get(1).get("claimTx").asText());
        List<String> proof = Api.JSON.convertValue(rows.get(1).get("proof"), List.class);
        assertTrue(AllocationTree.verify(0, alice.address(), 3_000_000, proof, tree0.root()), "the proof the wallet claims with verifies");

        JsonNode b = api.get("/me/payouts", ApiSliceTest.login(api, bob)).json();
        assertEquals(2_000_000, b.get("claimable").asLong(), "bob sees only his own");
        assertEquals(1, b.get("allocations").size());
    }

    @org.junit.jupiter.api.Test
    void withoutAVaultTheEndpointsSaySo() {
        Api.Response r = unconfigured.get("/epochs", null);
        assertEquals(503, r.status(), r.body());
        assertEquals("SETTLEMENT_NOT_CONFIGURED", r.json().get("error").asText());
    }
}
