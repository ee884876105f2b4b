package org.spsec.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.spsec.core.keys.KeyFile;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.store.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spsec keys}: key files. */
@Command(name = "keys", description = "Create key files.", mixinStandardHelpOptions = true,
        subcommands = {KeysCommand.Generate.class})
public final class KeysCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return SpsecMain.missingSubcommand(spec);
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Write fresh keys with salts drawn from SecureRandom, in key files readable by their owner only.",
                "With --devices: DIR/group.keys (the group's Integrator and Seed keys, no Provisioning key) and one",
                "DIR/device-N.keys per device (that device's own Provisioning key, key ID N). device-N.keys goes into",
                "device N at manufacture and to the Configurator when it commissions N; group.keys goes to the",
                "Configurator, monitor and inspect (and to nodes set up without a Configurator).",
                "Without --devices: one FILE with one Provisioning, Integrator and Seed key (a lab group: its",
                "Provisioning key is the same for every device; nodes do not import it from that file).",
                "Without FILE the keys go to standard output."},
            footer = {"", "Examples:", "  spsec keys generate --devices 1-5 site-keys     site-keys/group.keys, site-keys/device-1.keys ...",
                "  spsec keys generate lab-keys.txt"})
    static final class Generate implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE|DIR", description = "Where to write the key file (the directory with --devices).")
        Path file;

        @Option(names = "--devices", paramLabel = "IDS",
                description = "One Provisioning key per device, for these participant IDs (e.g. 1,2,3 or 1-5 or 1,4-6).")
        String devices;

        @Option(names = "--force", description = "Replace files that exist.")
        boolean force;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (devices != null) {
                return perDevice();
            }
            String text = generate(new SecureRandom());
            if (file == null) {
                spec.commandLine().getOut().print(text);
                return 0;
            }
            checkWritable(file);
            write(file, text);
            spec.commandLine().getOut().println("wrote " + file + " (provisioning, integrator and seed keys; owner-only;"
                    + " one provisioning key for every device: use --devices for one per device)");
            return 0;
        }

        private int perDevice() {
            List<Integer> ids = parseDevices(devices);
            if (file == null) {
                throw new UserException("--devices needs a directory to write group.keys and device-N.keys into", SpsecMain.EXIT_USAGE);
            }
            CliInputs.outputDirectory(file, "keys generate");
            Map<Path, String> files = new LinkedHashMap<>();
            SecureRandom random = new SecureRandom();
            files.put(file.resolve("group.keys"), groupFile(random));
            for (int id : ids) {
                files.put(file.resolve("device-" + id + ".keys"), deviceFile(random, id));
            }
            files.keySet().forEach(this::checkWritable); // all or nothing: nothing is written if any file is in the way
            files.forEach(this::write);
            spec.commandLine().getOut().printf("wrote %s (integrator and seed keys, no provisioning key; owner-only)%n", file.resolve("group.keys"));
            spec.commandLine().getOut().printf("wrote %d device files in %s: %s (each that device's own provisioning key; owner-only)%n",
                    ids.size(), file, String.join(", ", ids.stream().map(i -> "device-" + i + ".keys").toList()));
            return 0;
        }

        private void checkWritable(Path target) {
            if (Files.isDirectory(target)) {
                throw new UserException("cannot write " + target + ": a directory");
            }
            if (Files.exists(target) && !force) {
                throw new UserException(target + " exists; use --force to replace it");
            }
            CliInputs.parentDirectory(target, "");
        }

        private void write(Path target, String text) {
            try {
                AtomicFiles.write(target, text.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // Name the file the user asked for, not the temporary file beside it.
                throw new UserException("cannot write " + target + ": " + CliInputs.why(e));
            }
        }
    }

    /** {@code --devices}: participant IDs 1..127, as a list and ranges ({@code 1,2,5-7}), each once. */
    static List<Integer> parseDevices(String text) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            String[] range = p.split("-", -1);
            int from;
            int to;
            try {
                if (range.length == 1) {
                    from = to = Integer.parseInt(p);
                } else if (range.length == 2) {
                    from = Integer.parseInt(range[0].strip());
                    to = Integer.parseInt(range[1].strip());
                } else {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new UserException("--devices: '" + p + "' is not a participant ID or a range (e.g. 1,2,3 or 1-5)", SpsecMain.EXIT_USAGE);
            }
            if (!ParticipantId.isValid(from) || !ParticipantId.isValid(to) || from > to) {
                throw new UserException("--devices: participant IDs are 1..127, got '" + p + "'", SpsecMain.EXIT_USAGE);
            }
            for (int i = from; i <= to; i++) {
                if (!ids.add(i)) {
                    throw new UserException("--devices: participant " + i + " is given twice", SpsecMain.EXIT_USAGE);
                }
            }
        }
        return new ArrayList<>(ids);
    }

    /** A key file with fresh keys and salts for every stored kind (the lab layout: one Provisioning key for all devices). */
    public static String generate(SecureRandom random) {
        return "# SPsec key file (SPEC section 12). Secret: keep it owner-only.\n"
                + format(random, List.of(RootKeyKind.PROVISIONING, RootKeyKind.INTEGRATOR, RootKeyKind.SEED), KeyFile.DEFAULT_ID);
    }

    /** The group's keys: Integrator and Seed, never a Provisioning key. */
    static String groupFile(SecureRandom random) {
        return "# SPsec group keys (SPEC section 12): Integrator and Seed keys, no Provisioning key.\n"
                + "# For the Configurator, monitor and inspect. Secret: keep it owner-only.\n"
                + format(random, List.of(RootKeyKind.INTEGRATOR, RootKeyKind.SEED), KeyFile.DEFAULT_ID);
    }

    /** One device's own Provisioning key, with the participant ID as its key ID (41h then tells which file a device holds). */
    static String deviceFile(SecureRandom random, int participant) {
        return "# SPsec Provisioning key of device " + participant + " (SPEC section 12).\n"
                + "# For that device's store and for the Configurator commissioning it. Secret: keep it owner-only.\n"
                + format(random, List.of(RootKeyKind.PROVISIONING), new KeyId(participant));
    }

    private static String format(SecureRandom random, List<RootKeyKind> kinds, KeyId id) {
        List<RootKey> keys = new ArrayList<>();
        try {
            for (RootKeyKind kind : kinds) {
                keys.add(fresh(random, kind, id));
            }
            return KeyFile.format(keys);
        } finally {
            keys.forEach(RootKey::close);
        }
    }

    /** A fresh key and salt; an all-zero key (the public Zero key) is refused, never written. */
    private static RootKey fresh(SecureRandom random, RootKeyKind kind, KeyId id) {
        byte[] k = new byte[KeyMaterial.LENGTH];
        byte[] s = new byte[Salt.LENGTH];
        try {
            random.nextBytes(k);
            random.nextBytes(s);
            KeyMaterial key = KeyMaterial.copyOf(k);
            if (key.isZero()) {
                key.close();
                throw new UserException("the random source returned an all-zero " + kind.name().toLowerCase(java.util.Locale.ROOT)
                        + " key (the public Zero key); nothing was written");
            }
            return new RootKey(kind, key, Salt.copyOf(s), id);
        } finally {
            java.util.Arrays.fill(k, (byte) 0);
            java.util.Arrays.fill(s, (byte) 0);
        }
    }
}
