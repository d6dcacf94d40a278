package io.conflux.settle;

import io.conflux.agent.AgentState;
import io.conflux.agent.AgentStore;
import io.conflux.agent.AuditLog;
import io.conflux.agent.Market;
import io.conflux.agent.Portfolio;
import io.conflux.aws.Platform;
import io.conflux.contracts.Chain;
import io.conflux.contracts.LocalChain;
import io.conflux.contracts.SettlementContracts;
import io.conflux.contracts.generated.ConfluxVault;
import io.conflux.federation.ContributionScore;
import io.conflux.federation.PublishedModel;
import io.conflux.model.ModelTemplate;
import io.conflux.platform.Json;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundService;
import io.conflux.rounds.RoundStatus;
import io.conflux.settlement.AgentLedger;
import io.conflux.settlement.Allocation;
import io.conflux.settlement.AllocationTree;
import io.conflux.settlement.EpochCalendar;
import io.conflux.settlement.Settlement;
import io.conflux.settlement.SettlementService;
import io.conflux.settlement.SettlementStore;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.utils.Numeric;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Settlement end to end on real stand-ins: the agent's ledger and the scores on DynamoDB Local, the vault and the
 * registry on a Hardhat node, through the generated wrappers. Values are worked out by hand from the ticks.
 */
