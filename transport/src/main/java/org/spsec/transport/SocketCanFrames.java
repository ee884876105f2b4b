package org.spsec.transport;

import org.spsec.core.canfd.CanFrame;

/** Conversion between our frames and JavaCAN's SocketCAN frames (pure, testable without AF_CAN). */
public final class SocketCanFrames {
    private SocketCanFrames() {}

    public static tel.schich.javacan.CanFrame toSocketCan(CanFrame f) {
        byte flags = f.fd()
                ? (byte) (tel.schich.javacan.CanFrame.FD_FLAG_FD_FRAME | (f.bitRateSwitch() ? tel.schich.javacan.CanFrame.FD_FLAG_BIT_RATE_SWITCH : 0))
                : tel.schich.javacan.CanFrame.FD_NO_FLAGS;
        byte[] data = f.data();
        return f.extended() ? tel.schich.javacan.CanFrame.createExtended(f.id(), flags, data)
                : tel.schich.javacan.CanFrame.create(f.id(), flags, data);
    }

    /** Null for remote and error frames (SPsec carries none). */
    public static CanFrame fromSocketCan(tel.schich.javacan.CanFrame s) {
        if (s.isError() || s.isRemoteTransmissionRequest()) {
            return null;
        }
        byte[] data = new byte[s.getDataLength()];
        s.getData(data, 0, data.length);
        boolean fd = s.isFDFrame();
        boolean brs = fd && (s.getFlags() & tel.schich.javacan.CanFrame.FD_FLAG_BIT_RATE_SWITCH) != 0;
        return CanFrame.of(s.getId(), s.isExtended(), fd, brs, data);
    }
}
