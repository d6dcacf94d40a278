package io.conflux.contracts;

import io.conflux.contracts.generated.ConfluxVault;
import io.conflux.contracts.generated.ModelRegistry;
import io.conflux.contracts.generated.TestStablecoin;
import io.conflux.contracts.testing.HookToken;
import io.conflux.contracts.testing.ReentrantClaimer;
import io.conflux.settlement.AllocationTree;
import io.conflux.settlement.EpochSplit;
import io.conflux.settlement.ModelTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.CustomErrorEncoder;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The vault and the registry on a real EVM (a Hardhat node), through the generated web3j wrappers: the happy path
 * end to end, and the attacks audits look for in payout contracts.
 */
@ExtendWith(LocalChain.class)
class VaultContractTest {

    static final BigInteger USD = BigInteger.TEN.pow(6);
    static final String MODEL_1 = "11".repeat(32), MODEL_2 = "22".repeat(32);

    LocalChain.Node node;
    Chain chain;
    Chain.Account admin, feeRecipient, settler, traderA, traderB, investor, attacker;
    SettlementContracts contracts;
    TestStablecoin usd;

    @BeforeEach
    void deploy(LocalChain.Node node) throws Exception {
        this.node = node;
        chain = node.chain();
        admin = node.account(0);
        feeRecipient = node.account(1);
        settler = node.account(2);
        traderA = node.account(3);
        traderB = node.account(4);
        investor = node.account(5);
        attacker = node.account(6);
        String token = SettlementContracts.deployStablecoin(chain, admin);
        contracts = SettlementContracts.deploy(chain, admin, token, feeRecipient.address(), settler.address(), 0);
        usd = contracts.stablecoin(chain, admin);
        registry(settler).register(bytes32Text("r-1"), bytes32(MODEL_1), BigInteger.ONE).send();
        registry(settler).register(bytes32Text("r-2"), bytes32(MODEL_2), BigInteger.TWO).send();
    }

    @Test
    void anEpochIsSettledClaimedAndTheInvestorsShareRaisesTheSharePrice() throws Exception {
        // an investor puts in 1,000 USD
        deposit(investor, usd(1_000));
        BigInteger shares = vault(investor).balanceOf(investor.address()).send();
        assertEquals(usd(1_000), vault(investor).convertToAssets(shares).send());

        // the epoch made 100 USD; model 1 traded 120 h (A 75%, B 25%), model 2 48 h (B only)
        EpochSplit split = EpochSplit.of(100_000_000, 3000, 5000, List.of(
                new ModelTime(MODEL_1, "r-1", 1, 120, Map.of(traderA.address(), 750_000L, traderB.address(), 250_000L)),
                new ModelTime(MODEL_2, "r-2", 2, 48, Map.of(traderB.address(), 1_000_000L))));
        AllocationTree tree = new AllocationTree(0, split.allocations());
        TransactionReceipt r = settle(0, split, tree, List.of(MODEL_1, MODEL_2));

        var event = vault(settler).getEpochSettledEvents(r).getFirst();
        assertEquals(BigInteger.valueOf(100_000_000), event.profit);
        assertEquals(BigInteger.valueOf(30_000_000), event.fee);
        assertEquals(BigInteger.valueOf(split.allocated()), event.allocated);
        assertEquals(BigInteger.valueOf(split.investorsPart()), event.investorsPart);
        assertEquals(tree.root(), Numeric.toHexString(event.allocationsRoot));
        assertEquals(BigInteger.ONE, vault(admin).nextEpoch().send());

        var stored = vault(admin).epochOf(BigInteger.ZERO).send();
        assertEquals(BigInteger.valueOf(split.allocated()), stored.component5());
        assertEquals(BigInteger.valueOf(split.dust()), stored.component7());
        assertEquals(List.of(MODEL_1, MODEL_2), vault(admin).epochModels(BigInteger.ZERO).send().stream()
                .map(b -> HexFormat.of().formatHex((byte[]) b)).toList());

        // the traders pull exactly their allocations; the platform its fee
        claim(traderA, 0, tree);
        claim(traderB, 0, tree);
        assertEquals(BigInteger.valueOf(split.allocations().get(traderA.address())), usd.balanceOf(traderA.address()).send());
        assertEquals(BigInteger.valueOf(split.allocations().get(traderB.address())), usd.balanceOf(traderB.address()).send());
        vault(feeRecipient).withdrawFees().send();
        assertEquals(BigInteger.valueOf(30_000_000), usd.balanceOf(feeRecipient.address()).send());
        assertEquals(BigInteger.ZERO, vault(admin).reserved().send());

        // what is left is the investor's: 1,000 + the investors' part + dust (the vault's virtual share keeps 1 unit at most)
        BigInteger value = vault(investor).convertToAssets(shares).send();
        BigInteger expected = usd(1_000).add(BigInteger.valueOf(split.investorsPart() + split.dust()));
        assertTrue(expected.subtract(value).compareTo(BigInteger.ONE) <= 0 && value.compareTo(expected) <= 0, value + " vs " + expected);
        assertEquals(usd(1_000).add(BigInteger.valueOf(split.investorsPart() + split.dust())), vault(admin).totalAssets().send());
        vault(investor).redeem(shares, investor.address(), investor.address()).send();
        assertEquals(value, usd.balanceOf(investor.address()).send());
    }

