package org.spsec.conformance;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.spsec.core.bytes.DecodeException;
import org.spsec.core.canfd.CanFdLength;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.message.ClientHello;
import org.spsec.core.canfd.message.RegisterHeader;
import org.spsec.core.canfd.message.Segments;
import org.spsec.core.canfd.message.ServerHello;
import org.spsec.core.crypto.Aead;
import org.spsec.core.engine.SessionCipher;
import org.spsec.core.keys.RootKey;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.Register;

/**
 * A Configurator that sends exactly what a case asks for, one frame at a time (the project's
 * {@code ConfiguratorEngine} refuses what the rules forbid before sending, and retries; a test
 * tool must do neither). It does not reuse core's session client: that one is sans I/O and sends
 * only what the rules allow (the selector of its key, a correct ClientFinished, each request at
 * the next counter value), while the cases here need the Seed key's selector, a ClientFinished
 * made with a wrong key, tampered and replayed requests, and a blocking wait with evidence for
 * each frame. The counter follows SPEC 7 exactly: every message sent consumes the
 * next value, and a request that got no answer leaves the value after it for the next request.
 */
final class SessionClient {
    /** One session as the client sees it. */
    static final class Session {
        final RootKey key;
        final int selector;
        byte[] clientRandom;
        byte[] serverRandom;
        SessionCipher cipher;
        long cnt0;
        /** The counter value the next request uses. */
        long next;
        boolean open;
        /** Whether any frame came on the ServerFinished identifier, verified or not (a device must not answer a bad ClientFinished at all). */
        boolean serverFinishedSeen;
        CanFrame clientFinished;

        Session(RootKey key, int selector) {
            this.key = key;
            this.selector = selector;
        }
    }

    /** A response: its plaintext (null when the frame did not verify) and the frame; or no frame at all (silence). */
    record Reply(CanFrame frame, byte[] plaintext) {
        boolean silent() { return frame == null; }
    }

    private final Bench bench;

    SessionClient(Bench bench) {
        this.bench = bench;
    }

    private String dump(CanFrame f, boolean tx) {
        return bench.candump(new ToolNode.Seen(bench.now(), tx, f));
    }

    /** Waits for a frame from the device matching {@code match}, received after log index {@code from}. */
    CanFrame await(int from, Predicate<CanFrame> match, long limit) {
        CanFrame[] got = new CanFrame[1];
        int[] scan = {from};
        bench.runUntil(() -> {
            List<ToolNode.Seen> log = bench.node.log();
            while (scan[0] < log.size()) {
                ToolNode.Seen s = log.get(scan[0]++);
                if (!s.tx() && match.test(s.frame())) {
                    got[0] = s.frame();
                    return true;
                }
            }
            return false;
        }, limit);
        return got[0];
    }

    int mark() {
        return bench.node.log().size();
    }

    /** Sends a ClientHello with {@code selector} and waits for the ServerHello; null on silence. */
    Session hello(RootKey key, int selector, List<String> ev) {
        Session s = new Session(key, selector);
        s.clientRandom = new byte[16];
        bench.random.nextBytes(s.clientRandom);
        int from = mark();
        CanFrame ch = CanFrame.extended(ControlId.clientHello(bench.device).encode(), new ClientHello(selector, s.clientRandom).encode());
        bench.send(ch);
        ev.add(dump(ch, true));
        int sh = ControlId.serverHello(bench.device).encode();
        CanFrame r = await(from, f -> f.extended() && f.id() == sh, bench.setup.responseTimeoutNanos());
        if (r == null) {
            ev.add("no ServerHello within " + bench.setup.responseTimeoutNanos() / 1_000_000 + " ms");
            return null;
        }
        ev.add(dump(r, false));
        try {
            s.serverRandom = ServerHello.decode(r.data()).serverRandom();
        } catch (DecodeException e) {
            ev.add("ServerHello malformed: " + e.getMessage());
            return null;
        }
        s.cnt0 = SessionCipher.initialCounter(s.clientRandom, s.serverRandom);
        if (key != null) {
            s.cipher = SessionCipher.open(bench.setup.algorithm(), key, s.clientRandom, s.serverRandom);
        }
        return s;
    }

    /** The ClientFinished frame of a session after its Hello (tag made with the session's key). */
    CanFrame clientFinished(Session s) {
        long cf = s.cnt0 + 1;
        int cfId = ControlId.session(Cpmt.FINISHED, cf, true, bench.device).encode();
        byte[] tag = s.cipher.finishedTag(cf, SessionCipher.clientFinishedAad(s.selector, s.clientRandom, s.serverRandom, cfId));
        return CanFrame.extended(cfId, tag);
    }

    /** Sends {@code cf} and waits for a ServerFinished that verifies; true if the session is open. */
    boolean finish(Session s, CanFrame cf, List<String> ev) {
        int from = mark();
        bench.send(cf);
        ev.add(dump(cf, true));
        s.clientFinished = cf;
        long sfCounter = s.cnt0 + 2;
        int sfId = ControlId.session(Cpmt.FINISHED, sfCounter, false, bench.device).encode();
        CanFrame r = await(from, f -> f.extended() && f.id() == sfId, bench.setup.responseTimeoutNanos());
        if (r == null) {
            ev.add("no ServerFinished within " + bench.setup.responseTimeoutNanos() / 1_000_000 + " ms");
            return false;
        }
        ev.add(dump(r, false));
        s.serverFinishedSeen = true;
        byte[] aad = SessionCipher.serverFinishedAad(cf.id(), s.clientRandom, s.serverRandom, Arrays.copyOf(cf.data(), 8), sfId);
        if (r.length() < Aead.TAG_LENGTH || !s.cipher.verifyFinished(sfCounter, aad, r.data(), 0)) {
            ev.add("ServerFinished does not verify");
            return false;
        }
        s.open = true;
        s.next = s.cnt0 + 3;
        return true;
    }

