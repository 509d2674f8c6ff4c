package dev.eddy.state.dynamodb.table;

import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The primary key of one item of the state table, as a value: its partition key ({@code pk}) and sort key
 * ({@code sk}). Items are told apart by both parts, never by a string joining them, so a key may hold any
 * character.
 *
 * @param pk the partition key
 * @param sk the sort key
 */
public record ItemKey(String pk, String sk) {

    /**
     * @throws NullPointerException if a part is {@code null}
     */
    public ItemKey {
        Objects.requireNonNull(pk, "pk");
        Objects.requireNonNull(sk, "sk");
    }

    /**
     * @param item an item as DynamoDB returns it
     * @return its primary key
     */
    public static ItemKey of(Map<String, AttributeValue> item) {
        return new ItemKey(item.get(StateTable.PK).s(), item.get(StateTable.SK).s());
    }

    /** @return the key as a request's {@code Key} map */
    public Map<String, AttributeValue> attributes() {
        return Map.of(StateTable.PK, AttributeValue.fromS(pk), StateTable.SK, AttributeValue.fromS(sk));
    }
}