    @Test
    void onlyTheSettlerSettlesAndOnlyOnceInOrder() throws Exception {
        EpochSplit split = soloEpoch(10_000_000);
        AllocationTree tree = new AllocationTree(0, split.allocations());
        fund(settler, 20_000_000);
        approve(settler, 20_000_000);
        assertReverts("AccessControlUnauthorizedAccount", () -> vault(traderA).settleEpoch(BigInteger.ZERO, List.of(bytes32(MODEL_1)), new byte[32],
                BigInteger.valueOf(split.profit()), BigInteger.valueOf(split.fee()), BigInteger.valueOf(split.allocated()), bytes32(tree.root())).send());
        assertReverts("EpochOutOfOrder", () -> settleRaw(1, split, tree, List.of(MODEL_1)));
        settleRaw(0, split, tree, List.of(MODEL_1));
        assertReverts("EpochAlreadySettled", () -> settleRaw(0, split, tree, List.of(MODEL_1)));
        assertEquals(BigInteger.valueOf(10_000_000 - 3_000_000 - split.allocated()), vault(admin).totalAssets().send(),
                "the profit came in once: the refused second settlement took nothing");
        assertEquals(BigInteger.valueOf(10_000_000), usd.balanceOf(settler.address()).send());
    }

    @Test
    void aSettlementThatDisagreesWithTheSplitIsRefused() throws Exception {
        EpochSplit split = soloEpoch(10_000_000);
        AllocationTree tree = new AllocationTree(0, split.allocations());
        fund(settler, 10_000_000);
        approve(settler, 10_000_000);
        var v = vault(settler);
        byte[] root = bytes32(tree.root());
        List<byte[]> models = List.of(bytes32(MODEL_1));
        assertReverts("FeeMismatch", () -> v.settleEpoch(BigInteger.ZERO, models, new byte[32], BigInteger.valueOf(10_000_000),
                BigInteger.valueOf(2_999_999), BigInteger.valueOf(split.allocated()), root).send());
        assertReverts("AllocationsExceedPool", () -> v.settleEpoch(BigInteger.ZERO, models, new byte[32], BigInteger.valueOf(10_000_000),
                BigInteger.valueOf(3_000_000), BigInteger.valueOf(5_000_001), root).send());
        assertReverts("ModelNotRegistered", () -> v.settleEpoch(BigInteger.ZERO, List.of(bytes32("33".repeat(32))), new byte[32],
                BigInteger.valueOf(10_000_000), BigInteger.valueOf(3_000_000), BigInteger.valueOf(split.allocated()), root).send());
        assertReverts("MissingAllocationsRoot", () -> v.settleEpoch(BigInteger.ZERO, models, new byte[32], BigInteger.valueOf(10_000_000),
                BigInteger.valueOf(3_000_000), BigInteger.valueOf(split.allocated()), new byte[32]).send());
        assertReverts("NoModels", () -> v.settleEpoch(BigInteger.ZERO, List.of(), new byte[32], BigInteger.valueOf(10_000_000),
                BigInteger.valueOf(3_000_000), BigInteger.valueOf(split.allocated()), root).send());
        // the settler must actually bring the profit
        approve(settler, 0);
        assertReverts("ERC20InsufficientAllowance", () -> settleRaw(0, split, tree, List.of(MODEL_1)));
        // an epoch without profit is recorded with nothing to pay
        var r = v.settleEpoch(BigInteger.ZERO, List.of(), new byte[32], BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, new byte[32]).send();
        assertTrue(r.isStatusOK());
        assertEquals(BigInteger.ONE, vault(admin).nextEpoch().send());
    }

