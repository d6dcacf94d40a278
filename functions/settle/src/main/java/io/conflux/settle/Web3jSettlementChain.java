package io.conflux.settle;

import io.conflux.contracts.Chain;
import io.conflux.contracts.ChainErrors;
import io.conflux.contracts.SettlementContracts;
import io.conflux.contracts.generated.ConfluxVault;
import io.conflux.contracts.generated.ModelRegistry;
import io.conflux.contracts.generated.TestStablecoin;
import io.conflux.settlement.ModelTime;
import io.conflux.settlement.Settlement;
import io.conflux.settlement.SettlementChain;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The vault and the registry through the generated web3j wrappers, as the settler account. Every transaction's gas
 * is estimated first, so one the contracts would refuse fails before it is sent, named by its contract error.
 */
public final class Web3jSettlementChain implements SettlementChain {

    private final Chain chain;
    private final Chain.Account settler;
    private final SettlementContracts contracts;
    private final long deployBlock;

    /** @param deployBlock the block the vault was deployed in (where reading its events starts) */
    public Web3jSettlementChain(Chain chain, Chain.Account settler, SettlementContracts contracts, long deployBlock) {
        this.chain = chain;
        this.settler = settler;
        this.contracts = contracts;
        this.deployBlock = deployBlock;
    }

    @Override
    public long firstBlock() {
        return deployBlock;
    }

    private ConfluxVault vault() {
        return contracts.vault(chain, settler);
    }

    @Override
    public OnChainEpoch epoch(long epoch) {
        var e = call("read epoch " + epoch, () -> vault().epochOf(BigInteger.valueOf(epoch)).send());
        boolean settled = e.component8().signum() > 0;
        return new OnChainEpoch(settled, Numeric.toHexString(e.component1()), e.component3().longValueExact(), e.component4().longValueExact(),
                e.component5().longValueExact());
    }

    @Override
    public long nextEpoch() {
        return call("read the next epoch", () -> vault().nextEpoch().send()).longValueExact();
    }

    @Override
    public int[] split() {
        return new int[] {call("read the fee", () -> vault().feeBps().send()).intValueExact(),
                call("read the contributors' share", () -> vault().contributorBps().send()).intValueExact()};
    }

    @Override
    public int tokenDecimals() {
        return call("read the token's decimals", () -> token().decimals().send()).intValueExact();
    }

    @Override
    public void ensureRegistered(ModelTime model) {
        ModelRegistry r = contracts.registry(chain, settler);
        byte[] hash = Numeric.hexStringToByteArray(model.modelHash());
        byte[] round = call("look up model " + model.modelHash(), () -> r.roundOf(hash).send());
        if (!Arrays.equals(round, new byte[32])) return;
        call("register " + model.roundId() + "'s model", () -> r.register(roundId(model.roundId()), hash, BigInteger.valueOf(model.version())).send());
    }

    /** A round id as bytes32: its UTF-8 text, right-padded (round ids are short ASCII). */
    static byte[] roundId(String id) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        if (b.length > 32) throw new IllegalArgumentException("a round id longer than 32 bytes cannot be registered: " + id);
        return Arrays.copyOf(b, 32);
    }

    @Override
    public String settle(Settlement s) {
        BigInteger profit = BigInteger.valueOf(s.profit());
        TestStablecoin token = token();
        if (profit.signum() > 0) {
            BigInteger allowance = call("read the allowance", () -> token.allowance(settler.address(), contracts.vault()).send());
            if (allowance.compareTo(profit) < 0) call("approve the profit", () -> token.approve(contracts.vault(), profit).send());
        }
        List<byte[]> models = s.models().stream().filter(m -> m.ticks() > 0).map(m -> Numeric.hexStringToByteArray(m.modelHash())).toList();
        return call("settle epoch " + s.epoch(), () -> vault().settleEpoch(BigInteger.valueOf(s.epoch()), models, Numeric.hexStringToByteArray(s.auditRoot()),
                profit, BigInteger.valueOf(s.fee()), BigInteger.valueOf(s.allocated()), Numeric.hexStringToByteArray(s.allocationsRoot())).send())
                .getTransactionHash();
    }

    @Override
    public List<ClaimEvent> claims(long fromBlock, long toBlock) {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)), DefaultBlockParameter.valueOf(BigInteger.valueOf(toBlock)),
                contracts.vault());
        filter.addSingleTopic(EventEncoder.encode(ConfluxVault.CLAIMED_EVENT));
        EthLog logs = call("read Claimed events", () -> chain.web3j().ethGetLogs(filter).send());
        if (logs.hasError()) throw new IllegalStateException("reading the vault's Claimed events failed: " + logs.getError().getMessage());
        List<ClaimEvent> out = new ArrayList<>();
        for (EthLog.LogResult<?> r : logs.getLogs()) {
            Log l = (Log) r.get();
            var e = ConfluxVault.getClaimedEventFromLog(l);
            out.add(new ClaimEvent(e.epoch.longValueExact(), e.trader.toLowerCase(Locale.ROOT), e.amount.longValueExact(), l.getTransactionHash(),
                    l.getBlockNumber().longValueExact()));
        }
        return out;
    }

    @Override
    public long head() {
        return call("read the newest block", () -> chain.web3j().ethBlockNumber().send()).getBlockNumber().longValueExact();
    }

    private TestStablecoin token() {
        // the ERC-20 calls (decimals, allowance, approve) have the same ABI on any token
        return contracts.stablecoin(chain, settler);
    }

    interface ChainCall<T> {
        T run() throws Exception;
    }

    /** Runs a chain call; a failure says what was being done and, when the contract refused, with which error. */
    static <T> T call(String what, ChainCall<T> c) {
        try {
            return c.run();
        } catch (Exception e) {
            String error = ChainErrors.name(e).map(n -> " (the contract refused: " + n + ")").orElse("");
            throw new ChainFailure("cannot " + what + error + ": " + e.getMessage(), ChainErrors.name(e).orElse(null), e);
        }
    }

    /** A failed chain call; {@link #contractError()} names the contract's refusal, if it was one. */
    public static final class ChainFailure extends RuntimeException {
        private final String contractError;

        ChainFailure(String message, String contractError, Throwable cause) {
            super(message, cause);
            this.contractError = contractError;
        }

        public String contractError() {
            return contractError;
        }
    }
}
