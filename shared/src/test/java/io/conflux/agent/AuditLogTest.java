package io.conflux.agent;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Any edit, removal or reordering is found; the period root commits to every entry; inclusion proofs check out. */
class AuditLogTest {

    private static List<AuditLog.Entry> log(int n) {
        List<AuditLog.Entry> out = new ArrayList<>();
        AuditLog.Entry prev = null;
        for (int i = 0; i < n; i++) {
            prev = AuditLog.next(prev, Instant.parse("2021-05-01T00:00:00Z").plusSeconds(3600L * i), i % 3 == 0 ? "TRADE" : "DECISION",
                    "{\"i\":" + i + ",\"action\":\"HOLD\"}");
            out.add(prev);
        }
        return out;
    }

    @Test
    void theFirstHashIsSha256OfTheDocumentedLayout() throws Exception {
        AuditLog.Entry e = log(1).get(0);
        byte[] k = "TRADE".getBytes(StandardCharsets.UTF_8), p = e.payload().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(32 + 16 + 8 + k.length + p.length).put(new byte[32]).putLong(0).putLong(e.at().toEpochMilli())
                .putInt(k.length).put(k).putInt(p.length).put(p);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array())), e.hash());
        assertEquals(AuditLog.GENESIS, e.previousHash());
    }

    @Test
    void anIntactLogVerifies_andEveryKindOfTamperingIsFoundWhereItHappened() {
        List<AuditLog.Entry> good = log(10);
        assertTrue(AuditLog.verify(good, AuditLog.GENESIS).intact());
        assertTrue(AuditLog.verify(good.subList(4, 10), good.get(3).hash()).intact(), "a run verifies from the hash before it");

        List<AuditLog.Entry> edited = new ArrayList<>(good);
        AuditLog.Entry e = edited.get(6);
        edited.set(6, new AuditLog.Entry(e.sequence(), e.at(), e.kind(), e.payload().replace("HOLD", "BUY"), e.previousHash(), e.hash()));
        AuditLog.Verification v = AuditLog.verify(edited, AuditLog.GENESIS);
        assertEquals(6, v.firstBad());
        assertTrue(v.reason().contains("changed after it was logged"));

        // re-hashing the edited entry does not help: the next one no longer links to it
        edited.set(6, new AuditLog.Entry(e.sequence(), e.at(), e.kind(), e.payload().replace("HOLD", "BUY"), e.previousHash(),
                AuditLog.hash(e.previousHash(), e.sequence(), e.at(), e.kind(), e.payload().replace("HOLD", "BUY"))));
        assertEquals(7, AuditLog.verify(edited, AuditLog.GENESIS).firstBad());

        List<AuditLog.Entry> removed = new ArrayList<>(good);
        removed.remove(3);
        assertEquals(3, AuditLog.verify(removed, AuditLog.GENESIS).firstBad());
        List<AuditLog.Entry> swapped = new ArrayList<>(good);
        swapped.set(2, good.get(3));
        swapped.set(3, good.get(2));
        assertEquals(2, AuditLog.verify(swapped, AuditLog.GENESIS).firstBad());
    }

    @Test
    void thePeriodRootCommitsToEveryEntry_andProofsShowOneEntryUnderIt() {
        for (int n : new int[] {1, 2, 5, 8, 13}) {
            List<AuditLog.Entry> entries = log(n);
            String root = AuditLog.root(entries);
            assertEquals(64, root.length());
            for (int i = 0; i < n; i++) {
                List<AuditLog.Step> proof = AuditLog.proof(entries, i);
                assertTrue(AuditLog.included(entries.get(i), proof, root), "entry " + i + " of " + n);
                AuditLog.Entry other = AuditLog.next(entries.get(n - 1), Instant.EPOCH, "TRADE", "{}");
                assertFalse(AuditLog.included(other, proof, root));
            }
            if (n > 1) {
                List<AuditLog.Entry> changed = new ArrayList<>(entries);
                AuditLog.Entry last = changed.get(n - 1);
                changed.set(n - 1, AuditLog.next(n > 1 ? changed.get(n - 2) : null, last.at(), last.kind(), last.payload() + " "));
                assertNotEquals(root, AuditLog.root(changed));
            }
        }
        assertEquals(AuditLog.root(log(3)), AuditLog.root(log(3)));
    }
}