    @Test
    void aClaimIsPaidOnceAndOnlyToItsOwner() throws Exception {
        EpochSplit split = EpochSplit.of(10_000_000, 3000, 5000, List.of(
                new ModelTime(MODEL_1, "r-1", 1, 10, Map.of(traderA.address(), 600_000L, traderB.address(), 400_000L))));
        AllocationTree tree = new AllocationTree(0, split.allocations());
        settle(0, split, tree, List.of(MODEL_1));
        long a = split.allocations().get(traderA.address());

        // B (or anyone) presenting A's allocation and proof: the leaf names the caller, so it does not verify
        assertReverts("InvalidProof", () -> vault(traderB).claim(BigInteger.ZERO, BigInteger.valueOf(a), proof(tree, traderA.address())).send());
        assertReverts("InvalidProof", () -> vault(attacker).claim(BigInteger.ZERO, BigInteger.valueOf(a), proof(tree, traderA.address())).send());
        // a larger amount than allocated does not verify either
        assertReverts("InvalidProof", () -> vault(traderA).claim(BigInteger.ZERO, BigInteger.valueOf(a + 1), proof(tree, traderA.address())).send());
        assertReverts("EpochNotSettled", () -> vault(traderA).claim(BigInteger.ONE, BigInteger.valueOf(a), proof(tree, traderA.address())).send());

        claim(traderA, 0, tree);
        assertReverts("AlreadyClaimed", () -> vault(traderA).claim(BigInteger.ZERO, BigInteger.valueOf(a), proof(tree, traderA.address())).send());
        assertEquals(BigInteger.valueOf(a), usd.balanceOf(traderA.address()).send());
        assertTrue(vault(admin).hasClaimed(BigInteger.ZERO, traderA.address()).send());
        assertFalse(vault(admin).hasClaimed(BigInteger.ZERO, traderB.address()).send());
        assertEquals(BigInteger.ZERO, usd.balanceOf(attacker.address()).send());
        var e = vault(admin).epochOf(BigInteger.ZERO).send();
        assertEquals(BigInteger.valueOf(a), e.component6(), "claimed so far");
    }

    @Test
    void claimsNeverExceedTheRecordedAllocationsEvenUnderAFaultyRoot() throws Exception {
        // a faulty settler records 3 USD allocated under a tree whose leaves promise 2 + 2 USD
        AllocationTree tree = new AllocationTree(0, Map.of(traderA.address(), 2_000_000L, traderB.address(), 2_000_000L));
        fund(settler, 10_000_000);
        approve(settler, 10_000_000);
        vault(settler).settleEpoch(BigInteger.ZERO, List.of(bytes32(MODEL_1)), new byte[32], BigInteger.valueOf(10_000_000), BigInteger.valueOf(3_000_000),
                BigInteger.valueOf(3_000_000), bytes32(tree.root())).send();
        claim(traderA, 0, tree);
        assertReverts("ClaimExceedsAllocation", () -> claim(traderB, 0, tree));
        assertEquals(BigInteger.ZERO, usd.balanceOf(traderB.address()).send());
        assertEquals(BigInteger.valueOf(3_000_000 + 1_000_000), vault(admin).reserved().send(), "fee + the 1 USD still allocated");
    }

