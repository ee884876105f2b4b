package org.spsec.core.bytes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian reads and writes into byte arrays: every multi-byte integer on the SPsec wire is little-endian. */
public final class LittleEndian {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {}

    public static int getU16(byte[] b, int off) { return ((short) I16.get(b, off)) & 0xFFFF; }
    public static int getI32(byte[] b, int off) { return (int) I32.get(b, off); }
    public static long getU32(byte[] b, int off) { return getI32(b, off) & 0xFFFF_FFFFL; }
    public static long getI64(byte[] b, int off) { return (long) I64.get(b, off); }

    public static void putU16(byte[] b, int off, int v) { I16.set(b, off, (short) v); }
    public static void putI32(byte[] b, int off, int v) { I32.set(b, off, v); }
    public static void putI64(byte[] b, int off, long v) { I64.set(b, off, v); }

    public static byte[] u32(long v) { byte[] b = new byte[4]; putI32(b, 0, (int) v); return b; }
    public static byte[] i64(long v) { byte[] b = new byte[8]; putI64(b, 0, v); return b; }
}
