package io.conflux.aws;

import static io.conflux.identity.AuthenticationException.Reason.*;

import io.conflux.identity.AuthenticationException;
import io.conflux.identity.NonceStore;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/** Nonces in DynamoDB; consumption is one conditional update, so a nonce is used at most once. */
public final class DynamoNonceStore implements NonceStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoNonceStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void put(String nonce, Instant expiresAt) {
        dynamo.putItem(r -> r.tableName(table).conditionExpression("attribute_not_exists(nonce)")
                .item(Attrs.item().s("nonce", nonce).n("expiresAtEpoch", expiresAt.getEpochSecond()).build()));
    }

    @Override
    public void consume(String nonce, Instant now) throws AuthenticationException {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(Attrs.key("nonce", nonce))
                    .updateExpression("SET usedAt = :now")
                    .conditionExpression("attribute_exists(nonce) AND attribute_not_exists(usedAt) AND expiresAtEpoch > :epoch")
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(now.toString()),
                            ":epoch", AttributeValue.fromN(Long.toString(now.getEpochSecond()))))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.item();
            if (old == null || old.isEmpty()) throw new AuthenticationException(NONCE_UNKNOWN, "the nonce was not issued by this server; request a new one");
            if (old.containsKey("usedAt")) throw new AuthenticationException(NONCE_USED, "the nonce was already used; request a new one");
            throw new AuthenticationException(NONCE_EXPIRED, "the nonce expired; request a new one");
        }
    }
}
