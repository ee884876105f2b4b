package org.spsec.examples;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.spsec.api.DataUnit;
import org.spsec.api.SendResult;
import org.spsec.api.SpsecEvent;
import org.spsec.api.SpsecParticipant;

/**
 * A gateway that is participant 5 of an SPsec group: it prints what it receives and sends a
 * reading on identifier 181h every second, saying why when it cannot.
 *
 * <pre>
 * java ... org.spsec.examples.GatewayParticipant socketcan:can0 /var/lib/gateway/spsec group.keys
 * </pre>
 */
public final class GatewayParticipant {
    /** The identifier the gateway's readings go out on. */
    public static final int READING_ID = 0x181;

    private GatewayParticipant() {}

    public static void main(String[] args) throws InterruptedException {
        String bus = args.length > 0 ? args[0] : "socketcan:can0";
        Path store = Path.of(args.length > 1 ? args[1] : "gateway-store");
        Path keys = Path.of(args.length > 2 ? args[2] : "group.keys");
        SpsecParticipant gateway = start(5, false, bus, store, keys,
                data -> System.out.println("received " + data),
                event -> System.out.println(event));
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close)); // Ctrl-C: stores the timestamp mark
        for (int reading = 0; ; reading++) {
            SendResult r = sendReading(gateway, reading);
            if (r != SendResult.SENT) {
                System.out.println("not sent (" + r + "): " + gateway.state());
            }
            Thread.sleep(1_000);
        }
    }

    /** Starts participant {@code id} (the Sync if {@code sync}) with its store and the group's keys. */
    public static SpsecParticipant start(int id, boolean sync, String bus, Path store, Path keys, Consumer<DataUnit> onData,
            Consumer<SpsecEvent> onEvent) {
        return SpsecParticipant.builder()
                .id(id)
                .sync(sync)
                .store(store)
                .keys(keys)
                .bus(bus)
                .onData(onData)
                .onEvent(onEvent)
                .start();
    }

    /** Sends one reading, two bytes big-endian, on {@link #READING_ID}. */
    public static SendResult sendReading(SpsecParticipant gateway, int reading) {
        return gateway.send(READING_ID, new byte[] {(byte) (reading >> 8), (byte) reading});
    }
}
