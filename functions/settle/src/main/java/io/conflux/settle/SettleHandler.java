package io.conflux.settle;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.conflux.aws.Env;
import io.conflux.aws.Platform;
import io.conflux.contracts.Chain;
import io.conflux.contracts.SettlementContracts;
import io.conflux.model.ModelTemplate;
import io.conflux.settlement.AgentLedger;
import io.conflux.settlement.EpochCalendar;
import io.conflux.settlement.Settlement;
import io.conflux.settlement.SettlementService;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settlement function, on a schedule (EventBridge, hourly: an epoch is settled within the hour after it ends,
 * and a run after a failure reconciles). It settles every closed, unsettled epoch in order, then indexes the vault's
 * Claimed events. An event may name {@code "upToEpoch"} to settle no further than that epoch.
 * <p>Environment:
 * <pre>
 *   CONFLUX_CHAIN_RPC            the chain's JSON-RPC URL
 *   CONFLUX_VAULT, CONFLUX_REGISTRY, CONFLUX_TOKEN   the contracts' addresses
 *   CONFLUX_VAULT_BLOCK          the block the vault was deployed in (claims are read from there; default 0)
 *   CONFLUX_SETTLER_KEY          the settler's private key (local), or
 *   CONFLUX_SETTLER_KEY_ARN      a Secrets Manager secret holding it (AWS)
 *   CONFLUX_EPOCH_GENESIS        when epoch 0 starts (ISO instant; default 2024-01-01T00:00:00Z)
 *   CONFLUX_EPOCH_LENGTH         an epoch's length (ISO duration; default P7D)
 *   CONFLUX_FIRST_EPOCH          the first epoch the vault settles (its constructor's firstEpoch; default 0)
 *   CONFLUX_AGENT_MARKETS        the agent's markets, as the trade function has them (MARKET=candles,...)
 * </pre>
 */
public final class SettleHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    public static final String RPC = "CONFLUX_CHAIN_RPC", VAULT = "CONFLUX_VAULT", REGISTRY = "CONFLUX_REGISTRY", TOKEN = "CONFLUX_TOKEN",
            SETTLER_KEY = "CONFLUX_SETTLER_KEY", SETTLER_KEY_ARN = "CONFLUX_SETTLER_KEY_ARN", GENESIS = "CONFLUX_EPOCH_GENESIS",
            LENGTH = "CONFLUX_EPOCH_LENGTH", VAULT_BLOCK = "CONFLUX_VAULT_BLOCK", FIRST_EPOCH = "CONFLUX_FIRST_EPOCH", MARKETS = "CONFLUX_AGENT_MARKETS";

    private final Platform platform;
    private volatile SettlementService service;
    private volatile Chain chain;

    public SettleHandler() {
        this(Platform.fromSystem());
        io.conflux.aws.SnapStart.prime("settle", this::prime);
    }

    /**
     * Reads only: the vault's first settlement record and its claim cursor. No key is read, no chain is called and
     * nothing is signed or sent: a snapshot must never hold a settler's key or a half-done transaction.
     */
    public void prime() {
        var store = platform.settlements(platform.env().require(VAULT).toLowerCase(java.util.Locale.ROOT));
        store.find(Long.parseLong(platform.env().get(FIRST_EPOCH, "0")));
    }

    public SettleHandler(Platform platform) {
        this.platform = platform;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        long upTo = upToEpoch(event);
        SettlementService s = service();
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (Settlement done : s.settleClosed(upTo)) {
            Map<String, Object> summary = summary(done);
            epochs.add(summary);
            // one JSON line per epoch: the stack's metric filter counts those not SETTLED (PENDING after a chain failure, CONFLICT)
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("event", "settlement");
            line.putAll(summary);
            System.out.println(io.conflux.platform.Json.write(line));
        }
        int claims = s.indexClaims();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("settled", epochs);
        out.put("claimsIndexed", claims);
        return out;
    }

    /** {@code upToEpoch} from the event: absent means every closed epoch. */
    static long upToEpoch(Map<String, Object> event) {
        Object v = event == null ? null : event.get("upToEpoch");
        if (v == null) return Long.MAX_VALUE;
        if (v instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= 0) return n.longValue();
        if (v instanceof String str && str.matches("\\d{1,18}")) return Long.parseLong(str);
        throw new IllegalArgumentException("upToEpoch is an epoch number (a non-negative integer), not '" + v + "'");
    }

    static Map<String, Object> summary(Settlement s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", s.epoch());
        m.put("status", s.status().name());
        m.put("profit", s.profit());
        m.put("fee", s.fee());
        m.put("allocated", s.allocated());
        m.put("traders", s.traders());
        if (s.txHash() != null) m.put("txHash", s.txHash());
        if (s.note() != null) m.put("note", s.note());
        return m;
    }

    SettlementService service() {
        if (service == null) {
            synchronized (this) {
                if (service == null) service = build(platform, platform.env());
            }
        }
        return service;
    }

    private SettlementService build(Platform p, Env env) {
        Instant genesis;
        Duration length;
        try {
            genesis = Instant.parse(env.get(GENESIS, "2024-01-01T00:00:00Z"));
            length = Duration.parse(env.get(LENGTH, "P7D"));
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(GENESIS + " is an ISO instant and " + LENGTH + " an ISO duration (e.g. P7D): " + e.getMessage(), e);
        }
        EpochCalendar calendar = new EpochCalendar(genesis, length);
        long first = Long.parseLong(env.get(FIRST_EPOCH, "0"));
        List<String> markets = new ArrayList<>();
        for (String entry : env.get(MARKETS, "BTC-USDT=btc-usdt-1h").split(",")) markets.add(entry.strip().split("=")[0].strip());
        String key = env.get(SETTLER_KEY).orElseGet(() -> p.aws().secrets().getSecretValue(r -> r.secretId(env.require(SETTLER_KEY_ARN))).secretString()).trim();
        chain = Chain.connect(env.require(RPC), Duration.ofSeconds(1), Duration.ofMinutes(3));
        SettlementContracts contracts = new SettlementContracts(env.require(TOKEN).toLowerCase(java.util.Locale.ROOT),
                env.require(REGISTRY).toLowerCase(java.util.Locale.ROOT), env.require(VAULT).toLowerCase(java.util.Locale.ROOT));
        Web3jSettlementChain onChain = new Web3jSettlementChain(chain, chain.account(key), contracts, Long.parseLong(env.get(VAULT_BLOCK, "0")));
        AgentLedger ledger = new AgentLedger(p.agent(), p.models(), p.scores(), ModelTemplate.standard().id(), markets);
        return new SettlementService(calendar, first, ledger, p.settlements(contracts.vault()), onChain, p.clock());
    }
}
