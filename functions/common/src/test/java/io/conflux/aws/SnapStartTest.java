package io.conflux.aws;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapStartTest {
    @Test
    void withoutSnapStart_primingRunsInInit_andUnderSnapStartItWaitsForTheCheckpoint() {
        AtomicInteger runs = new AtomicInteger();
        assertFalse(SnapStart.prime("f", runs::incrementAndGet, "on-demand"));
        assertEquals(1, runs.get());
        assertFalse(SnapStart.prime("f", runs::incrementAndGet, null), "outside Lambda");
        assertEquals(2, runs.get());
        assertTrue(SnapStart.prime("f", runs::incrementAndGet, "snap-start"));
        assertEquals(2, runs.get(), "deferred to beforeCheckpoint (this JVM never checkpoints)");
    }

    @Test
    void aFailedPriming_neverFailsTheInit() {
        assertDoesNotThrow(() -> SnapStart.prime("f", () -> {
            throw new IllegalStateException("the secret has no value yet");
        }, null));
    }
}
