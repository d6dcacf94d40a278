package io.conflux.identity;

import java.time.Instant;
import java.util.Optional;

/** Traders known to the platform: a wallet address that has signed in at least once. */
public interface TraderRegistry {

    record Trader(String address, Instant registeredAt, Instant lastSignInAt) {}

    /** Records the trader on first sign-in (keeps the first registration time) and the latest sign-in. */
    Trader recordSignIn(String address, Instant at);

    Optional<Trader> find(String address);

    default boolean isRegistered(String address) {
        return find(address).isPresent();
    }
}
