package io.conflux.evaluation;

/**
 * Metrics from a model's class probabilities on a validation set (pure arithmetic, engine-free).
 *
 * <p>The threshold policy is long one unit while P(up) - P(down) exceeds {@code threshold}, flat
 * otherwise (no shorts: the vault holds the asset or cash); each change of position costs
 * {@code feeRate} of the position in log terms. The return is the sum of log returns earned.
 */
public final class Scoring {
    /** A taker fee plus slippage typical of a major spot exchange, per position change. */
    public static final double DEFAULT_FEE = 0.001;
    public static final double DEFAULT_THRESHOLD = 0.05;
    private static final double MIN_P = 1e-12;

    private Scoring() {}

    /** @param probabilities count x classes, row-major */
    public static Metrics score(ValidationSet set, float[] probabilities, int classes, double feeRate, double threshold) {
        int n = set.count();
        if (probabilities.length != n * classes) throw new IllegalArgumentException("expected " + n * classes + " probabilities, got " + probabilities.length);
        int correct = 0;
        double loss = 0;
        int[] counts = new int[classes];
        double policy = 0, hold = 0;
        int position = 0, trades = 0;
        for (int i = 0; i < n; i++) {
            int off = i * classes, best = 0;
            for (int c = 1; c < classes; c++) if (probabilities[off + c] > probabilities[off + best]) best = c;
            int label = set.labels()[i];
            if (best == label) correct++;
            counts[label]++;
            loss -= Math.log(Math.max(MIN_P, probabilities[off + label]));
            int want = probabilities[off + classes - 1] - probabilities[off] > threshold ? 1 : 0;
            if (want != position) {
                policy -= feeRate;
                trades++;
                position = want;
            }
            policy += position * set.nextReturns()[i];
            hold += set.nextReturns()[i];
        }
        int majority = 0;
        for (int c : counts) majority = Math.max(majority, c);
        return new Metrics(n, (double) correct / n, (double) majority / n, loss / n, policy, hold, trades);
    }
}
