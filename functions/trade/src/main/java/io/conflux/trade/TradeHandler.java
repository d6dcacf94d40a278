package io.conflux.trade;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.conflux.agent.Advisor;
import io.conflux.agent.Market;
import io.conflux.agent.MarketFeed;
import io.conflux.agent.ReplayFeed;
import io.conflux.aws.Platform;
import io.conflux.evaluation.ValidationSets;
import io.conflux.features.Candles;
import io.conflux.platform.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scheduled trade function: an EventBridge schedule sends {@code {"market": "BTC-USDT", "time": <scheduled time>}}
 * every hour, and this runs that market's tick (exactly once per market and hour: the time is floored to the
 * candle). Configuration:
 * <pre>
 *   CONFLUX_AGENT_MARKETS        BTC-USDT=btc-usdt-1h[,...]: each market and the name of its candles (interval last)
 *   CONFLUX_FEED                 exchange:https://api.binance.com (klines REST) | replay (the public candles in the models bucket)
 *   CONFLUX_AGENT_START_CASH     whole quote units the book starts with (default 10000)
 *   CONFLUX_AGENT_MAX_LATENESS_MINUTES  later events are refused (default 15; 0 accepts any: replays)
 *   CONFLUX_AGENT_FEE_BPS        the exchange's taker fee the policy and paper fills assume (default 10)
 *   CONFLUX_ADVISOR...           the optional LLM advisor (see Advisors); CONFLUX_ADVISOR_API_KEY_ARN names a
 *                                Secrets Manager secret holding the key (AWS) instead of CONFLUX_ADVISOR_API_KEY
 *   CONFLUX_BROKER               paper (default: fills at the forming candle's open) | binance:https://testnet.binance.vision (or the live API)
 *   CONFLUX_BROKER_SECRET_ARN    binance: a Secrets Manager secret {"apiKey": ..., "apiSecret": ...}
 *                                (or CONFLUX_BROKER_API_KEY and CONFLUX_BROKER_API_SECRET, e.g. for a testnet key on the local runtime)
 * </pre>
 * Secrets (exchange keys, the LLM key) are read at the first tick, never in init: a SnapStart snapshot holds none,
 * and a deploy succeeds before their values are put.
 */
public final class TradeHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    public static final String MARKETS = "CONFLUX_AGENT_MARKETS";
    public static final String FEED = "CONFLUX_FEED";

    private final Platform platform;
    private final Map<String, TickService> services = new ConcurrentHashMap<>();
    private final Map<String, String> candleNames = new LinkedHashMap<>();
    private final MarketFeed feed;
    private final AgentModels models;
    private volatile Advisor advisor;
    private volatile io.conflux.agent.Broker exchange;
    private volatile boolean clientsResolved;

    public TradeHandler() {
        this(Platform.fromSystem());
        io.conflux.aws.SnapStart.prime("trade", this::prime);
    }

    /**
     * Reads only, and never ticks: a round that cannot exist, each market's book, and ONNX Runtime's engine. The
     * exchange and the advisor are not called (a snapshot must not hold a half-open connection to them).
     */
    public void prime() {
        platform.prime();
        for (String market : candleNames.keySet()) platform.agent().state(market);
        OnnxPredictor.loadEngine();
    }

    public TradeHandler(Platform platform) {
        this.platform = platform;
        for (String entry : platform.env().get(MARKETS, "BTC-USDT=btc-usdt-1h").split(",")) {
            String[] kv = entry.strip().split("=");
            if (kv.length != 2) throw new IllegalStateException(MARKETS + " lists MARKET=candles-name entries, not '" + entry + "'");
            candleNames.put(kv[0].strip(), kv[1].strip());
        }
        String feedSetting = platform.env().get(FEED, "replay");
        if (feedSetting.startsWith("exchange:")) {
            this.feed = exchange(URI.create(feedSetting.substring("exchange:".length())));
        } else if (feedSetting.equals("replay")) {
            this.feed = replay();
        } else {
            throw new IllegalStateException(FEED + " is exchange:<base URL> or replay, not '" + feedSetting + "'");
        }
        this.models = new AgentModels(platform.models(), platform.modelsBucket(), platform.roundStore());
    }

    /** The advisor and the broker, with their secrets, once (at the first tick). */
    private synchronized void resolveClients() {
        if (clientsResolved) return;
        Map<String, String> env = new java.util.HashMap<>(platform.env().asMap());
        var keyArn = platform.env().get("CONFLUX_ADVISOR_API_KEY_ARN");
        if (keyArn.isPresent()) env.put("CONFLUX_ADVISOR_API_KEY", platform.aws().secrets().getSecretValue(r -> r.secretId(keyArn.get())).secretString().strip());
        this.advisor = Advisors.fromEnv(env);
        this.exchange = broker(platform);
        clientsResolved = true;
    }

    private static io.conflux.agent.Broker broker(Platform platform) {
        String setting = platform.env().get("CONFLUX_BROKER", "paper");
        if (setting.equals("paper")) return null;
        if (!setting.startsWith("binance:")) throw new IllegalStateException("CONFLUX_BROKER is paper or binance:<base URL>, not '" + setting + "'");
        String key, secret;
        var arn = platform.env().get("CONFLUX_BROKER_SECRET_ARN");
        if (arn.isPresent()) {
            try {
                Map<String, Object> s = Json.object(platform.aws().secrets().getSecretValue(r -> r.secretId(arn.get())).secretString());
                key = (String) s.get("apiKey");
                secret = (String) s.get("apiSecret");
            } catch (IOException e) {
                throw new IllegalStateException("the broker secret is JSON {\"apiKey\", \"apiSecret\"}", e);
            }
        } else {
            key = platform.env().require("CONFLUX_BROKER_API_KEY");
            secret = platform.env().require("CONFLUX_BROKER_API_SECRET");
        }
        return new BinanceBroker(URI.create(setting.substring("binance:".length())), key, secret, platform.clock(), Duration.ofSeconds(10));
    }

    private MarketFeed exchange(URI base) {
        Map<String, ExchangeFeed> byMarket = new LinkedHashMap<>();
        candleNames.forEach((m, name) -> byMarket.put(m, new ExchangeFeed(base, interval(name), duration(name), Duration.ofSeconds(10))));
        return (market, at, count) -> byMarket.get(market).at(market, at, count);
    }

    private MarketFeed replay() {
        Map<String, Candles> byMarket = new LinkedHashMap<>();
        candleNames.forEach((m, name) -> {
            try {
                byMarket.put(m, ValidationSets.publicCandles(platform.modelsBucket(), name));
            } catch (IOException e) {
                throw new UncheckedIOException("the replay feed of " + m + ": " + e.getMessage(), e);
            }
        });
        return new ReplayFeed(byMarket);
    }

    /** btc-usdt-1h -> 1h */
    static String interval(String candleName) {
        return candleName.substring(candleName.lastIndexOf('-') + 1);
    }

    static Duration duration(String candleName) {
        String i = interval(candleName);
        long n = Long.parseLong(i.substring(0, i.length() - 1));
        return switch (i.charAt(i.length() - 1)) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalStateException("an interval ends in m, h or d: " + i);
        };
    }

    private TickService service(String market) {
        if (!clientsResolved) resolveClients();
        return services.computeIfAbsent(market, m -> {
            Market mk = new Market(m, 8, 6);
            long cash = Math.multiplyExact(Long.parseLong(platform.env().get("CONFLUX_AGENT_START_CASH", "10000")), (long) Math.pow(10, mk.quoteDecimals()));
            Duration late = Duration.ofMinutes(Long.parseLong(platform.env().get("CONFLUX_AGENT_MAX_LATENESS_MINUTES", "15")));
            double feeBps = Double.parseDouble(platform.env().get("CONFLUX_AGENT_FEE_BPS", "10"));
            return new TickService(platform.agent(), feed, models, advisor, TickService.Settings.defaults(mk).with(cash, late).withFeeBps(feeBps),
                    platform.clock(), exchange);
        });
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Object market = input.get("market"), time = input.get("time");
        if (!(market instanceof String m) || !(time instanceof String t)) {
            throw new IllegalArgumentException("a tick event is {\"market\": \"BTC-USDT\", \"time\": \"2026-01-01T10:00:00Z\"}, not " + input);
        }
        Instant at;
        try {
            at = Instant.parse(t);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("time is an ISO-8601 instant, not '" + t + "'");
        }
        if (!candleNames.containsKey(m)) throw new IllegalArgumentException("market " + m + " is not configured (" + MARKETS + " has " + candleNames.keySet() + ")");
        Duration step = duration(candleNames.get(m));
        Instant scheduled = Instant.ofEpochSecond(at.getEpochSecond() - Math.floorMod(at.getEpochSecond(), step.toSeconds()));
        try {
            TickService.Outcome o = service(m).tick(scheduled);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("market", m);
            out.put("scheduledAt", scheduled.toString());
            out.put("status", o.status().name());
            out.put("tick", Json.object(o.json()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
