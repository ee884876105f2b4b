package org.spsec.core.role;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;

/**
 * A participant's register values and key slots, backed by {@link ParticipantStorage}.
 * Dynamic registers (50h status, 51h last event) belong to the engine and are not kept here.
 */
final class ParticipantRegisters {
    /** Write Segment status for a value the register does not accept (ours; 0 is OK). */
    static final int STATUS_INVALID_VALUE = 1;

    private final ParticipantStorage storage;
    private final Map<RootKeyKind, RootKey> slots = new EnumMap<>(RootKeyKind.class);
    private final Map<Integer, byte[]> values = new HashMap<>();

    ParticipantRegisters(ParticipantStorage storage, ParticipantConfig config) {
        this.storage = storage;
        defaults(config);
        for (Register r : Register.values()) {
            if (RootKeyKind.byRegister(r.code()) == null) {
                byte[] v = storage.loadRegister(r.code());
                if (v != null) {
                    values.put(r.code(), v);
                }
            }
        }
        for (RootKeyKind kind : new RootKeyKind[] {RootKeyKind.PROVISIONING, RootKeyKind.INTEGRATOR, RootKeyKind.SEED}) {
            RootKey k = storage.loadKey(kind);
            if (k != null) {
                slots.put(kind, k);
            }
        }
        byte[] reset = values.get(Register.MANUFACTURER_RESET.code());
        if (reset != null && LittleEndian.getU32(reset, 0) == Register.MANUFACTURER_RESET_MAGIC) {
            // A manufacturer reset written before this start takes effect now.
            for (RootKeyKind kind : new RootKeyKind[] {RootKeyKind.INTEGRATOR, RootKeyKind.SEED}) {
                RootKey old = slots.remove(kind);
                if (old != null) {
                    old.close();
                }
                storage.eraseKey(kind);
            }
            values.remove(Register.MANUFACTURER_RESET.code());
            storage.eraseRegister(Register.MANUFACTURER_RESET.code());
        }
    }

    private void defaults(ParticipantConfig c) {
        values.put(Register.PARTICIPANT_ID.code(), new byte[] {(byte) c.participant().value()});
        values.put(Register.HEARTBEAT_TIMING.code(), new byte[] {(byte) c.heartbeatTiming()});
        values.put(Register.HEARTBEAT_MONITOR.code(), LittleEndian.u32(c.monitor()));
        values.put(Register.SYNC_ROLE.code(), new byte[] {(byte) (c.syncRole() ? 1 : 0)});
        values.put(Register.BIT_RATE.code(), new byte[] {0, 0});
        values.put(Register.CORE_VERSION.code(), ascii("spsec-java 0.1"));
        values.put(Register.MAPPING_VERSION.code(), ascii("CAN FD 302"));
        values.put(Register.DEVICE_IDENTIFICATION.code(), ascii(c.deviceIdentification()));
        byte[] serial = Arrays.copyOf(ascii(c.serialNumber()), 16);
        values.put(Register.SERIAL_NUMBER.code(), serial);
        values.put(Register.CODE_UPDATE_CAPABILITY.code(), new byte[4]);
        values.put(Register.CODE_UPDATE_PUBLIC_KEY.code(), new byte[32]);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The installed key of {@code kind} (valid ID, key and salt present), or null. Zero always exists. */
    RootKey installed(RootKeyKind kind) {
        if (kind == RootKeyKind.ZERO) {
            return RootKey.zero();
        }
        RootKey k = slots.get(kind);
        return k != null && k.id().isInstalled() ? k : null;
    }

    boolean isInstalled(RootKeyKind kind) {
        return installed(kind) != null;
    }

    ParticipantId participantId() {
        return ParticipantId.of(values.get(Register.PARTICIPANT_ID.code())[0] & 0x7F);
    }

    int heartbeatTiming() {
        return values.get(Register.HEARTBEAT_TIMING.code())[0] & 0xFF;
    }

    long heartbeatMonitor() {
        return LittleEndian.getU32(values.get(Register.HEARTBEAT_MONITOR.code()), 0);
    }

    boolean syncRole() {
        return values.get(Register.SYNC_ROLE.code())[0] == 1;
    }

    int dataRateCode() {
        return values.get(Register.BIT_RATE.code())[1] & 0xFF;
    }

    /** The readable value of a non-dynamic register, or null. */
    byte[] read(Register r) {
        RootKeyKind kind = RootKeyKind.byRegister(r.code());
        if (kind != null) {
            if (r == Register.PROVISIONING_KEY_ID || r == Register.INTEGRATOR_KEY_ID || r == Register.SEED_KEY_ID) {
                RootKey k = slots.get(kind);
                return LittleEndian.u32(k == null ? KeyId.INVALID.unsigned() : k.id().unsigned());
            }
            return null;
        }
        byte[] v = values.get(r.code());
        return v == null ? null : v.clone();
    }

    /**
     * Validates and stores a complete value (the write is atomic: all or nothing).
     * Returns 0 (OK) or {@link #STATUS_INVALID_VALUE}.
     */
    int commit(Register r, byte[] value) {
        if (!valid(r, value)) {
            return STATUS_INVALID_VALUE;
        }
        RootKeyKind kind = RootKeyKind.byRegister(r.code());
        if (kind != null) {
            RootKey old = slots.get(kind);
            KeyMaterial key = old == null ? KeyMaterial.zero() : KeyMaterial.copyOf(old.key().copyBytes());
            Salt salt = old == null ? Salt.zero() : Salt.copyOf(old.salt().copyBytes());
            KeyId id = old == null ? KeyId.ERASED : old.id();
            switch (r) {
                case INTEGRATOR_KEY, SEED_KEY -> { key.close(); key = KeyMaterial.copyOf(value); }
                case INTEGRATOR_SALT, SEED_SALT -> { salt.close(); salt = Salt.copyOf(value); }
                default -> id = new KeyId(LittleEndian.getI32(value, 0));
            }
            RootKey next = new RootKey(kind, key, salt, id);
            storage.storeKey(next);
            slots.put(kind, next);
            if (old != null) {
                old.close();
            }
            return 0;
        }
        storage.storeRegister(r.code(), value);
        values.put(r.code(), value.clone());
        return 0;
    }

    private static boolean valid(Register r, byte[] v) {
        return switch (r) {
            case PARTICIPANT_ID -> ParticipantId.isValid(v[0]);
            case HEARTBEAT_TIMING -> (v[0] & 0xFF) <= 6;
            case SYNC_ROLE -> v[0] == 0 || v[0] == 1;
            case BIT_RATE -> (v[0] & 0xFF) <= 3 && (v[1] & 0xFF) <= 5;
            case HEARTBEAT_MONITOR -> validMonitor(LittleEndian.getU32(v, 0));
            default -> true;
        };
    }

    private static boolean validMonitor(long m) {
        if (m == 0xFFFF_FFFFL) {
            return true;
        }
        for (int i = 0; i < 4; i++) {
            int id = (int) (m >>> (8 * i)) & 0xFF;
            if (id != 0 && !ParticipantId.isValid(id)) {
                return false;
            }
        }
        return true;
    }

    void close() {
        slots.values().forEach(RootKey::close);
        slots.clear();
    }
}
