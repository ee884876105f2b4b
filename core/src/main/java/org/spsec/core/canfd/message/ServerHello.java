package org.spsec.core.canfd.message;

import java.util.Arrays;
import org.spsec.core.bytes.DecodeException;

/**
 * ServerHello, participant to Configurator, plaintext (16 bytes): the server random.
 */
public record ServerHello(byte[] serverRandom) {
    public static final int LENGTH = 16;

    public ServerHello {
        Messages.requireLength(serverRandom, 16, "server random");
        serverRandom = serverRandom.clone();
    }

    public byte[] encode() { return serverRandom.clone(); }

    public static ServerHello decode(byte[] data) throws DecodeException {
        Messages.requireAtLeast(data, LENGTH, "ServerHello");
        return new ServerHello(Arrays.copyOf(data, 16));
    }

    @Override
    public byte[] serverRandom() { return serverRandom.clone(); }

    @Override
    public boolean equals(Object o) { return o instanceof ServerHello h && Arrays.equals(h.serverRandom, serverRandom); }

    @Override
    public int hashCode() { return Arrays.hashCode(serverRandom); }

    @Override
    public String toString() { return "ServerHello"; }
}
