package org.spsec.core.role;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.engine.NonceCollisionCheck;
import org.spsec.core.engine.Verdict;
import org.spsec.core.model.ParticipantState;

/**
 * What a passive watcher of a group knows, built from its frames alone (sans I/O): every frame
 * judged by an {@link Observer}, each participant's heartbeat status, its clock offset to the
 * Sync, its verified and rejected frames, and heartbeats missing for 2.5 cycles. Frames and time
 * go in; typed {@link Event}s come out, and {@link #participants()} is the table at any moment.
 * {@code spsec monitor} prints the events (as lines or JSON); a dashboard draws the same.
 */
public final class GroupWatch {
    /** Something the watcher learned, at bus time {@code nanos}. */
    public sealed interface Event {
        long nanos();
    }

    /** One frame and its judgement ({@code number} counts frames from 1). */
    public record Judged(long nanos, long number, CanFrame frame, Observer.Judgement judgement, Double offsetMs) implements Event {}

    /** A participant's heartbeat status changed (or it was heard again after missing). */
    public record HeartbeatChanged(long nanos, int participant, int status, boolean alert) implements Event {
        /** The state the status byte names, or null for a code SPEC does not define. */
        public ParticipantState state() {
            return ParticipantState.ofCode(status & 0x7F);
        }
    }

    /** No verified heartbeat of this participant for 2.5 cycles. */
    public record HeartbeatMissing(long nanos, int participant) implements Event {}

    /** The watcher's clock was anchored or re-anchored (detail says on what). */
    public record Anchored(long nanos, String detail) implements Event {}

    /** Two verified senders whose identifiers share their low 16 bits: they can reuse each other's nonces. */
    public record NonceWarning(long nanos, String detail) implements Event {}

    /** One participant as the watcher sees it. Times are bus times in nanoseconds; absent ones are null. */
    public record Participant(int id, Integer status, Long lastHeartbeat, boolean missing, Double offsetMs,
                              long verified, long rejected, String lastRejection) {
        public ParticipantState state() {
            return status == null ? null : ParticipantState.ofCode(status & 0x7F);
        }

        public boolean alert() {
            return status != null && (status & 0x80) != 0;
        }
    }

    private static final class Row {
        Integer status;
        Long lastHeartbeat;
        boolean missing;
        Double offsetMs;
        long verified;
        long rejected;
        String lastRejection;
    }

    private final Observer observer;
    private final long heartbeatPeriod;
    private final Map<Integer, Row> rows = new TreeMap<>();
    private final Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
    private final NonceCollisionCheck.Watch nonceWatch = new NonceCollisionCheck.Watch();
    private long frames;

    /**
     * @param observer judges the frames (borrowed; anchor it by hand before the first frame if needed)
     * @param heartbeatPeriodNanos the group's heartbeat cycle; 0: heartbeats are not monitored
     */
    public GroupWatch(Observer observer, long heartbeatPeriodNanos) {
        this.observer = observer;
        this.heartbeatPeriod = heartbeatPeriodNanos;
    }

    /** Judges one frame received at bus time {@code nanos}, then checks for missing heartbeats. */
    public List<Event> frame(long nanos, CanFrame frame) {
        List<Event> out = new ArrayList<>(2);
        boolean wasAnchored = observer.anchored();
        Observer.Judgement j = observer.judge(nanos, frame);
        counts.merge(j.verdict(), 1L, Long::sum);
        Double offsetMs = observer.offsetMs(j);
        out.add(new Judged(nanos, ++frames, frame, j, offsetMs));
        Row row = j.participant() == null ? null : rows.computeIfAbsent(j.participant(), k -> new Row());
        boolean rejected = j.verdict() != Verdict.OK && j.verdict() != Verdict.UNVERIFIABLE;
        if (row != null) {
            if (j.verdict() == Verdict.OK) {
                row.verified++;
            } else if (rejected) {
                row.rejected++;
                row.lastRejection = j.kind().label() + " " + j.verdict().label();
            }
            if (offsetMs != null && j.kind() != FrameKind.TIME_BROADCAST) {
                row.offsetMs = offsetMs;
            }
        }
        if (j.verdict() == Verdict.OK && j.kind().stamped()) {
            NonceCollisionCheck.Collision c = nonceWatch.observe(frame.id(), frame.extended());
            if (c != null) {
                out.add(new NonceWarning(nanos, c + ": these senders can reuse each other's nonces (SPEC section 6);"
                        + " give them identifiers that differ in their low 16 bits"));
            }
        }
        if (j.kind() == FrameKind.HEARTBEAT && j.verdict() == Verdict.OK && row != null) {
            int status = ControlId.tryDecode(frame.id(), true).b2();
            row.lastHeartbeat = nanos;
            if (row.missing || row.status == null || row.status != status) {
                row.status = status;
                row.missing = false;
                out.add(new HeartbeatChanged(nanos, j.participant(), status, (status & 0x80) != 0));
            }
        } else if (j.kind() == FrameKind.TIME_BROADCAST && j.verdict() == Verdict.OK && j.note() != null) {
            out.add(new Anchored(nanos, j.note()));
        } else if (j.kind() == FrameKind.TIME_RESPONSE && j.verdict() == Verdict.OK && !wasAnchored) {
            out.add(new Anchored(nanos, "anchored on a verified time response"));
        }
        out.addAll(time(nanos));
        return out;
    }

    /** Advances time to {@code nanos}: reports heartbeats now missing for 2.5 cycles. */
    public List<Event> time(long nanos) {
        if (heartbeatPeriod <= 0) {
            return List.of();
        }
        List<Event> out = null;
        for (Map.Entry<Integer, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            if (r.lastHeartbeat != null && !r.missing && nanos - r.lastHeartbeat > heartbeatPeriod * 5 / 2) {
                r.missing = true;
                if (out == null) {
                    out = new ArrayList<>();
                }
                out.add(new HeartbeatMissing(nanos, e.getKey()));
            }
        }
        return out == null ? List.of() : out;
    }

    /** Every participant heard so far, by ID. */
    public List<Participant> participants() {
        List<Participant> out = new ArrayList<>(rows.size());
        rows.forEach((id, r) -> out.add(new Participant(id, r.status, r.lastHeartbeat, r.missing, r.offsetMs, r.verified, r.rejected, r.lastRejection)));
        return out;
    }

    /** Frames judged so far, by verdict. */
    public Map<Verdict, Long> counts() {
        return Collections.unmodifiableMap(counts);
    }

    /** Frames judged so far. */
    public long frames() {
        return frames;
    }
}
