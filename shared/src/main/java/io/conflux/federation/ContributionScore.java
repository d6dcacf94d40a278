package io.conflux.federation;

/**
 * A trader's contribution to a round: the leave-one-out and GTG-Shapley scores of their update on the
 * validation utility, and the payout share that settlement uses (parts per million; a round's shares
 * sum to exactly 1,000,000, or are all 0 when no update improved the model).
 */
public record ContributionScore(String roundId, String trader, String contentHash, double leaveOneOut, double shapley,
                                long payoutPpm) {}
