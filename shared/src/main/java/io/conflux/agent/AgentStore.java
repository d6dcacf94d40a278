package io.conflux.agent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where the agent keeps its state, its ticks, its trades and its audit log (DynamoDB in AWS and locally). */
public interface AgentStore {

    Optional<AgentState> state(String market);

    /** The recorded tick (its JSON) for the market and scheduled time, if it ran. */
    Optional<String> tick(String market, Instant scheduledAt);

    enum Commit { COMMITTED, DUPLICATE }

    /**
     * Records one tick in one transaction: the tick (only if that tick is not recorded yet), the new state (only
     * if the stored state is still {@code expectedVersion}; -1: only if there is none), its audit entries, its
     * trade and the day's snapshot.
     *
     * @return {@link Commit#DUPLICATE} when the tick was already recorded: then nothing changed
     * @throws java.util.ConcurrentModificationException when another tick moved the state first (nothing changed)
     */
    Commit commit(String market, Instant scheduledAt, String tickJson, long expectedVersion, AgentState after, List<AuditLog.Entry> audit,
                  String tradeJson, Instant tradeAt, String clientOrderId, String dayJson, String day);

    /** The newest ticks first (JSON). */
    List<String> ticks(String market, int limit);

    /** The ticks scheduled in {@code [from, to)}, oldest first (JSON): a settlement epoch's stretch of the ledger. */
    List<String> ticksBetween(String market, Instant from, Instant to);

    /** The last tick scheduled before {@code before} (JSON), if any: the book's value at a point in time. */
    Optional<String> lastTickBefore(String market, Instant before);

    /** The newest trades first (JSON). */
    List<String> trades(String market, int limit);

    /** The newest daily snapshots first (JSON: date, value, P&L against the starting cash, cash, position). */
    List<String> days(String market, int limit);

    /** Audit entries logged in {@code [from, to)} (by their time), in order: a period's stretch of the log. */
    List<AuditLog.Entry> auditBetween(String market, Instant from, Instant to);

    /** Audit entries with {@code from <= sequence < to}, in order. */
    List<AuditLog.Entry> audit(String market, long from, long to);
}
