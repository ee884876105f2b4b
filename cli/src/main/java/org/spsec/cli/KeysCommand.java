package org.spsec.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.spsec.core.keys.KeyFile;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.store.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spsec keys}: key files. */
@Command(name = "keys", description = "Create key files.", mixinStandardHelpOptions = true,
        subcommands = {KeysCommand.Generate.class})
public final class KeysCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Write a key file (provisioning, integrator and seed keys with salts) drawn from SecureRandom.",
                "The file is created readable by its owner only. Without FILE the keys go to standard output."},
            footer = {"", "Example:", "  spsec keys generate site-keys.txt"})
    static final class Generate implements Runnable {
        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "Where to write the key file.")
        Path file;

        @Option(names = "--force", description = "Replace FILE if it exists.")
        boolean force;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            String text = generate(new SecureRandom());
            if (file == null) {
                spec.commandLine().getOut().print(text);
                return;
            }
            if (Files.exists(file) && !force) {
                throw new UserException(file + " exists; use --force to replace it");
            }
            try {
                AtomicFiles.write(file, text.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new UserException("cannot write " + file + ": " + e.getMessage());
            }
            spec.commandLine().getOut().println("wrote " + file + " (provisioning, integrator and seed keys; owner-only)");
        }
    }

    /** A key file with fresh keys and salts for every stored kind. */
    public static String generate(SecureRandom random) {
        List<RootKey> keys = new ArrayList<>();
        for (RootKeyKind kind : List.of(RootKeyKind.PROVISIONING, RootKeyKind.INTEGRATOR, RootKeyKind.SEED)) {
            byte[] k = new byte[KeyMaterial.LENGTH];
            byte[] s = new byte[Salt.LENGTH];
            random.nextBytes(k);
            random.nextBytes(s);
            keys.add(new RootKey(kind, KeyMaterial.copyOf(k), Salt.copyOf(s), KeyFile.DEFAULT_ID));
            java.util.Arrays.fill(k, (byte) 0);
        }
        try {
            return "# SPsec key file (SPEC section 12). Secret: keep it owner-only.\n" + KeyFile.format(keys);
        } finally {
            keys.forEach(RootKey::close);
        }
    }
}
