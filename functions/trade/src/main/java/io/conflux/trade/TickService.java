package io.conflux.trade;

import io.conflux.agent.Advisor;
import io.conflux.agent.AgentState;
import io.conflux.agent.AgentStore;
import io.conflux.agent.AuditLog;
import io.conflux.agent.Broker;
import io.conflux.agent.Decision;
import io.conflux.agent.Fill;
import io.conflux.agent.Market;
import io.conflux.agent.MarketFeed;
import io.conflux.agent.PaperBroker;
import io.conflux.agent.Portfolio;
import io.conflux.agent.RiskLimits;
import io.conflux.agent.RiskState;
import io.conflux.agent.TradingPolicy;
import io.conflux.features.FeatureMatrix;
import io.conflux.features.FeatureSet;
import io.conflux.features.Windows;
import io.conflux.model.ModelTemplate;
import io.conflux.platform.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One tick of the agent for one market, exactly once: the tick id is the market and the scheduled time.
 * <ol>
 *   <li>A tick already recorded returns what was recorded (a duplicate or retried event changes nothing); an
 *       event later than {@code maxLateness} is refused without a record (it would trade on an old price).</li>
 *   <li>The candles the features need, from the feed as they stood at the scheduled time; the current model.</li>
 *   <li>No model, a feed failure, stale candles (the last closed candle is not the one just before the tick) or
 *       a gap across the window: the policy still applies its risk exits, otherwise it holds, and the tick
 *       records why.</li>
 *   <li>Otherwise the shared features, the model's normalizer, one inference, the policy (and the advisor, if
 *       configured).</li>
 *   <li>An order goes to the paper broker with the tick id as its client order id and fills at the forming
 *       candle's open (the next open after the decision candle), cut to what the book can take.</li>
 *   <li>Tick, new state, audit entries (decision, trade), trade and day snapshot are written in one transaction
 *       that succeeds only if the tick is new and the state is the one read.</li>
 * </ol>
 */
public final class TickService {

    /** @param maxLateness 0 accepts any lateness (replays, backfills) */
    public record Settings(Market market, String templateId, long startCash, Duration maxLateness, double feeBps, double slippageBps, RiskLimits limits) {
        public static Settings defaults(Market market) {
            return new Settings(market, ModelTemplate.standard().id(), 10_000L * (long) Math.pow(10, market.quoteDecimals()), Duration.ofMinutes(15), 10, 5,
                    RiskLimits.defaults(market));
        }

        public Settings with(long startCash, Duration maxLateness) {
            return new Settings(market, templateId, startCash, maxLateness, feeBps, slippageBps, limits);
        }

        public Settings withFeeBps(double feeBps) {
            if (!(feeBps >= 0)) throw new IllegalArgumentException("the exchange fee is not negative: " + feeBps);
            return new Settings(market, templateId, startCash, maxLateness, feeBps, slippageBps, limits);
        }

        public Settings withTemplate(String templateId) {
            return new Settings(market, templateId, startCash, maxLateness, feeBps, slippageBps, limits);
        }
    }

    public enum Status { RECORDED, DUPLICATE, LATE }

    /** What a tick did; {@code json} is the recorded tick (for a duplicate, the first one). */
    public record Outcome(Status status, String json) {}

    private final AgentStore store;
    private final MarketFeed feed;
    private final AgentModels models;
    private final Advisor advisor;
    private final Settings settings;
    private final Clock clock;
    private final TradingPolicy policy;
    private final FeatureSet features = FeatureSet.standard();
    private final Broker exchange;

    public TickService(AgentStore store, MarketFeed feed, AgentModels models, Advisor advisor, Settings settings, Clock clock) {
        this(store, feed, models, advisor, settings, clock, null);
    }

    /** @param exchange where orders go; null for the paper broker (fills at the forming candle's open) */
    public TickService(AgentStore store, MarketFeed feed, AgentModels models, Advisor advisor, Settings settings, Clock clock, Broker exchange) {
        this.exchange = exchange;
        this.store = store;
        this.feed = feed;
        this.models = models;
        this.advisor = advisor;
        this.settings = settings;
        this.clock = clock;
        this.policy = new TradingPolicy(settings.limits(), settings.feeBps());
    }

