package io.conflux.platform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text to plain values (Map, List, String, Long/Double, Boolean, null) with Jackson's streaming
 * parser: for reading AWS event documents without loading a data-binding layer on a cold start.
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    public static Object parse(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            Object v = read(p, p.nextToken());
            if (p.nextToken() != null) throw new IOException("trailing content after the JSON value");
            return v;
        }
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        if (t == null) throw new IOException("empty JSON");
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) l.add(read(p, n));
                yield l;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected JSON token " + t);
        };
    }

    /**
     * Plain values (Map, List, String, Number, Boolean, null, double[], long[], int[]) to compact JSON. Keys
     * keep the map's order, so a LinkedHashMap gives one canonical text for signing. Doubles are written
     * in Java's shortest round-trip form; non-finite doubles are refused (JSON has none).
     */
    public static String write(Object value) {
        java.io.StringWriter out = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(com.fasterxml.jackson.core.JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(e.getKey().toString());
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Iterable<?> l -> {
                g.writeStartArray();
                for (Object o : l) write(g, o);
                g.writeEndArray();
            }
            case double[] a -> {
                g.writeStartArray();
                for (double d : a) write(g, d);
                g.writeEndArray();
            }
            case long[] a -> {
                g.writeStartArray();
                for (long x : a) g.writeNumber(x);
                g.writeEndArray();
            }
            case int[] a -> {
                g.writeStartArray();
                for (int x : a) g.writeNumber(x);
                g.writeEndArray();
            }
            case boolean[] a -> {
                g.writeStartArray();
                for (boolean x : a) g.writeBoolean(x);
                g.writeEndArray();
            }
            case String s -> g.writeString(s);
            case Double d -> {
                if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON has no " + d);
                g.writeNumber(d);
            }
            case Float f -> write(g, f.doubleValue());
            case Long x -> g.writeNumber(x);
            case Integer x -> g.writeNumber(x);
            case Boolean b -> g.writeBoolean(b);
            default -> g.writeString(v.toString());
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String text) throws IOException {
        if (parse(text) instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IOException("not a JSON object");
    }

    /** The value at a path of object keys, or null where any step is missing or not an object. */
    public static Object at(Object root, String... path) {
        Object v = root;
        for (String k : path) {
            if (!(v instanceof Map<?, ?> m)) return null;
            v = m.get(k);
        }
        return v;
    }

    public static String string(Object root, String... path) {
        Object v = at(root, path);
        return v == null ? null : v.toString();
    }
}
