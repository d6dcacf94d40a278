package io.conflux.identity;

import java.time.Instant;
import java.util.Set;

/** Who a verified session token speaks for. */
public record Session(String address, Set<Role> roles, Instant expiresAt, String tokenId) {

    public enum Role { TRADER, OPERATOR }

    public Session {
        roles = Set.copyOf(roles);
    }

    public boolean isOperator() {
        return roles.contains(Role.OPERATOR);
    }
}
