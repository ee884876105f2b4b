package org.spsec.transport;

import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.CanFrame;

/** The JVM side of {@link PythonCanInteropTest}, run inside the test's network namespace. */
public final class PythonCanPeer {
    private PythonCanPeer() {}

    public static void main(String[] args) throws Exception {
        CanFrame frame = CanFrame.extended(Integer.parseUnsignedInt(args[2], 16), Hex.parse(args[3]));
        try (UdpMulticastBus bus = new UdpMulticastBus(args[0], Integer.parseInt(args[1]), "lo")) {
            long end = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < end) {
                bus.send(frame); // python-can may join a moment later: resend until the echo comes
                ReceivedFrame r = bus.receive(300_000_000L);
                if (r != null) {
                    CanFrame f = r.frame();
                    System.out.printf("ECHO %08x %s fd=%b brs=%b ext=%b%n", f.id(), Hex.of(f.data()), f.fd(), f.bitRateSwitch(), f.extended());
                    return;
                }
            }
            System.out.println("NO ECHO");
            System.exit(2);
        }
    }
}
