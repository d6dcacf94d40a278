package io.conflux.agent;

/**
 * The agent's state for one market between ticks: the book, the risk limits' memory, the head of the audit
 * log, and a version that every tick's write checks (two ticks can never both move the same state).
 *
 * @param auditHead the hash of the last audit entry ({@link AuditLog#GENESIS} before the first)
 * @param auditNext the sequence number the next audit entry gets
 */
public record AgentState(Portfolio book, RiskState risk, long version, String auditHead, long auditNext, long initialCash) {

    public static AgentState start(Portfolio book) {
        return new AgentState(book, RiskState.start(book.cash()), 0, AuditLog.GENESIS, 0, book.cash());
    }
}
