package org.spsec.cli.demo;

import java.util.function.LongSupplier;

/**
 * Paces the demo's simulated bus to the wall clock ({@code spsec demo --speed X}): after each step
 * of the bus, waits until the wall clock has caught up, so X seconds of bus time take one second
 * (X = 1: real time). Unpaced (the default) the story runs as fast as the machine can. The
 * protocol never sees this: the bus keeps its own simulated time, and only the demo's driver
 * waits between steps.
 *
 * <p>A pacer never rushes to catch up: when a step ends more than {@link #MAX_LAG_NANOS} late
 * (a slow machine, a terminal suspended with Ctrl-Z), it re-anchors on the present instead of
 * running the missed time at full speed.
 */
public final class Pacer {
    /** Sleeps for a number of nanoseconds (injected in tests). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** How late a step may end before the pacer re-anchors instead of catching up. */
    static final long MAX_LAG_NANOS = 1_000_000_000L;

    private final double speed;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private boolean anchored;
    private long busAnchor;
    private long wallAnchor;

    Pacer(double speed, LongSupplier clock, Sleeper sleeper) {
        if (!(speed >= 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a finite number >= 0, got " + speed);
        }
        this.speed = speed;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** As fast as possible: never waits. */
    public static Pacer unpaced() {
        return new Pacer(0, System::nanoTime, nanos -> {});
    }

    /** {@code speed} times real time on the system's monotonic clock. */
    public static Pacer atSpeed(double speed) {
        return new Pacer(speed, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L)));
    }

    /** Whether this pacer waits at all. */
    public boolean paced() {
        return speed > 0;
    }

    /** Times real time (0: unpaced). */
    public double speed() {
        return speed;
    }

    /**
     * The bus has reached {@code busNanos}: waits until the wall clock has caught up with it.
     * The first call anchors bus time to the wall clock. An interrupt ends the wait and is kept.
     */
    public void pace(long busNanos) {
        if (!paced()) {
            return;
        }
        long now = clock.getAsLong();
        if (!anchored) {
            anchor(busNanos, now);
            return;
        }
        long wait = waitNanos(busNanos, now);
        if (wait < -MAX_LAG_NANOS) {
            anchor(busNanos, now);
        } else if (wait > 0) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How long to wait at wall time {@code wallNow} for bus time {@code busNanos} (negative: late by that much). */
    long waitNanos(long busNanos, long wallNow) {
        return wallAnchor + Math.round((busNanos - busAnchor) / speed) - wallNow;
    }

    private void anchor(long busNanos, long wallNow) {
        anchored = true;
        busAnchor = busNanos;
        wallAnchor = wallNow;
    }

    /**
     * Steps of 100 ms of bus time between redraws of the live table: about one redraw per second
     * of wall time when paced (at least every step, at most every 10 s of bus time); unpaced, every
     * 10 s of bus time.
     */
    public int redrawEvery() {
        if (!paced()) {
            return 100;
        }
        return (int) Math.max(1, Math.min(100, Math.round(10 * speed)));
    }
}
