package io.conflux.aws;

import io.conflux.rounds.Round;
import io.conflux.rounds.RoundPolicy;
import io.conflux.rounds.RoundStatus;
import io.conflux.rounds.RoundStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

public final class DynamoRoundStore implements RoundStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoRoundStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void create(Round r) {
        try {
            dynamo.putItem(p -> p.tableName(table).conditionExpression("attribute_not_exists(roundId)").item(Attrs.item()
                    .s("roundId", r.roundId()).s("templateId", r.templateId()).s("status", r.status().name())
                    .t("openedAt", r.openedAt()).t("deadline", r.deadline()).n("maxUpdateBytes", r.maxUpdateBytes())
                    .n("normBound", r.normBound()).b("publicKey", r.publicKey()).b("protectedPrivateKey", r.protectedPrivateKey())
                    .n("minUpdates", r.policy().minUpdates()).n("maxUpdates", r.policy().maxUpdates()).s("rule", r.policy().rule())
                    .s("validationMarket", r.policy().validation().market()).t("validationFrom", r.policy().validation().from())
                    .t("validationTo", r.policy().validation().to()).n("scoreBudget", r.policy().scoreBudget())
                    .n("seed", r.policy().seed())
                    .n("dpClip", r.policy().privacy() == null ? null : r.policy().privacy().clip())
                    .n("dpNoiseMultiplier", r.policy().privacy() == null ? null : r.policy().privacy().noiseMultiplier())
                    .s("baseModel", r.baseModel()).s("statusReason", r.statusReason())
                    .n("modelVersion", r.modelVersion()).build()));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("round " + r.roundId() + " exists");
        }
    }

    @Override
    public Optional<Round> find(String roundId) {
        var item = dynamo.getItem(r -> r.tableName(table).key(Attrs.key("roundId", roundId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toRound(item));
    }

    @Override
    public List<Round> list() {
        List<Round> out = new ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table)).items().forEach(i -> out.add(toRound(i)));
        return out;
    }

    @Override
    public boolean transition(String roundId, Set<RoundStatus> from, RoundStatus to, String reason) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":to", AttributeValue.fromS(to.name()));
        List<String> allowed = new ArrayList<>();
        int i = 0;
        for (RoundStatus f : from) {
            values.put(":f" + i, AttributeValue.fromS(f.name()));
            allowed.add(":f" + i++);
        }
        String set = "SET #status = :to";
        if (reason != null) {
            values.put(":reason", AttributeValue.fromS(reason));
            set += ", statusReason = :reason";
        }
        String update = set;
        try {
            dynamo.updateItem(u -> u.tableName(table).key(Attrs.key("roundId", roundId)).updateExpression(update)
                    .conditionExpression("attribute_exists(roundId) AND #status IN (" + String.join(", ", allowed) + ")")
                    .expressionAttributeNames(Map.of("#status", "status")).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    static Round toRound(Map<String, AttributeValue> i) {
        RoundPolicy policy = new RoundPolicy(Attrs.n(i, "minUpdates").intValue(), Attrs.n(i, "maxUpdates").intValue(), Attrs.s(i, "rule"),
                new RoundPolicy.Validation(Attrs.s(i, "validationMarket"), Attrs.t(i, "validationFrom"), Attrs.t(i, "validationTo")),
                Attrs.n(i, "scoreBudget").intValue(), Attrs.n(i, "seed"),
                i.containsKey("dpClip") ? new RoundPolicy.Privacy(Attrs.d(i, "dpClip"), Attrs.d(i, "dpNoiseMultiplier")) : null);
        Long version = Attrs.n(i, "modelVersion");
        return new Round(Attrs.s(i, "roundId"), Attrs.s(i, "templateId"), RoundStatus.valueOf(Attrs.s(i, "status")),
                Attrs.t(i, "openedAt"), Attrs.t(i, "deadline"), Attrs.n(i, "maxUpdateBytes"), Attrs.d(i, "normBound"),
                Attrs.b(i, "publicKey"), Attrs.b(i, "protectedPrivateKey"), policy, Attrs.s(i, "baseModel"),
                Attrs.s(i, "statusReason"), version == null ? 0 : version);
    }
}
