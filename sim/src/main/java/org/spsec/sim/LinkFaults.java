package org.spsec.sim;

import java.time.Duration;

/**
 * What one directed link (sender to receiver) does to frames: loss, duplication, reordering
 * (an extra random delay of up to {@code reorderSpread}) and a fixed delay.
 */
public record LinkFaults(double loss, double duplication, double reorder, long reorderSpreadNanos, long delayNanos) {
    public static final LinkFaults PERFECT = new LinkFaults(0, 0, 0, 0, 0);

    public LinkFaults {
        for (double p : new double[] {loss, duplication, reorder}) {
            if (p < 0 || p > 1) {
                throw new IllegalArgumentException("probabilities are 0..1");
            }
        }
        if (reorderSpreadNanos < 0 || delayNanos < 0) {
            throw new IllegalArgumentException("delays are not negative");
        }
    }

    /** Loss, duplication and reordering at the same rate; reordered frames arrive up to {@code spread} late. */
    public static LinkFaults lossy(double rate, Duration spread) {
        return new LinkFaults(rate, rate, rate, spread.toNanos(), 0);
    }

    public LinkFaults withDelay(Duration d) {
        return new LinkFaults(loss, duplication, reorder, reorderSpreadNanos, d.toNanos());
    }
}
