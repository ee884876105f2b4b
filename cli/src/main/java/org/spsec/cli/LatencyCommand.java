package org.spsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.core.time.TimeLine;
import org.spsec.runtime.NodeRunner;
import org.spsec.runtime.WarmUp;
import org.spsec.transport.UdpMulticastBus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spsec bench latency}: end-to-end latency between two processes on the UDP bus over
 * loopback, from an application's send in one to delivery in the other, against the floor of a
 * bare UDP datagram over the same path in the same run. This process is the Sync and the
 * receiver; a second JVM (this command with {@code --sender}) is a participant that sends. Both
 * read the same clock (System.nanoTime is CLOCK_MONOTONIC on Linux, one clock for every process),
 * so a timestamp in the payload gives the one-way latency.
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = {"End-to-end latency from send() in one process to delivery in another, over the UDP bus on loopback,",
            "at each rate, against a bare UDP datagram on the same path in the same run (the floor)."},
        footer = {"", "Example:", "  spsec bench latency --rates 100,1000 --seconds 10"})
final class LatencyCommand implements Callable<Integer> {
    private static final int DATA_ID = 0x102;
    private static final String GROUP = UdpMulticastBus.DEFAULT_GROUP_IPV4;

    @Option(names = "--rates", paramLabel = "R", split = ",", defaultValue = "100,1000", description = "Frames per second, each in turn (default: ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10", description = "Seconds measured at each rate, 1..600 (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--port", paramLabel = "PORT", description = "UDP port of the bus on lo (default: a random one); the floor uses PORT+1.")
    Integer port;

