package io.conflux.aws;

import io.conflux.federation.ContributionScore;
import io.conflux.federation.ScoreStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** Contribution scores on DynamoDB, one item per (round, update), written once. */
public final class DynamoScoreStore implements ScoreStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoScoreStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void putAll(List<ContributionScore> scores) {
        for (ContributionScore s : scores) {
            try {
                dynamo.putItem(p -> p.tableName(table).conditionExpression("attribute_not_exists(contentHash)").item(Attrs.item()
                        .s("roundId", s.roundId()).s("trader", s.trader()).s("contentHash", s.contentHash())
                        .n("leaveOneOut", s.leaveOneOut()).n("shapley", s.shapley()).n("payoutPpm", s.payoutPpm()).build()));
            } catch (ConditionalCheckFailedException written) {
                // scored before: a re-driven step changes nothing
            }
        }
    }

    @Override
    public List<ContributionScore> round(String roundId) {
        List<ContributionScore> out = new ArrayList<>();
        dynamo.queryPaginator(q -> q.tableName(table).keyConditionExpression("roundId = :r").consistentRead(true)
                .expressionAttributeValues(Map.of(":r", AttributeValue.fromS(roundId)))).items().forEach(i -> out.add(new ContributionScore(
                Attrs.s(i, "roundId"), Attrs.s(i, "trader"), Attrs.s(i, "contentHash"), Attrs.d(i, "leaveOneOut"), Attrs.d(i, "shapley"),
                Attrs.n(i, "payoutPpm"))));
        return out;
    }
}
