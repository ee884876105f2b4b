#!/usr/bin/python3
"""An SPsec interop test peer that behaves on the wire like the public reference implementation.

Written from the project's SPEC.md (sections 3, 4, 5, 7, 8, 9 and 12), not from the reference's
code. It talks over python-can's UDP multicast bus and plays one of two roles:

  participant   a participant in factory state (Provisioning key only) that serves configuration
                sessions with the reference participant's habits: exact session counter (no skip),
                silent refusals, new ClientHellos ignored while a session runs, Write Segment data
                length taken from the frame length, Read Segment responses filled with FFh.
  configurator  commissions one participant from factory state as the reference configurator
                does: Zero-key discovery, Integrator triple in a Provisioning session, Seed triple
                and 61h/62h/63h in an Integrator session; Write Segments unfilled.
  self-test     checks every derivation and frame this peer builds against the shared vectors
                (and, where present, the recorded frames of the reference in shared/interop).

Wire habits of the reference that it copies: extended frames are sent with bit 31 (SocketCAN's
CAN_EFF_FLAG) set in python-can's arbitration_id; received IDs have bit 31 masked off.

Only AES-256-GCM is supported (the reference's default AEAD). Run with /usr/bin/python3 (Debian's
python3-can, python3-msgpack, python3-cryptography). See README.md beside this file.
"""

import argparse
import collections
import hmac
import json
import os
import signal
import struct
import sys
import time

try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
except ImportError:  # reported by main()
    AESGCM = None

# ----------------------------------------------------------------------------- constants

DEFAULT_GROUP = "239.74.163.2"
DEFAULT_PORT = 43113
EFF_FLAG = 0x80000000
ID_MASK = 0x1FFFFFFF

TAG = 8
RANDOM_LEN = 16
SALT_LEN = 8
KEY_LEN = 32
COUNTER_LIMIT = 0xFFFFFFFF - 1000
CAN_FD_LENGTHS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64)

# CPMT (SPEC 5, 7)
HELLO, FINISHED, READ_INIT, READ_SEG, WRITE_INIT, WRITE_SEG, TERMINATE = 0, 1, 2, 3, 4, 5, 6
CPMT_NAMES = {HELLO: "Hello", FINISHED: "Finished", READ_INIT: "ReadInitiate", READ_SEG: "ReadSegment",
              WRITE_INIT: "WriteInitiate", WRITE_SEG: "WriteSegment", TERMINATE: "Terminate"}

# Keys (SPEC 4): kind -> (selector, key register, salt register, ID register)
ZERO, PROVISIONING, INTEGRATOR, SEED = "zero", "provisioning", "integrator", "seed"
SELECTORS = {1: ZERO, 15: PROVISIONING, 14: INTEGRATOR, 13: SEED}
SELECTOR_OF = {v: k for k, v in SELECTORS.items()}
KEY_REGS = {PROVISIONING: (0x21, 0x31, 0x41), INTEGRATOR: (0x22, 0x32, 0x42), SEED: (0x23, 0x33, 0x43)}
KEY_ID_INVALID = 0x00000000
KEY_ID_ERASED = 0xFFFFFFFF
DEFAULT_KEY_ID = 0x00000001

# Registers (SPEC 8): reg -> (size, variable, read, write)
#   read:  "never" | "any" (Zero-key sessions too) | "keyed"
#   write: "never" | "ladder" (Integrator triple) | "integrator"
REGISTERS = {
    0x21: (32, False, "never", "never"), 0x22: (32, False, "never", "ladder"), 0x23: (32, False, "never", "integrator"),
    0x31: (8, False, "never", "never"), 0x32: (8, False, "never", "ladder"), 0x33: (8, False, "never", "integrator"),
    0x41: (4, False, "any", "never"), 0x42: (4, False, "any", "ladder"), 0x43: (4, False, "any", "integrator"),
    0x50: (1, False, "any", "never"), 0x51: (2, False, "any", "never"),
    0x58: (16, True, "any", "never"), 0x59: (16, True, "any", "never"),
    0x60: (1, False, "keyed", "integrator"), 0x61: (1, False, "keyed", "integrator"),
    0x62: (4, False, "keyed", "integrator"), 0x63: (1, False, "keyed", "integrator"),
    0x7B: (2, False, "never", "integrator"), 0x7F: (4, False, "never", "integrator"),
    0x81: (32, True, "any", "never"), 0x82: (16, False, "any", "never"),
    0x90: (4, False, "keyed", "never"), 0x91: (32, False, "keyed", "never"), 0x92: (4096, True, "never", "integrator"),
}
KEY_OF_REG = {r: (kind, what) for kind, regs in KEY_REGS.items() for r, what in zip(regs, ("key", "salt", "id"))}

READ_SEGMENT_DATA = 56
WRITE_SEGMENT_DATA = 32
MANUFACTURER_RESET_MAGIC = 0x1D04E5E1

# Participant states (register 50h)
STATE_WAITING, STATE_SECURE, STATE_CONFIGURATION = 1, 2, 4

# Security events (register 51h, SPEC 11)
EV_HELLO_KEY_NOT_FOUND, EV_FINISHED_AUTH, EV_RESPONSE_TIMEOUT, EV_OVERALL_TIMEOUT, EV_MESSAGE_AUTH = (
    0x5E01, 0x5E02, 0x5E03, 0x5E04, 0x5E05)

# Session time-outs of the participant (SPEC 9)
SESSION_INACTIVITY = 1.0
SESSION_OVERALL = 10.0

# Time-outs of the reference configurator (SPEC 7)
READ_TIMEOUT = 0.5
WRITE_TIMEOUT = 3.0
TERMINATE_TIMEOUT = 3.0
HANDSHAKE_TIMEOUT = 10.0
HELLO_RETRY = 1.5  # a new ClientHello after this long without a ServerHello (> the participant's 1 s)


# ----------------------------------------------------------------------------- bytes and crypto

def le32(x):
    return struct.pack("<I", x & 0xFFFFFFFF)


def le64(x):
    return struct.pack("<Q", x & 0xFFFFFFFFFFFFFFFF)


def u32(b, off=0):
    return struct.unpack_from("<I", b, off)[0]


def legal_length(n):
    for length in CAN_FD_LENGTHS:
        if length >= n:
            return length
    raise ValueError("%d bytes do not fit a CAN FD frame" % n)


