package io.conflux.aws;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Small helpers between Java values and DynamoDB attribute values; nulls are left out of items. */
final class Attrs {
    private Attrs() {}

    static final class Builder {
        private final Map<String, AttributeValue> m = new HashMap<>();

        Builder s(String name, String v) {
            if (v != null) m.put(name, AttributeValue.fromS(v));
            return this;
        }

        Builder n(String name, Number v) {
            if (v != null) m.put(name, AttributeValue.fromN(v.toString()));
            return this;
        }

        Builder t(String name, Instant v) {
            return s(name, v == null ? null : v.toString());
        }

        Builder b(String name, byte[] v) {
            if (v != null) m.put(name, AttributeValue.fromB(SdkBytes.fromByteArray(v)));
            return this;
        }

        Map<String, AttributeValue> build() {
            return m;
        }
    }

    static Builder item() {
        return new Builder();
    }

    static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    static Long n(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : Long.parseLong(v.n());
    }

    static Double d(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : Double.parseDouble(v.n());
    }

    static Instant t(Map<String, AttributeValue> item, String name) {
        String s = s(item, name);
        return s == null ? null : Instant.parse(s);
    }

    static byte[] b(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.b() == null ? null : v.b().asByteArray();
    }

    static Map<String, AttributeValue> key(String name, String value) {
        return Map.of(name, AttributeValue.fromS(value));
    }

    static Map<String, AttributeValue> key(String pk, String pv, String sk, String sv) {
        return Map.of(pk, AttributeValue.fromS(pv), sk, AttributeValue.fromS(sv));
    }
}
