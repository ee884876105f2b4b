package org.spsec.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** A process started by a multi-process test, its output collected line by line as it comes. */
record ChildProcess(String name, Process process, List<String> lines, Thread reader) {

    /** Starts {@code cmd} (standard error merged into the output) and reads its lines on a daemon thread. */
    static ChildProcess start(String name, List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "output of " + name);
        reader.setDaemon(true);
        reader.start();
        return new ChildProcess(name, p, lines, reader);
    }

    /**
     * Starts {@code spsec ARGS} in a JVM of its own (this JVM's java and class path), registers it
     * in {@code processes} (for the test's clean-up) and collects its output; named after ARGS[0].
     */
    static ChildProcess spsec(List<Process> processes, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), SpsecMain.class.getName()));
        cmd.addAll(List.of(args));
        ChildProcess p = start(args[0], cmd);
        processes.add(p.process());
        return p;
    }

    boolean saw(Predicate<String> p) {
        return lines.stream().anyMatch(p);
    }

    String text() {
        return name + ":\n  " + String.join("\n  ", lines);
    }

    /** Waits for the process to exit and for its output to be read to the end. */
    boolean finish(long seconds) throws InterruptedException {
        boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
        reader.join(5_000);
        return exited;
    }

    /** Waits until {@code condition} holds, at most {@code millis} (a limit, not an expectation: it returns as soon as it holds). */
    static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
