package org.spsec.core.canfd.message;

import org.spsec.core.bytes.DecodeException;

/**
 * ClientHello, Configurator to participant, plaintext (20 bytes):
 *
 * <pre>
 *  0        1  2  3  4                              19
 * +--------+--+--+--+--------------------------------+
 * |selector|FF|FF|FF|        client random (16)      |
 * +--------+--+--+--+--------------------------------+
 * </pre>
 */
public record ClientHello(int selector, byte[] clientRandom) {
    public static final int LENGTH = 20;

    public ClientHello {
        Messages.requireLength(clientRandom, 16, "client random");
        clientRandom = clientRandom.clone();
        if (selector < 0 || selector > 0xFF) {
            throw new IllegalArgumentException("selector is one byte");
        }
    }

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        b[0] = (byte) selector;
        b[1] = b[2] = b[3] = (byte) 0xFF;
        System.arraycopy(clientRandom, 0, b, 4, 16);
        return b;
    }

    /** The first four bytes (selector, FF FF FF): they open the ClientFinished associated data. */
    public byte[] header() {
        return new byte[] {(byte) selector, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    }

    public static ClientHello decode(byte[] data) throws DecodeException {
        Messages.requireAtLeast(data, LENGTH, "ClientHello");
        Messages.requireFiller(data, 1, 3, "ClientHello");
        return new ClientHello(data[0] & 0xFF, java.util.Arrays.copyOfRange(data, 4, 20));
    }

    @Override
    public byte[] clientRandom() { return clientRandom.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientHello h && h.selector == selector && java.util.Arrays.equals(h.clientRandom, clientRandom);
    }

    @Override
    public int hashCode() { return selector * 31 + java.util.Arrays.hashCode(clientRandom); }

    @Override
    public String toString() { return "ClientHello[selector " + selector + "]"; }
}
