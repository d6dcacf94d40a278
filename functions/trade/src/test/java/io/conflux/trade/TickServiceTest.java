package io.conflux.trade;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.agent.AgentState;
import io.conflux.agent.AgentStore;
import io.conflux.agent.AuditLog;
import io.conflux.agent.Market;
import io.conflux.agent.ReplayFeed;
import io.conflux.aws.Platform;
import io.conflux.evaluation.ValidationSets;
import io.conflux.features.Candle;
import io.conflux.features.Candles;
import io.conflux.federation.PublishedModel;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.platform.Json;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundPolicy;
import io.conflux.rounds.RoundService;
import io.conflux.rounds.RoundStatus;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.testing.Fixtures;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent's tick on DynamoDB Local and the S3 stand-in, with a published model and the replay feed:
 * exactly-once ticks, recorded holds on bad inputs, books that add up, an audit log that verifies.
 */
@ExtendWith(SharedStandIns.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TickServiceTest {
    private static final ModelTemplate T = ModelTemplate.standard();
    private Platform platform;
    private Candles btc;
    private PublishedModel model;

    @BeforeAll
    void setUp(LocalAws aws) throws Exception {
        platform = Fixtures.platform(aws);
        byte[] csv;
        try (var in = TickServiceTest.class.getResourceAsStream("/market/btc-usdt-1h.csv")) {
            csv = in.readAllBytes();
        }
        platform.modelsBucket().put(ValidationSets.marketKey("btc-usdt-1h"), csv);
        btc = Candles.readCsv(new InputStreamReader(new java.io.ByteArrayInputStream(csv), StandardCharsets.UTF_8), "btc-usdt-1h");
        model = publishBullishModel();
    }

    /** A published model that leans up (its head's bias favours the last class), so the agent buys. */
    private PublishedModel publishBullishModel() throws Exception {
        ModelParameters g = ModelParameters.genesis(T);
        float[] v = g.values().clone();
        v[v.length - 1] += 3f; // head.b[up]
        ModelParameters p = new ModelParameters(T, v);
        RoundPolicy d = platform.rounds().defaults();
        RoundPolicy policy = new RoundPolicy(d.minUpdates(), d.maxUpdates(), d.rule(),
                new RoundPolicy.Validation("btc-usdt-1h", Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2021-02-01T00:00:00Z")), d.scoreBudget(), d.seed());
        Round r = platform.rounds().open(new RoundService.OpenRequest(null, null, Duration.ofMinutes(5), null, null, policy));
        assertTrue(platform.roundStore().transition(r.roundId(), EnumSet.of(RoundStatus.OPEN), RoundStatus.CLOSED, null));
        String key = "parameters/" + p.hash() + ".safetensors";
        platform.modelsBucket().put(key, p.toSafeTensors());
        PublishedModel m = new PublishedModel(T.id(), 0, r.roundId(), p.hash(), "00", "models/x.onnx", null, key, "receipts/x.json", "fedavg", 1, "{}",
                Instant.parse("2021-05-01T00:00:00Z"));
        long version = platform.models().publish(m);
        return platform.models().find(T.id(), version).orElseThrow();
    }

    private TickService service(Market market, Candles candles, String templateId, Clock clock, Duration maxLateness) {
        TickService.Settings d = TickService.Settings.defaults(market);
        return new TickService(platform.agent(), new ReplayFeed(Map.of(market.symbol(), candles)),
                new AgentModels(platform.models(), platform.modelsBucket(), platform.roundStore()), null,
                d.withTemplate(templateId).with(d.startCash(), maxLateness), clock);
    }

    private static Market market(String base) {
        return new Market(base + "-USDT", 8, 6);
    }

    @Test
    void hourlyTicks_tradeOnceEach_theBooksAddUp_andTheAuditLogVerifies() throws Exception {
        Market m = market("BTCA");
        TickService s = service(m, btc, T.id(), Clock.systemUTC(), Duration.ZERO);
        Instant start = Instant.parse("2021-05-10T00:00:00Z");
        List<String> ticks = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            TickService.Outcome o = s.tick(start.plus(Duration.ofHours(h)));
            assertEquals(TickService.Status.RECORDED, o.status(), o.json());
            ticks.add(o.json());
        }
        AgentStore store = platform.agent();
        AgentState state = store.state(m.symbol()).orElseThrow();
        assertEquals(24, state.version());
        assertEquals(state.initialCash(), state.book().cash() + state.book().costBasis() - state.book().realizedPnl(), "value conserved");
        // the bullish model buys up to the position limit; on 2021-05-10 BTC fell and the stop-loss sold (the books say which)
        assertTrue(ticks.stream().anyMatch(t -> t.contains("\"STOP_LOSS\"")) == (state.book().position() == 0 && state.book().realizedPnl() < 0));
        List<String> trades = store.trades(m.symbol(), 100);
        assertFalse(trades.isEmpty());

        Map<String, Object> first = Json.object(ticks.get(0));
        assertEquals("BUY", first.get("action"));
        assertEquals((double) model.version(), ((Number) first.get("modelVersion")).doubleValue());
        Map<String, Object> fill = (Map<String, Object>) first.get("fill");
        assertEquals(m.symbol() + "@" + start, fill.get("clientOrderId"), "the order id is the tick id");
        assertEquals(btc.get(btc.indexAtOrAfter(start)).open() * 1.0005, ((Number) fill.get("price")).doubleValue(), 1e-6, "filled at the forming candle's open");
        assertEquals(24, ((Map<?, ?>) first.get("features")).size());

        List<AuditLog.Entry> audit = store.audit(m.symbol(), 0, state.auditNext());
        assertEquals(24 + trades.size(), audit.size());
        assertTrue(AuditLog.verify(audit, AuditLog.GENESIS).intact());
        assertEquals(state.auditHead(), audit.get(audit.size() - 1).hash());
        assertEquals(ticks.get(0), audit.get(0).payload(), "the log holds the tick as recorded");

        // a repeated (or retried) event changes nothing
        TickService.Outcome again = s.tick(start.plus(Duration.ofHours(5)));
        assertEquals(TickService.Status.DUPLICATE, again.status());
        assertEquals(ticks.get(5), again.json());
        assertEquals(24, store.state(m.symbol()).orElseThrow().version());
        assertEquals(audit.size(), store.audit(m.symbol(), 0, 10_000).size());
    }

    @Test
    void aLateEventIsRefusedWithoutARecord_aRaceWritesNothing() throws Exception {
        Market m = market("BTCB");
        Instant at = Instant.parse("2021-05-12T00:00:00Z");
        TickService late = service(m, btc, T.id(), Clock.fixed(at.plus(Duration.ofHours(2)), ZoneOffset.UTC), Duration.ofMinutes(15));
        TickService.Outcome o = late.tick(at);
        assertEquals(TickService.Status.LATE, o.status());
        assertTrue(platform.agent().tick(m.symbol(), at).isEmpty());
        assertTrue(platform.agent().state(m.symbol()).isEmpty());

        TickService onTime = service(m, btc, T.id(), Clock.fixed(at.plusSeconds(20), ZoneOffset.UTC), Duration.ofMinutes(15));
        assertEquals(TickService.Status.RECORDED, onTime.tick(at).status());
        AgentState s1 = platform.agent().state(m.symbol()).orElseThrow();
        // a second tick that read the state before the first wrote it: its write is refused whole
        assertThrows(ConcurrentModificationException.class, () -> platform.agent().commit(m.symbol(), at.plus(Duration.ofHours(1)), "{}", s1.version() - 1,
                s1, List.of(), null, null, "x", null, null));
        assertTrue(platform.agent().tick(m.symbol(), at.plus(Duration.ofHours(1))).isEmpty());
        assertEquals(s1, platform.agent().state(m.symbol()).orElseThrow());
    }

    @Test
    void noModel_staleCandles_andAGap_giveRecordedHoldsWithTheReason() throws Exception {
        // no model published for this template
        Market a = market("BTCC");
        Instant at = Instant.parse("2021-05-12T00:00:00Z");
        Map<String, Object> none = Json.object(service(a, btc, new ModelTemplate(32, 24, 16, 3).id(), Clock.systemUTC(), Duration.ZERO).tick(at).json());
        assertEquals("HOLD", none.get("action"));
        assertEquals(List.of("NO_MODEL"), none.get("reasons"));

        // the feed stops three hours before the tick
        Market b = market("BTCD");
        Candles stopped = btc.slice(btc.openTime(0), at.minus(Duration.ofHours(3)));
        Map<String, Object> stale = Json.object(service(b, stopped, T.id(), Clock.systemUTC(), Duration.ZERO).tick(at).json());
        assertEquals(List.of("NO_DATA"), stale.get("reasons"));
        assertTrue(((String) stale.get("note")).startsWith("stale candles"), stale.toString());

        // an outage ten hours before the tick: no whole window ends at the last candle
        Market c = market("BTCE");
        List<Candle> holed = new ArrayList<>();
        for (Candle k : btc.toList()) if (!(k.openTime().isAfter(at.minus(Duration.ofHours(12))) && k.openTime().isBefore(at.minus(Duration.ofHours(9))))) holed.add(k);
        Map<String, Object> gap = Json.object(service(c, Candles.of(holed, Duration.ofHours(1)), T.id(), Clock.systemUTC(), Duration.ZERO).tick(at).json());
        assertEquals(List.of("NO_DATA"), gap.get("reasons"));
        assertTrue(((String) gap.get("note")).contains("no complete window"), gap.toString());
        for (Market mk : List.of(a, b, c)) assertEquals(1, platform.agent().state(mk.symbol()).orElseThrow().version(), "each hold is recorded");
    }

    @Test
    void anExchangeThatFails_leavesTheBookAlone_andTheTickSaysWhy() throws Exception {
        Market m = market("BTCF");
        TickService.Settings d = TickService.Settings.defaults(m);
        io.conflux.agent.Broker down = order -> {
            throw new java.io.UncheckedIOException(new java.io.IOException("the exchange refused the order: HTTP 503"));
        };
        TickService s = new TickService(platform.agent(), new ReplayFeed(Map.of(m.symbol(), btc)),
                new AgentModels(platform.models(), platform.modelsBucket(), platform.roundStore()), null,
                d.with(d.startCash(), Duration.ZERO), Clock.systemUTC(), down);
        Map<String, Object> tick = Json.object(s.tick(Instant.parse("2021-05-12T00:00:00Z")).json());
        assertEquals("BUY", tick.get("action"), "the bullish model decided to buy");
        assertTrue(((String) tick.get("unfilled")).contains("HTTP 503"), tick.toString());
        assertNull(tick.get("fill"));
        AgentState state = platform.agent().state(m.symbol()).orElseThrow();
        assertEquals(d.startCash(), state.book().cash());
        assertEquals(0, state.book().position());
        assertTrue(platform.agent().trades(m.symbol(), 10).isEmpty());
    }
}