    @Option(names = "--sender", hidden = true, paramLabel = "KEYFILE", description = "Internal: be the sending process.")
    Path sender;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (rates.isEmpty() || rates.size() > 100 || rates.stream().anyMatch(r -> r < 1 || r > 10_000)) {
            throw new UserException("--rates must be 1 to 100 rates of 1..10000 frames per second, got " + rates, SpsecMain.EXIT_USAGE);
        }
        if (seconds < 1 || seconds > 600) {
            throw new UserException("--seconds must be 1..600, got " + seconds, SpsecMain.EXIT_USAGE);
        }
        int p = port != null ? port : 30000 + new SecureRandom().nextInt(20000);
        if (p < 1 || p > 65534) {
            throw new UserException("--port must be 1..65534, got " + p, SpsecMain.EXIT_USAGE);
        }
        return sender != null ? send(sender, p) : measure(p);
    }

    /** The receiving process: Sync P1, the floor's receiver, and the sender as a child JVM. */
    private int measure(int p) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path keyFile = Files.createTempFile("spsec-latency", ".keys");
        try {
            if (SpsecMain.execute(new PrintWriter(PrintWriter.nullWriter()), new PrintWriter(PrintWriter.nullWriter()),
                    "keys", "generate", "--force", keyFile.toString()) != 0) {
                throw new UserException("cannot write a key file in " + keyFile.getParent());
            }
            RootKey seed = CliInputs.keyFile(keyFile).get(RootKeyKind.SEED);
            Map<Integer, List<Long>> spsec = new ConcurrentHashMap<>();
            Map<Integer, List<Long>> floor = new ConcurrentHashMap<>();
            for (int i = 0; i < rates.size(); i++) {
                spsec.put(i, java.util.Collections.synchronizedList(new ArrayList<>()));
                floor.put(i, java.util.Collections.synchronizedList(new ArrayList<>()));
            }
            WarmUp.run(org.spsec.core.crypto.AeadAlgorithm.AES_256_GCM, 3_000);
            InMemoryParticipantStorage storage = new InMemoryParticipantStorage();
            storage.storeKey(seed);
            SecureRandom random = new SecureRandom();
            ParticipantEngine sync = new ParticipantEngine(ParticipantConfig.defaults(ParticipantId.of(1)).withSyncRole(true), storage, random,
                    System.nanoTime(), TimeLine.randomStart(random));
            DatagramChannel floorChannel = floorChannel(p + 1);
            Thread floorThread = new Thread(() -> receiveFloor(floorChannel, floor), "latency-floor");
            floorThread.setDaemon(true);
            floorThread.start();
            try (UdpMulticastBus bus = new UdpMulticastBus(GROUP, p, "lo");
                 NodeRunner _ = new NodeRunner("latency-sync", sync, bus, e -> {
                     long at = System.nanoTime();
                     if (e instanceof NodeEvent.DataReceived d && d.canId() == DATA_ID && d.payload().length == 9 && d.payload()[8] >= 0
                             && d.payload()[8] < rates.size()) {
                         long sent = ByteBuffer.wrap(d.payload()).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
                         spsec.get((int) d.payload()[8]).add(at - sent);
                     }
                 }, null).start()) {
                List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                        "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), SpsecMain.class.getName(),
                        "bench", "latency", "--sender", keyFile.toString(), "--port", Integer.toString(p), "--seconds", Integer.toString(seconds),
                        "--rates", String.join(",", rates.stream().map(String::valueOf).toList())));
                Path childLog = Files.createTempFile("spsec-latency", ".log");
                Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(childLog.toFile()).start();
                // Ctrl-C: the sender and the temporary files go too.
                Thread cleanup = new Thread(() -> {
                    child.destroyForcibly();
                    deleteQuietly(keyFile);
                    deleteQuietly(childLog);
                });
                Runtime.getRuntime().addShutdownHook(cleanup);
                try {
                    long limit = TimeUnit.SECONDS.toMillis(120L + 3L * seconds * rates.size());
                    if (!child.waitFor(limit, TimeUnit.MILLISECONDS)) {
                        throw new UserException("the sending process did not finish within " + limit / 1000 + " s");
                    }
                    if (child.exitValue() != 0) {
                        List<String> lines = Files.readAllLines(childLog);
                        throw new UserException("the sending process failed (exit " + child.exitValue() + "): "
                                + (lines.isEmpty() ? "no output" : lines.get(lines.size() - 1)));
                    }
                } finally {
                    child.destroyForcibly();
                    deleteQuietly(childLog);
                    try {
                        Runtime.getRuntime().removeShutdownHook(cleanup);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running
                    }
                }
            } finally {
                floorChannel.close(); // ends the floor's receive
            }
            out.println("End-to-end latency over the UDP bus on loopback: send() in one JVM to delivery in another (AES-256-GCM)");
            out.println("| rate | frames | p50 | p99 | max | UDP floor p50 | floor p99 | p50 above floor |");
            out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int i = 0; i < rates.size(); i++) {
                long[] s = sorted(spsec.get(i));
                long[] f = sorted(floor.get(i));
                out.printf(Locale.ROOT, "| %d/s | %d | %s | %s | %s | %s | %s | %s |%n", rates.get(i), s.length, us(pct(s, 50)), us(pct(s, 99)),
                        us(s.length == 0 ? -1 : s[s.length - 1]), us(pct(f, 50)), us(pct(f, 99)),
                        s.length == 0 || f.length == 0 ? "-" : signedUs(pct(s, 50) - pct(f, 50)));
            }
            out.flush();
            return 0;
        } finally {
            Files.deleteIfExists(keyFile);
        }
    }

    /** The sending process: participant P2, Secure, then each rate; then bare datagrams at each rate. */
    private int send(Path keyFile, int p) throws Exception {
        RootKey seed = CliInputs.keyFile(keyFile).get(RootKeyKind.SEED);
        InMemoryParticipantStorage storage = new InMemoryParticipantStorage();
        storage.storeKey(seed);
        SecureRandom random = new SecureRandom();
        WarmUp.run(org.spsec.core.crypto.AeadAlgorithm.AES_256_GCM, 3_000);
        ParticipantEngine engine = new ParticipantEngine(ParticipantConfig.defaults(ParticipantId.of(2)), storage, random, System.nanoTime(),
                TimeLine.randomStart(random));
        try (UdpMulticastBus bus = new UdpMulticastBus(GROUP, p, "lo");
             NodeRunner runner = new NodeRunner("latency-sender", engine, bus, e -> { }, null).inlineExecution(true).start()) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (state(runner, engine) != ParticipantState.SECURE) {
                if (System.nanoTime() > until) {
                    throw new UserException("the sender did not become Secure within 60 s");
                }
                Thread.sleep(20);
            }
            // Warm-up, not measured: 3 s at the highest rate (or at least 3,000 frames), so the JIT has
            // compiled the whole path before the first rate is measured, whatever the order of --rates.
            int warm = Math.max(1000, rates.stream().mapToInt(Integer::intValue).max().orElse(1000));
            paced(warm, 3, (i, t) -> runner.execute(now -> engine.submit(now, DATA_ID, false, payload(t, -1))));
            for (int r = 0; r < rates.size(); r++) {
                int index = r;
                paced(rates.get(r), seconds, (i, t) -> runner.execute(now -> engine.submit(now, DATA_ID, false, payload(t, index))));
            }
            Thread.sleep(200); // the last frames leave
        }
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
            ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, NetworkInterface.getByName("lo"));
            InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(GROUP), p + 1);
            ByteBuffer b = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = -1; r < rates.size(); r++) {
                int index = r;
                paced(r < 0 ? 1000 : rates.get(r), r < 0 ? 1 : seconds, (i, t) -> {
                    b.clear();
                    b.putLong(t).put((byte) index).flip();
                    try {
                        ch.send(b, to);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        }
        return 0;
    }

    @FunctionalInterface
    private interface Send {
        void at(long i, long nanos);
    }

    /** Calls {@code send} {@code rate} times a second for {@code secs} seconds, each with its time of sending. */
    private static void paced(int rate, int secs, Send send) {
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (long i = 0; i < (long) rate * secs; i++) {
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            send.at(i, System.nanoTime());
        }
    }

    private static ParticipantState state(NodeRunner runner, ParticipantEngine engine) throws Exception {
        CompletableFuture<ParticipantState> f = new CompletableFuture<>();
        runner.execute(now -> f.complete(engine.state()));
        return f.get(10, TimeUnit.SECONDS);
    }

    private static byte[] payload(long sentNanos, int rateIndex) {
        return ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN).putLong(sentNanos).put((byte) rateIndex).array();
    }

    /** The floor's receiving socket: bare datagrams on PORT+1, bound before the sender starts. */
    private static DatagramChannel floorChannel(int p) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(p));
            ch.join(InetAddress.getByName(GROUP), NetworkInterface.getByName("lo"));
            return ch;
        } catch (IOException e) {
            ch.close();
            throw new UserException("cannot open UDP port " + p + " on lo for the floor: " + e.getMessage());
        }
    }

    /** One-way time of each bare datagram: the same kernel path and a thread wake-up, no SPsec. */
    private static void receiveFloor(DatagramChannel ch, Map<Integer, List<Long>> floor) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (true) {
                b.clear();
                ch.receive(b);
                long at = System.nanoTime();
                if (b.position() == 9 && b.get(8) >= 0 && floor.containsKey((int) b.get(8))) {
                    floor.get((int) b.get(8)).add(at - b.getLong(0));
                }
            }
        } catch (IOException e) {
            // the channel was closed: the run is over
        }
    }

    private static long[] sorted(List<Long> v) {
        long[] a;
        synchronized (v) {
            a = v.stream().mapToLong(Long::longValue).toArray();
        }
        Arrays.sort(a);
        return a;
    }

    private static long pct(long[] a, int p) {
        return a.length == 0 ? -1 : a[Math.min(a.length - 1, (int) Math.ceil(p / 100.0 * a.length) - 1)];
    }

    private static String signedUs(long nanos) {
        return String.format(Locale.ROOT, "%d µs", Math.round(nanos / 1000.0));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort
        }
    }

    private static String us(long nanos) {
        return nanos < 0 ? "-" : String.format(Locale.ROOT, "%d µs", Math.round(nanos / 1000.0));
    }
}