    @Test
    void severalEpochsAreClaimedTogether() throws Exception {
        EpochSplit first = EpochSplit.of(8_000_000, 3000, 5000, List.of(new ModelTime(MODEL_1, "r-1", 1, 10, Map.of(traderA.address(), 500_000L, traderB.address(), 500_000L))));
        EpochSplit second = EpochSplit.of(12_000_000, 3000, 5000, List.of(new ModelTime(MODEL_2, "r-2", 2, 10, Map.of(traderA.address(), 500_000L, traderB.address(), 500_000L))));
        AllocationTree t0 = new AllocationTree(0, first.allocations()), t1 = new AllocationTree(1, second.allocations());
        settle(0, first, t0, List.of(MODEL_1));
        settle(1, second, t1, List.of(MODEL_2));
        vault(traderA).multicall(List.of(
                Claims.encode(0, t0.amount(traderA.address()), t0.proof(traderA.address())),
                Claims.encode(1, t1.amount(traderA.address()), t1.proof(traderA.address())))).send();
        assertTrue(vault(admin).hasClaimed(BigInteger.ONE, traderA.address()).send());
        assertEquals(BigInteger.valueOf(2_000_000 + 3_000_000), usd.balanceOf(traderA.address()).send());
        // a batch with a bad claim is refused whole
        assertReverts("AlreadyClaimed", () -> vault(traderB).multicall(List.of(
                Claims.encode(0, t0.amount(traderB.address()), t0.proof(traderB.address())),
                Claims.encode(0, t0.amount(traderB.address()), t0.proof(traderB.address())))).send());
        assertEquals(BigInteger.ZERO, usd.balanceOf(traderB.address()).send());
    }

    @Test
    void reentryThroughAHostileTokenIsRefused() throws Exception {
        // a vault over a token that calls the receiver back on every transfer
        HookToken hook = HookToken.deploy(chain.web3j(), admin.transactions(), chain.gas()).send();
        SettlementContracts hostile = SettlementContracts.deploy(chain, admin, hook.getContractAddress(), feeRecipient.address(), settler.address(), 0);
        hostile.registry(chain, settler).register(bytes32Text("r-1"), bytes32(MODEL_1), BigInteger.ONE).send();
        ReentrantClaimer claimer = ReentrantClaimer.deploy(chain.web3j(), attacker.transactions(), chain.gas(), hostile.vault()).send();
        String claimerAddress = claimer.getContractAddress().toLowerCase();

        EpochSplit split = EpochSplit.of(10_000_000, 3000, 5000, List.of(new ModelTime(MODEL_1, "r-1", 1, 10, Map.of(claimerAddress, 1_000_000L))));
        AllocationTree tree = new AllocationTree(0, split.allocations());
        HookToken hookAsSettler = HookToken.load(hook.getContractAddress(), chain.web3j(), settler.transactions(), chain.gas());
        hookAsSettler.mint(settler.address(), BigInteger.valueOf(10_000_000)).send();
        hookAsSettler.approve(hostile.vault(), BigInteger.valueOf(10_000_000)).send();
        hostile.vault(chain, settler).settleEpoch(BigInteger.ZERO, List.of(bytes32(MODEL_1)), new byte[32], BigInteger.valueOf(10_000_000),
                BigInteger.valueOf(split.fee()), BigInteger.valueOf(split.allocated()), bytes32(tree.root())).send();

        // claim: the token calls the claimer back mid-payment, and the claimer tries to claim again
        claimer.setup(BigInteger.ONE, BigInteger.ZERO, BigInteger.valueOf(split.allocated()), proof(tree, claimerAddress)).send();
        claimer.claim().send();
        assertEquals(BigInteger.ONE, claimer.attempts().send(), "the hook ran and tried to re-enter");
        assertFalse(claimer.reentered().send());
        assertEquals(selector("ReentrancyGuardReentrantCall"), Numeric.toHexString(claimer.lastError().send()).substring(0, 10));
        assertEquals(BigInteger.valueOf(split.allocated()), hook.balanceOf(claimerAddress).send(), "paid exactly once");

        // redeem: re-entering redeem from the payout's callback is refused too
        hook.mint(claimerAddress, BigInteger.valueOf(5_000_000)).send();
        ReentrantClaimer redeemer = ReentrantClaimer.load(claimerAddress, chain.web3j(), attacker.transactions(), chain.gas());
        redeemer.deposit(hook.getContractAddress(), BigInteger.valueOf(5_000_000)).send();
        redeemer.setup(BigInteger.TWO, BigInteger.ZERO, BigInteger.ZERO, List.of()).send();
        var before = hook.balanceOf(claimerAddress).send();
        redeemer.redeemHalf().send();
        assertEquals(BigInteger.ONE, redeemer.attempts().send(), "the hook ran and tried to redeem the rest");
        assertFalse(redeemer.reentered().send());
        assertEquals(selector("ReentrancyGuardReentrantCall"), Numeric.toHexString(redeemer.lastError().send()).substring(0, 10));
        BigInteger gained = hook.balanceOf(claimerAddress).send().subtract(before);
        assertTrue(gained.compareTo(BigInteger.valueOf(2_500_000)) <= 0, "half the shares pay at most half the deposit: " + gained);
    }

