package io.conflux.settlement;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AllocationTreeTest {

    static final String A = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    static final String B = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
    static final String C = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";

    @Test
    void aLeafIsTheDoubleHashOfTheAbiEncoding() {
        // abi.encode(uint64 7, address A, uint256 1000000), written out word by word
        String encoded = "%064x".formatted(7) + "000000000000000000000000" + A.substring(2) + "%064x".formatted(1_000_000);
        byte[] expected = Hash.sha3(Hash.sha3(HexFormat.of().parseHex(encoded)));
        assertArrayEquals(expected, AllocationTree.leaf(7, A, 1_000_000));
    }

    @Test
    void aSingleAllocationIsItsOwnRoot() {
        AllocationTree tree = new AllocationTree(3, Map.of(A, 5L));
        assertEquals("0x" + HexFormat.of().formatHex(AllocationTree.leaf(3, A, 5)), tree.root());
        assertEquals(List.of(), tree.proof(A));
    }

    @Test
    void threeLeavesBySortedPairs() {
        AllocationTree tree = new AllocationTree(1, Map.of(A, 10L, B, 20L, C, 30L));
        byte[][] leaves = {AllocationTree.leaf(1, A, 10), AllocationTree.leaf(1, B, 20), AllocationTree.leaf(1, C, 30)};
        java.util.Arrays.sort(leaves, java.util.Arrays::compareUnsigned);
        byte[] left = sortedPair(leaves[0], leaves[1]);
        byte[] root = sortedPair(left, leaves[2]);
        assertEquals("0x" + HexFormat.of().formatHex(root), tree.root());
        for (String t : List.of(A, B, C)) assertTrue(AllocationTree.verify(1, t, tree.amount(t), tree.proof(t), tree.root()));
        assertFalse(AllocationTree.verify(1, A, 20, tree.proof(B), tree.root()), "A cannot claim with B's proof and amount");
    }

    @Test
    void theRootDoesNotDependOnInsertionOrder() {
        Map<String, Long> one = new LinkedHashMap<>();
        one.put(A, 1L); one.put(B, 2L); one.put(C, 3L);
        Map<String, Long> other = new LinkedHashMap<>();
        other.put(C, 3L); other.put(A, 1L); other.put(B, 2L);
        assertEquals(new AllocationTree(9, one).root(), new AllocationTree(9, other).root());
        assertEquals("0x" + "00".repeat(32), new AllocationTree(9, Map.of()).root());
    }

    private static byte[] sortedPair(byte[] a, byte[] b) {
        byte[] x = java.util.Arrays.compareUnsigned(a, b) <= 0 ? a : b, y = x == a ? b : a;
        byte[] j = new byte[64];
        System.arraycopy(x, 0, j, 0, 32);
        System.arraycopy(y, 0, j, 32, 32);
        return Hash.sha3(j);
    }
}
