package io.conflux.settlement;

import io.conflux.agent.AgentState;
import io.conflux.agent.AgentStore;
import io.conflux.agent.AuditLog;
import io.conflux.federation.ContributionScore;
import io.conflux.federation.ModelRegistry;
import io.conflux.federation.PublishedModel;
import io.conflux.federation.ScoreStore;
import io.conflux.platform.Json;
import io.conflux.update.UpdateEnvelope;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The epoch ledger read from the trading agent's books: each market's value at its last tick before the epoch's
 * end (or its starting cash if it never ticked), the ticks each published model traded in the epoch, the rounds'
 * payout shares, and the epoch's audit root: SHA-256 of the lines {@code <market>=<root>\n}, one per market in the
 * configured order, where {@code <root>} is {@link AuditLog#root} of the market's entries logged in the epoch (what
 * {@code GET /agent/{market}/audit?since&until} returns), so anyone can recompute it.
 */
public final class AgentLedger implements EpochLedger {

    private final AgentStore agent;
    private final ModelRegistry models;
    private final ScoreStore scores;
    private final String templateId;
    private final List<String> markets;

    public AgentLedger(AgentStore agent, ModelRegistry models, ScoreStore scores, String templateId, List<String> markets) {
        if (markets.isEmpty()) throw new IllegalArgumentException("settlement needs the agent's markets");
        this.agent = agent;
        this.models = models;
        this.scores = scores;
        this.templateId = templateId;
        this.markets = List.copyOf(markets);
    }

    @Override
    public Book read(Instant from, Instant to) {
        long equity = 0, capital = 0;
        int quoteDecimals = -1;
        Map<Long, long[]> ticksByVersion = new TreeMap<>();
        StringBuilder roots = new StringBuilder();
        for (String market : markets) {
            AgentState state = agent.state(market).orElse(null);
            if (state == null) continue; // the agent never ticked this market: nothing to settle there
            int qd = state.book().market().quoteDecimals();
            if (quoteDecimals >= 0 && qd != quoteDecimals) throw new IllegalStateException("markets settle in one quote currency; " + market + " has " + qd + " decimals");
            quoteDecimals = qd;
            capital = Math.addExact(capital, state.initialCash());
            long value = agent.lastTickBefore(market, to).map(t -> number(t, "valueAfter")).orElse(state.initialCash());
            equity = Math.addExact(equity, value);
            for (String tick : agent.ticksBetween(market, from, to)) {
                Object version = field(tick, "modelVersion");
                if (version instanceof Number v) ticksByVersion.computeIfAbsent(v.longValue(), k -> new long[1])[0]++;
            }
            List<AuditLog.Entry> audit = agent.auditBetween(market, from, to);
            roots.append(market).append('=').append(AuditLog.root(audit)).append('\n');
        }
        List<ModelTime> traded = new ArrayList<>();
        for (var e : ticksByVersion.entrySet()) {
            PublishedModel m = models.find(templateId, e.getKey())
                    .orElseThrow(() -> new IllegalStateException("the agent traded " + templateId + " v" + e.getKey() + ", which the registry does not have"));
            Map<String, Long> ppm = new TreeMap<>();
            for (ContributionScore s : scores.round(m.roundId())) {
                if (s.payoutPpm() > 0) ppm.merge(s.trader().toLowerCase(Locale.ROOT), s.payoutPpm(), Long::sum);
            }
            traded.add(new ModelTime(m.onnxSha256(), m.roundId(), m.version(), e.getValue()[0], ppm));
        }
        return new Book(equity, capital, Math.max(quoteDecimals, 0), traded,
                "0x" + HexFormat.of().formatHex(UpdateEnvelope.sha256(roots.toString().getBytes(StandardCharsets.UTF_8))));
    }

    private static Object field(String json, String name) {
        try {
            return Json.object(json).get(name);
        } catch (IOException e) {
            throw new UncheckedIOException("a recorded tick is not JSON", e);
        }
    }

    private static long number(String json, String name) {
        Object v = field(json, name);
        if (!(v instanceof Number n)) throw new IllegalStateException("a recorded tick has no " + name);
        return n.longValue();
    }
}