def hkdf(ikm, salt):
    """HKDF-SHA256, empty info, 32-byte output (SPEC 3)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"").derive(ikm)


def gcm_seal(key, nonce, plaintext, aad):
    """AES-256-GCM: ciphertext || first 8 bytes of the tag."""
    out = AESGCM(key).encrypt(nonce, bytes(plaintext), bytes(aad))
    return out[:len(plaintext)] + out[len(plaintext):len(plaintext) + TAG]


def gcm_open(key, nonce, data, pt_len, aad):
    """Verifies ct(pt_len) || tag8 at the start of data (fill after it ignored); the plaintext or None.

    A truncated tag cannot go through AESGCM.decrypt, so: keystream = GCM(zeros), plaintext = ct XOR
    keystream, then seal the plaintext again and compare ciphertext and tag8 in constant time.
    """
    if pt_len < 0 or len(data) < pt_len + TAG:
        return None
    ct = bytes(data[:pt_len])
    tag = bytes(data[pt_len:pt_len + TAG])
    aes = AESGCM(key)
    keystream = aes.encrypt(nonce, bytes(pt_len), bytes(aad))[:pt_len]
    pt = bytes(a ^ b for a, b in zip(ct, keystream))
    again = aes.encrypt(nonce, pt, bytes(aad))
    ok = hmac.compare_digest(again[:pt_len], ct) & hmac.compare_digest(again[pt_len:pt_len + TAG], tag)
    return pt if ok else None


# ----------------------------------------------------------------------------- identifiers (SPEC 5, 7)

def session_id(cpmt, counter, to_participant, pid):
    return 0x1E000000 | ((counter & 0xFF) << 16) | (cpmt << 8) | (0x80 if to_participant else 0) | pid


def client_hello_id(pid):
    return 0x1EFF0000 | 0x80 | pid


def server_hello_id(pid):
    return 0x1EFF0000 | pid


def decode_session_id(can_id):
    """(counter byte, cpmt, to_participant, pid) of a session frame, or None."""
    if (can_id >> 24) != 0x1E:
        return None
    cpmt = (can_id >> 8) & 0xFF
    if cpmt > TERMINATE:
        return None
    return (can_id >> 16) & 0xFF, cpmt, bool(can_id & 0x80), can_id & 0x7F


# ----------------------------------------------------------------------------- session crypto (SPEC 4, 7)

def initial_counter(client_random, server_random):
    return u32(client_random) ^ u32(server_random)


def session_key(base_key, client_random, server_random):
    return hkdf(base_key, client_random + server_random)


class SessionCrypto:
    """The session key and the salt of the key that opened the session."""

    def __init__(self, base_key, base_salt, client_random, server_random):
        self.key = session_key(base_key, client_random, server_random)
        self.salt = bytes(base_salt)
        self.client_random = bytes(client_random)
        self.server_random = bytes(server_random)
        self.cnt0 = initial_counter(client_random, server_random)

    def nonce(self, counter):
        if counter < 0 or counter >= COUNTER_LIMIT:
            raise ValueError("session counter exhausted")
        return le32(counter) + self.salt + bytes(4)

    def client_finished_aad(self, selector, cf_id):
        return bytes([selector, 0xFF, 0xFF, 0xFF]) + self.client_random + self.server_random + le32(cf_id)

    def server_finished_aad(self, cf_id, cf_tag, sf_id):
        return le32(cf_id) + self.client_random + self.server_random + bytes(cf_tag[:TAG]) + le32(sf_id)

    def mac(self, counter, aad):
        return gcm_seal(self.key, self.nonce(counter), b"", aad)

    def verify_mac(self, counter, aad, data):
        return gcm_open(self.key, self.nonce(counter), data, 0, aad) is not None

    def seal(self, counter, can_id, plaintext):
        return gcm_seal(self.key, self.nonce(counter), plaintext, le32(can_id & ID_MASK))

    def open(self, counter, can_id, data, pt_len):
        return gcm_open(self.key, self.nonce(counter), data, pt_len, le32(can_id & ID_MASK))


def register_header(reg, length):
    return bytes([reg, 0xFF, 0xFF, 0xFF]) + le32(length)


def parse_register_header(pt):
    if pt is None or len(pt) != 8 or pt[1:4] != b"\xff\xff\xff":
        return None
    return pt[0], u32(pt, 4)


# ----------------------------------------------------------------------------- data plane (self-test only; SPEC 4, 6)

def communication_key(seed_key, timestamp, csalt):
    m = timestamp >> 24
    return hkdf(seed_key, le64(m * (1 << 24) + (1 << 23)) + csalt)


def stamp(key, seed_salt, can_id, timestamp, payload):
    pad = 0
    while legal_length(len(payload) + pad + 10) != len(payload) + pad + 10:
        pad += 1
    nonce = le64(timestamp) + struct.pack("<H", can_id & 0xFFFF) + seed_salt[:2]
    aad = le32(can_id & ID_MASK) + bytes([len(payload)])
    sealed = gcm_seal(key, nonce, payload + b"\xff" * pad, aad)
    header = struct.pack("<H", (pad << 12) | (timestamp & 0x0FFF))
    return sealed[:-TAG] + header + sealed[-TAG:], pad, nonce, aad


def parameter_authentication_key(seed_key, request_random, timestamp, csalt):
    return hkdf(seed_key, request_random[:12] + le64(timestamp) + csalt)


def time_response(pak, request_random, timestamp, csalt, pid):
    aad = request_random + le64(timestamp) + csalt + le32(0x00230800 | 0x80 | pid)
    return le64(timestamp) + csalt + gcm_seal(pak, bytes(12), b"", aad)


# ----------------------------------------------------------------------------- key file (SPEC 12)

def read_key_file(path):
    """{kind: {"key": bytes, "salt": bytes, "id": int}} for provisioning, integrator, seed.

    Lines name:hex; blank and # lines ignored; optional <kind>_id lines (8 hex digits, the
    project's extension, KeyFile.java); without one a key gets ID 00000001h.
    """
    values = {}
    with open(path, "r", encoding="ascii") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if ":" not in line:
                raise ValueError("%s line %d: expected name:hex" % (path, lineno))
            name, hexval = (s.strip() for s in line.split(":", 1))
            name = name.lower()
            try:
                values[name] = bytes.fromhex(hexval)
            except ValueError:
                raise ValueError("%s line %d: bad hex in %s" % (path, lineno, name)) from None
    keys = {}
    for kind in (PROVISIONING, INTEGRATOR, SEED):
        key, salt, kid = values.get(kind + "_key"), values.get(kind + "_salt"), values.get(kind + "_id")
        if key is None and salt is None:
            continue
        if key is None or salt is None:
            raise ValueError("%s: %s_key and %s_salt go together" % (path, kind, kind))
        if len(key) != KEY_LEN:
            raise ValueError("%s: %s_key must be 32 bytes" % (path, kind))
        if len(salt) != SALT_LEN:
            raise ValueError("%s: %s_salt must be 8 bytes (only 8-byte salts are supported)" % (path, kind))
        key_id = DEFAULT_KEY_ID if kid is None else int.from_bytes(kid, "big")
        if kid is not None and len(kid) != 4:
            raise ValueError("%s: %s_id must be 4 bytes" % (path, kind))
        if key_id in (KEY_ID_INVALID, KEY_ID_ERASED):
            raise ValueError("%s: %s_id must be neither 00000000 nor ffffffff" % (path, kind))
        keys[kind] = {"key": key, "salt": salt, "id": key_id}
    return keys


# ----------------------------------------------------------------------------- the bus

class Bus:
    """python-can's udp_multicast bus, with the reference's habits and a frame log.

    Sends through python-can (bit 31 set in arbitration_id of extended frames, exact data length,
    CAN FD with BRS). Receives the datagrams itself, because python-can's own receive path
    validates with check=True and rejects arbitration IDs with bit 31 set (what the reference
    sends). Our own multicast datagrams come back to us (IP_MULTICAST_LOOP): they are dropped.
    """

    def __init__(self, group, port, log, log_filter=None, eff_flag=True):
        import can  # noqa: imported late so that --self-test needs no python-can
        from can.interfaces.udp_multicast import utils as udp_utils
        import msgpack
        self._can = can
        self._msgpack = msgpack
        self._pack = udp_utils.pack_message
        self.bus = can.Bus(interface="udp_multicast", channel=group, port=port, fd=True)
        self._raw = getattr(self.bus, "_multicast", None)
        self._sent = collections.deque(maxlen=512)
        self.log = log
        self.log_filter = log_filter
        self.eff_flag = eff_flag
        self.t0 = time.monotonic()

    def _log(self, direction, can_id, data):
        if self.log_filter is None or self.log_filter(can_id):
            self.log.write("%s %08X %d %s @%.3f\n" % (direction, can_id, len(data), data.hex(), time.monotonic() - self.t0))
            self.log.flush()

    @staticmethod
    def message(can, can_id, data, eff_flag=True):
        """python-can's Message for an extended CAN FD frame with exactly these data bytes.

        check=False: python-can's own check refuses extended IDs above 1FFFFFFFh, but its
        udp_multicast packer carries the arbitration ID as given, bit 31 included.
        """
        wire_id = (can_id | EFF_FLAG) if eff_flag else can_id
        return can.Message(arbitration_id=wire_id, is_extended_id=True, is_fd=True, bitrate_switch=True,
                           data=bytes(data), timestamp=time.time(), check=False)

    def send(self, can_id, data):
        """An extended CAN FD frame with exactly these data bytes."""
        msg = Bus.message(self._can, can_id, data, self.eff_flag)
        self._sent.append(self._pack(msg))
        self.bus.send(msg)
        self._log("TX", can_id, bytes(data))

    def recv(self, timeout):
        """(can_id without bit 31, extended, data) of the next frame of another node, or None."""
        end = time.monotonic() + max(0.0, timeout)
        while True:
            left = max(0.0, end - time.monotonic())
            if self._raw is None:
                msg = self.bus.recv(left)
                if msg is None:
                    return None
                frame = (msg.arbitration_id & ID_MASK, msg.is_extended_id or bool(msg.arbitration_id & EFF_FLAG),
                         bytes(msg.data))
            else:
                got = self._raw.recv(left)
                if got is None:
                    return None
                raw = got[0]
                if raw in self._sent:
                    self._sent.remove(raw)  # our own datagram, looped back
                    continue
                frame = self._decode(raw)
                if frame is None:
                    continue
            self._log("RX", frame[0], frame[2])
            return frame

    def _decode(self, raw):
        try:
            m = self._msgpack.unpackb(raw, raw=False)
            if m.get("is_remote_frame") or m.get("is_error_frame"):
                return None
            can_id = int(m["arbitration_id"])
            extended = bool(m.get("is_extended_id")) or bool(can_id & EFF_FLAG)
            data = bytes(m.get("data") or b"")
            return can_id & ID_MASK, extended, data
        except Exception as e:  # noqa: a datagram that is not python-can's: say so, never silently
            sys.stderr.write("undecodable datagram (%d bytes): %s\n" % (len(raw), e))
            return None

    def close(self):
        try:
            self.bus.shutdown()
        except Exception:  # noqa
            pass


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# ----------------------------------------------------------------------------- participant

class Participant:
    """A participant in factory state serving configuration sessions like the reference participant."""

    def __init__(self, pid, keys, bus, state_path=None, lose=()):
        self.pid = pid
        self.bus = bus
        self.lose = set(lose)  # numbers of register responses (1 = the first) to lose on the way
        self.responses = 0
        self.state_path = state_path
        self.keys = {kind: {"key": bytes(KEY_LEN), "salt": bytes(SALT_LEN), "id": KEY_ID_INVALID}
                     for kind in (PROVISIONING, INTEGRATOR, SEED)}
        if PROVISIONING in keys:
            self.keys[PROVISIONING] = dict(keys[PROVISIONING])
        self.regs = {
            0x51: bytes(2),
            0x58: b"spsec-peer 1.0",
            0x59: b"CAN FD 1.0",
            0x60: bytes([pid]),
            0x61: bytes([0]),
            0x62: bytes(4),
            0x63: bytes([0]),
            0x7B: bytes(2),
            0x81: b"SPsec interop test peer",
            0x82: ("PEER%012d" % pid).encode("ascii"),
            0x90: bytes(4),
            0x91: bytes(32),
        }
        self.reset_pending = False
        self.state = STATE_WAITING
        self.session = None
        self.save("start")

    # -- registers

    def installed(self, kind):
        return kind == ZERO or self.keys[kind]["id"] not in (KEY_ID_INVALID, KEY_ID_ERASED)

    def base_key(self, kind):
        if kind == ZERO:
            return bytes(KEY_LEN), bytes(SALT_LEN)
        return self.keys[kind]["key"], self.keys[kind]["salt"]

    def read_value(self, reg):
        if reg in KEY_OF_REG:
            kind, what = KEY_OF_REG[reg]
            v = self.keys[kind][what]
            return le32(v) if what == "id" else v
        if reg == 0x50:
            return bytes([self.state])
        return self.regs.get(reg)

    def refuse_write(self, reg, length, kind):
        """Why a Write Initiate is refused (SPEC 8), or None."""
        if reg not in REGISTERS:
            return "unknown register"
        size, variable, _, write = REGISTERS[reg]
        if write == "never":
            return "never written over the bus"
        if write == "integrator" and kind != INTEGRATOR:
            return "needs an Integrator session"
        if write == "ladder":
            if self.installed(INTEGRATOR):
                return "an Integrator key is already installed (write-once)"
            if not (kind == PROVISIONING or (kind == ZERO and not self.installed(PROVISIONING))):
                return "needs a Provisioning session"
        if (variable and not 1 <= length <= size) or (not variable and length != size):
            return "wrong length %d" % length
        return None

    def commit(self, reg, value):
        """Stores a complete value; the write status (0 = OK)."""
        if reg == 0x60 and not 1 <= value[0] <= 127:
            return 1
        if reg == 0x61 and value[0] > 6:
            return 1
        if reg == 0x63 and value[0] > 1:
            return 1
        if reg in KEY_OF_REG:
            kind, what = KEY_OF_REG[reg]
            self.keys[kind][what] = u32(value) if what == "id" else bytes(value)
        elif reg == 0x7F:
            self.reset_pending = u32(value) == MANUFACTURER_RESET_MAGIC
        elif reg == 0x92:
            pass  # a code image: accepted and dropped
        else:
            self.regs[reg] = bytes(value)
        return 0

    def save(self, why):
        if not self.state_path:
            return
        doc = {
            "participant_id": self.pid,
            "why": why,
            "state": self.state,
            "session": None if self.session is None else self.session["kind"],
            "keys": {kind: {"id": "%08x" % k["id"], "installed": self.installed(kind),
                            "key": k["key"].hex(), "salt": k["salt"].hex()} for kind, k in self.keys.items()},
            "registers": {"%02X" % r: v.hex() for r, v in sorted(self.regs.items())},
            "manufacturer_reset_pending": self.reset_pending,
        }
        tmp = self.state_path + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(tmp, self.state_path)

    def event(self, code):
        self.regs[0x51] = struct.pack("<H", code)

    # -- the session

    def run(self, stop):
        say("READY participant P%d" % self.pid)
        while not stop():
            frame = self.bus.recv(self.wait_time())
            self.timers(time.monotonic())
            if frame is None:
                continue
            can_id, extended, data = frame
            if not extended:
                continue
            if can_id == client_hello_id(self.pid):
                self.hello(time.monotonic(), data)
                continue
            d = decode_session_id(can_id)
            if d is None or not d[2] or d[3] != self.pid or d[1] == HELLO:
                continue
            self.request(time.monotonic(), can_id, d[0], d[1], data)

    def wait_time(self):
        if self.session is None:
            return 0.2
        s = self.session
        deadline = min(s["last"] + SESSION_INACTIVITY, s["start"] + SESSION_OVERALL)
        return max(0.0, min(0.2, deadline - time.monotonic()))

    def timers(self, now):
        s = self.session
        if s is None:
            return
        if now >= s["start"] + SESSION_OVERALL:
            self.end("TIMEOUT overall (%.0f s)" % SESSION_OVERALL, EV_OVERALL_TIMEOUT)
        elif now >= s["last"] + SESSION_INACTIVITY:
            self.end("TIMEOUT inactivity (%.0f s without a session message)" % SESSION_INACTIVITY, EV_RESPONSE_TIMEOUT)

    def end(self, line, event=None):
        if event is not None:
            self.event(event)
        self.session = None
        self.state = STATE_WAITING
        say(line)
        self.save(line)

    def hello(self, now, data):
        if len(data) < 4 + RANDOM_LEN or data[1:4] != b"\xff\xff\xff":
            say("IGNORED hello: malformed (%d bytes)" % len(data))
            return
        if self.session is not None:
            # The reference ignores new ClientHellos until its own session has timed out.
            say("IGNORED hello selector=%d: a session is running" % data[0])
            return
        selector = data[0]
        kind = SELECTORS.get(selector)
        if kind is None or kind == SEED or not self.installed(kind):
            why = "Seed key sessions are refused" if kind == SEED else (
                "unknown selector" if kind is None else "no %s key installed" % kind)
            self.event(EV_HELLO_KEY_NOT_FOUND)
            say("REFUSED hello selector=%d: %s" % (selector, why))
            self.save("refused hello")
            return
        client_random = bytes(data[4:4 + RANDOM_LEN])
        while True:
            server_random = os.urandom(RANDOM_LEN)
            if initial_counter(client_random, server_random) + 64 < COUNTER_LIMIT:
                break
        key, salt = self.base_key(kind)
        self.session = {"kind": kind, "selector": selector, "crypto": SessionCrypto(key, salt, client_random, server_random),
                        "open": False, "start": now, "last": now, "read": None, "write": None}
        self.bus.send(server_hello_id(self.pid), server_random)
        say("HELLO selector=%d" % selector)

    def request(self, now, can_id, cnt_byte, cpmt, data):
        s = self.session
        if s is None:
            return
        c = s["crypto"]
        if not s["open"]:
            if cpmt != FINISHED:
                return
            cf = c.cnt0 + 1
            if cnt_byte != cf & 0xFF:
                say("IGNORED Finished: counter byte %02X, expected %02X" % (cnt_byte, cf & 0xFF))
                return
            if len(data) < TAG or not c.verify_mac(cf, c.client_finished_aad(s["selector"], can_id), data):
                self.end("SESSION FAILED: ClientFinished did not verify", EV_FINISHED_AUTH)
                return
            sf = c.cnt0 + 2
            sf_id = session_id(FINISHED, sf, False, self.pid)
            self.bus.send(sf_id, c.mac(sf, c.server_finished_aad(can_id, data[:TAG], sf_id)))
            s["open"] = True
            s["expected"] = c.cnt0 + 3
            s["last"] = now
            self.state = STATE_CONFIGURATION
            say("SESSION OPEN selector=%d" % s["selector"])
            self.save("session open")
            return
        if cpmt == FINISHED:
            return
        counter = s["expected"]
        if cnt_byte != counter & 0xFF:
            # The reference accepts exactly the next value: no skip, no replay.
            say("IGNORED %s: counter byte %02X, expected %02X" % (CPMT_NAMES[cpmt], cnt_byte, counter & 0xFF))
            self.event(EV_MESSAGE_AUTH)
            return
        if counter + 1 >= COUNTER_LIMIT:
            self.end("SESSION FAILED: counter exhausted", EV_MESSAGE_AUTH)
            return
        if cpmt in (READ_INIT, WRITE_INIT):
            pt_len = 8
        elif cpmt == WRITE_SEG:
            pt_len = len(data) - TAG  # the reference's way: the frame length says how much data
        else:
            pt_len = 0
        pt = c.open(counter, can_id, data, pt_len) if 0 <= pt_len <= WRITE_SEGMENT_DATA else None
        if pt is None:
            say("AUTHFAIL %s at counter %d (%d bytes): no answer, nothing consumed" % (CPMT_NAMES[cpmt], counter, len(data)))
            self.event(EV_MESSAGE_AUTH)
            return
        s["expected"] = counter + 1  # the request consumed its value, answered or not
        s["last"] = now
        if cpmt == READ_INIT:
            self.read_initiate(s, pt)
        elif cpmt == READ_SEG:
            self.read_segment(s)
        elif cpmt == WRITE_INIT:
            self.write_initiate(s, pt)
        elif cpmt == WRITE_SEG:
            self.write_segment(s, pt)
        elif cpmt == TERMINATE:
            self.respond(s, TERMINATE, b"")
            self.end("TERMINATED")

    def respond(self, s, cpmt, plaintext, fill=False):
        counter = s["expected"]
        s["expected"] = counter + 1
        can_id = session_id(cpmt, counter, False, self.pid)
        body = s["crypto"].seal(counter, can_id, plaintext)
        if fill:
            body += b"\xff" * (legal_length(len(body)) - len(body))
        self.responses += 1
        if self.responses in self.lose:
            say("LOST response %d (%s at counter %d): not sent" % (self.responses, CPMT_NAMES[cpmt], counter))
            return
        self.bus.send(can_id, body)

    def read_initiate(self, s, pt):
        h = parse_register_header(pt)
        if h is None:
            say("REFUSED read: malformed header")
            return
        reg, _announced = h
        why = None
        if reg not in REGISTERS:
            why = "unknown register"
        elif REGISTERS[reg][2] == "never":
            why = "never readable"
        elif REGISTERS[reg][2] == "keyed" and s["kind"] == ZERO:
            why = "not readable in a Zero-key session"
        elif reg in (0x41, 0x42, 0x43) and not self.installed(KEY_OF_REG[reg][0]):
            why = "unset key ID"
        value = None if why else self.read_value(reg)
        if why is None and value is None:
            why = "no value"
        if why:
            say("REFUSED read %02Xh: %s" % (reg, why))
            return
        s["read"] = [value, 0]
        self.respond(s, READ_INIT, register_header(reg, len(value)))
        say("READ %02Xh %d bytes" % (reg, len(value)))

    def read_segment(self, s):
        if s["read"] is None:
            say("REFUSED read segment: no read in progress")
            return
        value, offset = s["read"]
        chunk = value[offset:offset + READ_SEGMENT_DATA]
        offset += len(chunk)
        s["read"] = None if offset >= len(value) else [value, offset]
        self.respond(s, READ_SEG, chunk, fill=True)

    def write_initiate(self, s, pt):
        h = parse_register_header(pt)
        if h is None:
            say("REFUSED write: malformed header")
            return
        reg, length = h
        s["write"] = None
        why = self.refuse_write(reg, length, s["kind"])
        if why:
            say("REFUSED write %02Xh (%d bytes): %s" % (reg, length, why))
            return
        s["write"] = {"reg": reg, "length": length, "buffer": b""}
        self.respond(s, WRITE_INIT, pt)

    def write_segment(self, s, chunk):
        w = s["write"]
        if w is None:
            say("REFUSED write segment: no write in progress")
            return
        if len(chunk) == 0 or len(w["buffer"]) + len(chunk) > w["length"]:
            say("REFUSED write segment of %02Xh: %d bytes, %d expected" % (w["reg"], len(chunk), w["length"] - len(w["buffer"])))
            s["write"] = None
            self.respond(s, WRITE_SEG, bytes([1, 0xFF, 0xFF, 0xFF]))
            return
        w["buffer"] += chunk
        status = 0
        if len(w["buffer"]) == w["length"]:
            s["write"] = None
            status = self.commit(w["reg"], w["buffer"])
            if status == 0:
                say("WRITE %02Xh %d bytes" % (w["reg"], w["length"]))
                self.save("write %02Xh" % w["reg"])
            else:
                say("REFUSED value of %02Xh: status %d" % (w["reg"], status))
        self.respond(s, WRITE_SEG, bytes([status, 0xFF, 0xFF, 0xFF]))


# ----------------------------------------------------------------------------- configurator

class Failed(Exception):
    pass


class Configurator:
    """Commissions one participant from factory state, as the reference configurator does."""

    def __init__(self, pid, keys, bus, sync):
        self.pid = pid
        self.keys = keys
        self.bus = bus
        self.sync = sync
        self.c = None
        self.next = None
        self.kind = None

    def wait_for(self, timeout, accept):
        """The first received frame for which accept(can_id, data) is true, or None."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            frame = self.bus.recv(left)
            if frame is None:
                return None
            can_id, extended, data = frame
            if extended and accept(can_id, data):
                return can_id, data

    def open(self, kind):
        if kind == ZERO:
            key, salt = bytes(KEY_LEN), bytes(SALT_LEN)
        else:
            key, salt = self.keys[kind]["key"], self.keys[kind]["salt"]
        selector = SELECTOR_OF[kind]
        start = time.monotonic()
        while time.monotonic() - start < HANDSHAKE_TIMEOUT:
            client_random = os.urandom(RANDOM_LEN)
            self.bus.send(client_hello_id(self.pid), bytes([selector, 0xFF, 0xFF, 0xFF]) + client_random)
            wait = min(HELLO_RETRY, HANDSHAKE_TIMEOUT - (time.monotonic() - start))
            got = self.wait_for(wait, lambda i, d: i == server_hello_id(self.pid) and len(d) >= RANDOM_LEN)
            if got is None:
                continue
            server_random = got[1][:RANDOM_LEN]
            c = SessionCrypto(key, salt, client_random, server_random)
            if c.cnt0 + 64 >= COUNTER_LIMIT:
                say("note: these randoms start the counter at its limit; new ClientHello")
                continue
            cf = c.cnt0 + 1
            cf_id = session_id(FINISHED, cf, True, self.pid)
            cf_tag = c.mac(cf, c.client_finished_aad(selector, cf_id))
            self.bus.send(cf_id, cf_tag)
            sf = c.cnt0 + 2
            sf_id = session_id(FINISHED, sf, False, self.pid)
            left = HANDSHAKE_TIMEOUT - (time.monotonic() - start)
            got = self.wait_for(left, lambda i, d: i == sf_id)
            if got is None:
                break
            if not c.verify_mac(sf, c.server_finished_aad(cf_id, cf_tag, sf_id), got[1]):
                raise Failed("ServerFinished of the %s session did not verify" % kind)
            self.c, self.next, self.kind = c, sf + 1, kind
            say("SESSION OPEN %s (selector %d)" % (kind, selector))
            return
        raise Failed("no %s session with P%d within %.0f s" % (kind, self.pid, HANDSHAKE_TIMEOUT))

    def exchange(self, cpmt, plaintext, response_len, timeout, fill):
        """Sends one request at the next counter value; the response's plaintext, or None (silence)."""
        c = self.c
        counter = self.next
        if counter + 2 >= COUNTER_LIMIT:
            raise Failed("session counter exhausted")
        can_id = session_id(cpmt, counter, True, self.pid)
        body = c.seal(counter, can_id, plaintext)
        if fill:
            body += b"\x00" * (legal_length(len(body)) - len(body))
        self.bus.send(can_id, body)
        self.next = counter + 1  # consumed, answered or not (SPEC 7)
        rsp_id = session_id(cpmt, counter + 1, False, self.pid)
        end = time.monotonic() + timeout
        while True:
            got = self.wait_for(end - time.monotonic(), lambda i, d: i == rsp_id)
            if got is None:
                return None
            pt = c.open(counter + 1, rsp_id, got[1], response_len(got[1]) if callable(response_len) else response_len)
            if pt is not None:
                self.next = counter + 2
                return pt
            say("note: a response at counter %d did not verify; waiting on" % (counter + 1))

    def read(self, reg, announced):
        pt = self.exchange(READ_INIT, register_header(reg, announced), 8, READ_TIMEOUT, fill=False)
        if pt is None:
            return None
        h = parse_register_header(pt)
        if h is None or h[0] != reg:
            raise Failed("malformed Read Initiate response for %02Xh" % reg)
        length = h[1]
        value = b""
        while len(value) < length:
            n = min(READ_SEGMENT_DATA, length - len(value))
            seg = self.exchange(READ_SEG, b"", n, READ_TIMEOUT, fill=False)
            if seg is None:
                raise Failed("no Read Segment response for %02Xh" % reg)
            value += seg
        return value

    def write(self, reg, value, what):
        pt = self.exchange(WRITE_INIT, register_header(reg, len(value)), 8, WRITE_TIMEOUT, fill=False)
        if pt is None:
            raise Failed("no answer to the Write Initiate of %02Xh (%s) in the %s session" % (reg, what, self.kind))
        if parse_register_header(pt) != (reg, len(value)):
            raise Failed("the Write Initiate response of %02Xh does not echo the request" % reg)
        for off in range(0, len(value), WRITE_SEGMENT_DATA):
            chunk = value[off:off + WRITE_SEGMENT_DATA]
            # Unfilled: data + tag (9 bytes for 1 data byte, 40 for a key), as the reference sends it.
            status = self.exchange(WRITE_SEG, chunk, 4, WRITE_TIMEOUT, fill=False)
            if status is None:
                raise Failed("no answer to a Write Segment of %02Xh (%s)" % (reg, what))
            if status[0] != 0:
                raise Failed("P%d refused the value of %02Xh (%s): status %d" % (self.pid, reg, what, status[0]))
        say("WRITE %02Xh %s (%d bytes) ok" % (reg, what, len(value)))

    def terminate(self):
        pt = self.exchange(TERMINATE, b"", 0, TERMINATE_TIMEOUT, fill=False)
        self.c = None
        if pt is None:
            say("note: Terminate got no answer (the participant ends the session by its time-out)")
        else:
            say("TERMINATED %s session" % self.kind)

    def install(self, kind):
        k = self.keys[kind]
        key_reg, salt_reg, id_reg = KEY_REGS[kind]
        # The reference's sequence: ID erased, key, salt, then the real ID.
        self.write(id_reg, le32(KEY_ID_ERASED), "%s key ID <- FFFFFFFFh" % kind)
        self.write(key_reg, k["key"], "%s key" % kind)
        self.write(salt_reg, k["salt"], "%s salt" % kind)
        self.write(id_reg, le32(k["id"]), "%s key ID <- %08Xh" % (kind, k["id"]))

    def commission(self):
        for kind in (PROVISIONING, INTEGRATOR, SEED):
            if kind not in self.keys:
                raise Failed("the key file has no %s key" % kind)
        # 1. Discovery in a Zero-key session.
        self.open(ZERO)
        ids = {}
        for reg in (0x41, 0x42, 0x43):
            v = self.read(reg, 4)
            ids[reg] = None if v is None else u32(v)
            say("DISCOVER %02Xh %s" % (reg, "not installed (no answer)" if v is None else "%08Xh" % ids[reg]))
        status = self.read(0x50, 1)
        if status is None:
            raise Failed("no answer to the read of 50h")
        say("DISCOVER 50h %02X" % status[0])
        self.terminate()
        valid = lambda v: v not in (None, KEY_ID_INVALID, KEY_ID_ERASED)  # noqa: E731
        if not valid(ids[0x41]):
            raise Failed("P%d has no Provisioning key installed (41h)" % self.pid)
        if ids[0x41] != self.keys[PROVISIONING]["id"]:
            say("note: P%d reports Provisioning key ID %08Xh, the key file has %08Xh"
                % (self.pid, ids[0x41], self.keys[PROVISIONING]["id"]))
        # 2. The Integrator triple in a Provisioning session.
        if valid(ids[0x42]):
            if ids[0x42] != self.keys[INTEGRATOR]["id"]:
                raise Failed("another Integrator key (ID %08Xh) is installed; a manufacturer reset is needed" % ids[0x42])
            say("Integrator key already installed")
        else:
            self.open(PROVISIONING)
            self.install(INTEGRATOR)
            self.terminate()
            say("Integrator key installed")
        # 3. The Seed triple and the configuration in an Integrator session.
        self.open(INTEGRATOR)
        self.install(SEED)
        self.write(0x61, bytes([4]), "heartbeat 1 s")
        self.write(0x62, le32(0xFFFFFFFF), "monitor all")
        self.write(0x63, bytes([1 if self.sync else 0]), "Sync role %s" % ("on" if self.sync else "off"))
        self.terminate()
        say("Seed key and configuration installed")


