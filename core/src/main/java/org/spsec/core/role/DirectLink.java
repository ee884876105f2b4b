package org.spsec.core.role;

import org.spsec.core.canfd.CanFrame;

/** Two endpoints wired straight to each other, without a bus: for tests, benchmarks and embedders. */
public final class DirectLink {
    private DirectLink() {}

    /** Moves frames both ways at {@code now} until neither endpoint has anything left to send. */
    public static void exchange(long now, Endpoint a, Endpoint b) {
        for (boolean moved = true; moved; ) {
            moved = false;
            CanFrame f;
            while ((f = a.pollTransmit()) != null) {
                b.handleFrame(now, f);
                moved = true;
            }
            while ((f = b.pollTransmit()) != null) {
                a.handleFrame(now, f);
                moved = true;
            }
        }
    }
}