    @Test
    void pausingStopsMoneyMovingUntilUnpaused() throws Exception {
        fund(investor, 1_000_000);
        EpochSplit split = soloEpoch(1_000_000);
        AllocationTree tree = new AllocationTree(0, split.allocations());
        settle(0, split, tree, List.of(MODEL_1));
        assertReverts("AccessControlUnauthorizedAccount", () -> vault(attacker).pause().send());
        vault(admin).pause().send();
        approve(investor, 1_000_000);
        assertReverts("ERC4626ExceededMaxDeposit", () -> vault(investor).deposit(BigInteger.valueOf(1_000_000), investor.address()).send());
        assertReverts("EnforcedPause", () -> claim(traderA, 0, tree));
        assertReverts("EnforcedPause", () -> vault(feeRecipient).withdrawFees().send());
        assertReverts("EnforcedPause", () -> settleRaw(1, EpochSplit.of(0, 3000, 5000, List.of()), new AllocationTree(1, Map.of()), List.of()));
        assertEquals(BigInteger.ZERO, vault(admin).maxDeposit(investor.address()).send());
        vault(admin).unpause().send();
        claim(traderA, 0, tree);
        assertEquals(BigInteger.valueOf(split.allocated()), usd.balanceOf(traderA.address()).send());
        vault(investor).deposit(BigInteger.valueOf(1_000_000), investor.address()).send();
    }

    @Test
    void theSplitChangesOnlyThroughTheTimelockAndWithinTheBound() throws Exception {
        assertReverts("FeeAboveBound", () -> vault(admin).proposeConfig(BigInteger.valueOf(5001), BigInteger.valueOf(1000), feeRecipient.address()).send());
        assertReverts("SplitAboveWhole", () -> vault(admin).proposeConfig(BigInteger.valueOf(3000), BigInteger.valueOf(7001), feeRecipient.address()).send());
        assertReverts("AccessControlUnauthorizedAccount", () -> vault(settler).proposeConfig(BigInteger.valueOf(1000), BigInteger.valueOf(1000), settler.address()).send());
        assertReverts("NoPendingConfig", () -> vault(admin).activateConfig().send());

        vault(admin).proposeConfig(BigInteger.valueOf(2000), BigInteger.valueOf(6000), feeRecipient.address()).send();
        assertReverts("TimelockNotElapsed", () -> vault(admin).activateConfig().send());
        HardhatNode.advanceTime(chain, Duration.ofDays(2).minusMinutes(1));
        assertReverts("TimelockNotElapsed", () -> vault(admin).activateConfig().send());
        assertEquals(BigInteger.valueOf(3000), vault(admin).feeBps().send());
        HardhatNode.advanceTime(chain, Duration.ofMinutes(2));
        assertReverts("AccessControlUnauthorizedAccount", () -> vault(attacker).activateConfig().send());
        vault(admin).activateConfig().send();
        assertEquals(BigInteger.valueOf(2000), vault(admin).feeBps().send());
        assertEquals(BigInteger.valueOf(6000), vault(admin).contributorBps().send());

        // a settlement at the old fee is now refused; the new one is accepted
        EpochSplit old = EpochSplit.of(1_000_000, 3000, 5000, List.of());
        assertReverts("FeeMismatch", () -> settleRaw(0, old, new AllocationTree(0, Map.of()), List.of()));
        settle(0, EpochSplit.of(1_000_000, 2000, 6000, List.of()), new AllocationTree(0, Map.of()), List.of());

        // a proposal can be withdrawn before it takes effect
        vault(admin).proposeConfig(BigInteger.valueOf(5000), BigInteger.valueOf(5000), attacker.address()).send();
        vault(admin).cancelConfig().send();
        HardhatNode.advanceTime(chain, Duration.ofDays(3));
        assertReverts("NoPendingConfig", () -> vault(admin).activateConfig().send());
        assertEquals(feeRecipient.address(), vault(admin).feeRecipient().send().toLowerCase());
    }