# ----------------------------------------------------------------------------- self-test

class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def eq(self, name, got, want):
        if isinstance(got, (bytes, bytearray)):
            got = bytes(got).hex()
        if isinstance(want, (bytes, bytearray)):
            want = bytes(want).hex()
        if got == want:
            self.passed += 1
        else:
            self.failed.append("%s: got %s, want %s" % (name, got, want))

    def true(self, name, cond):
        if cond:
            self.passed += 1
        else:
            self.failed.append(name)


def check_derived(path, ck):
    with open(path, "r", encoding="utf-8") as f:
        doc = json.load(f)
    for v in doc["vectors"]:
        name = v["name"]
        if v.get("aead", "AES_256_GCM") != "AES_256_GCM" or v.get("salt_len", 8) != 8:
            ck.failed.append("%s: only AES_256_GCM with 8-byte salts is supported" % name)
            continue
        pid = v["participant_id"]
        keys = {INTEGRATOR: (bytes.fromhex(v["integrator_key"]), bytes.fromhex(v["integrator_salt"])),
                SEED: (bytes.fromhex(v["seed_key"]), bytes.fromhex(v["seed_salt"]))}
        s = v.get("session")
        if s:
            selector = s["selector"]
            base_key, base_salt = {1: (bytes(32), bytes(8))}.get(selector) or keys[SELECTORS[selector]]
            cr, sr = bytes.fromhex(s["client_random"]), bytes.fromhex(s["server_random"])
            ck.eq(name + " ClientHello ID", "%08x" % client_hello_id(pid), s["client_hello"]["can_id"])
            ck.eq(name + " ClientHello", bytes([selector, 0xFF, 0xFF, 0xFF]) + cr, s["client_hello"]["data"])
            ck.eq(name + " ServerHello ID", "%08x" % server_hello_id(pid), s["server_hello"]["can_id"])
            ck.eq(name + " ServerHello", sr, s["server_hello"]["data"])
            ck.eq(name + " session key", session_key(base_key, cr, sr), s["session_key"])
            c = SessionCrypto(base_key, base_salt, cr, sr)
            ck.eq(name + " cnt0", c.cnt0, s["cnt0"])
            cf_id = session_id(FINISHED, c.cnt0 + 1, True, pid)
            ck.eq(name + " ClientFinished ID", "%08x" % cf_id, s["client_finished"]["can_id"])
            cf_tag = c.mac(c.cnt0 + 1, c.client_finished_aad(selector, cf_id))
            ck.eq(name + " ClientFinished", cf_tag, s["client_finished"]["data"])
            ck.true(name + " ClientFinished verifies", c.verify_mac(c.cnt0 + 1, c.client_finished_aad(selector, cf_id),
                                                                   bytes.fromhex(s["client_finished"]["data"])))
            sf_id = session_id(FINISHED, c.cnt0 + 2, False, pid)
            ck.eq(name + " ServerFinished ID", "%08x" % sf_id, s["server_finished"]["can_id"])
            ck.eq(name + " ServerFinished", c.mac(c.cnt0 + 2, c.server_finished_aad(cf_id, cf_tag, sf_id)),
                  s["server_finished"]["data"])
            for key, rf in s.items():
                if not isinstance(rf, dict) or "plaintext" not in rf:
                    continue
                can_id = int(rf["can_id"], 16)
                cnt_byte, cpmt, to_p, rpid = decode_session_id(can_id)
                counter = c.cnt0 + 3 + ((cnt_byte - (c.cnt0 + 3)) & 0xFF)
                ck.eq(name + " " + key + " ID", "%08x" % session_id(cpmt, counter, to_p, rpid), rf["can_id"])
                pt = bytes.fromhex(rf["plaintext"])
                ck.eq(name + " " + key, c.seal(counter, can_id, pt), rf["data"])
                ck.eq(name + " " + key + " opens", c.open(counter, can_id, bytes.fromhex(rf["data"]), len(pt)), pt)
                bad = bytearray.fromhex(rf["data"])
                bad[-1] ^= 1
                ck.true(name + " " + key + " forged tag refused", c.open(counter, can_id, bytes(bad), len(pt)) is None)
        csalt = bytes.fromhex(v["csalt"])
        seed_key, seed_salt = keys[SEED]
        k = v.get("communication_key")
        if k:
            t = int(k["timestamp"], 16)
            ck.eq(name + " window", t >> 24, k["window"])
            ck.eq(name + " odd slot", bool((t >> 24) & 1), k["odd"])
            ck.eq(name + " communication key HKDF salt", le64((t >> 24) * (1 << 24) + (1 << 23)) + csalt, k["hkdf_salt"])
            ck.eq(name + " communication key", communication_key(seed_key, t, csalt), k["key"])
        for unit in ("data_unit", "heartbeat", "time_broadcast"):
            du = v.get(unit)
            if not du:
                continue
            t = int(du["timestamp"], 16)
            can_id = int(du["can_id"], 16)
            if unit == "data_unit":
                payload = bytes.fromhex(du["payload"])
            elif unit == "heartbeat":
                payload = b"\xff\xff"
                ck.eq(name + " heartbeat ID", "%08x" % (0x12000A00 | (du["status"] << 16) | pid), du["can_id"])
            else:
                payload = le64(t) + bytes(2)
                ck.eq(name + " time broadcast ID", "%08x" % 0x02210900, du["can_id"])
            frame, pad, nonce, aad = stamp(communication_key(seed_key, t, csalt), seed_salt, can_id, t, payload)
            if "padding" in du:
                ck.eq(name + " " + unit + " padding", pad, du["padding"])
            if "nonce" in du:
                ck.eq(name + " " + unit + " nonce", nonce, du["nonce"])
            if "aad" in du:
                ck.eq(name + " " + unit + " aad", aad, du["aad"])
            ck.eq(name + " " + unit, frame, du["frame"])
        ts = v.get("time_sync")
        if ts:
            rq = bytes.fromhex(ts["request"]["data"])
            ck.eq(name + " time request ID", "%08x" % (0x0AFF0800 | pid), ts["request"]["can_id"])
            t = int(v["communication_key"]["timestamp"], 16)
            pak = parameter_authentication_key(seed_key, rq, t, csalt)
            ck.eq(name + " parameter-authentication key", pak, ts["param_auth_key"])
            ck.eq(name + " time response ID", "%08x" % (0x06230800 | 0x80 | pid), ts["response"]["can_id"])
            ck.eq(name + " time response", time_response(pak, rq, t, csalt, pid), ts["response"]["data"])