@ExtendWith({SharedStandIns.class, LocalChain.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SettlementTest {

    static final Instant GENESIS = Instant.parse("2025-03-03T00:00:00Z");
    static final EpochCalendar SIX_HOURS = new EpochCalendar(GENESIS, Duration.ofHours(6));
    static final AtomicInteger MARKETS = new AtomicInteger();

    Platform platform;
    LocalAws aws;
    LocalChain.Node node;
    Chain chain;
    Chain.Account admin, feeRecipient, settler, traderA, traderB;
    PublishedModel model;
    String modelHash;

    // per test
    SettlementContracts contracts;
    String market;
    Map<String, AgentState> states = new LinkedHashMap<>();

    @BeforeAll
    void setUp(LocalAws aws, LocalChain.Node node) throws Exception {
        platform = Fixtures.platform(aws);
        this.aws = aws;
        this.node = node;
        chain = node.chain();
        admin = node.account(10);
        feeRecipient = node.account(11);
        settler = node.account(12);
        traderA = node.account(13);
        traderB = node.account(14);
        // a published model whose round scored two traders: A 600,000 ppm, B 400,000 ppm
        Round r = platform.rounds().open(new RoundService.OpenRequest(null, null, Duration.ofMinutes(5), null, null, null));
        assertTrue(platform.roundStore().transition(r.roundId(), EnumSet.of(RoundStatus.OPEN), RoundStatus.CLOSED, null));
        modelHash = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(r.roundId().getBytes()));
        long v = platform.models().publish(new PublishedModel(ModelTemplate.standard().id(), 0, r.roundId(), "ab".repeat(32), modelHash, "models/s.onnx", null,
                "parameters/s.safetensors", "receipts/s.json", "fedavg", 2, "{}", Instant.parse("2025-03-01T00:00:00Z")));
        model = platform.models().find(ModelTemplate.standard().id(), v).orElseThrow();
        platform.scores().putAll(List.of(
                new ContributionScore(r.roundId(), traderA.address(), "c1".repeat(32), 0.02, 0.03, 600_000),
                new ContributionScore(r.roundId(), traderB.address(), "c2".repeat(32), 0.01, 0.02, 400_000)));
    }

    @BeforeEach
    void freshVault() throws Exception {
        String token = SettlementContracts.deployStablecoin(chain, admin);
        contracts = SettlementContracts.deploy(chain, admin, token, feeRecipient.address(), settler.address(), 0);
        market = "S" + MARKETS.incrementAndGet() + "X-USDT";
        states.clear();
    }

    SettlementService service(Instant now, io.conflux.settlement.SettlementChain onChain) {
        return new SettlementService(SIX_HOURS, 0, new AgentLedger(platform.agent(), platform.models(), platform.scores(), ModelTemplate.standard().id(),
                List.of(market)), store(), onChain, Clock.fixed(now, ZoneOffset.UTC));
    }

    SettlementService service(Instant now) {
        return service(now, new Web3jSettlementChain(chain, settler, contracts, 0));
    }

    SettlementStore store() {
        return platform.settlements(contracts.vault());
    }

    @Test
    void closedEpochsSettleInOrderWithTheHighWaterMark_andTradersClaimTheirAllocations() throws Exception {
        // epoch 0: 1,000 USDT -> 1,100 (6 hours on the model); epoch 1: falls to 1,050; epoch 2: 1,150 (3 of 6 hours on the model)
        long usd = 1_000_000;
        tick(hour(0), 1_000 * usd, true);
        for (int h = 1; h < 6; h++) tick(hour(h), (1_000 + 20 * h) * usd, true); // ends 1,100
        tick(hour(6), 1_080 * usd, true);
        tick(hour(11), 1_050 * usd, false);
        tick(hour(12), 1_060 * usd, false);
        tick(hour(13), 1_070 * usd, false);
        tick(hour(14), 1_080 * usd, false);
        tick(hour(15), 1_100 * usd, true);
        tick(hour(16), 1_120 * usd, true);
        tick(hour(17), 1_150 * usd, true);
        mint(settler, 1_000 * usd);

        List<Settlement> done = service(hour(18).plusSeconds(60)).settleClosed(Long.MAX_VALUE);
        assertEquals(List.of(0L, 1L, 2L), done.stream().map(Settlement::epoch).toList());
        assertTrue(done.stream().allMatch(s -> s.status() == Settlement.Status.SETTLED), done.toString());

        Settlement e0 = done.get(0), e1 = done.get(1), e2 = done.get(2);
        // epoch 0: profit 100 USDT over the starting 1,000
        assertEquals(100 * usd, e0.profit());
        assertEquals(30 * usd, e0.fee());
        assertEquals(50 * usd, e0.pool());
        assertEquals(50 * usd, e0.allocated(), "the model traded all the epoch's ticks and its round rewards A and B");
        // epoch 1: below the mark (1,050 < 1,100): no profit, no fee
        assertEquals(0, e1.profit());
        assertEquals(1_100 * usd, e1.markAfter());
        // epoch 2: only what lifts the book above 1,100 counts: 50 USDT. The model traded 3 of the 6 ticks; hours
        // without a model are nobody's model time, so the pool goes to the one model that traded
        assertEquals(50 * usd, e2.profit());
        assertEquals(25 * usd, e2.pool());
        assertEquals(25 * usd, e2.allocated());
        assertEquals(0, e2.dust());
        assertEquals(3, e2.models().getFirst().ticks());

        // the chain agrees, epoch by epoch
        ConfluxVault vault = contracts.vault(chain, admin);
        assertEquals(BigInteger.valueOf(3), vault.nextEpoch().send());
        var onChain = vault.epochOf(BigInteger.TWO).send();
        assertEquals(e2.allocationsRoot(), Numeric.toHexString(onChain.component1()));
        assertEquals(BigInteger.valueOf(50 * usd), onChain.component3());
        assertArrayEquals(Numeric.hexStringToByteArray(modelHash), (byte[]) vault.epochModels(BigInteger.ZERO).send().getFirst());

        // 25,000 empty blocks: the claims below are read in bounded ranges (10,000 blocks a query), none skipped
        chain.rpc("hardhat_mine", List.of("0x61a8"));
        // A's allocations: 60% of each pool share; claimed on-chain with the stored proof, then indexed
        List<Allocation> a = store().allocations(traderA.address());
        assertEquals(List.of(2L, 0L), a.stream().map(Allocation::epoch).toList(), "newest first; no allocation in a profitless epoch");
        assertEquals(30 * usd, a.get(1).amount());
        assertEquals(15 * usd, a.get(0).amount());
        for (Allocation x : a) {
            assertTrue(AllocationTree.verify(x.epoch(), x.trader(), x.amount(), x.proof(), x.epoch() == 0 ? e0.allocationsRoot() : e2.allocationsRoot()));
            contracts.vault(chain, traderA).claim(BigInteger.valueOf(x.epoch()), BigInteger.valueOf(x.amount()),
                    x.proof().stream().map(Numeric::hexStringToByteArray).toList()).send();
        }
        assertEquals(BigInteger.valueOf(45 * usd), contracts.stablecoin(chain, admin).balanceOf(traderA.address()).send());
        assertEquals(2, service(hour(18).plusSeconds(60)).indexClaims());
        assertTrue(store().allocations(traderA.address()).stream().allMatch(Allocation::claimed));
        assertTrue(store().allocations(traderB.address()).stream().noneMatch(Allocation::claimed));
        assertEquals(0, service(hour(18).plusSeconds(60)).indexClaims(), "claims are indexed once");
    }

    @Test
    void aRepeatedRunChangesNothing() throws Exception {
        tick(hour(0), 1_000_000_000, true);
        tick(hour(5), 1_010_000_000, true);
        mint(settler, 100_000_000);
        SettlementService s = service(hour(6));
        Settlement first = s.settleClosed(Long.MAX_VALUE).getFirst();
        BigInteger settlerBalance = contracts.stablecoin(chain, admin).balanceOf(settler.address()).send();
        BigInteger block = chain.web3j().ethBlockNumber().send().getBlockNumber();

        List<Settlement> again = s.settleClosed(Long.MAX_VALUE);
        assertEquals(List.of(), again, "nothing left to settle");
        Settlement repeated = s.settle(0);
        assertEquals(first.txHash(), repeated.txHash());
        assertEquals(block, chain.web3j().ethBlockNumber().send().getBlockNumber(), "no transaction was sent");
        assertEquals(settlerBalance, contracts.stablecoin(chain, admin).balanceOf(settler.address()).send());
        assertEquals(List.of(first.epoch()), store().list(10).stream().map(Settlement::epoch).toList());
    }

    @Test
    void aChainFailureLeavesTheRecordPending_andTheNextRunSettlesIt_once() throws Exception {
        tick(hour(0), 1_000_000_000, true);
        tick(hour(5), 1_040_000_000, true); // 40 USDT of profit
        // the settler holds no stablecoin: the vault cannot take the profit
        SettlementService s = service(hour(6));
        var failure = assertThrows(Web3jSettlementChain.ChainFailure.class, () -> s.settleClosed(Long.MAX_VALUE));
        assertEquals("ERC20InsufficientBalance", failure.contractError(), failure.getMessage());
        Settlement pending = store().find(0).orElseThrow();
        assertEquals(Settlement.Status.PENDING, pending.status(), "recorded before the chain was asked: nothing accepted is lost");
        assertEquals(40_000_000, pending.profit());
        assertEquals(BigInteger.ZERO, contracts.vault(chain, admin).nextEpoch().send());

        mint(settler, 40_000_000);
        Settlement settled = service(hour(7)).settleClosed(Long.MAX_VALUE).getFirst();
        assertEquals(Settlement.Status.SETTLED, settled.status());
        assertEquals(pending.allocationsRoot(), settled.allocationsRoot());
        assertEquals(pending.computedAt(), store().find(0).orElseThrow().computedAt(), "the record was written once");
        assertEquals(BigInteger.ONE, contracts.vault(chain, admin).nextEpoch().send());
        assertEquals(BigInteger.ZERO, contracts.stablecoin(chain, admin).balanceOf(settler.address()).send(), "the profit went in once");
    }

    @Test
    void aSplitChangedAfterTheRecordIsNeverAppliedToIt_theChainRefusesAndTheRecordStaysPending() throws Exception {
        tick(hour(0), 1_000_000_000, true);
        tick(hour(5), 1_040_000_000, true);
        SettlementService s = service(hour(6));
        assertThrows(Web3jSettlementChain.ChainFailure.class, () -> s.settleClosed(Long.MAX_VALUE)); // no stablecoin yet
        Settlement pending = store().find(0).orElseThrow();
        assertEquals(3000, pending.feeBps());
        // the admin moves the split to 20% / 60% behind the timelock, then the settler is funded
        contracts.vault(chain, admin).proposeConfig(BigInteger.valueOf(2000), BigInteger.valueOf(6000), feeRecipient.address()).send();
        io.conflux.contracts.HardhatNode.advanceTime(chain, Duration.ofDays(2).plusMinutes(1));
        contracts.vault(chain, admin).activateConfig().send();
        mint(settler, 40_000_000);

        var refused = assertThrows(Web3jSettlementChain.ChainFailure.class, () -> service(hour(7)).settleClosed(Long.MAX_VALUE));
        assertEquals("FeeMismatch", refused.contractError(), refused.getMessage());
        Settlement still = store().find(0).orElseThrow();
        assertEquals(Settlement.Status.PENDING, still.status(), "recomputed under its own split: not a conflict, and not re-split");
        assertEquals(pending.allocationsRoot(), still.allocationsRoot());
        assertEquals(BigInteger.ZERO, contracts.vault(chain, admin).nextEpoch().send());
    }

    @Test
    void aLostReplyIsReconciled_withoutASecondPayment() throws Exception {
        tick(hour(0), 1_000_000_000, true);
        tick(hour(5), 1_020_000_000, true);
        mint(settler, 100_000_000);
        // the chain accepts the settlement but the platform never hears back: it goes out, the store is not told
        AtomicInteger sent = new AtomicInteger();
        Web3jSettlementChain real = new Web3jSettlementChain(chain, settler, contracts, 0);
        SettlementService lossy = service(hour(6), new LosingReplies(real, sent));
        assertThrows(IllegalStateException.class, () -> lossy.settleClosed(Long.MAX_VALUE));
        assertEquals(1, sent.get());
        assertEquals(Settlement.Status.PENDING, store().find(0).orElseThrow().status());

        Settlement reconciled = service(hour(7)).settleClosed(Long.MAX_VALUE).getFirst();
        assertEquals(Settlement.Status.SETTLED, reconciled.status());
        assertEquals("reconciled", reconciled.txHash());
        assertEquals(BigInteger.valueOf(100_000_000 - 20_000_000), contracts.stablecoin(chain, admin).balanceOf(settler.address()).send(),
                "paid into the vault once");
    }

    @Test
    void aDifferentSettlementOnChainIsAConflict_andNothingMoreIsPaid() throws Exception {
        tick(hour(0), 1_000_000_000, true);
        tick(hour(5), 1_010_000_000, true);
        mint(settler, 100_000_000);
        // someone with the settler role recorded epoch 0 otherwise (an empty epoch)
        contracts.vault(chain, settler).settleEpoch(BigInteger.ZERO, List.of(), new byte[32], BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, new byte[32]).send();
        Settlement s = service(hour(6)).settleClosed(Long.MAX_VALUE).getFirst();
        assertEquals(Settlement.Status.CONFLICT, s.status());
        assertTrue(s.note().contains("different settlement"), s.note());
        assertEquals(Settlement.Status.CONFLICT, store().find(0).orElseThrow().status());
        assertEquals(BigInteger.valueOf(100_000_000), contracts.stablecoin(chain, admin).balanceOf(settler.address()).send());
        assertEquals(List.of(), service(hour(12)).settleClosed(Long.MAX_VALUE).stream().filter(x -> x.epoch() > 0).toList(),
                "settlement stops at a conflict until an operator looks");
    }

    @Test
    void anEpochThatHasNotEndedOrAnEpochOutOfTurnIsRefused() {
        SettlementService s = service(hour(5));
        var e = assertThrows(IllegalArgumentException.class, () -> s.settle(0));
        assertTrue(e.getMessage().contains("has not ended"), e.getMessage());
        var order = assertThrows(IllegalStateException.class, () -> service(hour(13)).settle(1));
        assertTrue(order.getMessage().contains("epoch 0 is not settled"), order.getMessage());
        assertEquals(java.util.Optional.empty(), store().find(1), "nothing recorded for a refused epoch");
    }

    @Test
    void theHandlerReadsItsEventStrictly() {
        assertEquals(Long.MAX_VALUE, SettleHandler.upToEpoch(Map.of()));
        assertEquals(4, SettleHandler.upToEpoch(Map.of("upToEpoch", 4)));
        assertEquals(4, SettleHandler.upToEpoch(Map.of("upToEpoch", "4")));
        var e = assertThrows(IllegalArgumentException.class, () -> SettleHandler.upToEpoch(Map.of("upToEpoch", "last week")));
        assertTrue(e.getMessage().contains("non-negative integer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SettleHandler.upToEpoch(Map.of("upToEpoch", -1)));
        assertThrows(IllegalArgumentException.class, () -> SettleHandler.upToEpoch(Map.of("upToEpoch", 1.5)));
    }

    /** Every sample in events/settle through the handler itself, configured as the stack configures it. */
    @Test
    @SuppressWarnings("unchecked")
    void theEventSamples() throws Exception {
        tick(hour(0), 1_000_000_000, true);
        tick(hour(5), 1_060_000_000, true);
        tick(hour(11), 1_090_000_000, true);
        tick(hour(17), 1_000_000_000, true);
        mint(settler, 200_000_000);
        Map<String, String> env = new java.util.HashMap<>(Fixtures.env(aws).asMap());
        // as the stack configures it: no updates bucket and no round keys
        env.remove(io.conflux.resources.ConfluxResources.UPDATES_BUCKET.envVar());
        env.remove(io.conflux.aws.Settings.ROUND_KEY_PROTECTION);
        env.put(SettleHandler.RPC, node.hardhat().rpcUrl());
        env.put(SettleHandler.VAULT, contracts.vault());
        env.put(SettleHandler.REGISTRY, contracts.registry());
        env.put(SettleHandler.TOKEN, contracts.token());
        env.put(SettleHandler.SETTLER_KEY, node.hardhat().privateKeys().get(12));
        env.put(SettleHandler.GENESIS, GENESIS.toString());
        env.put(SettleHandler.LENGTH, "PT6H");
        env.put(SettleHandler.MARKETS, market + "=s-usdt-1h");
        SettleHandler handler = new SettleHandler(new Platform(new io.conflux.aws.Env(env), Clock.fixed(hour(18).plusSeconds(600), ZoneOffset.UTC)));
        java.nio.file.Path events = java.nio.file.Path.of(System.getProperty("conflux.events.dir", "../../events")).resolve("settle");
        try (var files = java.nio.file.Files.list(events)) {
            assertEquals(3, files.count(), "a new sample needs its case here");
        }

        Map<String, Object> upTo = handler.handleRequest(Json.object(java.nio.file.Files.readString(events.resolve("up-to-epoch.json"))), null);
        assertEquals(List.of(0L, 1L), ((List<Map<String, Object>>) upTo.get("settled")).stream().map(m -> m.get("epoch")).toList());
        Map<String, Object> scheduled = handler.handleRequest(Json.object(java.nio.file.Files.readString(events.resolve("scheduled.json"))), null);
        List<Map<String, Object>> rest = (List<Map<String, Object>>) scheduled.get("settled");
        assertEquals(1, rest.size());
        assertEquals(2L, rest.getFirst().get("epoch"));
        assertEquals("SETTLED", rest.getFirst().get("status"));
        assertEquals(0L, rest.getFirst().get("profit"), "epoch 2 fell below the mark");
        assertEquals(List.of(), handler.handleRequest(Json.object(java.nio.file.Files.readString(events.resolve("scheduled.json"))), null).get("settled"),
                "the same event again changes nothing");
        assertEquals(BigInteger.valueOf(3), contracts.vault(chain, admin).nextEpoch().send());
        assertEquals(60_000_000 + 30_000_000, store().list(3).stream().mapToLong(Settlement::profit).sum(), "60 then 30 USDT above the mark, then none");

        // priming (before a SnapStart snapshot) reads only: no record changes and no transaction is sent
        var before = Fixtures.state(aws);
        BigInteger block = chain.web3j().ethBlockNumber().send().getBlockNumber();
        new SettleHandler(new Platform(new io.conflux.aws.Env(env), Clock.systemUTC())).prime();
        assertEquals(before, Fixtures.state(aws));
        assertEquals(block, chain.web3j().ethBlockNumber().send().getBlockNumber());

        var bad = assertThrows(IllegalArgumentException.class,
                () -> handler.handleRequest(Json.object(java.nio.file.Files.readString(events.resolve("bad-up-to-epoch.json"))), null));
        assertTrue(bad.getMessage().contains("upToEpoch"), bad.getMessage());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static Instant hour(int h) {
        return GENESIS.plus(Duration.ofHours(h));
    }

    void mint(Chain.Account to, long units) throws Exception {
        contracts.stablecoin(chain, admin).mint(to.address(), BigInteger.valueOf(units)).send();
    }

    /** Records one of the agent's ticks: the book's value after it, on the model or without one. */
    void tick(Instant at, long valueAfter, boolean onModel) {
        AgentStore store = platform.agent();
        Market m = new Market(market, 8, 6);
        AgentState recorded = states.get(market);
        AgentState before = recorded != null ? recorded : AgentState.start(Portfolio.ofCash(m, 1_000_000_000));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("market", market);
        t.put("scheduledAt", at.toString());
        if (onModel) {
            t.put("modelVersion", model.version());
            t.put("modelHash", model.parametersHash());
        }
        t.put("action", "HOLD");
        t.put("valueAfter", valueAfter);
        String json = Json.write(t);
        AuditLog.Entry entry = AuditLog.append(before.auditNext(), before.auditHead(), at, "DECISION", json);
        AgentState after = new AgentState(before.book(), before.risk(), before.version() + 1, entry.hash(), before.auditNext() + 1, before.initialCash());
        assertEquals(AgentStore.Commit.COMMITTED, store.commit(market, at, json, recorded == null ? -1 : before.version(),
                after, List.of(entry), null, null, null, null, null));
        states.put(market, after);
    }

    /** The real chain, but the reply to the settlement is lost after it was mined. */
    record LosingReplies(Web3jSettlementChain real, AtomicInteger sent) implements io.conflux.settlement.SettlementChain {
        public OnChainEpoch epoch(long epoch) { return real.epoch(epoch); }
        public long nextEpoch() { return real.nextEpoch(); }
        public int[] split() { return real.split(); }
        public int tokenDecimals() { return real.tokenDecimals(); }
        public void ensureRegistered(io.conflux.settlement.ModelTime model) { real.ensureRegistered(model); }
        public String settle(Settlement s) {
            real.settle(s);
            sent.incrementAndGet();
            throw new IllegalStateException("connection reset while waiting for the receipt");
        }
        public List<ClaimEvent> claims(long fromBlock, long toBlock) { return real.claims(fromBlock, toBlock); }
        public long head() { return real.head(); }
        public long firstBlock() { return real.firstBlock(); }
    }
}