    @Test
    void theDonationAttackCostsTheAttackerMoreThanItTakes() throws Exception {
        // the attacker is first: deposits 1 unit, then donates 10,000 USD to inflate the share price
        fund(attacker, 10_000_000_001L);
        deposit(attacker, BigInteger.ONE);
        usd(attacker).transfer(contracts.vault(), usd(10_000)).send();
        // the victim deposits 1,000 USD
        deposit(investor, usd(1_000));
        BigInteger victimShares = vault(investor).balanceOf(investor.address()).send();
        assertTrue(victimShares.signum() > 0, "the victim gets shares, not zero");
        BigInteger victimValue = vault(investor).convertToAssets(victimShares).send();
        // without the offset the victim would get 0 shares and lose everything; with it the loss is below 0.01%
        assertTrue(victimValue.compareTo(usd(1_000).multiply(BigInteger.valueOf(9_999)).divide(BigInteger.valueOf(10_000))) >= 0,
                "the victim keeps their deposit: " + victimValue);
        // the attacker, redeeming everything, gets back far less than they put in
        BigInteger attackerShares = vault(attacker).balanceOf(attacker.address()).send();
        vault(attacker).redeem(attackerShares, attacker.address(), attacker.address()).send();
        BigInteger back = usd.balanceOf(attacker.address()).send();
        assertTrue(back.compareTo(usd(10_000)) < 0, "the attack loses money: back " + back);
    }

    /** Why a Merkle root: settling costs the same for 10,000 traders as for 2, and a claim stays cheap (gas is deterministic). */
    @Test
    void settlementGasDoesNotGrowWithTradersAndAClaimAmongTenThousandIsCheap() throws Exception {
        Map<String, Long> many = new java.util.TreeMap<>();
        for (int i = 0; i < 9_999; i++) many.put(String.format("0x%040x", 0x1000 + i), 1_000L);
        many.put(traderA.address(), 1_000L);
        EpochSplit big = EpochSplit.of(100_000_000, 3000, 5000, List.of(new ModelTime(MODEL_1, "r-1", 1, 10, Map.of())));
        AllocationTree bigTree = new AllocationTree(1, many);
        AllocationTree twoTree = new AllocationTree(2, Map.of(traderA.address(), 5_000_000L, traderB.address(), 5_000_000L));
        fund(settler, 400_000_000); // more than the three epochs take: no balance or allowance drops to zero (a refund)
        approve(settler, 400_000_000);
        var v = vault(settler);
        // epoch 0 warms the vault's storage (its first settlement writes slots that were zero), then epochs 1 and 2 compare
        v.settleEpoch(BigInteger.ZERO, List.of(bytes32(MODEL_1)), bytes32("ab".repeat(32)), BigInteger.valueOf(big.profit()),
                BigInteger.valueOf(big.fee()), BigInteger.valueOf(10_000_000L), bytes32(twoTree.root())).send();
        long settleMany = v.settleEpoch(BigInteger.ONE, List.of(bytes32(MODEL_1)), bytes32("ab".repeat(32)), BigInteger.valueOf(big.profit()),
                BigInteger.valueOf(big.fee()), BigInteger.valueOf(10_000_000L), bytes32(bigTree.root())).send().getGasUsed().longValueExact();
        long settleTwo = v.settleEpoch(BigInteger.TWO, List.of(bytes32(MODEL_1)), bytes32("ab".repeat(32)), BigInteger.valueOf(big.profit()),
                BigInteger.valueOf(big.fee()), BigInteger.valueOf(10_000_000L), bytes32(twoTree.root())).send().getGasUsed().longValueExact();
        // a root is a root: the calldata differs by a few non-zero bytes at most, never by the number of traders
        assertTrue(Math.abs(settleMany - settleTwo) < 500, settleMany + " vs " + settleTwo);
        assertTrue(settleMany < 300_000, "settling 10,000 traders: " + settleMany + " gas");
        assertEquals(14, bigTree.proof(traderA.address()).size());
        long claimGas = vault(traderA).claim(BigInteger.ONE, BigInteger.valueOf(1_000), proof(bigTree, traderA.address())).send().getGasUsed().longValueExact();
        assertTrue(claimGas < 120_000, "one claim among 10,000: " + claimGas + " gas");
        System.out.printf("gas: settle (10,000 traders) %d, settle (2 traders) %d, claim with a 14-hash proof %d%n", settleMany, settleTwo, claimGas);
    }