def check_aead_kat(path, ck):
    with open(path, "r", encoding="utf-8") as f:
        kat = json.load(f)
    r = kat["results"]["AES_256_GCM"]
    key, nonce = bytes.fromhex(kat["key"]), bytes.fromhex(kat["nonce"])
    pt, aad = bytes.fromhex(kat["plaintext"]), bytes.fromhex(kat["aad"])
    sealed = gcm_seal(key, nonce, pt, aad)
    ck.eq("aead-kat AES-256-GCM 16-byte nonce", sealed, r["ciphertext"] + r["tag8"])
    ck.eq("aead-kat AES-256-GCM opens", gcm_open(key, nonce, sealed, len(pt), aad), pt)


def parse_candump(path):
    """[(section, time, direction, can_id, data)] of a candump-style log ('(t) iface ID##Fdata' or 'ID#data')."""
    frames = []
    section = ""
    with open(path, "r", encoding="ascii") as f:
        for line in f:
            if line.startswith("#"):
                section = line[1:].strip()
                continue
            parts = line.split()
            if len(parts) < 3 or not parts[0].startswith("("):
                continue
            ident, _, rest = parts[2].partition("#")
            data = rest[2:] if rest.startswith("#") else rest
            frames.append((section, float(parts[0].strip("()")), parts[1], int(ident, 16) & ID_MASK, bytes.fromhex(data)))
    return frames


