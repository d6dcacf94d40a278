package io.conflux.aws;

import io.conflux.agent.AgentState;
import io.conflux.agent.AgentStore;
import io.conflux.agent.AuditLog;
import io.conflux.agent.Market;
import io.conflux.agent.Portfolio;
import io.conflux.agent.RiskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The agent's table (see {@code ConfluxResources.AGENT}): one partition per market. A tick is one
 * transaction: the tick item (only if absent), the state item (only at the version the tick read), the audit
 * entries (only if absent), the trade and the day's snapshot. A repeated tick or a racing one changes nothing.
 */
public final class DynamoAgentStore implements AgentStore {
    private static final String STATE = "state";
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoAgentStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String tickKey(Instant at) {
        return "tick#" + at;
    }

    static String auditKey(long seq) {
        return String.format("audit#%012d", seq);
    }

    @Override
    public Optional<AgentState> state(String market) {
        Map<String, AttributeValue> i = dynamo.getItem(g -> g.tableName(table).key(Attrs.key("market", market, "key", STATE)).consistentRead(true)).item();
        if (i == null || i.isEmpty()) return Optional.empty();
        Market m = new Market(market, Attrs.n(i, "baseDecimals").intValue(), Attrs.n(i, "quoteDecimals").intValue());
        Portfolio book = new Portfolio(m, Attrs.n(i, "cash"), Attrs.n(i, "position"), Attrs.n(i, "costBasis"), Attrs.n(i, "realizedPnl"),
                Attrs.n(i, "feesPaid"), Attrs.n(i, "tradedNotional"));
        RiskState risk = new RiskState(Attrs.n(i, "peakValue"), Attrs.t(i, "haltedUntil"), Attrs.t(i, "lastLossAt"));
        return Optional.of(new AgentState(book, risk, Attrs.n(i, "version"), Attrs.s(i, "auditHead"), Attrs.n(i, "auditNext"), Attrs.n(i, "initialCash")));
    }

    @Override
    public Optional<String> tick(String market, Instant scheduledAt) {
        Map<String, AttributeValue> i = dynamo.getItem(g -> g.tableName(table).key(Attrs.key("market", market, "key", tickKey(scheduledAt))).consistentRead(true)).item();
        return i == null || i.isEmpty() ? Optional.empty() : Optional.of(Attrs.s(i, "json"));
    }

