package org.spsec.core.role;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.spsec.core.keys.KeyDerivation;
import org.spsec.core.time.TimeLine;

/**
 * The participant side of time (SPEC section 9): Parameter Authentication requests and how their
 * answers are adopted, time broadcasts, and the judgement whether this node's own
 * synchronization is in doubt. The clock itself and the nonce rule belong to {@link TimeLine};
 * this class decides what to feed it.
 *
 * <p>Clock adoption (**Ours**). The Sync reads T when the request arrives; the participant adds
 * half the round trip, measured from the moment the request actually left (the driver reports it
 * through {@link Endpoint#transmitted}; a driver that does not is taken to have sent it when it
 * was queued). A round trip that is long against the acceptance window says the estimate may be
 * off by up to half of it: the answer is discarded and the request repeated. The limit is half the
 * window for the first three tries, the whole window for three more, and then any round trip is
 * accepted (a loaded host must still get in; the checks below correct it later). Broadcasts carry
 * the Sync's time at sending and are applied as they are.
 *
 * <p>Doubt. This node's own time is in doubt when a time broadcast fails or falls outside the
 * window, when no broadcast came for the sync time-out, or when most senders heard recently are
 * outside the window in the same direction. Doubt makes the node ask for a fresh authenticated
 * time at once; a verified time response or an in-window broadcast clears it. Only doubt that
 * stays unresolved may end a sustained warning in an abort: a mis-timed peer or an attacker
 * injecting garbage makes this node ask the Sync, not abort.
 */
final class TimeFollower {
    static final long NONE = Long.MIN_VALUE;
    /** How long recent window verdicts of a sender count. */
    private static final long VOTE_SPAN_NANOS = 2_000_000_000L;
    /** Least time between two requests asked for by doubt (not by the Waiting retry). */
    private static final long MIN_FRESH_INTERVAL_NANOS = 200_000_000L;

    enum Outcome { ADOPTED, DISCARDED, NOT_BETTER }

    /** A round trip this short leaves at most half of it as error: no refinement needed. */
    static final long GOOD_ROUND_TRIP_NANOS = 1_000_000L;
    /** Refining requests after an adoption whose round trip was not good. */
    private static final int REFINEMENTS = 3;

    private final TimeLine timeLine;
    private final SecureRandom random;
    private final long windowNanos;
    private byte[] requestRandom;
    private long requestQueuedAt = NONE;
    private long requestSentAt = NONE;
    private int discards;
    private long lastRoundTrip;
    /** Round trip of the sample the clock was last set from (Long.MAX_VALUE: none). */
    private long adoptedRoundTrip = Long.MAX_VALUE;
    private int refinementsLeft;
    private boolean refining;
    private long lastAppliedBroadcast;
    private long doubtSince = NONE;
    private String doubtCause;
    /** Per sender identifier: when its last verified frame was judged, and the direction (-1 behind, 0 in window, +1 ahead). */
    private final Map<Integer, long[]> votes = new HashMap<>();
    /** A broadcast moving the clock back more than this waits for the next one to agree. */
    static final long BACK_STEP_CONFIRM_NANOS = 1_000_000L;
    private boolean backStepPending;
    /** The newest verified broadcast time seen (applied or not). */
    private long newestBroadcast;

    TimeFollower(TimeLine timeLine, SecureRandom random, long windowNanos) {
        this.timeLine = timeLine;
        this.random = random;
        this.windowNanos = windowNanos;
    }

    // ---------------------------------------------------------------- requests

    /** A new request random (only the latest is accepted); the request counts as sent at {@code now} until the driver says otherwise. */
    byte[] newRequest(long now) {
        refining = false;
        requestRandom = new byte[KeyDerivation.RANDOM_LENGTH];
        random.nextBytes(requestRandom);
        requestQueuedAt = now;
        requestSentAt = NONE;
        return requestRandom.clone();
    }

    /** The random of the outstanding request, or null. */
    byte[] requestRandom() { return requestRandom; }

    boolean outstanding() { return requestRandom != null; }

    /** Whether another request may be sent for doubt now (one is not already on its way). */
    boolean mayAskAgain(long now) {
        return requestRandom == null || now - requestQueuedAt >= MIN_FRESH_INTERVAL_NANOS;
    }

    /** The driver reports that the request with these bytes left at {@code now}. */
    void transmitted(long now, byte[] data) {
        if (requestRandom != null && requestSentAt == NONE && Arrays.equals(data, requestRandom)) {
            requestSentAt = now;
        }
    }

    /** Round trip of the last answer judged, in nanoseconds. */
    long lastRoundTrip() { return lastRoundTrip; }

    /** The longest round trip accepted now (Long.MAX_VALUE after six discards in a row). */
    long roundTripLimit() {
        if (discards < 3) {
            return windowNanos / 2;
        }
        return discards < 6 ? windowNanos : Long.MAX_VALUE;
    }