def check_recorded(log_path, keys_path, ck):
    """Verifies every session frame of a recorded run: handshakes, counters and register messages.

    Returns (sessions, frames verified). The counter of each frame is the expected one (exact rule)
    or, for a request, a later one (a configurator may skip); any skip is reported.
    """
    keys = read_key_file(keys_path)
    frames = parse_candump(log_path)
    sessions = verified = 0
    hellos = {}  # pid -> (selector, client random)
    live = {}  # pid -> session state
    notes = []
    for section, _t, direction, can_id, data in frames:
        if (can_id & 0xFFFFFF00) == 0x1EFF0000:  # a Hello
            pid = can_id & 0x7F
            if can_id & 0x80:
                hellos[pid] = (data[0], data[4:20])
            elif pid in hellos:
                selector, cr = hellos.pop(pid)
                kind = SELECTORS.get(selector)
                base = (bytes(32), bytes(8)) if kind == ZERO else (keys[kind]["key"], keys[kind]["salt"])
                live[pid] = {"c": SessionCrypto(base[0], base[1], cr, data[:16]), "sel": selector,
                             "expected": None, "cf": None, "kind": kind, "write_left": 0}
            continue
        d = decode_session_id(can_id)
        if d is None or d[3] not in live:
            continue
        cnt_byte, cpmt, to_p, pid = d
        s = live[pid]
        c = s["c"]
        if cpmt == FINISHED:
            if to_p:
                cf = c.cnt0 + 1
                ok = cnt_byte == cf & 0xFF and c.verify_mac(cf, c.client_finished_aad(s["sel"], can_id), data)
                if "wrong" in section and "key" in section:  # a step recorded to show a refusal
                    ck.true("%s: ClientFinished with a wrong key P%d is refused" % (os.path.basename(log_path), pid), not ok)
                    del live[pid]
                    continue
                ck.true("%s: ClientFinished P%d" % (os.path.basename(log_path), pid), ok)
                s["cf"] = (can_id, data[:8])
                verified += ok
            elif s["cf"]:
                sf = c.cnt0 + 2
                ok = c.verify_mac(sf, c.server_finished_aad(s["cf"][0], s["cf"][1], can_id), data)
                ck.true("%s: ServerFinished P%d" % (os.path.basename(log_path), pid), ok)
                verified += ok
                s["expected"] = sf + 1
                sessions += 1
            continue
        if s["expected"] is None:
            continue
        counter = s["expected"] + ((cnt_byte - s["expected"]) & 0xFF)
        if counter != s["expected"]:
            notes.append("%s: P%d %s %s at counter %d, %d value(s) skipped" % (
                os.path.basename(log_path), pid, "request" if to_p else "response", CPMT_NAMES[cpmt], counter,
                counter - s["expected"]))
        if cpmt in (READ_INIT, WRITE_INIT):
            lens = [8]
        elif cpmt == READ_SEG:
            lens = [0] if to_p else list(range(min(56, len(data) - 8), -1, -1))
        elif cpmt == WRITE_SEG:
            lens = list(range(min(32, len(data) - 8), 0, -1)) if to_p else [4]
        else:
            lens = [0]
        pt = None
        for n in lens:
            pt = c.open(counter, can_id, data, n)
            if pt is not None:
                break
        ck.true("%s: %s %s P%d at counter %d verifies" % (os.path.basename(log_path), "request" if to_p else "response",
                                                          CPMT_NAMES[cpmt], pid, counter), pt is not None)
        if pt is not None:
            verified += 1
            s["expected"] = counter + 1
            if cpmt == READ_SEG and not to_p:
                ck.true("%s: Read Segment fill is FFh" % os.path.basename(log_path),
                        all(b == 0xFF for b in data[len(pt) + 8:]))
        if cpmt == TERMINATE and not to_p:
            del live[pid]
    return sessions, verified, notes


