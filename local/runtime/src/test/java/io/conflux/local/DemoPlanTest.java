package io.conflux.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conflux.features.Candles;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoPlanTest {
    static Map<String, Candles> hourly;

    @BeforeAll
    static void candles() throws Exception {
        hourly = new LinkedHashMap<>();
        for (String name : List.of("btc-usdt-1h", "eth-usdt-1h")) {
            try (var in = DemoPlanTest.class.getResourceAsStream("/market/" + name + ".csv")) {
                hourly.put(name, Candles.readCsv(new InputStreamReader(in, StandardCharsets.UTF_8), name));
            }
        }
    }

    @Test
    void theDefaultsLayTheTimelineOutNewestLastWithNoTwoTradersHoldingTheSameCandles() {
        DemoPlan p = DemoPlan.of(DemoPlan.Options.defaults(), hourly);
        // the shipped hourly candles end with the candle opening 2021-09-29T23:00Z
        assertEquals(Instant.parse("2021-09-30T00:00:00Z"), p.agentTo());
        assertEquals(Instant.parse("2021-09-23T00:00:00Z"), p.agentFrom());
        assertEquals(Instant.parse("2021-09-09T00:00:00Z"), p.validationFrom());
        assertEquals(7, p.epochs());
        assertEquals(5, p.slices().size());
        for (DemoPlan.Slice s : p.slices()) {
            assertEquals(Duration.ofDays(120), Duration.between(s.from(), s.to()), s.id());
            assertTrue(!s.to().isAfter(p.validationFrom()), s.id() + " must end before the validation window");
            for (DemoPlan.Slice other : p.slices()) {
                if (other == s || !other.candles().equals(s.candles())) continue;
                assertTrue(!other.from().isBefore(s.to()) || !s.from().isBefore(other.to()), s.id() + " and " + other.id() + " overlap");
            }
        }
        // dealt alternately: BTC, ETH, BTC (a stretch further back), ETH, BTC
        assertEquals(List.of("btc-usdt-1h", "eth-usdt-1h", "btc-usdt-1h", "eth-usdt-1h", "btc-usdt-1h"), p.slices().stream().map(DemoPlan.Slice::candles).toList());
        assertEquals(Instant.parse("2021-09-09T00:00:00Z").minus(Duration.ofDays(240)), p.slices().get(2).from());
        assertEquals(Instant.parse("2021-09-09T00:00:00Z").minus(Duration.ofDays(240)), p.slices().get(4).to());
    }

    @Test
    void optionsTheCandlesCannotServeAreRefusedSayingWhatToChange() {
        var d = DemoPlan.Options.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DemoPlan.of(
                new DemoPlan.Options(30, d.rounds(), d.epochs(), d.markets(), d.agentDays(), d.validationDays(), 200, d.parallel(), d.seed()), hourly));
        assertTrue(e.getMessage().contains("trader-") && e.getMessage().contains("fewer traders or fewer history days"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DemoPlan.Options(5, 3, 4, List.of("DOGE-USDT"), 7, 14, 120, 2, 7));
        assertTrue(e.getMessage().contains("DOGE-USDT") && e.getMessage().contains("BTC-USDT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DemoPlan.Options(0, 3, 4, List.of("BTC-USDT"), 7, 14, 120, 2, 7));
        assertTrue(e.getMessage().startsWith("--traders"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DemoPlan.Options(5, 3, 4, List.of("BTC-USDT", "BTC-USDT"), 7, 14, 120, 2, 7));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }
}
