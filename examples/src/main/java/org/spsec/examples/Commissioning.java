package org.spsec.examples;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.spsec.api.SpsecConfigurator;

/**
 * Commissions a device in factory state (it holds only its Provisioning key): installs the group's
 * keys through the Configurator and reads back its heartbeat timing (register 61h).
 *
 * <pre>
 * java ... org.spsec.examples.Commissioning socketcan:can0 group.keys 2 device-2.keys
 * </pre>
 */
public final class Commissioning {
    private Commissioning() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Commissioning BUS GROUP_KEYS ID DEVICE_KEYS");
            System.exit(2);
        }
        byte[] timing = provision(args[0], Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
        System.out.println("P" + args[2] + " commissioned; heartbeat timing (61h) " + HexFormat.of().formatHex(timing));
    }

    /**
     * Provisions participant {@code id} with the group's keys and returns its register 61h.
     *
     * @throws java.util.concurrent.ExecutionException with a {@code ConfigurationException} saying why, when it fails
     */
    public static byte[] provision(String bus, Path groupKeys, int id, Path deviceKeys) throws Exception {
        try (SpsecConfigurator configurator = SpsecConfigurator.builder().bus(bus).keys(groupKeys).start()) {
            configurator.provision(id, deviceKeys).get(2, TimeUnit.MINUTES);
            return configurator.read(id, 0x61).get(1, TimeUnit.MINUTES);
        }
    }
}