def check_python_can(ck):
    """python-can's udp_multicast datagram carries bit 31 and the exact length (what Bus.send relies on)."""
    try:
        import can
        import msgpack
        from can.interfaces.udp_multicast.utils import pack_message
    except ImportError as e:
        say("python-can check skipped: %s" % e)
        return
    for length in (9, 40, 12):
        d = msgpack.unpackb(pack_message(Bus.message(can, 0x1E130582, bytes(range(length)))), raw=False)
        ck.eq("python-can datagram arbitration_id (bit 31 set)", "%08x" % d["arbitration_id"], "9e130582")
        ck.true("python-can datagram extended, FD, BRS", d["is_extended_id"] and d["is_fd"] and d["bitrate_switch"])
        ck.eq("python-can datagram of %d bytes: dlc" % length, d["dlc"], length)
        ck.eq("python-can datagram of %d bytes: data" % length, bytes(d["data"]), bytes(range(length)))


def check_recorded_stamped(log_path, keys_path, ck):
    """Verifies the time responses and every stamped frame (heartbeats, data, time broadcasts) of a run.

    The full timestamp of a stamp is rebuilt from its 12 bits around the group time last
    authenticated (time response or broadcast) plus the log's elapsed time at 100 us a tick.
    Returns {kind: frames verified}.
    """
    keys = read_key_file(keys_path)
    seed, seed_salt = keys[SEED]["key"], keys[SEED]["salt"]
    name = os.path.basename(log_path)
    randoms = {}
    anchor = csalt = None
    counts = collections.Counter()
    for _section, t, _direction, can_id, data in parse_candump(log_path):
        if (can_id & 0xFFFFFF00) == 0x0AFF0800:
            randoms[can_id & 0x7F] = data[:RANDOM_LEN]
            continue
        if (can_id & 0xFFFFFF00) == 0x06230800:
            pid = can_id & 0x7F
            if pid in randoms and len(data) >= 20:
                ts, cs = struct.unpack_from("<Q", data)[0], data[8:12]
                pak = parameter_authentication_key(seed, randoms[pid], ts, cs)
                ok = time_response(pak, randoms[pid], ts, cs, pid) == data[:20]
                ck.true("%s: time response to P%d verifies" % (name, pid), ok)
                if ok:
                    counts["time responses"] += 1
                    anchor, csalt = (ts, t), cs
            continue
        if anchor is None or len(data) < 10 or (can_id >> 24) == 0x1E:
            continue
        header = struct.unpack_from("<H", data, len(data) - 10)[0]
        pad, low = header >> 12, header & 0x0FFF
        ref = anchor[0] + int((t - anchor[1]) * 10000)
        ts = ref - ((ref - low) & 0x0FFF)
        if ref - ts > 2048:
            ts += 4096
        plen = len(data) - 10 - pad
        nonce = le64(ts) + struct.pack("<H", can_id & 0xFFFF) + seed_salt[:2]
        aad = le32(can_id & ID_MASK) + bytes([plen])
        pt = gcm_open(communication_key(seed, ts, csalt), nonce, data[:len(data) - 10] + data[-TAG:], len(data) - 10, aad)
        kind = "time broadcasts" if can_id == 0x02210900 else (
            "heartbeats" if (can_id & 0xFF00FF00) == 0x12000A00 else "data units")
        ck.true("%s: %s %08X at T=%d verifies" % (name, kind, can_id, ts), pt is not None)
        if pt is None:
            continue
        counts[kind] += 1
        ck.true("%s: padding is FFh" % name, all(b == 0xFF for b in pt[plen:]))
        if kind == "time broadcasts":
            ck.eq("%s: time broadcast carries its stamp's timestamp" % name, struct.unpack_from("<Q", pt)[0], ts)
            anchor = (ts, t)
    return counts


