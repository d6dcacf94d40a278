package io.conflux.agent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The agent's tamper-evident log: every decision and trade is an entry whose hash covers the previous
 * entry's hash, so editing, removing or reordering any entry breaks every hash after it. For a period, the
 * entries' hashes are folded into a Merkle root (32 bytes: what settlement puts on-chain); an inclusion
 * proof shows that one entry is under a published root without revealing the others.
 *
 * <p>Hash of an entry: SHA-256 over the previous hash (32 bytes; zeros for the first entry), the sequence
 * number (8 bytes, big-endian), the time (epoch milliseconds, 8 bytes), then the kind and the payload, each
 * as a 4-byte length and its UTF-8 bytes. Merkle nodes are SHA-256(0x01 || left || right) over leaves
 * SHA-256(0x00 || entry hash) (RFC 6962's domain separation; an odd node is carried up unchanged).
 */
public final class AuditLog {
    public static final String GENESIS = "00".repeat(32);
    private static final HexFormat HEX = HexFormat.of();

    /** One logged event. {@code payload} is the event as canonical JSON, written once and never re-serialized. */
    public record Entry(long sequence, Instant at, String kind, String payload, String previousHash, String hash) {}

    /** Where a log stops being intact, and why; {@code firstBad} is -1 for an intact log. */
    public record Verification(boolean intact, int firstBad, String reason) {}

    private AuditLog() {}

    /** The entry after {@code previous} (null for the first entry of the log). */
    public static Entry next(Entry previous, Instant at, String kind, String payload) {
        return previous == null ? append(0, GENESIS, at, kind, payload) : append(previous.sequence() + 1, previous.hash(), at, kind, payload);
    }

    /** The entry with {@code sequence} after the entry whose hash is {@code previousHash} (what a stored log's head gives). */
    public static Entry append(long sequence, String previousHash, Instant at, String kind, String payload) {
        return new Entry(sequence, at, kind, payload, previousHash, hash(previousHash, sequence, at, kind, payload));
    }

    static String hash(String previousHash, long sequence, Instant at, String kind, String payload) {
        byte[] k = kind.getBytes(StandardCharsets.UTF_8), p = payload.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(32 + 8 + 8 + 4 + k.length + 4 + p.length);
        b.put(HEX.parseHex(previousHash)).putLong(sequence).putLong(at.toEpochMilli()).putInt(k.length).put(k).putInt(p.length).put(p);
        return HEX.formatHex(sha256(b.array()));
    }

    /**
     * Checks a run of entries: consecutive sequence numbers, each linked to the one before (the first to
     * {@code anchor}: {@link #GENESIS} for a whole log, or the hash of the entry before the run), each hash recomputed.
     */
    public static Verification verify(List<Entry> entries, String anchor) {
        String prev = anchor;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (i > 0 && e.sequence() != entries.get(i - 1).sequence() + 1) {
                return new Verification(false, i, "sequence " + e.sequence() + " follows " + entries.get(i - 1).sequence() + " (an entry is missing or moved)");
            }
            if (!e.previousHash().equals(prev)) return new Verification(false, i, "entry " + e.sequence() + " does not link to the entry before it");
            if (!e.hash().equals(hash(e.previousHash(), e.sequence(), e.at(), e.kind(), e.payload()))) {
                return new Verification(false, i, "entry " + e.sequence() + " was changed after it was logged (its hash does not match)");
            }
            prev = e.hash();
        }
        return new Verification(true, -1, "intact");
    }

    /** The Merkle root of the entries' hashes (hex, 32 bytes); the root of no entries is SHA-256 of nothing. */
    public static String root(List<Entry> entries) {
        List<byte[]> level = leaves(entries);
        if (level.isEmpty()) return HEX.formatHex(sha256(new byte[0]));
        while (level.size() > 1) level = up(level);
        return HEX.formatHex(level.get(0));
    }

    /** One step of an inclusion proof: a sibling hash and whether it sits on the left. */
    public record Step(String sibling, boolean left) {}

    /** The path from entry {@code index} to the root. */
    public static List<Step> proof(List<Entry> entries, int index) {
        List<byte[]> level = leaves(entries);
        if (index < 0 || index >= level.size()) throw new IndexOutOfBoundsException("no entry " + index + " of " + level.size());
        List<Step> path = new ArrayList<>();
        int i = index;
        while (level.size() > 1) {
            int sibling = i ^ 1;
            if (sibling < level.size()) path.add(new Step(HEX.formatHex(level.get(sibling)), sibling < i));
            level = up(level);
            i /= 2;
        }
        return path;
    }

    /** Whether {@code entry} is under {@code root} by {@code proof}. */
    public static boolean included(Entry entry, List<Step> proof, String root) {
        byte[] node = leaf(entry);
        for (Step s : proof) node = s.left() ? node(HEX.parseHex(s.sibling()), node) : node(node, HEX.parseHex(s.sibling()));
        return HEX.formatHex(node).equals(root);
    }

    private static List<byte[]> leaves(List<Entry> entries) {
        List<byte[]> out = new ArrayList<>(entries.size());
        for (Entry e : entries) out.add(leaf(e));
        return out;
    }

    private static byte[] leaf(Entry e) {
        byte[] h = HEX.parseHex(e.hash());
        byte[] in = new byte[33];
        System.arraycopy(h, 0, in, 1, 32);
        return sha256(in);
    }

    private static List<byte[]> up(List<byte[]> level) {
        List<byte[]> next = new ArrayList<>((level.size() + 1) / 2);
        for (int i = 0; i < level.size(); i += 2) next.add(i + 1 < level.size() ? node(level.get(i), level.get(i + 1)) : level.get(i));
        return next;
    }

    private static byte[] node(byte[] left, byte[] right) {
        byte[] in = new byte[65];
        in[0] = 1;
        System.arraycopy(left, 0, in, 1, 32);
        System.arraycopy(right, 0, in, 33, 32);
        return sha256(in);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
