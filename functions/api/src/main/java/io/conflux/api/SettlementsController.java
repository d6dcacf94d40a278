package io.conflux.api;

import io.conflux.aws.Platform;
import io.conflux.identity.AuthenticationException;
import io.conflux.identity.Session;
import io.conflux.platform.PlatformException;
import io.conflux.settlement.Allocation;
import io.conflux.settlement.ModelTime;
import io.conflux.settlement.Settlement;
import io.conflux.settlement.SettlementStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settlement: anyone reads the epochs (what each earned, the split, the roots the chain holds); a signed-in trader
 * reads their own allocations, with the Merkle proofs their wallet claims with, what is still claimable and what was
 * claimed. Amounts are integers in the vault token's base units.
 */
@Controller
final class SettlementsController {
    static final String VAULT = "CONFLUX_VAULT";
    private final Platform platform;
    private final Authenticator auth;

    SettlementsController(Platform platform, Authenticator auth) {
        this.platform = platform;
        this.auth = auth;
    }

    @Get("/epochs")
    Map<String, Object> epochs(@Nullable @QueryValue Integer limit) {
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > 500) throw PlatformException.badRequest("INVALID_LIMIT", "limit must lie in 1..500");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Settlement s : store().list(n)) out.add(view(s));
        return Map.of("vault", vault(), "epochs", out);
    }

    @Get("/epochs/{epoch}")
    Map<String, Object> epoch(@PathVariable String epoch) {
        if (!epoch.matches("\\d{1,12}")) throw PlatformException.badRequest("INVALID_EPOCH", "an epoch is a non-negative integer, not '" + epoch + "'");
        return view(store().find(Long.parseLong(epoch)).orElseThrow(() -> PlatformException.notFound("EPOCH_NOT_SETTLED", "epoch " + epoch + " is not settled")));
    }

    @Get("/me/payouts")
    Map<String, Object> payouts(@Nullable @Header("Authorization") String authorization) throws AuthenticationException {
        Session s = auth.require(authorization);
        long claimable = 0, claimed = 0;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Allocation a : store().allocations(s.address())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", a.epoch());
            m.put("amount", a.amount());
            m.put("proof", a.proof());
            m.put("claimed", a.claimed());
            if (a.claimTx() != null) m.put("claimTx", a.claimTx());
            rows.add(m);
            if (a.claimed()) claimed += a.amount();
            else claimable += a.amount();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trader", s.address());
        out.put("vault", vault());
        out.put("claimable", claimable);
        out.put("claimed", claimed);
        out.put("allocations", rows);
        return out;
    }

    private String vault() {
        return platform.env().get(VAULT).map(v -> v.toLowerCase(java.util.Locale.ROOT))
                .orElseThrow(() -> PlatformException.unavailable("SETTLEMENT_NOT_CONFIGURED", "this deployment has no vault (" + VAULT + ")"));
    }

    private SettlementStore store() {
        return platform.settlements(vault());
    }

    static Map<String, Object> view(Settlement s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", s.epoch());
        m.put("from", s.from().toString());
        m.put("to", s.to().toString());
        m.put("status", s.status().name());
        m.put("equity", s.equity());
        m.put("highWaterMark", s.markAfter());
        m.put("profit", s.profit());
        m.put("feeBps", s.feeBps());
        m.put("contributorBps", s.contributorBps());
        m.put("fee", s.fee());
        m.put("contributors", s.pool());
        m.put("allocated", s.allocated());
        m.put("dust", s.dust());
        m.put("investors", s.investorsPart());
        m.put("traders", s.traders());
        m.put("allocationsRoot", s.allocationsRoot());
        m.put("auditRoot", s.auditRoot());
        List<Map<String, Object>> models = new ArrayList<>();
        for (ModelTime t : s.models()) models.add(Map.of("modelHash", t.modelHash(), "roundId", t.roundId(), "version", t.version(), "ticks", t.ticks()));
        m.put("models", models);
        if (s.txHash() != null) m.put("txHash", s.txHash());
        if (s.settledAt() != null) m.put("settledAt", s.settledAt().toString());
        if (s.note() != null) m.put("note", s.note());
        return m;
    }
}