def self_test(args):
    ck = Checks()
    before = ck.passed
    check_python_can(ck)
    if ck.passed > before:
        say("python-can udp_multicast format: %d checks matched" % (ck.passed - before))
    before, failed_before = ck.passed, len(ck.failed)
    check_derived(args.vectors, ck)
    derived = ck.passed - before
    say("derived.json: %d of %d checks matched" % (derived, derived + len(ck.failed) - failed_before))
    kat = os.path.join(os.path.dirname(args.vectors), "aead-kat.json")
    if os.path.exists(kat):
        before = ck.passed
        check_aead_kat(kat, ck)
        say("aead-kat.json: %d checks matched" % (ck.passed - before))
    interop = args.interop
    if interop and os.path.isdir(interop):
        for name in sorted(os.listdir(interop)):
            if not name.endswith(".log"):
                continue
            keys = os.path.join(interop, name[:-4] + ".keys.txt")
            if not os.path.exists(keys):
                continue
            sessions, verified, notes = check_recorded(os.path.join(interop, name), keys, ck)
            stamped = check_recorded_stamped(os.path.join(interop, name), keys, ck)
            say("%s: %d sessions, %d session frames verified%s" % (name, sessions, verified, "".join(
                ", %d %s" % (n, k) for k, n in sorted(stamped.items()))))
            for n in notes:
                say("  note: " + n)
    for f in ck.failed:
        say("MISMATCH " + f)
    say("SELF-TEST %s: %d checks matched (derived.json: %d vectors), %d failed" % (
        "OK" if not ck.failed else "FAILED", ck.passed, derived, len(ck.failed)))
    return 0 if not ck.failed else 1


