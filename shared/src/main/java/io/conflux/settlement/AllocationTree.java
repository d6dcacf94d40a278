package io.conflux.settlement;

import org.web3j.crypto.Hash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Merkle tree over an epoch's allocations that the vault's {@code claim} checks: leaves are OpenZeppelin's
 * standard double-hashed {@code keccak256(keccak256(abi.encode(uint64 epoch, address trader, uint256 amount)))},
 * pairs are hashed in sorted order (OpenZeppelin's {@code MerkleProof}), and a node without a sibling moves up
 * unchanged.
 */
public final class AllocationTree {

    private static final HexFormat HEX = HexFormat.of();

    private final long epoch;
    private final Map<String, Long> amounts;
    private final Map<String, Integer> index = new TreeMap<>();
    private final List<List<byte[]>> levels = new ArrayList<>();

    public AllocationTree(long epoch, Map<String, Long> amounts) {
        this.epoch = epoch;
        this.amounts = Map.copyOf(amounts);
        List<byte[]> leaves = new ArrayList<>();
        List<String> traders = new ArrayList<>(new TreeMap<>(amounts).keySet());
        for (String t : traders) {
            long amount = amounts.get(t);
            if (amount <= 0) throw new IllegalArgumentException("an allocation is positive: " + t + " " + amount);
            leaves.add(leaf(epoch, t, amount));
        }
        // leaves in hash order, so the tree does not depend on how the map was built
        Integer[] order = new Integer[leaves.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(leaves.get(a), leaves.get(b)));
        List<byte[]> level = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            level.add(leaves.get(order[i]));
            index.put(traders.get(order[i]), i);
        }
        levels.add(level);
        while (level.size() > 1) {
            List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i < level.size(); i += 2) up.add(i + 1 < level.size() ? pair(level.get(i), level.get(i + 1)) : level.get(i));
            levels.add(up);
            level = up;
        }
    }

    /** The root (32 bytes, hex with 0x); all zeros when nothing is allocated. */
    public String root() {
        List<byte[]> top = levels.get(levels.size() - 1);
        return "0x" + (top.isEmpty() ? "00".repeat(32) : HEX.formatHex(top.get(0)));
    }

    /** The sibling hashes from the trader's leaf to the root (hex with 0x). */
    public List<String> proof(String trader) {
        Integer i = index.get(trader);
        if (i == null) throw new IllegalArgumentException("no allocation for " + trader + " in epoch " + epoch);
        List<String> path = new ArrayList<>();
        int at = i;
        for (int l = 0; l < levels.size() - 1; l++) {
            int sibling = at ^ 1;
            if (sibling < levels.get(l).size()) path.add("0x" + HEX.formatHex(levels.get(l).get(sibling)));
            at /= 2;
        }
        return path;
    }

    /** Every allocation, by trader. */
    public Map<String, Long> amounts() {
        return new TreeMap<>(amounts);
    }

    public long amount(String trader) {
        Long a = amounts.get(trader);
        if (a == null) throw new IllegalArgumentException("no allocation for " + trader + " in epoch " + epoch);
        return a;
    }

    /** Whether the proof leads from (epoch, trader, amount) to the root, as the vault checks it. */
    public static boolean verify(long epoch, String trader, long amount, List<String> proof, String root) {
        byte[] node = leaf(epoch, trader, amount);
        for (String s : proof) node = pair(node, bytes32(s));
        return Arrays.equals(node, bytes32(root));
    }

    static byte[] leaf(long epoch, String trader, long amount) {
        byte[] encoded = new byte[96];
        word(encoded, 0, java.math.BigInteger.valueOf(epoch).toByteArray());
        byte[] address = HEX.parseHex(trader.substring(2));
        if (address.length != 20) throw new IllegalArgumentException("not an address: " + trader);
        System.arraycopy(address, 0, encoded, 64 - 20, 20);
        word(encoded, 64, java.math.BigInteger.valueOf(amount).toByteArray());
        return Hash.sha3(Hash.sha3(encoded));
    }

    private static void word(byte[] into, int offset, byte[] bigEndian) {
        int n = bigEndian.length;
        int skip = n > 32 ? n - 32 : 0; // a sign byte
        System.arraycopy(bigEndian, skip, into, offset + 32 - (n - skip), n - skip);
    }

    private static byte[] pair(byte[] a, byte[] b) {
        byte[] joined = new byte[64];
        boolean aFirst = Arrays.compareUnsigned(a, b) <= 0;
        System.arraycopy(aFirst ? a : b, 0, joined, 0, 32);
        System.arraycopy(aFirst ? b : a, 0, joined, 32, 32);
        return Hash.sha3(joined);
    }

    private static byte[] bytes32(String hex) {
        byte[] b = HEX.parseHex(hex.startsWith("0x") ? hex.substring(2) : hex);
        if (b.length != 32) throw new IllegalArgumentException("not 32 bytes: " + hex);
        return b;
    }
}