    @Test
    void theRegistryRecordsEachRoundOnce() throws Exception {
        var r = registry(settler);
        assertReverts("RoundAlreadyRegistered", () -> r.register(bytes32Text("r-1"), bytes32("44".repeat(32)), BigInteger.TEN).send());
        assertReverts("ModelAlreadyRegistered", () -> r.register(bytes32Text("r-9"), bytes32(MODEL_1), BigInteger.TEN).send());
        assertReverts("AccessControlUnauthorizedAccount", () -> registry(attacker).register(bytes32Text("r-3"), bytes32("55".repeat(32)), BigInteger.ONE).send());
        var entry = r.modelOf(bytes32Text("r-2")).send();
        assertEquals(MODEL_2, HexFormat.of().formatHex(entry.component1()));
        assertEquals(BigInteger.TWO, entry.component2());
        assertArrayEquals(bytes32Text("r-1"), r.roundOf(bytes32(MODEL_1)).send());
        assertArrayEquals(new byte[32], r.roundOf(bytes32("66".repeat(32))).send());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    interface Call {
        void run() throws Exception;
    }

    static void assertReverts(String error, Call call) {
        Exception e = assertThrows(Exception.class, call::run, "expected the chain to refuse with " + error);
        assertEquals(java.util.Optional.of(error), ChainErrors.name(e), () -> {
            StringBuilder why = new StringBuilder("refused for another reason:");
            for (Throwable t = e; t != null; t = t.getCause()) why.append("\n  ").append(t);
            return why.toString();
        });
    }

    /** An epoch of {@code profit} whose one model rewarded trader A alone, at the default split. */
    EpochSplit soloEpoch(long profit) {
        return EpochSplit.of(profit, 3000, 5000, List.of(new ModelTime(MODEL_1, "r-1", 1, 10, Map.of(traderA.address(), 1_000_000L))));
    }

    ConfluxVault vault(Chain.Account as) {
        return contracts.vault(chain, as);
    }

    ModelRegistry registry(Chain.Account as) {
        return contracts.registry(chain, as);
    }

    TestStablecoin usd(Chain.Account as) {
        return contracts.stablecoin(chain, as);
    }

    static BigInteger usd(long whole) {
        return BigInteger.valueOf(whole).multiply(USD);
    }

    void fund(Chain.Account who, long units) throws Exception {
        usd.mint(who.address(), BigInteger.valueOf(units)).send();
    }

    void approve(Chain.Account who, long units) throws Exception {
        usd(who).approve(contracts.vault(), BigInteger.valueOf(units)).send();
    }

    void deposit(Chain.Account who, BigInteger assets) throws Exception {
        if (usd.balanceOf(who.address()).send().compareTo(assets) < 0) usd.mint(who.address(), assets).send();
        usd(who).approve(contracts.vault(), assets).send();
        vault(who).deposit(assets, who.address()).send();
    }

    TransactionReceipt settle(long epoch, EpochSplit split, AllocationTree tree, List<String> models) throws Exception {
        fund(settler, split.profit());
        approve(settler, split.profit());
        return settleRaw(epoch, split, tree, models);
    }

    TransactionReceipt settleRaw(long epoch, EpochSplit split, AllocationTree tree, List<String> models) throws Exception {
        return vault(settler).settleEpoch(BigInteger.valueOf(epoch), models.stream().map(VaultContractTest::bytes32).toList(),
                bytes32("ab".repeat(32)), BigInteger.valueOf(split.profit()), BigInteger.valueOf(split.fee()),
                BigInteger.valueOf(split.allocated()), bytes32(tree.root())).send();
    }

    void claim(Chain.Account trader, long epoch, AllocationTree tree) throws Exception {
        vault(trader).claim(BigInteger.valueOf(epoch), BigInteger.valueOf(tree.amount(trader.address())), proof(tree, trader.address())).send();
    }

    static List<byte[]> proof(AllocationTree tree, String trader) {
        return tree.proof(trader).stream().map(VaultContractTest::bytes32).toList();
    }

    static byte[] bytes32(String hex) {
        return Numeric.hexStringToByteArray(hex);
    }

    static byte[] bytes32Text(String text) {
        return Arrays.copyOf(text.getBytes(StandardCharsets.UTF_8), 32);
    }

    static String selector(String error) {
        return CustomErrorEncoder.encode(new org.web3j.abi.datatypes.CustomError(error, List.of())).substring(0, 10);
    }
}
