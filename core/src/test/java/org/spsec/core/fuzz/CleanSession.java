package org.spsec.core.fuzz;

import org.spsec.core.role.ConfiguratorEngine;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.DirectLink;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantEngine;

/**
 * Runs what a Configurator has queued against a participant, wired directly, letting time pass
 * so time-outs and retries happen. (A session is refused by design when its Hello randoms start
 * the counter within 16 of its limit, about 2.4e-7 of the time; the Configurator then retries
 * with fresh randoms. The fuzz targets' first versions missed that and reported it as a finding.)
 */
final class CleanSession {
    private CleanSession() {}

    /** Returns the time after the run; throws unless {@code expected} results all succeeded. */
    static long run(ConfiguratorEngine cfg, ParticipantEngine p, long now, int expected) {
        int got = 0;
        for (int i = 0; i < 200 && got < expected; i++) {
            DirectLink.exchange(now, cfg, p);
            NodeEvent e;
            while ((e = cfg.pollEvent()) != null) {
                if (!(e instanceof NodeEvent.OperationFinished f)) {
                    continue;
                }
                ConfiguratorResult r = f.result();
                if (!r.ok()) {
                    throw new IllegalStateException("clean session failed: " + r);
                }
                got++;
            }
            now += 50_000_000L;
            if (now >= cfg.nextDeadline()) {
                cfg.handleTimeout(now);
            }
            if (now >= p.nextDeadline()) {
                p.handleTimeout(now);
            }
        }
        if (got < expected) {
            throw new IllegalStateException("clean session incomplete: " + got + " of " + expected + " results");
        }
        return now;
    }
}
