package io.conflux.aws;

import static io.conflux.identity.AuthenticationException.Reason.*;
import static org.junit.jupiter.api.Assertions.*;

import io.conflux.identity.AuthenticationException;
import io.conflux.identity.TraderRegistry;
import io.conflux.resources.ConfluxResources;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedStandIns.class)
class DynamoStoresTest {

    @Test
    void nonce_isConsumedOnce_andRefusedWhenUnknownUsedOrExpired(LocalAws aws) throws Exception {
        var nonces = new DynamoNonceStore(aws.dynamo(), aws.get(ConfluxResources.NONCES.envVar()));
        Instant now = Instant.now(); // relative to the real clock: DynamoDB Local deletes items past their TTL
        String n = "n" + UUID.randomUUID().toString().replace("-", "");
        nonces.put(n, now.plusSeconds(600));
        nonces.consume(n, now);
        assertEquals(NONCE_USED, assertThrows(AuthenticationException.class, () -> nonces.consume(n, now)).reason());
        assertEquals(NONCE_UNKNOWN, assertThrows(AuthenticationException.class, () -> nonces.consume("never" + n, now)).reason());
        String old = "o" + UUID.randomUUID().toString().replace("-", "");
        nonces.put(old, now.plusSeconds(600));
        assertEquals(NONCE_EXPIRED, assertThrows(AuthenticationException.class, () -> nonces.consume(old, now.plusSeconds(601))).reason());
    }

    @Test
    void ledger_listsEveryUploadOfARound_andOnlyThatRound(LocalAws aws) {
        var ledger = new DynamoUpdateLedger(aws.dynamo(), aws.get(ConfluxResources.UPDATES.envVar()), aws.get(ConfluxResources.CLAIMS.envVar()),
                aws.get(ConfluxResources.ROUNDS.envVar()));
        String round = "list-" + UUID.randomUUID().toString().substring(0, 8), other = round + "-other";
        String trader = "0x" + "ef".repeat(20);
        var keys = java.util.List.of(io.conflux.rounds.UploadKey.fresh(round, trader), io.conflux.rounds.UploadKey.fresh(round, trader),
                io.conflux.rounds.UploadKey.fresh(other, trader));
        for (var k : keys) ledger.recordIssued(io.conflux.update.UploadRecord.issued(k.roundId(), k.uploadId(), trader, Instant.now(), 100, k.key()));
        assertEquals(java.util.Set.of(keys.get(0).uploadId(), keys.get(1).uploadId()),
                ledger.listRound(round).stream().map(io.conflux.update.UploadRecord::uploadId).collect(java.util.stream.Collectors.toSet()));
        assertThrows(IllegalStateException.class, () -> ledger.recordIssued(io.conflux.update.UploadRecord.issued(
                round, keys.get(0).uploadId(), trader, Instant.now(), 1, keys.get(0).key())), "an upload id is never reused");
    }

    @Test
    void roundTransition_happensOnce_andOnlyFromTheAllowedStatuses(LocalAws aws) {
        try (Platform p = io.conflux.testing.Fixtures.platform(aws)) {
            var round = p.rounds().open(new io.conflux.rounds.RoundService.OpenRequest(null, null, java.time.Duration.ofMinutes(5), null, null));
            var store = p.roundStore();
            var open = java.util.EnumSet.of(io.conflux.rounds.RoundStatus.OPEN);
            assertTrue(store.transition(round.roundId(), open, io.conflux.rounds.RoundStatus.CLOSED, null));
            assertFalse(store.transition(round.roundId(), open, io.conflux.rounds.RoundStatus.CLOSED, null), "a repeated close changes nothing");
            assertFalse(store.transition(round.roundId(), open, io.conflux.rounds.RoundStatus.NO_QUORUM, "late"), "a closed round cannot miss its quorum");
            assertTrue(store.transition(round.roundId(), java.util.EnumSet.of(io.conflux.rounds.RoundStatus.CLOSED), io.conflux.rounds.RoundStatus.FAILED, "boom"));
            var now = store.find(round.roundId()).orElseThrow();
            assertEquals(io.conflux.rounds.RoundStatus.FAILED, now.status());
            assertEquals("boom", now.statusReason());
            assertEquals(round.policy(), now.policy(), "the policy round-trips");
            assertFalse(store.transition("no-such-round", open, io.conflux.rounds.RoundStatus.CLOSED, null));
        }
    }

    @Test
    void registry_publishesARoundOnce_andNumbersVersionsInOrder(LocalAws aws) {
        try (Platform p = io.conflux.testing.Fixtures.platform(aws)) {
            String template = "lstm-classifier/v1/w8-f3-h2-c3-" + UUID.randomUUID().toString().substring(0, 6);
            var store = p.roundStore();
            var a = p.rounds().open(new io.conflux.rounds.RoundService.OpenRequest(null, null, java.time.Duration.ofMinutes(5), null, null));
            var b = p.rounds().open(new io.conflux.rounds.RoundService.OpenRequest(null, null, java.time.Duration.ofMinutes(5), null, null));
            var open = java.util.EnumSet.of(io.conflux.rounds.RoundStatus.OPEN);
            store.transition(a.roundId(), open, io.conflux.rounds.RoundStatus.CLOSED, null);
            store.transition(b.roundId(), open, io.conflux.rounds.RoundStatus.CLOSED, null);
            var registry = p.models();
            var ma = model(template, a.roundId(), "aa");
            assertEquals(1, registry.publish(ma));
            assertEquals(1, registry.publish(ma), "a re-driven publish returns the version it got, and adds none");
            assertEquals(2, registry.publish(model(template, b.roundId(), "bb")));
            assertEquals(java.util.List.of(2L, 1L), registry.list(template).stream().map(io.conflux.federation.PublishedModel::version).toList());
            assertEquals("bb", registry.latest(template).orElseThrow().parametersHash());
            assertEquals(io.conflux.rounds.RoundStatus.PUBLISHED, store.find(a.roundId()).orElseThrow().status());
            assertEquals(1, store.find(a.roundId()).orElseThrow().modelVersion());
            var c = p.rounds().open(new io.conflux.rounds.RoundService.OpenRequest(null, null, java.time.Duration.ofMinutes(5), null, null));
            assertThrows(IllegalStateException.class, () -> registry.publish(model(template, c.roundId(), "cc")), "an OPEN round cannot publish");
        }
    }

    private static io.conflux.federation.PublishedModel model(String template, String round, String hash) {
        return new io.conflux.federation.PublishedModel(template, 0, round, hash, "onnx" + hash, "onnx/" + hash, null, "parameters/" + hash,
                "receipts/" + round, "fedavg", 3, "{}", Instant.parse("2026-11-22T00:00:00Z"));
    }

    @Test
    void trader_keepsItsFirstRegistrationTime(LocalAws aws) {
        TraderRegistry traders = new DynamoTraderRegistry(aws.dynamo(), aws.get(ConfluxResources.TRADERS.envVar()));
        String address = "0x" + "ab".repeat(20);
        Instant first = Instant.parse("2026-01-01T00:00:00Z"), second = Instant.parse("2026-02-01T00:00:00Z");
        traders.recordSignIn(address, first);
        TraderRegistry.Trader t = traders.recordSignIn(address, second);
        assertEquals(first, t.registeredAt());
        assertEquals(second, t.lastSignInAt());
        assertEquals(t, traders.find(address).orElseThrow());
        assertTrue(traders.find("0x" + "cd".repeat(20)).isEmpty());
    }
}