    /**
     * Opens a session with {@code key}: Hello and Finished. A device that still serves an earlier
     * session (the reference ignores ClientHellos until its 1 s time-out) gets up to two more
     * tries after 1.2 s. Null if no session opened.
     */
    Session open(RootKey key, List<String> ev) {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (attempt > 0) {
                bench.pause(1_200_000_000L);
            }
            Session s = hello(key, key.kind().selector(), ev);
            if (s != null) {
                return finish(s, clientFinished(s), ev) ? s : null;
            }
        }
        return null;
    }

    /** Sends a request at the session's next counter value and waits for the response to it. */
    Reply request(Session s, Cpmt type, byte[] plaintext, int responseLength, boolean unfilled, List<String> ev) {
        long c = s.next;
        CanFrame req = requestFrame(s, type, c, plaintext, unfilled);
        s.next = c + 1; // consumed, answered or not (SPEC 7)
        return sendAndAwait(s, req, type, c + 1, responseLength, ev);
    }

    CanFrame requestFrame(Session s, Cpmt type, long counter, byte[] plaintext, boolean unfilled) {
        int id = ControlId.session(type, counter, true, bench.device).encode();
        byte[] body = s.cipher.seal(counter, id, plaintext);
        if (!unfilled && !CanFdLength.isLegal(body.length)) {
            int legal = CanFdLength.roundUp(body.length);
            int n = body.length;
            body = Arrays.copyOf(body, legal);
            Arrays.fill(body, n, legal, (byte) 0xFF);
        }
        return CanFrame.extended(id, body);
    }

    /** Sends {@code req} and waits for a response of {@code type} at {@code responseCounter}; on one, the next request follows it. */
    Reply sendAndAwait(Session s, CanFrame req, Cpmt type, long responseCounter, int responseLength, List<String> ev) {
        int from = mark();
        bench.send(req);
        ev.add(dump(req, true));
        int rspId = ControlId.session(type, responseCounter, false, bench.device).encode();
        CanFrame r = await(from, f -> f.extended() && f.id() == rspId, bench.setup.responseTimeoutNanos());
        if (r == null) {
            ev.add("no response within " + bench.setup.responseTimeoutNanos() / 1_000_000 + " ms");
            return new Reply(null, null);
        }
        ev.add(dump(r, false));
        s.next = responseCounter + 1;
        byte[] p = s.cipher.open(responseCounter, rspId, r.data(), responseLength);
        if (p == null) {
            ev.add("response does not verify");
        }
        return new Reply(r, p);
    }

    /** Reads a register (segmented); null when the device stays silent or answers something that does not verify. */
    byte[] read(Session s, int register, List<String> ev) {
        Register r = Register.ofCode(register);
        int announced = r == null ? 4 : r.maxSize();
        Reply init = request(s, Cpmt.READ_INITIATE, new RegisterHeader(register, announced).encode(), RegisterHeader.LENGTH, false, ev);
        if (init.silent() || init.plaintext() == null) {
            return null;
        }
        RegisterHeader h;
        try {
            h = RegisterHeader.decode(init.plaintext());
        } catch (DecodeException e) {
            ev.add("Read Initiate response malformed: " + e.getMessage());
            return null;
        }
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        while (value.size() < h.length()) {
            int n = (int) Math.min(Segments.READ_SEGMENT_DATA, h.length() - value.size());
            Reply seg = request(s, Cpmt.READ_SEGMENT, new byte[0], n, false, ev);
            if (seg.silent() || seg.plaintext() == null) {
                return null;
            }
            value.writeBytes(seg.plaintext());
        }
        return value.toByteArray();
    }

    /** Sends a Write Initiate only; the echo's plaintext, or null on silence. */
    byte[] writeInitiate(Session s, int register, int length, List<String> ev) {
        Reply init = request(s, Cpmt.WRITE_INITIATE, new RegisterHeader(register, length).encode(), RegisterHeader.LENGTH, false, ev);
        return init.silent() ? null : init.plaintext();
    }

    /** Writes a register (Write Segments of at most 32 bytes, unfilled); the final status, or -1 on silence or refusal. */
    int write(Session s, int register, byte[] value, List<String> ev) {
        if (writeInitiate(s, register, value.length, ev) == null) {
            return -1;
        }
        int status = -1;
        for (int off = 0; off < value.length; off += Segments.WRITE_SEGMENT_DATA) {
            byte[] chunk = Arrays.copyOfRange(value, off, Math.min(value.length, off + Segments.WRITE_SEGMENT_DATA));
            Reply seg = request(s, Cpmt.WRITE_SEGMENT, chunk, 4, true, ev);
            if (seg.silent() || seg.plaintext() == null) {
                return -1;
            }
            status = seg.plaintext()[0] & 0xFF;
            if (status != 0) {
                return status;
            }
        }
        return status;
    }

    /** Terminate; whether it was answered. */
    boolean terminate(Session s, List<String> ev) {
        Reply r = request(s, Cpmt.TERMINATE, new byte[0], 0, false, ev);
        s.open = false;
        return !r.silent() && r.plaintext() != null;
    }
}