    public Outcome tick(Instant scheduled) throws IOException {
        Market market = settings.market();
        String id = market.symbol() + "@" + scheduled;
        Optional<String> done = store.tick(market.symbol(), scheduled);
        if (done.isPresent()) return new Outcome(Status.DUPLICATE, done.get());
        Instant now = clock.instant();
        if (!settings.maxLateness().isZero() && Duration.between(scheduled, now).compareTo(settings.maxLateness()) > 0) {
            return new Outcome(Status.LATE, Json.write(Map.of("tick", id, "status", "LATE", "detail",
                    "the event arrived at " + now + ", more than " + settings.maxLateness() + " after its time; nothing was done")));
        }
        Optional<AgentState> stored = store.state(market.symbol());
        AgentState state = stored.orElseGet(() -> AgentState.start(Portfolio.ofCash(market, settings.startCash())));
        ModelTemplate template = ModelTemplate.parse(settings.templateId());

        String note = null;
        MarketFeed.Snapshot snap = null;
        try {
            snap = feed.at(market.symbol(), scheduled, features.candlesNeeded(template.window()) + 8);
        } catch (IOException | RuntimeException e) {
            note = "the feed failed: " + e.getMessage();
        }
        double price = Double.NaN;
        if (snap != null && snap.closed().size() > 0) price = snap.closed().close(snap.closed().size() - 1);
        if (note == null && (snap.closed().size() == 0 || !snap.closed().openTime(snap.closed().size() - 1).equals(scheduled.minus(snap.closed().interval())))) {
            note = "stale candles: the last closed candle " + (snap.closed().size() == 0 ? "is missing"
                    : "opened " + snap.closed().openTime(snap.closed().size() - 1) + ", not " + scheduled.minus(snap.closed().interval()));
        }
        Optional<AgentModels.Loaded> model = models.current(template.id());
        float[] probabilities = null;
        Map<String, Double> snapshot = new LinkedHashMap<>();
        if (note == null && model.isPresent()) {
            FeatureMatrix raw = features.compute(snap.closed());
            OptionalInt row = Windows.latestEndRow(raw, template.window());
            if (row.isEmpty() || raw.candleIndex(row.getAsInt()) != snap.closed().size() - 1) {
                note = "no complete window of " + template.window() + " candles ends at the last closed candle (a gap in the feed, or too little history)";
            } else {
                for (int c = 0; c < raw.columns(); c++) snapshot.put(raw.names().get(c), raw.get(row.getAsInt(), c));
                FeatureMatrix m = model.get().normalizer().apply(raw);
                probabilities = model.get().predictor().probabilities(Windows.window(m, row.getAsInt(), template.window()), 1);
            }
        }
        Duration age = model.map(l -> Duration.between(l.meta().publishedAt(), scheduled)).orElse(null);
        if (age != null && age.isNegative()) age = Duration.ZERO;
        TradingPolicy.Outcome decided;
        if (Double.isNaN(price)) {
            decided = new TradingPolicy.Outcome(Decision.hold(scheduled, Decision.Reason.NO_DATA, Double.NaN, state.book(), "No candles: " + note + ". Hold."),
                    state.risk());
        } else {
            TradingPolicy.Situation s = new TradingPolicy.Situation(scheduled, price, probabilities, state.book(), state.risk(), age);
            decided = probabilities == null || advisor == null ? policy.decide(s) : policy.decide(s, advisor, snapshot);
        }
        Decision d = decided.decision();
        if (note != null) d = d.withRationale(d.rationale() + " (" + note + ")");

        Fill fill = null;
        String unfilled = null;
        if (d.action() != Decision.Action.HOLD) {
            if (exchange != null) {
                try {
                    fill = exchange.place(new Broker.Order(id, market, d.quantity(), scheduled)).orElse(null);
                    if (fill == null) unfilled = "the exchange did not fill the order";
                } catch (RuntimeException e) {
                    unfilled = "the exchange failed: " + e.getMessage();
                }
            } else if (snap.forming().isEmpty()) {
                unfilled = "no price for the forming candle at " + scheduled + ": the order was not placed";
            } else {
                PaperBroker broker = new PaperBroker(settings.feeBps(), settings.slippageBps());
                fill = broker.fillWithin(new Broker.Order(id, market, d.quantity(), scheduled), snap.forming().get(), state.book());
                if (fill == null) unfilled = "the book could not take the order at the fill price";
            }
        }
        Portfolio book = fill == null ? state.book() : state.book().apply(fill);
        RiskState risk = fill == null ? decided.risk() : decided.risk().after(state.book(), book, fill);
        double markPrice = fill != null ? fill.price() : price;
        long value = Double.isNaN(markPrice) ? book.cash() : book.value(markPrice);

        Map<String, Object> tick = new LinkedHashMap<>();
        tick.put("tick", id);
        tick.put("market", market.symbol());
        tick.put("scheduledAt", scheduled.toString());
        tick.put("recordedAt", now.toString());
        model.ifPresent(l -> {
            tick.put("modelVersion", l.meta().version());
            tick.put("modelHash", l.meta().parametersHash());
        });
        tick.put("action", d.action().name());
        tick.put("quantity", d.quantity());
        tick.put("reasons", d.reasons().stream().map(Enum::name).toList());
        tick.put("rationale", d.rationale());
        if (probabilities != null) tick.put("probabilities", List.of((double) probabilities[0], (double) probabilities[1], (double) probabilities[2]));
        if (!Double.isNaN(d.price())) tick.put("price", d.price());
        tick.put("features", snapshot);
        tick.put("bookBefore", bookMap(state.book()));
        if (note != null) tick.put("note", note);
        if (unfilled != null) tick.put("unfilled", unfilled);
        String tradeJson = null;
        if (fill != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("clientOrderId", fill.clientOrderId());
            t.put("at", fill.at().toString());
            t.put("side", fill.buy() ? "BUY" : "SELL");
            t.put("quantity", Math.abs(fill.quantity()));
            t.put("price", fill.price());
            t.put("notional", fill.notional());
            t.put("fee", fill.fee());
            t.put("realizedPnl", book.realizedPnl() - state.book().realizedPnl());
            tradeJson = Json.write(t);
            tick.put("fill", t);
        }
        tick.put("bookAfter", bookMap(book));
        tick.put("valueAfter", value);
        String tickJson = Json.write(tick);

        AuditLog.Entry decisionEntry = AuditLog.append(state.auditNext(), state.auditHead(), scheduled, "DECISION", tickJson);
        List<AuditLog.Entry> audit = tradeJson == null ? List.of(decisionEntry) : List.of(decisionEntry, AuditLog.next(decisionEntry, fill.at(), "TRADE", tradeJson));
        AuditLog.Entry head = audit.get(audit.size() - 1);
        AgentState after = new AgentState(book, risk, state.version() + 1, head.hash(), head.sequence() + 1, state.initialCash());
        Map<String, Object> day = new LinkedHashMap<>();
        day.put("date", scheduled.atOffset(ZoneOffset.UTC).toLocalDate().toString());
        day.put("at", scheduled.toString());
        day.put("value", value);
        day.put("pnl", value - state.initialCash());
        day.put("cash", book.cash());
        day.put("position", book.position());
        AgentStore.Commit c = store.commit(market.symbol(), scheduled, tickJson, stored.isEmpty() ? -1 : state.version(), after, audit, tradeJson,
                fill == null ? null : fill.at(), id, Json.write(day), (String) day.get("date"));
        if (c == AgentStore.Commit.DUPLICATE) return new Outcome(Status.DUPLICATE, store.tick(market.symbol(), scheduled).orElse(tickJson));
        return new Outcome(Status.RECORDED, tickJson);
    }

    private static Map<String, Object> bookMap(Portfolio b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cash", b.cash());
        m.put("position", b.position());
        m.put("costBasis", b.costBasis());
        m.put("realizedPnl", b.realizedPnl());
        m.put("feesPaid", b.feesPaid());
        return m;
    }
}
