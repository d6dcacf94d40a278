package io.conflux.trader;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Differential privacy for one trader's update, applied on the trader's machine before it is sealed: the
 * update (local weights minus the round's base) is scaled down to L2 norm at most {@code clip} and Gaussian
 * noise of standard deviation {@code noiseMultiplier * clip} is added to every value.
 *
 * <p><b>What it protects.</b> The unit is the trader's whole training set for the round. Whatever that data
 * is, the clipped update lies in a ball of radius C, so two different data sets move it by at most 2C
 * (replace-one sensitivity 2C). Anyone who sees the noisy update (the platform after decrypting it, or
 * anything derived from it: the global model, the scores) learns about the data only within the printed
 * (epsilon, delta): it cannot tell, beyond that bound, whether the update came from these candles or from
 * any other candles the trader might have had. It does not hide that the trader took part, nor the sample
 * count and data-end time the envelope declares, and it says nothing about data reused outside Conflux.
 *
 * <p><b>Accountant.</b> Rényi DP of the Gaussian mechanism (Mironov 2017): one release with sensitivity
 * 2C and noise zC has RDP {@code eps(a) = a * (2C)^2 / (2 (zC)^2) = 2a / z^2} at every order a > 1; releases
 * compose by adding. The (epsilon, delta) figure is the smallest over a grid of orders of the conversion of
 * Balle et al. 2020 (the one Opacus and TensorFlow Privacy use):
 * {@code eps = rdp(a) + log((a-1)/a) - (log delta + log a) / (a-1)}. Every round a trader uploads to is one
 * release; the client keeps the ledger and prints the total.
 */
public final class DifferentialPrivacy {

    /** Orders the accountant tries: dense near 1, then integers, then powers of two (large noise needs large orders). */
    static final double[] ORDERS = orders();

    /**
     * @param clip            L2 bound C of the update
     * @param noiseMultiplier z: the noise's standard deviation is z * C per value
     */
    public record Params(double clip, double noiseMultiplier) {
        public Params {
            if (!(clip > 0) || Double.isInfinite(clip)) throw new IllegalArgumentException("the DP clip must be positive and finite, not " + clip);
            if (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier)) {
                throw new IllegalArgumentException("the DP noise multiplier must be positive and finite, not " + noiseMultiplier);
            }
        }

        /** RDP of one release at order a: 2a / z^2 (sensitivity 2C, noise z C). */
        public double rdp(double order) {
            return 2 * order / (noiseMultiplier * noiseMultiplier);
        }
    }

    /** What {@link #apply} did: the update's norm before, the factor it was scaled by (1 if within C), the noise's norm. */
    public record Applied(float[] values, double normBefore, double scale, double noiseNorm) {}

    /** An (epsilon, delta) guarantee and the order it came from. */
    public record Guarantee(double epsilon, double delta, double order, int releases) {}

    private DifferentialPrivacy() {}

    /** Clips {@code delta} to norm C and adds N(0, (zC)^2) to each value; {@code delta} is not changed. */
    public static Applied apply(float[] delta, Params p, RandomGenerator random) {
        double sum = 0;
        for (float v : delta) sum += (double) v * v;
        double norm = Math.sqrt(sum);
        double scale = norm > p.clip() ? p.clip() / norm : 1.0;
        double sigma = p.noiseMultiplier() * p.clip();
        float[] out = new float[delta.length];
        double noiseSq = 0;
        for (int i = 0; i < delta.length; i++) {
            double noise = sigma * random.nextGaussian();
            noiseSq += noise * noise;
            out[i] = (float) (delta[i] * scale + noise);
        }
        return new Applied(out, norm, scale, Math.sqrt(noiseSq));
    }

    /** The guarantee of all {@code releases} together (each one round's noisy update), at {@code delta}. */
    public static Guarantee guarantee(List<Params> releases, double delta) {
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("delta must lie in (0, 1), not " + delta);
        if (releases.isEmpty()) return new Guarantee(0, delta, Double.NaN, 0);
        double best = Double.POSITIVE_INFINITY, bestOrder = Double.NaN;
        for (double a : ORDERS) {
            double rdp = 0;
            for (Params p : releases) rdp += p.rdp(a);
            double eps = rdp + Math.log((a - 1) / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
            if (eps < best) {
                best = eps;
                bestOrder = a;
            }
        }
        return new Guarantee(Math.max(0, best), delta, bestOrder, releases.size());
    }

    private static double[] orders() {
        double[] o = new double[99 + 53 + 6];
        int k = 0;
        for (int x = 1; x <= 99; x++) o[k++] = 1 + x / 10.0;
        for (int a = 11; a <= 63; a++) o[k++] = a;
        for (int a = 128; a <= 4096; a *= 2) o[k++] = a;
        return o;
    }
}
