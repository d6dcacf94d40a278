package io.conflux.aws;

import io.conflux.rounds.Round;
import io.conflux.rounds.RoundStatus;
import io.conflux.rounds.RoundStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
                    .build()));
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

    private static Round toRound(Map<String, AttributeValue> i) {
        return new Round(Attrs.s(i, "roundId"), Attrs.s(i, "templateId"), RoundStatus.valueOf(Attrs.s(i, "status")),
                Attrs.t(i, "openedAt"), Attrs.t(i, "deadline"), Attrs.n(i, "maxUpdateBytes"), Attrs.d(i, "normBound"),
                Attrs.b(i, "publicKey"), Attrs.b(i, "protectedPrivateKey"));
    }
}