    @Override
    public Commit commit(String market, Instant scheduledAt, String tickJson, long expectedVersion, AgentState after, List<AuditLog.Entry> audit,
                         String tradeJson, Instant tradeAt, String clientOrderId, String dayJson, String day) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(p -> p.tableName(table).conditionExpression("attribute_not_exists(#k)")
                .expressionAttributeNames(Map.of("#k", "key"))
                .item(Attrs.item().s("market", market).s("key", tickKey(scheduledAt)).t("scheduledAt", scheduledAt).s("json", tickJson).build())).build());
        Portfolio b = after.book();
        Map<String, AttributeValue> state = Attrs.item().s("market", market).s("key", STATE).n("baseDecimals", b.market().baseDecimals())
                .n("quoteDecimals", b.market().quoteDecimals()).n("cash", b.cash()).n("position", b.position()).n("costBasis", b.costBasis())
                .n("realizedPnl", b.realizedPnl()).n("feesPaid", b.feesPaid()).n("tradedNotional", b.tradedNotional())
                .n("peakValue", after.risk().peakValue()).t("haltedUntil", after.risk().haltedUntil()).t("lastLossAt", after.risk().lastLossAt())
                .n("version", after.version()).s("auditHead", after.auditHead()).n("auditNext", after.auditNext()).n("initialCash", after.initialCash())
                .t("lastTick", scheduledAt).build();
        writes.add(TransactWriteItem.builder().put(p -> {
            p.tableName(table).item(state);
            if (expectedVersion < 0) {
                p.conditionExpression("attribute_not_exists(#k)").expressionAttributeNames(Map.of("#k", "key"));
            } else {
                p.conditionExpression("#v = :v").expressionAttributeNames(Map.of("#v", "version"))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(expectedVersion))));
            }
        }).build());
        for (AuditLog.Entry e : audit) {
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(table).conditionExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", "key"))
                    .item(Attrs.item().s("market", market).s("key", auditKey(e.sequence())).n("sequence", e.sequence()).t("at", e.at()).s("kind", e.kind())
                            .s("payload", e.payload()).s("previousHash", e.previousHash()).s("hash", e.hash()).build())).build());
        }
        if (tradeJson != null) {
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(table).conditionExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", "key"))
                    .item(Attrs.item().s("market", market).s("key", "trade#" + tradeAt + "#" + clientOrderId).s("json", tradeJson).build())).build());
        }
        if (dayJson != null) {
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(table)
                    .item(Attrs.item().s("market", market).s("key", "day#" + day).s("json", dayJson).build())).build());
        }
        try {
            dynamo.transactWriteItems(t -> t.transactItems(writes));
            return Commit.COMMITTED;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) return Commit.DUPLICATE;
            if (reasons.size() > 1 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                throw new ConcurrentModificationException("another tick of " + market + " moved the state first; nothing was written");
            }
            throw e;
        }
    }

    @Override
    public List<String> ticks(String market, int limit) {
        return jsonNewestFirst(market, "tick#", limit);
    }

    @Override
    public List<String> ticksBetween(String market, Instant from, Instant to) {
        List<String> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            // [from, to): "tick#<to>" itself is excluded below (BETWEEN is inclusive)
            QueryResponse r = dynamo.query(q -> q.tableName(table).keyConditionExpression("#mk = :m AND #k BETWEEN :a AND :b")
                    .expressionAttributeNames(Map.of("#k", "key", "#mk", "market"))
                    .expressionAttributeValues(Map.of(":m", AttributeValue.fromS(market), ":a", AttributeValue.fromS(tickKey(from)),
                            ":b", AttributeValue.fromS(tickKey(to))))
                    .consistentRead(true).exclusiveStartKey(exclusiveStart));
            for (Map<String, AttributeValue> i : r.items()) if (!Attrs.s(i, "key").equals(tickKey(to))) out.add(Attrs.s(i, "json"));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? new HashMap<>(r.lastEvaluatedKey()) : null;
        } while (start != null);
        return out;
    }

    @Override
    public Optional<String> lastTickBefore(String market, Instant before) {
        QueryResponse r = dynamo.query(q -> q.tableName(table).keyConditionExpression("#mk = :m AND #k BETWEEN :a AND :b")
                .expressionAttributeNames(Map.of("#k", "key", "#mk", "market"))
                .expressionAttributeValues(Map.of(":m", AttributeValue.fromS(market), ":a", AttributeValue.fromS("tick#"),
                        ":b", AttributeValue.fromS(tickKey(before))))
                .consistentRead(true).scanIndexForward(false).limit(2));
        return r.items().stream().filter(i -> !Attrs.s(i, "key").equals(tickKey(before))).map(i -> Attrs.s(i, "json")).findFirst();
    }

    @Override
    public List<String> trades(String market, int limit) {
        return jsonNewestFirst(market, "trade#", limit);
    }

    @Override
    public List<String> days(String market, int limit) {
        return jsonNewestFirst(market, "day#", limit);
    }

    private List<String> jsonNewestFirst(String market, String prefix, int limit) {
        QueryResponse r = dynamo.query(q -> q.tableName(table).keyConditionExpression("#mk = :m AND begins_with(#k, :p)")
                .expressionAttributeNames(Map.of("#k", "key", "#mk", "market"))
                .expressionAttributeValues(Map.of(":m", AttributeValue.fromS(market), ":p", AttributeValue.fromS(prefix)))
                .scanIndexForward(false).limit(limit));
        return r.items().stream().map(i -> Attrs.s(i, "json")).toList();
    }

    @Override
    public List<AuditLog.Entry> audit(String market, long from, long to) {
        List<AuditLog.Entry> out = new ArrayList<>();
        for (AuditLog.Entry e : auditQuery(market, auditKey(from), auditKey(Math.max(from, to - 1)))) if (e.sequence() >= from && e.sequence() < to) out.add(e);
        return out;
    }

    @Override
    public List<AuditLog.Entry> auditBetween(String market, Instant from, Instant to) {
        // entries are logged in time order: the period is one contiguous stretch of the (sequence-ordered) log
        List<AuditLog.Entry> out = new ArrayList<>();
        for (AuditLog.Entry e : auditQuery(market, auditKey(0), auditKey(999_999_999_999L))) if (!e.at().isBefore(from) && e.at().isBefore(to)) out.add(e);
        return out;
    }

    private List<AuditLog.Entry> auditQuery(String market, String fromKey, String toKey) {
        List<AuditLog.Entry> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse r = dynamo.query(q -> q.tableName(table).keyConditionExpression("#mk = :m AND #k BETWEEN :a AND :b")
                    .expressionAttributeNames(Map.of("#k", "key", "#mk", "market"))
                    .expressionAttributeValues(Map.of(":m", AttributeValue.fromS(market), ":a", AttributeValue.fromS(fromKey), ":b", AttributeValue.fromS(toKey)))
                    .consistentRead(true).exclusiveStartKey(exclusiveStart));
            for (Map<String, AttributeValue> i : r.items()) {
                out.add(new AuditLog.Entry(Attrs.n(i, "sequence"), Attrs.t(i, "at"), Attrs.s(i, "kind"), Attrs.s(i, "payload"), Attrs.s(i, "previousHash"),
                        Attrs.s(i, "hash")));
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? new HashMap<>(r.lastEvaluatedKey()) : null;
        } while (start != null);
        return out;
    }
}
