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
        var ledger = new DynamoUpdateLedger(aws.dynamo(), aws.get(ConfluxResources.UPDATES.envVar()), aws.get(ConfluxResources.CLAIMS.envVar()));
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
