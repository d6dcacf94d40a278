package io.conflux.trade;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import io.conflux.agent.MarketFeed;
import io.conflux.agent.ReplayFeed;
import io.conflux.features.Candles;
import io.conflux.platform.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The exchange feed against a loopback server answering Binance's klines protocol from the shipped candles (no
 * exchange is reachable here), and the replay feed on the same candles: both show the market as it stood,
 * nothing that had not closed, and the forming candle's open.
 */
class ExchangeFeedTest {

    @Test
    void theExchangeAndTheReplayShowTheSameMarket_closedCandlesOnly_andTheFormingOpen() throws Exception {
        Candles btc;
        btc = io.conflux.features.TestCandles.real("btc-usdt-1h.csv").slice(Instant.parse("2021-04-01T00:00:00Z"), Instant.parse("2021-06-01T00:00:00Z"));
        Candles all = btc;
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v3/klines", ex -> {
            Map<String, String> q = new HashMap<>();
            for (String kv : ex.getRequestURI().getRawQuery().split("&")) q.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            assertEquals("BTCUSDT", q.get("symbol"));
            assertEquals("1h", q.get("interval"));
            long end = Long.parseLong(q.get("endTime"));
            int limit = Integer.parseInt(q.get("limit"));
            List<Object> rows = new ArrayList<>();
            int last = all.indexAtOrAfter(Instant.ofEpochMilli(end).plusMillis(1)); // Binance: klines that opened at or before endTime
            for (int i = Math.max(0, last - limit); i < last; i++) {
                var c = all.get(i);
                long open = c.openTime().toEpochMilli();
                rows.add(List.of(open, Double.toString(c.open()), Double.toString(c.high()), Double.toString(c.low()), Double.toString(c.close()),
                        Double.toString(c.volume()), open + 3_599_999, "0", 100, "0", "0", "0"));
            }
            byte[] b = Json.write(rows).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try {
            ExchangeFeed exchange = new ExchangeFeed(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "1h", Duration.ofHours(1), Duration.ofSeconds(5));
            ReplayFeed replay = new ReplayFeed(Map.of("BTC-USDT", btc));
            for (String t : List.of("2021-05-10T12:00:00Z", "2021-05-19T14:00:00Z", "2021-05-31T23:00:00Z")) {
                Instant at = Instant.parse(t);
                MarketFeed.Snapshot a = exchange.at("BTC-USDT", at, 245), b = replay.at("BTC-USDT", at, 245);
                assertEquals(245, a.closed().size(), t);
                assertEquals(b.closed().toList(), a.closed().toList(), t);
                assertEquals(at.minus(Duration.ofHours(1)), a.closed().openTime(a.closed().size() - 1), "the last closed candle opened an hour before");
                assertEquals(btc.get(btc.indexAtOrAfter(at)).open(), a.forming().orElseThrow().price());
                assertEquals(b.forming(), a.forming());
            }
            // between candle boundaries: the candle that opened 30 minutes ago has not closed; nothing forms exactly then
            MarketFeed.Snapshot mid = replay.at("BTC-USDT", Instant.parse("2021-05-10T12:30:00Z"), 3);
            assertEquals(Instant.parse("2021-05-10T11:00:00Z"), mid.closed().openTime(2));
            assertTrue(mid.forming().isEmpty());
            assertThrows(IllegalArgumentException.class, () -> replay.at("ETH-USDT", Instant.parse("2021-05-10T12:00:00Z"), 3));
            assertEquals(0, replay.at("BTC-USDT", Instant.parse("2021-04-01T00:30:00Z"), 3).closed().size());
        } finally {
            server.stop(0);
        }
    }
}
