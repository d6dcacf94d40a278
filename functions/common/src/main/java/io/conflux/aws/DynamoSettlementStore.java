package io.conflux.aws;

import io.conflux.platform.Json;
import io.conflux.settlement.Allocation;
import io.conflux.settlement.AllocationTree;
import io.conflux.settlement.ModelTime;
import io.conflux.settlement.Settlement;
import io.conflux.settlement.SettlementStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Settlements and allocations on DynamoDB (see {@code ConfluxResources.SETTLEMENTS} and {@code ALLOCATIONS}), kept
 * per vault (its address is the settlements' partition and the allocations' sort-key prefix), so a redeployed vault
 * starts a fresh record beside the old one. The settlement item is written once (attribute_not_exists); its status
 * only moves PENDING -> SETTLED or CONFLICT; an allocation is written only if absent or identical; the claim cursor
 * only moves forward.
 */
public final class DynamoSettlementStore implements SettlementStore {
    private final DynamoDbClient dynamo;
    private final String settlements;
    private final String allocations;
    private final String epochs, cursor, vault;

    public DynamoSettlementStore(DynamoDbClient dynamo, String settlementsTable, String allocationsTable, String vault) {
        if (vault == null || !vault.matches("0x[0-9a-f]{40}")) throw new IllegalArgumentException("settlements are kept per vault (a lower-case 0x address): " + vault);
        this.dynamo = dynamo;
        this.settlements = settlementsTable;
        this.allocations = allocationsTable;
        this.vault = vault;
        this.epochs = vault;
        this.cursor = vault + "#cursor";
    }

    static String epochKey(long epoch) {
        return String.format("%012d", epoch);
    }

    private String allocationKey(long epoch) {
        return vault + "#" + epochKey(epoch);
    }

    @Override
    public Optional<Settlement> find(long epoch) {
        Map<String, AttributeValue> i = dynamo.getItem(g -> g.tableName(settlements).key(Attrs.key("scope", epochs, "epoch", epochKey(epoch))).consistentRead(true)).item();
        return i == null || i.isEmpty() ? Optional.empty() : Optional.of(settlement(i));
    }

    @Override
    public List<Settlement> list(int limit) {
        QueryResponse r = dynamo.query(q -> q.tableName(settlements).keyConditionExpression("#s = :s").expressionAttributeNames(Map.of("#s", "scope"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(epochs))).scanIndexForward(false).consistentRead(true).limit(limit));
        return r.items().stream().map(DynamoSettlementStore::settlement).toList();
    }

    @Override
    public boolean create(Settlement s) {
        List<Map<String, Object>> models = new ArrayList<>();
        for (ModelTime m : s.models()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("modelHash", m.modelHash());
            o.put("roundId", m.roundId());
            o.put("version", m.version());
            o.put("ticks", m.ticks());
            models.add(o);
        }
        try {
            dynamo.putItem(p -> p.tableName(settlements).conditionExpression("attribute_not_exists(#e)").expressionAttributeNames(Map.of("#e", "epoch"))
                    .item(Attrs.item().s("scope", epochs).s("epoch", epochKey(s.epoch())).n("epochNumber", s.epoch()).t("from", s.from()).t("to", s.to())
                            .s("status", s.status().name()).n("equity", s.equity()).n("markBefore", s.markBefore()).n("markAfter", s.markAfter())
                            .n("profit", s.profit()).n("feeBps", s.feeBps()).n("contributorBps", s.contributorBps()).n("fee", s.fee()).n("pool", s.pool())
                            .n("investorsPart", s.investorsPart()).n("allocated", s.allocated()).n("dust", s.dust()).n("traders", s.traders())
                            .s("allocationsRoot", s.allocationsRoot()).s("auditRoot", s.auditRoot()).s("models", Json.write(models))
                            .s("txHash", s.txHash()).s("note", s.note()).t("computedAt", s.computedAt()).t("settledAt", s.settledAt()).build()));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    @Override
    public void putAllocations(long epoch, AllocationTree tree) {
        for (var e : tree.amounts().entrySet()) {
            String proof = Json.write(tree.proof(e.getKey()));
            try {
                dynamo.putItem(p -> p.tableName(allocations)
                        .conditionExpression("attribute_not_exists(#e) OR (amount = :a AND proof = :p)")
                        .expressionAttributeNames(Map.of("#e", "epoch"))
                        .expressionAttributeValues(Map.of(":a", AttributeValue.fromN(Long.toString(e.getValue())), ":p", AttributeValue.fromS(proof)))
                        .item(Attrs.item().s("trader", e.getKey()).s("epoch", allocationKey(epoch)).n("epochNumber", epoch).s("vault", vault).n("amount", e.getValue())
                                .s("proof", proof).build()));
            } catch (ConditionalCheckFailedException different) {
                throw new IllegalStateException("epoch " + epoch + " already holds a different allocation for " + e.getKey() + "; it is left as it is");
            }
        }
    }

    @Override
    public void markSettled(long epoch, String txHash, Instant at) {
        try {
            dynamo.updateItem(u -> u.tableName(settlements).key(Attrs.key("scope", epochs, "epoch", epochKey(epoch)))
                    .conditionExpression("#st = :pending").updateExpression("SET #st = :settled, txHash = :tx, settledAt = :at")
                    .expressionAttributeNames(Map.of("#st", "status"))
                    .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS("PENDING"), ":settled", AttributeValue.fromS("SETTLED"),
                            ":tx", AttributeValue.fromS(txHash), ":at", AttributeValue.fromS(at.toString()))));
        } catch (ConditionalCheckFailedException notPending) {
            // settled before (a repeat) or in conflict: left as it is
        }
    }

