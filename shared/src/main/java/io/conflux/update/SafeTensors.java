package io.conflux.update;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.conflux.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian
 * data. Chosen because every ML stack can write it (Python {@code safetensors.numpy.save}, Rust, JS)
 * and because it is pure data: reading it never runs code.
 *
 * <p>This reader is strict: byte ranges must be contiguous, in bounds, and cover the data exactly; the
 * header is bounded in size and depth; nothing is allocated beyond the bytes actually present.
 */
public final class SafeTensors {

    /** A header larger than this is refused (a template's header is a few hundred bytes). */
    public static final int MAX_HEADER_BYTES = 64 * 1024;
    public static final String METADATA_KEY = "__metadata__";

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).maxStringLength(4096)
                    .maxNumberLength(20).build())
            .build();

    private SafeTensors() {}

    /** One tensor's header entry; its bytes are {@code data[begin, end)} of the data section. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
        public long elementCount() {
            long n = 1;
            for (int d : shape) n = Math.multiplyExact(n, d);
            return n;
        }
    }

    /** A parsed file: the metadata, the entries in data order, and the buffer they point into. */
    public record Parsed(Map<String, String> metadata, List<Entry> entries, byte[] buffer, int dataStart) {

        /** Decodes a float32 entry. */
        public Tensor tensor(Entry e) {
            if (!"F32".equals(e.dtype())) throw new IllegalArgumentException(e.name() + " is " + e.dtype() + ", not F32");
            float[] values = new float[Math.toIntExact(e.elementCount())];
            ByteBuffer.wrap(buffer, dataStart + (int) e.begin(), (int) (e.end() - e.begin()))
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return new Tensor(e.name(), e.shape(), values);
        }
    }

    public static byte[] write(Map<String, String> metadata, List<Tensor> tensors) {
        try {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            long offset = 0;
            try (JsonGenerator g = JSON.createGenerator(header)) {
                g.writeStartObject();
                g.writeObjectFieldStart(METADATA_KEY);
                for (var e : metadata.entrySet()) g.writeStringField(e.getKey(), e.getValue());
                g.writeEndObject();
                for (Tensor t : tensors) {
                    long bytes = 4L * t.values().length;
                    g.writeObjectFieldStart(t.name());
                    g.writeStringField("dtype", "F32");
                    g.writeArrayFieldStart("shape");
                    for (int d : t.shape()) g.writeNumber(d);
                    g.writeEndArray();
                    g.writeArrayFieldStart("data_offsets");
                    g.writeNumber(offset);
                    g.writeNumber(offset + bytes);
                    g.writeEndArray();
                    g.writeEndObject();
                    offset += bytes;
                }
                g.writeEndObject();
            }
            // pad the header with spaces so the data starts 8-byte aligned (as the reference implementation does)
            while ((8 + header.size()) % 8 != 0) header.write(' ');
            ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + header.size() + offset)).order(ByteOrder.LITTLE_ENDIAN);
            out.putLong(header.size());
            out.put(header.toByteArray());
            for (Tensor t : tensors) {
                out.asFloatBuffer().put(t.values());
                out.position(out.position() + 4 * t.values().length);
            }
            return out.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and checks the structure; throws {@link IllegalArgumentException} saying what is wrong. */
    public static Parsed read(byte[] buf) {
        if (buf.length < 8) throw new IllegalArgumentException("shorter than the 8-byte header length");
        long headerLen = ByteBuffer.wrap(buf, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > buf.length - 8) {
            throw new IllegalArgumentException("header length " + headerLen + " is out of range");
        }
        int dataStart = 8 + (int) headerLen;
        long dataLen = buf.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        try (JsonParser p = JSON.createParser(buf, 8, (int) headerLen)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "header");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                expect(p.nextToken(), JsonToken.START_OBJECT, name);
                if (METADATA_KEY.equals(name)) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        expect(p.nextToken(), JsonToken.VALUE_STRING, "metadata " + key);
                        if (metadata.put(key, p.getText()) != null) throw new IllegalArgumentException("duplicate metadata " + key);
                    }
                } else {
                    entries.add(readEntry(p, name));
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IllegalArgumentException("header has trailing content");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("header is not valid JSON: " + e.getMessage());
        }
        if (entries.stream().map(Entry::name).distinct().count() != entries.size()) {
            throw new IllegalArgumentException("a tensor name appears twice");
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin() != expected) throw new IllegalArgumentException("tensor " + e.name() + " data does not follow the previous tensor's");
            if (e.end() < e.begin() || e.end() > dataLen) throw new IllegalArgumentException("tensor " + e.name() + " data is out of bounds");
            long bytes = Math.multiplyExact(e.elementCount(), dtypeBytes(e.dtype(), e.name()));
            if (bytes != e.end() - e.begin()) {
                throw new IllegalArgumentException("tensor " + e.name() + " has " + (e.end() - e.begin()) + " bytes for " + e.elementCount() + " " + e.dtype() + " values");
            }
            expected = e.end();
        }
        if (expected != dataLen) throw new IllegalArgumentException((dataLen - expected) + " bytes of data belong to no tensor");
        return new Parsed(Map.copyOf(metadata), List.copyOf(entries), buf, dataStart);
    }

    private static Entry readEntry(JsonParser p, String name) throws IOException {
        String dtype = null;
        int[] shape = null;
        long[] offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            switch (field) {
                case "dtype" -> {
                    expect(p.nextToken(), JsonToken.VALUE_STRING, name + ".dtype");
                    dtype = p.getText();
                }
                case "shape" -> {
                    List<Long> dims = readLongs(p, name + ".shape");
                    shape = new int[dims.size()];
                    for (int i = 0; i < shape.length; i++) {
                        if (dims.get(i) > Integer.MAX_VALUE) throw new IllegalArgumentException(name + ".shape is too large");
                        shape[i] = dims.get(i).intValue();
                    }
                }
                case "data_offsets" -> {
                    List<Long> o = readLongs(p, name + ".data_offsets");
                    if (o.size() != 2) throw new IllegalArgumentException(name + ".data_offsets must have two numbers");
                    offsets = new long[] {o.get(0), o.get(1)};
                }
                default -> throw new IllegalArgumentException("unexpected field " + name + "." + field);
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            throw new IllegalArgumentException("tensor " + name + " lacks dtype, shape or data_offsets");
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static List<Long> readLongs(JsonParser p, String what) throws IOException {
        expect(p.nextToken(), JsonToken.START_ARRAY, what);
        List<Long> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.VALUE_NUMBER_INT) {
            long v = p.getLongValue();
            if (v < 0) throw new IllegalArgumentException(what + " has a negative number");
            out.add(v);
            if (out.size() > 8) throw new IllegalArgumentException(what + " has too many numbers");
        }
        expect(t, JsonToken.END_ARRAY, what);
        return out;
    }

    private static int dtypeBytes(String dtype, String name) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> throw new IllegalArgumentException("tensor " + name + " has unknown dtype " + dtype);
        };
    }

    private static void expect(JsonToken actual, JsonToken wanted, String what) {
        if (actual != wanted) throw new IllegalArgumentException(what + ": expected " + wanted + " but found " + actual);
    }
}
