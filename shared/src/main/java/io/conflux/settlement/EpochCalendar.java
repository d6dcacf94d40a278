package io.conflux.settlement;

import java.time.Duration;
import java.time.Instant;

/**
 * Settlement epochs: epoch {@code n} is {@code [genesis + n*length, genesis + (n+1)*length)}. Epoch numbers are what
 * the vault records; they are settled once each, in order.
 */
public record EpochCalendar(Instant genesis, Duration length) {

    public EpochCalendar {
        if (genesis == null || length == null) throw new IllegalArgumentException("an epoch calendar needs a genesis and a length");
        if (length.compareTo(Duration.ofHours(1)) < 0) throw new IllegalArgumentException("an epoch lasts at least an hour (the agent ticks hourly): " + length);
    }

    /** Weekly epochs from Monday 2024-01-01 00:00 UTC. */
    public static EpochCalendar weekly() {
        return new EpochCalendar(Instant.parse("2024-01-01T00:00:00Z"), Duration.ofDays(7));
    }

    public Instant start(long epoch) {
        if (epoch < 0) throw new IllegalArgumentException("epochs are numbered from 0: " + epoch);
        return genesis.plus(length.multipliedBy(epoch));
    }

    public Instant end(long epoch) {
        return start(epoch + 1);
    }

    /** The epoch {@code at} lies in. */
    public long epochAt(Instant at) {
        if (at.isBefore(genesis)) throw new IllegalArgumentException(at + " is before the first epoch (" + genesis + ")");
        return Duration.between(genesis, at).toMillis() / length.toMillis();
    }

    /** The newest epoch that has ended by {@code now}, or -1 when none has. */
    public long lastClosed(Instant now) {
        return now.isBefore(end(0)) ? -1 : epochAt(now) - 1;
    }
}
