package io.conflux.trade;

import io.conflux.agent.Broker;
import io.conflux.agent.Fill;
import io.conflux.agent.Market;
import io.conflux.platform.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Market orders on Binance's spot REST API (or its testnet, {@code https://testnet.binance.vision}): signed with
 * HMAC-SHA256 over the query string, the API key in {@code X-MBX-APIKEY}. The client order id derives from the
 * tick ({@code BTCUSDT-<epoch seconds>}), so a retried tick cannot order twice: Binance refuses the duplicate and
 * the broker reads the first order's fills instead. Fees must be paid in the quote or the base asset (BNB fee
 * payment off), so the books stay exact.
 */
public final class BinanceBroker implements Broker {
    private final URI base;
    private final String apiKey;
    private final byte[] secret;
    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;

    public BinanceBroker(URI base, String apiKey, String secret, Clock clock, Duration timeout) {
        this.base = base;
        this.apiKey = apiKey;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The exchange's client order id for a tick id like {@code BTC-USDT@2021-05-12T00:00:00Z}: {@code BTCUSDT-1620777600}. */
    static String clientOrderId(Broker.Order o) {
        return ExchangeFeed.symbol(o.market().symbol()) + "-" + o.placedAt().getEpochSecond();
    }

    /** HMAC-SHA256 of the query string, hex: Binance's signature. */
    static String sign(byte[] secret, String query) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(query.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<Fill> place(Order order) {
        Market m = order.market();
        String id = clientOrderId(order);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("symbol", ExchangeFeed.symbol(m.symbol()));
        p.put("side", order.quantity() > 0 ? "BUY" : "SELL");
        p.put("type", "MARKET");
        p.put("quantity", Market.whole(Math.abs(order.quantity()), m.baseDecimals()).stripTrailingZeros().toPlainString());
        p.put("newClientOrderId", id);
        p.put("newOrderRespType", "FULL");
        try {
            HttpResponse<String> r = signed("POST", "/api/v3/order", p);
            Map<String, Object> body = Json.object(r.body());
            if (r.statusCode() == 200) return Optional.of(fill(order, id, body, (List<?>) body.get("fills")));
            if (Number.class.isInstance(body.get("code")) && ((Number) body.get("code")).intValue() == -2010
                    && String.valueOf(body.get("msg")).toLowerCase(java.util.Locale.ROOT).contains("duplicate")) {
                return Optional.of(existing(order, id));
            }
            throw new IOException("the exchange refused the order " + id + ": HTTP " + r.statusCode() + " " + r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fills of the order placed before under the same client order id. */
    private Fill existing(Order order, String id) throws IOException {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("symbol", ExchangeFeed.symbol(order.market().symbol()));
        q.put("origClientOrderId", id);
        HttpResponse<String> r = signed("GET", "/api/v3/order", q);
        if (r.statusCode() != 200) throw new IOException("the exchange has no order " + id + ": HTTP " + r.statusCode() + " " + r.body());
        Map<String, Object> o = Json.object(r.body());
        Map<String, String> t = new LinkedHashMap<>();
        t.put("symbol", ExchangeFeed.symbol(order.market().symbol()));
        t.put("orderId", String.valueOf(((Number) o.get("orderId")).longValue()));
        HttpResponse<String> trades = signed("GET", "/api/v3/myTrades", t);
        if (trades.statusCode() != 200) throw new IOException("the exchange did not list the trades of order " + id + ": HTTP " + trades.statusCode());
        return fill(order, id, o, (List<?>) Json.parse(trades.body()));
    }

    private Fill fill(Order order, String id, Map<String, Object> o, List<?> fills) throws IOException {
        Market m = order.market();
        if (!"FILLED".equals(o.get("status"))) throw new IOException("order " + id + " is " + o.get("status") + ", not FILLED");
        BigDecimal qty = BigDecimal.ZERO, quote = BigDecimal.ZERO, feeQuote = BigDecimal.ZERO, feeBase = BigDecimal.ZERO;
        for (Object f : fills) {
            Map<?, ?> x = (Map<?, ?>) f;
            BigDecimal q = new BigDecimal(String.valueOf(x.get("qty")));
            BigDecimal price = new BigDecimal(String.valueOf(x.get("price")));
            qty = qty.add(q);
            quote = quote.add(x.containsKey("quoteQty") ? new BigDecimal(String.valueOf(x.get("quoteQty"))) : q.multiply(price));
            BigDecimal commission = new BigDecimal(String.valueOf(x.get("commission")));
            String asset = String.valueOf(x.get("commissionAsset"));
            if (asset.equals(m.quote())) feeQuote = feeQuote.add(commission);
            else if (asset.equals(m.base())) feeBase = feeBase.add(commission);
            else throw new IOException("order " + id + " paid its fee in " + asset + ": pay fees in " + m.base() + " or " + m.quote() + " (turn BNB fee payment off)");
        }
        if (qty.signum() == 0) throw new IOException("order " + id + " filled nothing");
        boolean buy = order.quantity() > 0;
        // a fee in the base asset arrives as less of it bought (or more of it sold): books count it in quote at the fill price
        BigDecimal avg = quote.divide(qty, 12, RoundingMode.HALF_EVEN);
        BigDecimal feeInQuote = feeQuote.add(feeBase.multiply(avg));
        long baseUnits = qty.movePointRight(m.baseDecimals()).setScale(0, RoundingMode.DOWN).longValueExact();
        long notional = quote.movePointRight(m.quoteDecimals()).setScale(0, buy ? RoundingMode.CEILING : RoundingMode.FLOOR).longValueExact();
        long fee = feeInQuote.movePointRight(m.quoteDecimals()).setScale(0, RoundingMode.CEILING).longValueExact();
        Instant at = o.get("transactTime") instanceof Number n ? Instant.ofEpochMilli(n.longValue())
                : o.get("time") instanceof Number t ? Instant.ofEpochMilli(t.longValue()) : clock.instant();
        return new Fill(order.clientOrderId(), at, avg.doubleValue(), buy ? baseUnits : -baseUnits, notional, fee);
    }

    private HttpResponse<String> signed(String method, String path, Map<String, String> params) throws IOException {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("recvWindow", "5000");
        p.put("timestamp", Long.toString(clock.millis()));
        StringBuilder q = new StringBuilder();
        p.forEach((k, v) -> q.append(q.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        String signature = sign(secret, q.toString()); // over the query as it stands, before the signature joins it
        q.append("&signature=").append(signature);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path + (method.equals("GET") ? "?" + q : ""))).timeout(timeout).header("X-MBX-APIKEY", apiKey);
        if (method.equals("POST")) {
            b.header("content-type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(q.toString()));
        } else {
            b.GET();
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
