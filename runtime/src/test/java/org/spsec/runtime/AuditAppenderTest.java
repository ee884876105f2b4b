package org.spsec.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.store.audit.AuditEntry;
import org.spsec.store.audit.AuditLog;
import org.spsec.store.audit.AuditVerifier;

/** The audit log written off the caller's thread: in order, chained, everything durable once close() returns. */
class AuditAppenderTest {
    @TempDir
    Path tmp;

    @Test
    void everyEntryHandedOverIsWrittenInOrderAndChainedBeforeCloseReturns() throws Exception {
        Path file = tmp.resolve("audit.jsonl");
        AuditAppender appender = new AuditAppender(AuditLog.open(file), "test");
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int from = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    appender.append(new AuditEntry("2026-11-30T00:00:00Z", 2 + from, "secure", "EE00", "data-auth-failure", "flood " + i));
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        appender.close();
        AuditVerifier.Result r = AuditVerifier.verify(file);
        assertThat(r.intact()).as(r.problem()).isTrue();
        assertThat(r.lines()).isEqualTo(4_000);
        assertThat(appender.failure()).isNull();
        assertThatThrownBy(() -> appender.append(new AuditEntry("t", 2, "secure", "EE00", "x", "y")))
                .isInstanceOf(IllegalStateException.class);
        // The log goes on after a restart, chained to what the appender wrote.
        AuditLog again = AuditLog.open(file);
        again.append(new AuditEntry("2026-11-30T00:00:01Z", 2, "secure", "EE00", "data-auth-failure", "after"));
        again.close();
        assertThat(AuditVerifier.verify(file).intact()).isTrue();
    }
}
