package io.conflux.api;

import io.conflux.agent.AgentState;
import io.conflux.agent.AgentStore;
import io.conflux.agent.AuditLog;
import io.conflux.agent.Market;
import io.conflux.aws.Platform;
import io.conflux.identity.AuthenticationException;
import io.conflux.platform.Json;
import io.conflux.platform.PlatformException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the trading agent did, per market: its book, its decisions (with their rationale), its trades, and its
 * audit log with the Merkle root of any stretch of it. Every endpoint needs a signed-in caller.
 */
@Controller("/agent/{market}")
final class AgentController {
    static final int MAX_LIMIT = 500;
    static final int MAX_AUDIT = 1000;
    private final Platform platform;
    private final Authenticator auth;

    AgentController(Platform platform, Authenticator auth) {
        this.platform = platform;
        this.auth = auth;
    }

    @Get("/portfolio")
    Dto.AgentPortfolio portfolio(@Nullable @Header("Authorization") String authorization, @PathVariable String market) throws AuthenticationException {
        auth.require(authorization);
        AgentStore store = platform.agent();
        AgentState s = store.state(checked(market)).orElseThrow(() -> PlatformException.notFound("NO_AGENT", "the agent has not traded " + market + " yet"));
        Map<String, Object> last = store.ticks(market, 1).stream().findFirst().map(AgentController::parse).orElse(Map.of());
        return Dto.AgentPortfolio.of(market, s, last);
    }

    @Get("/decisions")
    List<Map<String, Object>> decisions(@Nullable @Header("Authorization") String authorization, @PathVariable String market,
                                        @Nullable @QueryValue Integer limit) throws AuthenticationException {
        auth.require(authorization);
        return platform.agent().ticks(checked(market), limit(limit)).stream().map(AgentController::parse).toList();
    }

    @Get("/trades")
    List<Map<String, Object>> trades(@Nullable @Header("Authorization") String authorization, @PathVariable String market,
                                     @Nullable @QueryValue Integer limit) throws AuthenticationException {
        auth.require(authorization);
        return platform.agent().trades(checked(market), limit(limit)).stream().map(AgentController::parse).toList();
    }

    /** Daily snapshots, newest first: the value at the day's last tick and the P&L against the starting cash. */
    @Get("/days")
    List<Map<String, Object>> days(@Nullable @Header("Authorization") String authorization, @PathVariable String market,
                                   @Nullable @QueryValue Integer limit) throws AuthenticationException {
        auth.require(authorization);
        return platform.agent().days(checked(market), limit(limit)).stream().map(AgentController::parse).toList();
    }

    /**
     * Entries {@code from <= sequence < to} (at most 1,000), or those logged in a period ({@code since} and
     * {@code until}, ISO-8601: what settlement commits to for an epoch); whether they verify, and their Merkle root.
     */
    @Get("/audit")
    Dto.AuditView audit(@Nullable @Header("Authorization") String authorization, @PathVariable String market, @Nullable @QueryValue Long from,
                        @Nullable @QueryValue Long to, @Nullable @QueryValue String since, @Nullable @QueryValue String until) throws AuthenticationException {
        auth.require(authorization);
        AgentStore store = platform.agent();
        List<AuditLog.Entry> entries;
        long a, b;
        if (since != null || until != null) {
            java.time.Instant s0, s1;
            try {
                s0 = java.time.Instant.parse(since);
                s1 = java.time.Instant.parse(until);
            } catch (RuntimeException e) {
                throw PlatformException.badRequest("INVALID_RANGE", "since and until are both ISO-8601 instants");
            }
            if (!s1.isAfter(s0)) throw PlatformException.badRequest("INVALID_RANGE", "until must be after since");
            entries = store.auditBetween(checked(market), s0, s1);
            if (entries.size() > MAX_AUDIT * 10) throw PlatformException.badRequest("INVALID_RANGE", "the period holds more than " + MAX_AUDIT * 10 + " entries");
            a = entries.isEmpty() ? 0 : entries.get(0).sequence();
            b = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).sequence() + 1;
        } else {
            a = from == null ? 0 : from;
            b = to == null ? a + MAX_AUDIT : to;
            if (a < 0 || b <= a || b - a > MAX_AUDIT) throw PlatformException.badRequest("INVALID_RANGE", "need 0 <= from < to <= from + " + MAX_AUDIT);
            entries = store.audit(checked(market), a, b);
        }
        String anchor = a == 0 ? AuditLog.GENESIS : store.audit(market, a - 1, a).stream().findFirst().map(AuditLog.Entry::hash).orElse(AuditLog.GENESIS);
        AuditLog.Verification v = AuditLog.verify(entries, anchor);
        List<Dto.AuditEntry> out = new ArrayList<>();
        for (AuditLog.Entry e : entries) out.add(new Dto.AuditEntry(e.sequence(), e.at().toString(), e.kind(), e.payload(), e.previousHash(), e.hash()));
        return new Dto.AuditView(market, a, b, out, AuditLog.root(entries), v.intact(), v.intact() ? null : v.reason());
    }

    private static String checked(String market) {
        try {
            new Market(market, 8, 6);
            return market;
        } catch (IllegalArgumentException e) {
            throw PlatformException.badRequest("INVALID_MARKET", e.getMessage());
        }
    }

    private static int limit(Integer limit) {
        if (limit == null) return 50;
        if (limit < 1 || limit > MAX_LIMIT) throw PlatformException.badRequest("INVALID_LIMIT", "limit must lie in 1.." + MAX_LIMIT);
        return limit;
    }

    private static Map<String, Object> parse(String json) {
        try {
            return Json.object(json);
        } catch (IOException e) {
            throw new IllegalStateException("a stored agent record is not JSON", e);
        }
    }
}
