package io.conflux.trade;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.conflux.agent.Broker;
import io.conflux.agent.Fill;
import io.conflux.agent.Market;
import io.conflux.platform.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The exchange broker against a loopback server answering Binance's spot order protocol (no exchange is
 * reachable here): signatures, the order it sends, exact fills, and a retried tick that finds its first order.
 */
class BinanceBrokerTest {
    private static final Market M = Market.btcUsdt();
    private static final String KEY = "test-key", SECRET = "test-secret";

    @Test
    void theSignatureIsBinancesPublishedExample() {
        assertEquals("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71", BinanceBroker.sign(
                "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j".getBytes(StandardCharsets.UTF_8),
                "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"));
    }

    @Test
    void aMarketOrderFillsExactly_andARetriedTickFindsItsFirstOrder() throws Exception {
        Map<String, Map<String, String>> orders = new HashMap<>();
        AtomicReference<String> feeAsset = new AtomicReference<>("USDT");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v3/", ex -> {
            Map<String, String> p = params(ex);
            if (!KEY.equals(ex.getRequestHeaders().getFirst("X-MBX-APIKEY")) || !validSignature(ex, p)) {
                reply(ex, 400, Map.of("code", -1022, "msg", "Signature for this request is not valid."));
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.endsWith("/order") && ex.getRequestMethod().equals("POST")) {
                if (orders.containsKey(p.get("newClientOrderId"))) {
                    reply(ex, 400, Map.of("code", -2010, "msg", "Duplicate order sent."));
                    return;
                }
                orders.put(p.get("newClientOrderId"), p);
                Map<String, Object> o = order(p);
                o.put("fills", fills(feeAsset.get()));
                reply(ex, 200, o);
            } else if (path.endsWith("/order")) {
                reply(ex, 200, order(orders.get(p.get("origClientOrderId"))));
            } else if (path.endsWith("/myTrades")) {
                assertEquals("4242", p.get("orderId"));
                List<Map<String, Object>> f = fills(feeAsset.get());
                for (Map<String, Object> x : f) x.put("quoteQty", new java.math.BigDecimal((String) x.get("qty")).multiply(new java.math.BigDecimal((String) x.get("price"))).toPlainString());
                reply(ex, 200, f);
            }
        });
        server.start();
        try {
            Clock clock = Clock.fixed(Instant.parse("2021-05-12T00:00:01Z"), ZoneOffset.UTC);
            BinanceBroker broker = new BinanceBroker(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), KEY, SECRET, clock, Duration.ofSeconds(5));
            Broker.Order buy = new Broker.Order("BTC-USDT@2021-05-12T00:00:00Z", M, 15_000_000, Instant.parse("2021-05-12T00:00:00Z"));
            Fill f = broker.place(buy).orElseThrow();
            Map<String, String> sent = orders.get("BTCUSDT-1620777600");
            assertNotNull(sent, "the client order id derives from the tick: " + orders.keySet());
            assertEquals(Map.of("symbol", "BTCUSDT", "side", "BUY", "type", "MARKET", "quantity", "0.15", "newOrderRespType", "FULL"),
                    Map.of("symbol", sent.get("symbol"), "side", sent.get("side"), "type", sent.get("type"), "quantity", sent.get("quantity"),
                            "newOrderRespType", sent.get("newOrderRespType")));
            // fills: 0.1 BTC at 56,000.10 and 0.05 at 56,010.00; fees 5.600010 + 2.800500 USDT
            assertEquals(15_000_000, f.quantity());
            assertEquals(8_400_510_000L, f.notional(), "5,600.01 + 2,800.50 USDT in micro-units");
            assertEquals(8_400_510L, f.fee());
            assertEquals(8_400.51 / 0.15, f.price(), 1e-6);
            assertEquals("BTC-USDT@2021-05-12T00:00:00Z", f.clientOrderId());

            Fill again = broker.place(buy).orElseThrow();
            assertEquals(f, again, "the retried tick's order is refused as a duplicate, and the first order's fills are read back");
            assertEquals(1, orders.size());

            feeAsset.set("BNB");
            var bnb = assertThrows(UncheckedIOException.class, () -> broker.place(new Broker.Order("t2", M, 1_000_000, Instant.parse("2021-05-12T01:00:00Z"))));
            assertTrue(bnb.getMessage().contains("turn BNB fee payment off"), bnb.getMessage());
            BinanceBroker forged = new BinanceBroker(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), KEY, "wrong", clock, Duration.ofSeconds(5));
            var refused = assertThrows(UncheckedIOException.class, () -> forged.place(new Broker.Order("t3", M, 1_000_000, Instant.parse("2021-05-12T02:00:00Z"))));
            assertTrue(refused.getMessage().contains("Signature for this request is not valid"), refused.getMessage());
        } finally {
            server.stop(0);
        }
    }

    private static Map<String, Object> order(Map<String, String> p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("symbol", p.get("symbol"));
        o.put("orderId", 4242);
        o.put("clientOrderId", p.get("newClientOrderId"));
        o.put("transactTime", 1620777601000L);
        o.put("time", 1620777601000L);
        o.put("executedQty", p.get("quantity"));
        o.put("cummulativeQuoteQty", "8400.51");
        o.put("status", "FILLED");
        return o;
    }

    private static List<Map<String, Object>> fills(String feeAsset) {
        return new java.util.ArrayList<>(List.of(
                new LinkedHashMap<>(Map.of("price", "56000.10", "qty", "0.10", "commission", "5.600010", "commissionAsset", feeAsset)),
                new LinkedHashMap<>(Map.of("price", "56010.00", "qty", "0.05", "commission", "2.800500", "commissionAsset", feeAsset))));
    }

    private static Map<String, String> params(HttpExchange ex) throws IOException {
        String q = ex.getRequestMethod().equals("POST") ? new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) : ex.getRequestURI().getRawQuery();
        Map<String, String> p = new LinkedHashMap<>();
        for (String kv : q.split("&")) p.put(kv.substring(0, kv.indexOf('=')), URLDecoder.decode(kv.substring(kv.indexOf('=') + 1), StandardCharsets.UTF_8));
        p.put("__raw", q);
        return p;
    }

    private static boolean validSignature(HttpExchange ex, Map<String, String> p) {
        String raw = p.remove("__raw");
        String unsigned = raw.substring(0, raw.lastIndexOf("&signature="));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(unsigned.getBytes(StandardCharsets.UTF_8))).equals(p.get("signature"));
        } catch (Exception e) {
            return false;
        }
    }

    private static void reply(HttpExchange ex, int status, Object body) throws IOException {
        byte[] b = Json.write(body).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }
}
