package io.conflux.trade;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.aws.Platform;
import io.conflux.evaluation.ValidationSets;
import io.conflux.platform.Json;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every sample in events/trade through the trade function's handler (replay feed, stand-ins). */
@ExtendWith(SharedStandIns.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TradeEventSamplesTest {
    private static final Path EVENTS = Path.of(System.getProperty("conflux.events.dir", "../../events")).resolve("trade");
    private TradeHandler handler;
    private LocalAws aws;

    @BeforeAll
    void setUp(LocalAws aws) throws Exception {
        this.aws = aws;
        // configured as the stack configures it: no updates bucket and no round keys
        Map<String, String> env = new java.util.HashMap<>(Fixtures.env(aws).with(Map.of(TradeHandler.MARKETS, "BTC-USDT=btc-usdt-1h",
                TradeHandler.FEED, "replay", "CONFLUX_AGENT_MAX_LATENESS_MINUTES", "0")).asMap());
        env.remove(io.conflux.resources.ConfluxResources.UPDATES_BUCKET.envVar());
        env.remove(io.conflux.aws.Settings.ROUND_KEY_PROTECTION);
        Platform platform = new Platform(new io.conflux.aws.Env(env), Clock.systemUTC());
        try (var in = TradeEventSamplesTest.class.getResourceAsStream("/market/btc-usdt-1h.csv")) {
            platform.modelsBucket().put(ValidationSets.marketKey("btc-usdt-1h"), in.readAllBytes());
        }
        handler = new TradeHandler(platform);
    }

    private Map<String, Object> invoke(String sample) throws Exception {
        return handler.handleRequest(Json.object(Files.readString(EVENTS.resolve(sample))), null);
    }

    @Test
    void everySampleIsCoveredHere() throws Exception {
        try (Stream<Path> files = Files.list(EVENTS)) {
            assertEquals(2, files.filter(p -> p.toString().endsWith(".json")).count(), "a new sample needs its case in this test");
        }
    }

    @Test
    void theScheduledEvent_runsTheHoursTickOnce() throws Exception {
        Map<String, Object> first = invoke("scheduled-tick.json");
        assertEquals("2021-05-12T00:00:00Z", first.get("scheduledAt"), "the event time is floored to the candle");
        assertEquals("RECORDED", first.get("status"));
        assertEquals("BTC-USDT@2021-05-12T00:00:00Z", Json.at(first, "tick", "tick"));
        Map<String, Object> again = invoke("scheduled-tick.json");
        assertEquals("DUPLICATE", again.get("status"), "a repeated event changes nothing");
        assertEquals(first.get("tick"), again.get("tick"));
    }

    @Test
    void anEventWithoutAMarket_isAFunctionErrorSayingWhatAnEventIs() {
        var e = assertThrows(IllegalArgumentException.class, () -> invoke("tick-without-market.json"));
        assertTrue(e.getMessage().contains("{\"market\": \"BTC-USDT\""), e.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> handler.handleRequest(Map.of("market", "DOGE-USDT", "time", "2021-05-12T00:00:00Z"), null));
        assertTrue(unknown.getMessage().contains("not configured"), unknown.getMessage());
    }

    @Test
    void priming_onlyReads_andNeverTicks() throws Exception {
        invoke("scheduled-tick.json");
        var before = Fixtures.state(aws);
        assertFalse(before.get("table agent").isEmpty(), "there is a book priming could have changed");
        handler.prime();
        assertEquals(before, Fixtures.state(aws));
    }
}