    @Override
    public void markConflict(long epoch, String why) {
        try {
            dynamo.updateItem(u -> u.tableName(settlements).key(Attrs.key("scope", epochs, "epoch", epochKey(epoch)))
                    .conditionExpression("#st = :pending").updateExpression("SET #st = :conflict, note = :why")
                    .expressionAttributeNames(Map.of("#st", "status"))
                    .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS("PENDING"), ":conflict", AttributeValue.fromS("CONFLICT"),
                            ":why", AttributeValue.fromS(why))));
        } catch (ConditionalCheckFailedException notPending) {
            // already settled or in conflict
        }
    }

    @Override
    public List<Allocation> allocations(String trader) {
        List<Allocation> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse r = dynamo.query(q -> q.tableName(allocations).keyConditionExpression("trader = :t AND begins_with(#e, :v)")
                    .expressionAttributeNames(Map.of("#e", "epoch"))
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(trader), ":v", AttributeValue.fromS(vault + "#"))).scanIndexForward(false).consistentRead(true)
                    .exclusiveStartKey(exclusiveStart));
            for (Map<String, AttributeValue> i : r.items()) {
                out.add(new Allocation(Attrs.n(i, "epochNumber"), trader, Attrs.n(i, "amount"), strings(Attrs.s(i, "proof")),
                        i.containsKey("claimTx"), Attrs.s(i, "claimTx")));
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? new HashMap<>(r.lastEvaluatedKey()) : null;
        } while (start != null);
        return out;
    }

    @Override
    public void markClaimed(long epoch, String trader, String txHash) {
        try {
            dynamo.updateItem(u -> u.tableName(allocations).key(Attrs.key("trader", trader, "epoch", allocationKey(epoch)))
                    .conditionExpression("attribute_exists(amount) AND attribute_not_exists(claimTx)").updateExpression("SET claimTx = :tx")
                    .expressionAttributeValues(Map.of(":tx", AttributeValue.fromS(txHash))));
        } catch (ConditionalCheckFailedException seenOrUnknown) {
            // indexed before, or a claim of an allocation this platform did not record (left alone)
        }
    }

    @Override
    public long claimsCursor() {
        Map<String, AttributeValue> i = dynamo.getItem(g -> g.tableName(settlements).key(Attrs.key("scope", cursor, "epoch", "claims")).consistentRead(true)).item();
        return i == null || i.isEmpty() ? 0 : Attrs.n(i, "nextBlock");
    }

    @Override
    public void advanceClaimsCursor(long nextBlock) {
        try {
            dynamo.updateItem(u -> u.tableName(settlements).key(Attrs.key("scope", cursor, "epoch", "claims"))
                    .conditionExpression("attribute_not_exists(nextBlock) OR nextBlock < :n").updateExpression("SET nextBlock = :n")
                    .expressionAttributeValues(Map.of(":n", AttributeValue.fromN(Long.toString(nextBlock)))));
        } catch (ConditionalCheckFailedException behind) {
            // another run moved it further
        }
    }

    private static Settlement settlement(Map<String, AttributeValue> i) {
        List<ModelTime> models = new ArrayList<>();
        try {
            Object parsed = Json.parse(Attrs.s(i, "models"));
            for (Object o : (List<?>) parsed) {
                Map<?, ?> m = (Map<?, ?>) o;
                models.add(new ModelTime((String) m.get("modelHash"), (String) m.get("roundId"), ((Number) m.get("version")).longValue(),
                        ((Number) m.get("ticks")).longValue(), Map.of()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a settlement's models are not JSON", e);
        }
        return new Settlement(Attrs.n(i, "epochNumber"), Attrs.t(i, "from"), Attrs.t(i, "to"), Settlement.Status.valueOf(Attrs.s(i, "status")),
                Attrs.n(i, "equity"), Attrs.n(i, "markBefore"), Attrs.n(i, "markAfter"), Attrs.n(i, "profit"), Attrs.n(i, "feeBps").intValue(),
                Attrs.n(i, "contributorBps").intValue(), Attrs.n(i, "fee"), Attrs.n(i, "pool"), Attrs.n(i, "investorsPart"), Attrs.n(i, "allocated"),
                Attrs.n(i, "dust"), Attrs.n(i, "traders").intValue(), Attrs.s(i, "allocationsRoot"), Attrs.s(i, "auditRoot"), models,
                Attrs.s(i, "txHash"), Attrs.s(i, "note"), Attrs.t(i, "computedAt"), Attrs.t(i, "settledAt"));
    }

    private static List<String> strings(String json) {
        try {
            List<String> out = new ArrayList<>();
            for (Object o : (List<?>) Json.parse(json)) out.add((String) o);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("a stored proof is not JSON", e);
        }
    }
}
