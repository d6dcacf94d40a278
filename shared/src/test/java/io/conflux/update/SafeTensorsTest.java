package io.conflux.update;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafeTensorsTest {

    /** Builds a file byte by byte as the reference implementation lays it out, independent of {@link SafeTensors#write}. */
    static byte[] handMade(String header, float... values) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) b.put((byte) ' ');
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    @Test
    void read_acceptsAFileLaidOutLikeTheReferenceWriter() {
        byte[] file = handMade("{\"__metadata__\":{\"k\":\"v\"},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 1.5f, -2f, 3.25f);
        SafeTensors.Parsed p = SafeTensors.read(file);
        assertEquals(Map.of("k", "v"), p.metadata());
        assertEquals(List.of("a", "b"), p.entries().stream().map(SafeTensors.Entry::name).toList(), "entries in data order");
        assertArrayEquals(new float[] {1.5f, -2f}, p.tensor(p.entries().get(0)).values());
        assertArrayEquals(new float[] {3.25f}, p.tensor(p.entries().get(1)).values());
    }

    @Test
    void write_thenRead_roundTripsExactly_andAlignsData() {
        var tensors = List.of(new Tensor("x", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, Float.MIN_VALUE}),
                new Tensor("y", new int[] {1}, new float[] {-0f}));
        byte[] file = SafeTensors.write(Map.of("m", "1"), tensors);
        SafeTensors.Parsed p = SafeTensors.read(file);
        assertEquals(0, p.dataStart() % 8);
        assertEquals(tensors, p.entries().stream().map(p::tensor).toList());
    }

    @Test
    void read_refusesStructuralDefects() {
        String[] headers = {
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",            // too few bytes for the shape
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",            // a hole before the data
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",            // bytes left over (8 given)
            "{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}",             // unknown dtype
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}",           // negative dimension
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}",    // unknown field
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}",                                   // no offsets
            "[1,2]",                                                                        // not an object
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}",             // unterminated
        };
        for (String h : headers) {
            assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(handMade(h, 1f, 2f)), h);
        }
        byte[] huge = handMade("{}", 1f);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(huge));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(new byte[3]));
    }
}