    /**
     * A time response that verified for the outstanding request: adopts {@code syncTicks} plus
     * half the round trip, or discards it when the round trip is too long (the caller asks again).
     */
    Outcome verifiedResponse(long now, long syncTicks) {
        long sent = requestSentAt != NONE ? requestSentAt : requestQueuedAt;
        lastRoundTrip = Math.max(0, now - sent);
        requestRandom = null;
        if (refining && doubtSince == NONE) {
            refining = false;
            if (lastRoundTrip >= adoptedRoundTrip) {
                return Outcome.NOT_BETTER; // the clock keeps the better sample it has
            }
        } else if (lastRoundTrip > roundTripLimit()) {
            discards++;
            return Outcome.DISCARDED;
        } else {
            refinementsLeft = REFINEMENTS; // a new adoption: refine it if its round trip was long
        }
        discards = 0;
        adoptedRoundTrip = lastRoundTrip;
        timeLine.set(syncTicks + timeLine.rate().ticks(lastRoundTrip / 2), now);
        lastAppliedBroadcast = syncTicks;
        newestBroadcast = syncTicks; // an authenticated answer is the Sync's time now: broadcasts are judged from it
        clearDoubt();
        votes.clear();
        return Outcome.ADOPTED;
    }

    /**
     * Whether another request should refine the last adoption: its round trip was over
     * {@link #GOOD_ROUND_TRIP_NANOS} (a busy host at the moment of joining), and fewer than
     * three refinements were asked. A refinement is adopted only if its round trip is shorter.
     */
    boolean wantsRefinement() {
        return refinementsLeft > 0 && adoptedRoundTrip > GOOD_ROUND_TRIP_NANOS;
    }

    /** A new request that refines (see {@link #wantsRefinement}). */
    byte[] newRefinement(long now) {
        refinementsLeft--;
        byte[] r = newRequest(now);
        refining = true;
        return r;
    }

    /** Forgets the request and the broadcast history (entry to Waiting). */
    void reset() {
        requestRandom = null;
        refinementsLeft = 0;
        adoptedRoundTrip = Long.MAX_VALUE;
        lastAppliedBroadcast = 0;
        newestBroadcast = 0;
        clearDoubt();
        votes.clear();
    }

    // ---------------------------------------------------------------- broadcasts

    /**
     * A verified, in-window time broadcast: re-anchors the clock on it (newer broadcasts only),
     * and clears doubt. The Sync's time at sending is applied as it is, without a delay estimate
     * (SPEC 9). A delivery delay can only make a broadcast look older, so a broadcast that would
     * move the clock back by more than {@value #BACK_STEP_CONFIRM_NANOS} ns is taken as delayed
     * (this host read it late) unless the next broadcast agrees; then the clock follows the
     * later one. A clock that runs fast is corrected one broadcast later; one late read never
     * puts the node behind.
     */
    void verifiedBroadcast(long now, long syncTicks) {
        refinementsLeft = 0; // the Sync's own time is in: nothing left to refine
        // Forward only, against every verified broadcast seen, applied or still waiting for its
        // second opinion: an older one must never be that second opinion (the conformance tool's
        // TS-01 moved a real-process participant back by 0.5 s that way).
        if (syncTicks > lastAppliedBroadcast && syncTicks > newestBroadcast) {
            newestBroadcast = syncTicks;
            long back = timeLine.rate().nanos(timeLine.groupTime(now) - syncTicks);
            if (back > BACK_STEP_CONFIRM_NANOS && !backStepPending) {
                backStepPending = true; // wait for a second opinion
            } else {
                backStepPending = false;
                lastAppliedBroadcast = syncTicks;
                timeLine.set(syncTicks, now);
            }
        }
        clearDoubt();
    }

    // ---------------------------------------------------------------- doubt

    /** This node's time is in doubt; returns true if that is news (the caller asks for a fresh time either way if it may). */
    boolean doubt(long now, String cause) {
        if (doubtSince != NONE) {
            return false;
        }
        doubtSince = now;
        doubtCause = cause;
        return true;
    }

    boolean inDoubt() { return doubtSince != NONE; }

    String doubtCause() { return doubtCause; }

    /** Whether doubt has stayed unresolved for at least {@code span} nanoseconds. */
    boolean doubtedFor(long now, long span) {
        return doubtSince != NONE && now - doubtSince >= span;
    }

    private void clearDoubt() {
        doubtSince = NONE;
        doubtCause = null;
    }

    /**
     * Records how a verified frame of {@code sender} related to the window (-1 behind, 0 in it,
     * +1 ahead). Returns the direction in which most senders heard in the last two seconds are
     * outside the window (-1 or +1), or 0 when they are not.
     */
    int vote(long now, int sender, int direction) {
        long[] v = votes.computeIfAbsent(sender, k -> new long[2]);
        v[0] = now;
        v[1] = direction;
        if (direction == 0) {
            return 0;
        }
        int ahead = 0;
        int behind = 0;
        int inside = 0;
        var it = votes.values().iterator();
        while (it.hasNext()) {
            long[] e = it.next();
            if (now - e[0] > VOTE_SPAN_NANOS) {
                it.remove();
                continue;
            }
            if (e[1] > 0) {
                ahead++;
            } else if (e[1] < 0) {
                behind++;
            } else {
                inside++;
            }
        }
        if (ahead > inside + behind) {
            return 1;
        }
        return behind > inside + ahead ? -1 : 0;
    }
}
