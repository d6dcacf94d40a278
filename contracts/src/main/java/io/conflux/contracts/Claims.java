package io.conflux.contracts;

import io.conflux.contracts.generated.ConfluxVault;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.utils.Numeric;

import java.math.BigInteger;
import java.util.List;

/**
 * A trader's claim as call data, for {@code multicall}: several epochs claimed in one transaction. (The vault had a
 * {@code claimMany(uint64[], uint256[], bytes32[][])}; called through web3j 4.14's wrapper it reverted without a
 * reason even with valid proofs, so batching goes through OpenZeppelin's Multicall instead.)
 */
public final class Claims {

    private Claims() {}

    public static byte[] encode(long epoch, long amount, List<String> proof) {
        Function f = new Function(ConfluxVault.FUNC_CLAIM, List.of(new Uint64(BigInteger.valueOf(epoch)), new Uint256(BigInteger.valueOf(amount)),
                new DynamicArray<>(Bytes32.class, proof.stream().map(p -> new Bytes32(Numeric.hexStringToByteArray(p))).toList())), List.of());
        return Numeric.hexStringToByteArray(FunctionEncoder.encode(f));
    }
}
