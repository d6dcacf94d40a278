package io.conflux.model;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ModelTemplateTest {
    @Test
    void id_roundTrips_andNamesTheDimensions() {
        ModelTemplate t = new ModelTemplate(48, 22, 64, 3);
        assertEquals("lstm-classifier/v1/w48-f22-h64-c3", t.id());
        assertEquals(t, ModelTemplate.parse(t.id()));
    }

    @Test
    void parameterCount_isThatOfAnLstmPlusDenseHead() {
        int f = 24, h = 32, c = 3;
        // LSTM: 4 gates x (input weights + recurrent weights + two bias vectors); head: c x h + c
        long expected = 4L * h * (f + h + 2) + (long) c * h + c;
        assertEquals(expected, ModelTemplate.standard().parameterCount());
        assertEquals(4 * expected, ModelTemplate.standard().tensorBytes());
    }

    @Test
    void parse_rejectsOtherFamiliesVersionsAndGarbage() {
        for (String bad : new String[] {"gru-classifier/v1/w32-f24-h32-c3", "lstm-classifier/v2/w32-f24-h32-c3",
                                        "lstm-classifier/v1/w32-f24-h32", "", "lstm-classifier/v1/w0-f24-h32-c3"}) {
            assertThrows(IllegalArgumentException.class, () -> ModelTemplate.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> ModelTemplate.parse(null));
    }
}