# ----------------------------------------------------------------------------- main

def repo_root():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def open_log(path):
    return sys.stderr if not path or path == "-" else open(path, "a", encoding="ascii", buffering=1)


def main(argv=None):
    root = repo_root()
    p = argparse.ArgumentParser(description="SPsec interop test peer with the reference implementation's wire habits "
                                            "(python-can udp_multicast, AES-256-GCM).")
    p.add_argument("--self-test", action="store_true", help="check derivations and frames against the shared vectors")
    p.add_argument("--vectors", default=os.path.join(root, "..", "shared", "vectors", "derived.json"),
                   help="derived.json (default: ../shared/vectors/derived.json beside the repository)")
    p.add_argument("--interop", default=os.path.join(root, "..", "shared", "interop"),
                   help="recorded reference frames to verify in --self-test (default: ../shared/interop)")
    sub = p.add_subparsers(dest="role")

    def common(sp):
        sp.add_argument("--id", type=int, required=True, help="participant ID 1..127")
        sp.add_argument("--keys", required=True, help="key file (SPEC section 12)")
        sp.add_argument("--group", default=DEFAULT_GROUP, help="multicast group (default %(default)s)")
        sp.add_argument("--port", type=int, default=DEFAULT_PORT, help="UDP port (default %(default)s)")
        sp.add_argument("--log", help="frame log (TX/RX lines) to this file instead of standard error")
        sp.add_argument("--log-all", action="store_true", help="log every frame, not only this participant's sessions")
        sp.add_argument("--no-eff-flag", action="store_true", help="do not set bit 31 in the arbitration ID")

    sp = sub.add_parser("participant", help="a participant in factory state serving configuration sessions")
    common(sp)
    sp.add_argument("--state", help="write the installed keys and registers as JSON here on every change")
    sp.add_argument("--duration", type=float, help="stop after this many seconds")
    sp.add_argument("--lose-response", type=int, action="append", default=[], metavar="K",
                    help="test aid: build the K-th register response (1 = first) but do not send it, as if lost")
    sc = sub.add_parser("configurator", help="commission one participant from factory state")
    common(sc)
    sc.add_argument("--sync", action="store_true", help="give the participant the Sync role (63h = 01)")
    args = p.parse_args(argv)

    if AESGCM is None:
        say("FAILED python3-cryptography is not installed")
        return 2
    if args.self_test:
        return self_test(args)
    if args.role is None:
        p.print_help()
        return 2
    if not 1 <= args.id <= 127:
        say("FAILED --id must be 1..127")
        return 2
    try:
        keys = read_key_file(args.keys)
    except (OSError, ValueError) as e:
        say("FAILED key file: %s" % e)
        return 1
    log = open_log(args.log)
    pid = args.id
    log_filter = None if args.log_all else (
        lambda i: (i >> 24) == 0x1E and (i & 0x7F) == pid and ((i >> 8) & 0xFF) <= TERMINATE)
    bus = Bus(args.group, args.port, log, log_filter, eff_flag=not args.no_eff_flag)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    try:
        if args.role == "participant":
            if PROVISIONING not in keys:
                say("FAILED the key file has no provisioning_key / provisioning_salt")
                return 1
            end = None if args.duration is None else time.monotonic() + args.duration
            peer = Participant(pid, keys, bus, args.state, args.lose_response)
            peer.run(lambda: bool(stopping) or (end is not None and time.monotonic() >= end))
            say("STOPPED")
            return 0
        cfg = Configurator(pid, keys, bus, args.sync)
        try:
            cfg.commission()
        except Failed as e:
            say("FAILED %s" % e)
            return 1
        say("COMMISSIONED P%d" % pid)
        return 0
    finally:
        bus.close()
        if log is not sys.stderr:
            log.close()


if __name__ == "__main__":
    sys.exit(main())
