#!/usr/bin/python3
"""Real-process soak test of the spsec CLI, judged from an independent capture of the bus.

What it does
  1. Creates a private network namespace (spsec-soak-<pid>) with only a loopback interface, brings
     lo up with multicast and a 224.0.0.0/4 route on it, and runs everything inside it, so no frame
     leaves the machine. The namespace is deleted at the end, also after an error or Ctrl-C, and every
     child process is killed.
  2. Generates a fresh key file with `spsec keys generate`.
  3. Starts, as separate JVM processes on the bus udp:GROUP:PORT@lo (python-can's udp_multicast wire
     format), one Sync (ID 1, `spsec sync ... --heartbeat 4 --print-data`) and N participants (IDs 2..N+1,
     `spsec participant ... --send 18K=AK --period MS --print-data --heartbeat 4`; participant K sends on
     CAN ID 0x180+K). Every line a node prints is stamped with time.monotonic() on arrival and kept in
     OUT/<node>.log ("seconds-since-start<TAB>line"; '#' lines are the harness's launch/kill marks).
  4. Records the bus independently with python-can (a recorder process inside the namespace; kernel
     receive time stamps, SO_TIMESTAMPNS, converted to the monotonic clock) in OUT/capture.txt:
     "mono_kernel realtime_kernel mono_arrival X|S ID DATA".
  5. Schedule: warm-up until every node printed "-> secure"; at --kill-participant-at (default 1/3 of
     --duration) SIGKILL participant --victim and relaunch it (same store) after --restart-delay s; at
     --kill-sync-at (default 2/3) SIGKILL the Sync and relaunch it the same way; at --duration stop all
     nodes (SIGTERM, then SIGKILL). --stress runs `stress-ng --cpu N` for the whole run.
  6. Reports (plain tables on stdout, everything in OUT/report.json):
     - Legitimate frames rejected: every rejection event a node printed (EE00h, FE0Eh, FE00h, DE03h,
       DE04h; there is no attacker, so each is a legitimate frame refused), by code and by node, against
       the number of stamped frames on the capture (data + heartbeats + time broadcasts; each frame reaches
       every other node, so the share of receptions is given too), with the reason each node gave. Rejections
       inside the Sync-restart resynchronisation window (Sync SIGKILL .. every participant seals under
       the new csalt, + 0.5 s) are counted separately: a new csalt makes them unavoidable.
       Other events (heartbeat missing, timeouts) are listed too but are not rejections.
     - Security aborts ("-> waiting (security abort: ...)") of nodes never killed; the resynchronisations
       caused by the Sync restart (first abort of each participant between the Sync SIGKILL and
       --resync-grace s after its relaunch) are listed separately with their cause text.
     - Restarts: from the relaunch of the process to its "P.. on ..." line (JVM start), to its
       "-> secure" line, and to acceptance by every peer (a participant: first "Pj data <its CAN ID>" at
       each peer j; the Sync: each participant's first "-> secure" after the relaunch and its first frame
       on the capture sealed under the new csalt).
     - From the capture alone: every stamped frame (data units, heartbeats 12xx0Axxh, time broadcasts
       02210900h) is verified per SPEC section 6 with the seed key and salt of the key file and the csalt
       read from the time responses (06230880h|pid, whose tags are checked against the time request
       random). The full T is rebuilt from its 12 low bits around a reference (the Sync's clock
       extrapolated from the time responses of that csalt), trying +-4096 and +-8192 and every csalt
       seen. Reported per stream (data CAN ID; heartbeat of Pk; time broadcast): frames whose T is not
       greater than the previous T of that stream ("backwards"), frames that verify under no candidate
       ("unverified", should be 0), and nonce reuses: the same (csalt, T, ID & FFFFh) sealed twice across
       all identifiers (byte-identical repeats are shown apart).
       A completeness check compares each data ID's count on the capture with the most any peer accepted.
     - Clock offset of every node to the Sync, in ms: for each frame a participant seals, its T minus
       the Sync's T at the same capture instant. The Sync's T comes from its own verified heartbeats and
       broadcasts of the same csalt: slope by Theil-Sen over the csalt's whole life, intercept = median
       residual of the points within +-(--fit-window) s (robust to latency spikes). Median (signed), p95
       and max of |offset| per node, overall and in the last third of the run, and from heartbeats only
       (the same code path as the Sync's own points); a per-10-s median timeline is in report.json.
       Capture time stamps include each sender's send latency (a few hundred microseconds, more under
       load); the Sync's typical latency is inside the reference, so only latency differences remain;
       how far the Sync's own frames scatter around the line is shown. Also shown: the T each time response carried minus the Sync's line at its capture
       instant (how stale the time a participant adopts already is on the wire).
  Exit status: 0 the run completed (whatever the numbers), 1 the harness failed (or, with --check, an
  acceptance criterion failed), 2 a Python module or stress-ng is missing.
  --check criteria, idle: 0 rejections outside the Sync-restart window, 0 aborts of healthy nodes,
  0 T backwards, 0 nonce reuse, every restart accepted by all peers within --accept-within (3 s), every
  participant's overall |offset| p95 <= --max-offset-ms (2 ms). With --stress: no abort of healthy nodes
  and fewer than 0.1 % of the stamped frames rejected (outside the Sync-restart window).

Needs root (network namespaces), iproute2, /usr/bin/python3 with python3-can, python3-msgpack and
python3-cryptography (Debian packages), a JDK 25 and the built CLI jar (cli/target/spsec.jar; ./spsec builds
it). The jar is copied into OUT first, so a concurrent rebuild cannot pull it from under the nodes.

Examples (from the repo root, as root):
  /usr/bin/python3 scripts/soak.py --duration 150
  /usr/bin/python3 scripts/soak.py --duration 60 --participants 4 --check
  /usr/bin/python3 scripts/soak.py --stress --check
  /usr/bin/python3 scripts/soak.py --self-test
  /usr/bin/python3 scripts/soak.py --analyse /tmp/spsec-soak-XXXX      # re-report a finished run
"""

import argparse
import bisect
import json
import os
import random
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
SYNC_ID = 1
REJECTION_CODES = {0xEE00: "data-auth-failure", 0xFE0E: "time-broadcast-auth-failure", 0xFE00: "time-response-auth-failure",
                   0xDE03: "own-id-injection", 0xDE04: "duplicate-frame"}


def die(msg, code=1):
    print("soak: " + msg, file=sys.stderr)
    sys.exit(code)


def import_modules(need_can=True):
    """Imports the optional modules; a missing one ends the run with exit 2 and the Debian package name."""
    mods = [("cryptography", "python3-cryptography")]
    if need_can:
        mods = [("can", "python3-can"), ("msgpack", "python3-msgpack")] + mods
    for mod, pkg in mods:
        try:
            __import__(mod)
        except ImportError:
            die("Python module '%s' is missing: apt-get install %s" % (mod, pkg), 2)


# ------------------------------------------------------------------------------------------ crypto

class Crypto:
    """SPEC sections 3, 4, 6, 7 for AES-256-GCM: communication keys, Security Stamps, time responses."""

    def __init__(self, seed_key, seed_salt):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF
        from cryptography.exceptions import InvalidTag
        self._hashes, self._HKDF, self._AESGCM = hashes, HKDF, AESGCM
        self._Cipher, self._algorithms, self._modes, self._InvalidTag = Cipher, algorithms, modes, InvalidTag
        self.seed_key, self.seed_salt = seed_key, seed_salt
        self._keys = {}

    def hkdf(self, ikm, salt):
        return self._HKDF(algorithm=self._hashes.SHA256(), length=32, salt=salt, info=b"").derive(ikm)

    def comm_key(self, window, csalt):
        k = self._keys.get((window, csalt))
        if k is None:
            k = self.hkdf(self.seed_key, struct.pack("<Q", window * (1 << 24) + (1 << 23)) + csalt)
            self._keys[(window, csalt)] = k
        return k

    def _nonce_aad(self, can_id, t, plen):
        nonce = struct.pack("<QH", t, can_id & 0xFFFF) + self.seed_salt[:2]
        aad = struct.pack("<I", can_id & 0x1FFFFFFF) + bytes([plen])
        return nonce, aad

    def seal(self, can_id, t, csalt, payload):
        pad = 0
        while len(payload) + pad + 10 not in (12, 16, 20, 24, 32, 48, 64):
            pad += 1
        nonce, aad = self._nonce_aad(can_id, t, len(payload))
        out = self._AESGCM(self.comm_key(t >> 24, csalt)).encrypt(nonce, payload + b"\xff" * pad, aad)
        return out[:-16] + struct.pack("<H", (pad << 12) | (t & 0xFFF)) + out[-16:-8]

    def open(self, can_id, t, csalt, frame):
        """The payload if the frame verifies as sealed at T under csalt, else None."""
        if len(frame) < 10 or t < (1 << 23):
            return None
        ctlen = len(frame) - 10
        hdr = frame[ctlen] | frame[ctlen + 1] << 8
        pad = hdr >> 12
        if (hdr & 0xFFF) != (t & 0xFFF) or pad > ctlen:
            return None
        nonce, aad = self._nonce_aad(can_id, t, ctlen - pad)
        dec = self._Cipher(self._algorithms.AES(self.comm_key(t >> 24, csalt)),
                           self._modes.GCM(nonce, frame[ctlen + 2:], min_tag_length=8)).decryptor()
        dec.authenticate_additional_data(aad)
        try:
            pt = dec.update(frame[:ctlen]) + dec.finalize()
        except self._InvalidTag:
            return None
        return pt[:ctlen - pad]

    def time_response_tag(self, rnd, t, csalt, pid):
        key = self.hkdf(self.seed_key, rnd[:12] + struct.pack("<Q", t) + csalt)
        aad = rnd + struct.pack("<Q", t) + csalt + struct.pack("<I", 0x00230880 | pid)
        return self._AESGCM(key).encrypt(bytes(12), b"", aad)[:8]


def self_test(vectors_path, quiet=False):
    """Checks HKDF, stamps and time-response tags against the shared known-answer vectors. Returns ok."""
    if not os.path.isfile(vectors_path):
        print("self-test: %s not found" % vectors_path)
        return False
    with open(vectors_path) as f:
        vectors = json.load(f)["vectors"]
    ok = True
    checks = 0

    def check(name, got, want):
        nonlocal ok, checks
        checks += 1
        if got != want:
            ok = False
            print("self-test FAILED %s: got %s want %s" % (name, got, want))

    for v in vectors:
        if v.get("aead") != "AES_256_GCM" or v.get("salt_len") != 8:
            continue
        c = Crypto(bytes.fromhex(v["seed_key"]), bytes.fromhex(v["seed_salt"]))
        csalt = bytes.fromhex(v["csalt"])
        ck = v["communication_key"]
        t = int(ck["timestamp"], 16)
        check("communication key", c.comm_key(t >> 24, csalt).hex(), ck["key"])
        du = v["data_unit"]
        t, cid, payload = int(du["timestamp"], 16), int(du["can_id"], 16), bytes.fromhex(du["payload"])
        check("data unit seal", c.seal(cid, t, csalt, payload).hex(), du["frame"])
        check("data unit open", c.open(cid, t, csalt, bytes.fromhex(du["frame"])), payload)
        check("data unit open, wrong T", c.open(cid, t + 4096, csalt, bytes.fromhex(du["frame"])), None)
        hb = v["heartbeat"]
        t, cid = int(hb["timestamp"], 16), int(hb["can_id"], 16)
        check("heartbeat", c.seal(cid, t, csalt, b"\xff\xff").hex(), hb["frame"])
        check("heartbeat open", c.open(cid, t, csalt, bytes.fromhex(hb["frame"])), b"\xff\xff")
        tb = v["time_broadcast"]
        t, cid = int(tb["timestamp"], 16), int(tb["can_id"], 16)
        check("time broadcast", c.seal(cid, t, csalt, struct.pack("<Q", t) + b"\0\0").hex(), tb["frame"])
        ts = v["time_sync"]
        rnd = bytes.fromhex(ts["request"]["data"])
        rsp = bytes.fromhex(ts["response"]["data"])
        pid = int(ts["response"]["can_id"], 16) & 0x7F
        t = struct.unpack("<Q", rsp[:8])[0]
        check("time response tag", c.time_response_tag(rnd, t, rsp[8:12], pid), rsp[12:20])
        check("param auth key", c.hkdf(c.seed_key, rnd[:12] + rsp[:8] + rsp[8:12]).hex(), ts["param_auth_key"])
    if checks == 0:
        print("self-test: no AES-256-GCM vectors in %s" % vectors_path)
        return False
    if not quiet or not ok:
        print("self-test: %d checks against %s: %s" % (checks, vectors_path, "ok" if ok else "FAILED"))
    return ok


def read_key_file(path):
    vals = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or ":" not in line:
                continue
            name, hexval = line.split(":", 1)
            vals[name.strip()] = bytes.fromhex(hexval.strip())
    if "seed_key" not in vals or "seed_salt" not in vals:
        raise ValueError("%s has no seed_key/seed_salt" % path)
    return vals["seed_key"], vals["seed_salt"]


# ---------------------------------------------------------------------------------------- recorder

def run_recorder(group, port, path):
    """The capture process (runs inside the namespace): every frame with its kernel receive time."""
    import can
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    def rt_offset():
        best = None
        for _ in range(5):
            a = time.monotonic()
            r = time.time()
            b = time.monotonic()
            if best is None or b - a < best[0]:
                best = (b - a, r - (a + b) / 2)
        return best[1]

    off = rt_offset()
    last_off = time.monotonic()
    with open(path, "w", buffering=1) as out, \
            can.Bus(interface="udp_multicast", channel=group, port=port, fd=True) as bus:
        out.write("# kernel-time-as-monotonic kernel-realtime arrival-monotonic X|S id data; rt-mono offset %.6f\n" % off)
        print("READY", flush=True)
        while not stop:
            try:
                msg = bus.recv(timeout=0.5)
            except can.CanError as e:
                out.write("# undecodable %s\n" % e)
                continue
            now = time.monotonic()
            if now - last_off > 1.0:
                off, last_off = rt_offset(), now
            if msg is None:
                continue
            out.write("%.6f %.6f %.6f %s %08X %s\n" % (msg.timestamp - off, msg.timestamp, now,
                                                       "X" if msg.is_extended_id else "S",
                                                       msg.arbitration_id & 0x1FFFFFFF, bytes(msg.data).hex()))


# ------------------------------------------------------------------------------------------ harness

class Node:
    def __init__(self, name, num, cmd, log_path, t0):
        self.name, self.num, self.cmd, self.log_path, self.t0 = name, num, cmd, log_path, t0
        self.proc = None
        self.thread = None
        self.launches, self.kills, self.exits = [], [], []
        self.lines = []  # (t_rel, text)
        self.log = open(log_path, "a", buffering=1)
        self.lock = threading.Lock()

    def mark(self, text):
        with self.lock:
            self.log.write("# %.6f %s\n" % (time.monotonic() - self.t0, text))

    def start(self):
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        t = time.monotonic() - self.t0
        self.launches.append(t)
        self.mark("launch %d pid %d: %s" % (len(self.launches), self.proc.pid, " ".join(self.cmd)))
        proc = self.proc
        self.thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self.thread.start()

    def _read(self, proc):
        for raw in iter(proc.stdout.readline, b""):
            t = time.monotonic() - self.t0
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            with self.lock:
                self.lines.append((t, text))
                self.log.write("%.6f\t%s\n" % (t, text))
        rc = proc.wait()
        t = time.monotonic() - self.t0
        self.exits.append((t, rc))
        self.mark("exit code %s" % rc)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL):
        if self.alive():
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def sigkill_now(self):
        self.kills.append(time.monotonic() - self.t0)
        self.mark("SIGKILL")
        self.kill(signal.SIGKILL)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        if self.thread:
            self.thread.join(5)

    def stop(self, grace=8.0):
        if self.alive():
            self.mark("SIGTERM (end of run)")
            self.kill(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.mark("SIGKILL (did not stop)")
                self.kill(signal.SIGKILL)
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    pass
        if self.thread:
            self.thread.join(5)

    def secure_since(self, t):
        with self.lock:
            return any(tl >= t and re.search(r" state \w+ -> secure\b", s) for tl, s in self.lines)


def sh(cmd, check=True, timeout=30):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stdout.decode(errors="replace").strip()))
    return p.stdout.decode(errors="replace")


def jar_ok(path):
    try:
        with zipfile.ZipFile(path) as z:
            return "org/spsec/cli/SpsecMain.class" in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def prepare_jar(args, out):
    jar = args.jar or os.path.join(REPO, "cli", "target", "spsec.jar")
    if not jar_ok(jar) and args.jar is None:
        print("soak: %s missing or incomplete; building with ./spsec --help" % jar, flush=True)
        subprocess.run([os.path.join(REPO, "spsec"), "--help"], stdout=subprocess.DEVNULL, cwd=REPO, timeout=900)
    if not jar_ok(jar):
        raise RuntimeError("%s is not a complete spsec CLI jar (no org/spsec/cli/SpsecMain); build it (./spsec --help) "
                           "or pass --jar" % jar)
    snap = os.path.join(out, "spsec.jar")
    shutil.copyfile(jar, snap)
    if not jar_ok(snap):
        raise RuntimeError("the copy of %s is incomplete (rebuilt while copying?); try again" % jar)
    return jar, snap


def find_java(args):
    if args.java:
        return args.java
    if os.access(DEFAULT_JAVA, os.X_OK):
        return DEFAULT_JAVA
    out = subprocess.run(["bash", "-c", ". '%s/scripts/jdk.sh' && find_jdk25" % REPO], stdout=subprocess.PIPE, text=True)
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError("JDK 25 not found; pass --java")
    return out.stdout.strip()


def run(args):
    if os.geteuid() != 0:
        die("needs root (ip netns)", 1)
    if args.stress and shutil.which("stress-ng") is None:
        die("--stress needs stress-ng: apt-get install stress-ng", 2)
    if shutil.which("ip") is None:
        die("needs iproute2 (ip): apt-get install iproute2", 2)
    if not self_test(args.vectors, quiet=True) and os.path.isfile(args.vectors):
        die("crypto self-test failed; the capture analysis would be wrong", 1)
    out = args.out or tempfile.mkdtemp(prefix="spsec-soak-")
    if args.out and os.path.isdir(out) and os.listdir(out):
        # Logs are appended and stores reused: an old run's lines would be judged with this one's.
        die(f"--out {out} is not empty (logs of an earlier run would be mixed into this one's report); give a new directory", 2)
    os.makedirs(out, exist_ok=True)
    out = os.path.abspath(out)
    java = find_java(args)
    jar_src, jar = prepare_jar(args, out)
    port = args.port or random.randint(30000, 49999)
    bus = "udp:%s:%d@lo" % (args.group, port)
    ns = "spsec-soak-%d" % os.getpid()
    t0 = time.monotonic()
    meta = {"t0_monotonic": t0, "started": time.strftime("%Y-%m-%d %H:%M:%S"), "duration": args.duration,
            "participants": args.participants, "period_ms": args.period, "heartbeat": args.heartbeat, "stress": args.stress,
            "stress_cpus": args.stress_cpus if args.stress else 0, "bus": bus, "namespace": ns, "jar": jar_src,
            "java": java, "tick_us": args.tick_us, "victim": args.victim, "restart_delay": args.restart_delay,
            "events": [], "nodes": {}, "warmup_done": None, "completed": False, "harness_error": None}
    nodes = {}
    recorder = stress = None
    stop_requested = []

    def on_term(*_):
        stop_requested.append(1)
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)

    def ev(what):
        t = time.monotonic() - t0
        meta["events"].append([round(t, 6), what])
        print("[%7.2f s] %s" % (t, what), flush=True)

    ns_made = False
    try:
        keyfile = os.path.join(out, "keys.txt")
        if os.path.exists(keyfile):
            os.remove(keyfile)
        sh([java, "--sun-misc-unsafe-memory-access=allow", "-jar", jar, "keys", "generate", keyfile], timeout=120)
        sh(["ip", "netns", "add", ns])
        ns_made = True
        for c in (["ip", "link", "set", "lo", "up"], ["ip", "link", "set", "lo", "multicast", "on"],
                  ["ip", "route", "add", "224.0.0.0/4", "dev", "lo"]):
            sh(["ip", "netns", "exec", ns] + c)
        ev("namespace %s, bus %s, out %s" % (ns, bus, out))
        if args.stress:
            stress = subprocess.Popen(["stress-ng", "--cpu", str(args.stress_cpus), "--quiet"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True)
            ev("stress-ng --cpu %d started" % args.stress_cpus)
        recorder = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__), "--_record",
                                     "--group", args.group, "--port", str(port), "--out", os.path.join(out, "capture.txt")],
                                    stdout=subprocess.PIPE, stderr=open(os.path.join(out, "recorder.err"), "w"),
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        line = recorder.stdout.readline().decode(errors="replace").strip()
        if line != "READY":
            raise RuntimeError("the python-can recorder did not start (see %s/recorder.err)" % out)
        ev("recorder ready")
        base = [java, "--sun-misc-unsafe-memory-access=allow"] + args.java_opt + ["-jar", jar]
        common = ["--keys", keyfile, "--bus", bus, "--heartbeat", str(args.heartbeat), "--print-data"]
        specs = [("P%d" % SYNC_ID, SYNC_ID, ["sync", "--store", os.path.join(out, "store-sync"), "--id", str(SYNC_ID)] + common)]
        for k in range(2, args.participants + 2):
            specs.append(("P%d" % k, k, ["participant", "--store", os.path.join(out, "store-p%d" % k), "--id", str(k)] + common
                          + ["--send", "%X=%02x" % (0x180 + k, (0xA0 + k) & 0xFF), "--period", str(args.period)]))
        for name, num, cmd in specs:
            nodes[name] = Node(name, num, ["ip", "netns", "exec", ns] + base + cmd, os.path.join(out, name + ".log"), t0)
        for n in nodes.values():
            n.start()
        ev("started Sync P1 and participants %s" % ", ".join(n for n in nodes if n != "P1"))
        deadline = time.monotonic() + args.warmup_timeout
        while time.monotonic() < deadline and not all(n.secure_since(0) for n in nodes.values()):
            time.sleep(0.1)
        if all(n.secure_since(0) for n in nodes.values()):
            meta["warmup_done"] = round(time.monotonic() - t0, 6)
            ev("warm-up done: all nodes secure")
        else:
            ev("warm-up timeout: not secure: %s" % ", ".join(n.name for n in nodes.values() if not n.secure_since(0)))
        victim = "P%d" % args.victim
        if victim not in nodes or victim == "P1":
            raise RuntimeError("--victim must be a participant ID 2..%d" % (args.participants + 1))
        plan = []
        kp = args.duration / 3 if args.kill_participant_at is None else args.kill_participant_at
        ks = 2 * args.duration / 3 if args.kill_sync_at is None else args.kill_sync_at
        if kp >= 0:
            plan += [(kp, "kill", victim), (kp + args.restart_delay, "restart", victim)]
        if ks >= 0:
            plan += [(ks, "kill", "P1"), (ks + args.restart_delay, "restart", "P1")]
        plan.sort()
        shift = 0.0
        for at, what, name in plan:
            at += shift
            now = time.monotonic() - t0
            if at > now:
                time.sleep(at - now)
            elif what == "kill":
                shift += now - at  # warm-up ran late: keep the spacing
            n = nodes[name]
            if what == "kill":
                n.sigkill_now()
                ev("SIGKILL %s%s" % (name, " (Sync)" if name == "P1" else ""))
            else:
                n.start()
                ev("relaunched %s (same store)" % name)
        end = max(args.duration, (plan[-1][0] + shift + 1) if plan else 0)
        while time.monotonic() - t0 < end:
            time.sleep(0.2)
        ev("end of run: stopping nodes")
        meta["completed"] = True
    except KeyboardInterrupt:
        meta["harness_error"] = "interrupted"
        print("soak: interrupted; cleaning up", file=sys.stderr)
    except Exception as e:  # the harness failed
        meta["harness_error"] = "%s: %s" % (type(e).__name__, e)
        print("soak: harness failure: %s" % meta["harness_error"], file=sys.stderr)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        threads = [threading.Thread(target=n.stop) for n in nodes.values()]
        for th in threads:
            th.start()
        for th in threads:
            th.join(20)
        for n in nodes.values():
            n.kill(signal.SIGKILL)
        time.sleep(0.3)
        for p in (recorder, stress):
            if p is not None and p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                    p.wait(5)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    try:
                        os.killpg(p.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        if ns_made:
            subprocess.run(["ip", "netns", "del", ns], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for n in nodes.values():
            meta["nodes"][n.name] = {"num": n.num, "launches": [round(x, 6) for x in n.launches],
                                     "kills": [round(x, 6) for x in n.kills],
                                     "exits": [[round(t, 6), rc] for t, rc in n.exits]}
            n.log.close()
        meta["end"] = round(time.monotonic() - t0, 6)
        with open(os.path.join(out, "run.json"), "w") as f:
            json.dump(meta, f, indent=1)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    return out, meta


# ----------------------------------------------------------------------------------------- analysis

def pct(values, q):
    if not values:
        return None
    s = sorted(values)
    i = min(len(s) - 1, max(0, int(round(q / 100.0 * (len(s) - 1)))))
    return s[i]


def load_log(path):
    lines = []
    if not os.path.exists(path):
        return lines
    with open(path, errors="replace") as f:
        for raw in f:
            if raw.startswith("#"):
                continue
            t, _, text = raw.rstrip("\n").partition("\t")
            try:
                lines.append((float(t), text))
            except ValueError:
                pass
    return lines


def load_capture(path, t0):
    frames = []
    if not os.path.exists(path):
        return frames
    with open(path) as f:
        for raw in f:
            if raw.startswith("#"):
                continue
            p = raw.split()
            if len(p) < 5:
                continue
            frames.append({"t": float(p[0]) - t0, "ext": p[3] == "X", "id": int(p[4], 16),
                           "data": bytes.fromhex(p[5]) if len(p) > 5 else b""})
    frames.sort(key=lambda fr: fr["t"])
    return frames


def classify(fr):
    """(kind, sender pid or None) for a captured frame."""
    i = fr["id"]
    if fr["ext"]:
        if i & 0xFFFFFF80 == 0x0AFF0800:
            return "time-request", i & 0x7F
        if i & 0xFFFFFF80 == 0x06230880:
            return "time-response", SYNC_ID
        if i == 0x02210900:
            return "broadcast", SYNC_ID
        if i & 0xFF00FF80 == 0x12000A00:
            return "heartbeat", i & 0x7F
        if i >> 24 == 0x1E:
            return "session", None
    if 0x180 < i < 0x180 + 128 and not fr["ext"]:
        return "data", i - 0x180
    return "data", None


def theil_sen(pts, default, min_dt=5.0):
    """Median of the slopes between points at least min_dt s apart (robust to latency spikes); default if none."""
    if len(pts) > 400:
        pts = pts[::len(pts) // 400 + 1]
    slopes = [(T2 - T1) / (t2 - t1) for i, (t1, T1) in enumerate(pts) for t2, T2 in pts[i + 1:] if t2 - t1 >= min_dt]
    return statistics.median(slopes) if slopes else default


def analyse(out, max_offset_ms=2.0, accept_within=3.0, resync_grace=45.0, fit_window=10.0, quiet=False):
    with open(os.path.join(out, "run.json")) as f:
        meta = json.load(f)
    t0 = meta["t0_monotonic"]
    run_end = meta.get("end") or meta["duration"]
    rate = 1e6 / meta.get("tick_us", 100)  # ticks per second
    ms_per_tick = meta.get("tick_us", 100) / 1000.0
    seed_key, seed_salt = read_key_file(os.path.join(out, "keys.txt"))
    cr = Crypto(seed_key, seed_salt)
    node_names = sorted(meta["nodes"], key=lambda s: int(s[1:]))
    logs = {n: load_log(os.path.join(out, n + ".log")) for n in node_names}
    frames = load_capture(os.path.join(out, "capture.txt"), t0)
    rep = {"out": out, "run": {k: meta[k] for k in ("started", "duration", "participants", "period_ms", "stress", "bus",
                                                     "warmup_done", "completed", "harness_error", "events") if k in meta}}
    rep["run"]["end"] = run_end
    sync_kill = (meta["nodes"].get("P1", {}).get("kills") or [None])[0]
    sync_relaunch = (meta["nodes"].get("P1", {}).get("launches") or [None, None])[1:2]
    sync_relaunch = sync_relaunch[0] if sync_relaunch else None
    killed = {n for n in node_names if meta["nodes"][n]["kills"]}
    participants = [n for n in node_names if n != "P1"]
    healthy = [n for n in participants if n not in killed]

    # ---- capture: time requests/responses -> anchors per csalt
    requests = {}
    anchors = {}
    tr_stats = {"responses": 0, "verified": 0, "unverified": 0}
    sync_points = {}  # csalt -> [(t, T)] from the Sync's own stamped frames
    for fr in frames:
        kind, pid = classify(fr)
        fr["kind"], fr["sender"] = kind, pid
        if kind == "time-request" and len(fr["data"]) >= 16:
            requests.setdefault(pid, []).append((fr["t"], fr["data"][:16]))
        elif kind == "time-response" and len(fr["data"]) >= 20:
            tr_stats["responses"] += 1
            d = fr["data"]
            T = struct.unpack("<Q", d[:8])[0]
            cs = bytes(d[8:12])
            dest = fr["id"] & 0x7F
            ok = any(cr.time_response_tag(r, T, cs, dest) == bytes(d[12:20])
                     for _, r in reversed([q for q in requests.get(dest, []) if q[0] <= fr["t"]][-3:]))
            tr_stats["verified" if ok else "unverified"] += 1
            fr["T"], fr["csalt"], fr["ok"] = T, cs, ok
            anchors.setdefault(cs, []).append((fr["t"], T))
    for cs in anchors:
        anchors[cs].sort()
    csalt_range = {cs: (a[0][0], a[-1][0]) for cs, a in anchors.items()}

    def ref_from_anchors(cs, t):
        a = anchors[cs]
        i = bisect.bisect_left(a, (t, -1))
        cand = [a[j] for j in (i - 1, i) if 0 <= j < len(a)]
        ta, Ta = min(cand, key=lambda p: abs(p[0] - t))
        return Ta + int(round((t - ta) * rate))

    def expand(low, r):
        base = (r & ~0xFFF) | low
        if base - r > 2048:
            base -= 4096
        elif r - base > 2048:
            base += 4096
        return [base, base + 4096, base - 4096, base + 8192, base - 8192]

    stamped = [fr for fr in frames if fr["kind"] in ("data", "heartbeat", "broadcast")]
    broadcast_mismatch = 0
    for fr in stamped:
        fr["T"] = None
        d = fr["data"]
        if len(d) < 12:
            continue
        low = (d[-10] | d[-9] << 8) & 0xFFF
        t = fr["t"]
        order = sorted(anchors, key=lambda cs: 0 if csalt_range[cs][0] <= t <= csalt_range[cs][1]
                       else min(abs(t - csalt_range[cs][0]), abs(t - csalt_range[cs][1])))
        for cs in order:
            r = ref_from_anchors(cs, t)
            for T in expand(low, r):
                pt = cr.open(fr["id"], T, cs, d)
                if pt is not None:
                    fr["T"], fr["csalt"], fr["payload"] = T, cs, pt
                    break
            if fr["T"] is not None:
                break
        if fr["T"] is not None and fr["kind"] == "broadcast":
            if len(fr["payload"]) < 8 or struct.unpack("<Q", fr["payload"][:8])[0] != fr["T"]:
                broadcast_mismatch += 1
        if fr["T"] is not None and fr["sender"] == SYNC_ID:
            sync_points.setdefault(fr["csalt"], []).append((t, fr["T"]))

    # ---- stamped frames: counts, backwards, nonce reuse, unverified
    def stream_of(fr):
        if fr["kind"] == "data":
            return "data %X" % fr["id"]
        if fr["kind"] == "heartbeat":
            return "heartbeat P%d" % fr["sender"]
        return "broadcast"

    sync_relaunches = (meta["nodes"].get("P1", {}).get("launches") or [])[1:]

    def csalt_unknown(fr):
        """A Sync frame sent after its relaunch before any time response carried the new csalt: unverifiable."""
        if fr["sender"] != SYNC_ID:
            return False
        for L in sync_relaunches:
            firsts = [r[0] for r in csalt_range.values() if r[0] >= L]
            if L <= fr["t"] < (min(firsts) if firsts else float("inf")):
                return True
        return False

    streams = {}
    seen_nonce = {}
    reuse = {"total": 0, "identical": 0, "examples": []}
    for fr in stamped:
        s = stream_of(fr)
        st = streams.setdefault(s, {"sender": "P%s" % fr["sender"] if fr["sender"] else "?", "frames": 0, "verified": 0,
                                    "unverified": 0, "csalt_unknown": 0, "backwards": 0, "max_back_ticks": 0, "examples": [], "last": None})
        st["frames"] += 1
        if fr["T"] is None:
            if csalt_unknown(fr):
                st["csalt_unknown"] += 1
            else:
                st["unverified"] += 1
            continue
        st["verified"] += 1
        if st["last"] is not None and fr["T"] <= st["last"][1]:
            st["backwards"] += 1
            st["max_back_ticks"] = max(st["max_back_ticks"], st["last"][1] - fr["T"])
            if len(st["examples"]) < 5:
                st["examples"].append({"t": round(fr["t"], 4), "T": fr["T"], "prev_T": st["last"][1], "prev_t": round(st["last"][0], 4),
                                       "csalt_changed": fr["csalt"] != st["last"][2]})
        st["last"] = (fr["t"], fr["T"], fr["csalt"])
        key = (fr["csalt"], fr["T"], fr["id"] & 0xFFFF)
        prev = seen_nonce.get(key)
        if prev is not None:
            reuse["total"] += 1
            same = prev["data"] == fr["data"] and prev["id"] == fr["id"]
            reuse["identical"] += same
            if len(reuse["examples"]) < 10:
                reuse["examples"].append({"t": round(fr["t"], 4), "id": "%X" % fr["id"], "T": fr["T"], "first_t": round(prev["t"], 4),
                                          "first_id": "%X" % prev["id"], "identical": same})
        else:
            seen_nonce[key] = fr
    for st in streams.values():
        st.pop("last")
    kinds = {}
    for fr in frames:
        kinds[fr["kind"]] = kinds.get(fr["kind"], 0) + 1
    # Did the recorder miss frames? A peer cannot have accepted more data units of an ID than were on the bus.
    loss = {}
    for s_name, st in streams.items():
        if not s_name.startswith("data "):
            continue
        cid = s_name.split()[1]
        best = max((sum(1 for _, x in logs[n] if x.startswith("%s data %s " % (n, cid))) for n in node_names), default=0)
        loss[s_name] = {"on_capture": st["frames"], "max_accepted_by_a_peer": best, "missed_at_least": max(0, best - st["frames"])}
    rep["recorder_loss_check"] = loss
    rep["capture"] = {"frames": len(frames), "by_kind": kinds, "stamped": len(stamped), "time_responses": tr_stats,
                      "csalts": [{"csalt": cs.hex(), "first_t": round(r[0], 3), "last_t": round(r[1], 3)} for cs, r in
                                 sorted(csalt_range.items(), key=lambda x: x[1])],
                      "broadcast_payload_T_mismatch": broadcast_mismatch, "streams": streams, "nonce_reuse": reuse,
                      "unverified_by_sender": {}}
    for s, st in streams.items():
        if st["unverified"]:
            rep["capture"]["unverified_by_sender"][st["sender"]] = rep["capture"]["unverified_by_sender"].get(st["sender"], 0) + st["unverified"]

    # ---- Sync reference line and offsets
    for cs in sync_points:
        sync_points[cs].sort()

    # Per csalt: the slope from all the Sync's points of that epoch (long baseline, Theil-Sen), the intercept
    # from the median residual of the points within +-fit_window s: the Sync's typical seal-to-wire latency,
    # the same kind of latency the participants' frames carry, so it cancels in the comparison; latency
    # spikes either way do not move a median.
    epoch_fit = {}
    for cs, pts in sync_points.items():
        b = theil_sen(pts, rate)
        epoch_fit[cs] = (b, [(t, T - b * t) for t, T in pts])

    def sync_T(cs, t):
        if cs not in epoch_fit:
            return None
        b, res = epoch_fit[cs]
        i, j = bisect.bisect_left(res, (t - fit_window, -1e30)), bisect.bisect_right(res, (t + fit_window, 1e30))
        win = [r for _, r in res[i:j]]
        if not win:
            return None
        return b * t + statistics.median(win)

    residuals = []
    slopes = []
    for cs, pts in sync_points.items():
        for t, T in pts:
            r = sync_T(cs, t)
            if r is not None:
                residuals.append((T - r) * ms_per_tick)
        slopes.append(round(epoch_fit[cs][0], 2))
    # The T carried by each time response against the Sync's line at its capture instant: what a participant
    # adopts (before its own delay estimate) and how stale it already was on the wire.
    tr_lag = []
    for fr in frames:
        if fr["kind"] == "time-response" and "T" in fr:
            r = sync_T(fr["csalt"], fr["t"])
            tr_lag.append({"t": round(fr["t"], 3), "to": "P%d" % (fr["id"] & 0x7F), "verified": fr["ok"],
                           "T_minus_sync_ms": None if r is None else round((fr["T"] - r) * ms_per_tick, 3)})
    offsets = {}
    hb_offsets = {}
    third = 2 * run_end / 3
    for fr in stamped:
        if fr["T"] is None or fr["sender"] in (None, SYNC_ID):
            continue
        r = sync_T(fr["csalt"], fr["t"])
        if r is None:
            continue
        offsets.setdefault("P%d" % fr["sender"], []).append((fr["t"], (fr["T"] - r) * ms_per_tick))
        if fr["kind"] == "heartbeat":
            hb_offsets.setdefault("P%d" % fr["sender"], []).append((fr["t"], (fr["T"] - r) * ms_per_tick))

    def ostats(vals):
        if not vals:
            return {"n": 0, "median": None, "p95_abs": None, "max_abs": None}
        a = [abs(v) for v in vals]
        return {"n": len(vals), "median": round(statistics.median(vals), 3), "p95_abs": round(pct(a, 95), 3), "max_abs": round(max(a), 3)}

    absres = [abs(x) for x in residuals]
    rep["offsets"] = {"reference_residual_median_ms": round(statistics.median(absres), 3) if absres else None,
                      "reference_residual_p95_ms": round(pct(absres, 95), 3) if absres else None,
                      "reference_residual_max_ms": round(max(absres), 3) if absres else None,
                      "sync_fit_slopes_ticks_per_s": slopes, "time_responses": tr_lag, "last_third_from_s": round(third, 1), "nodes": {}}
    for n in participants:
        v = offsets.get(n, [])
        bins = {}
        for t, o in v:
            bins.setdefault(int(t // 10) * 10, []).append(o)
        rep["offsets"]["nodes"][n] = {"overall": ostats([o for _, o in v]), "last_third": ostats([o for t, o in v if t >= third]),
                                      "heartbeats_only": ostats([o for _, o in hb_offsets.get(n, [])]),
                                      "median_per_10s": [[b, len(x), round(statistics.median(x), 3)] for b, x in sorted(bins.items())]}

    # ---- restarts
    def first_line(node, after, pattern):
        for t, s in logs.get(node, []):
            if t >= after and re.search(pattern, s):
                return t
        return None

    restarts = []
    resync_done = {}
    for n in node_names:
        m = meta["nodes"][n]
        for i, relaunch in enumerate(m["launches"][1:]):
            killt = m["kills"][i] if i < len(m["kills"]) else None
            r = {"node": n, "killed_at": killt, "relaunched_at": relaunch,
                 "ready_s": None, "secure_s": None, "peers": {}, "all_peers_s": None}
            t = first_line(n, relaunch, r"^P\d+ (\(Sync\) )?on ")
            r["ready_s"] = None if t is None else round(t - relaunch, 3)
            t = first_line(n, relaunch, r" state waiting -> secure\b")
            r["secure_s"] = None if t is None else round(t - relaunch, 3)
            worst = 0.0
            for peer in node_names:
                if peer == n:
                    continue
                if n == "P1":
                    t_log = first_line(peer, relaunch, r" state waiting -> secure\b")
                    new_cs = [fr["csalt"] for fr in frames if fr["kind"] == "time-response" and fr["t"] >= relaunch]
                    t_cap = None
                    if new_cs:
                        cs = new_cs[0]
                        pnum = int(peer[1:])
                        t_cap = next((fr["t"] for fr in stamped if fr["sender"] == pnum and fr["t"] >= relaunch
                                      and fr["T"] is not None and fr["csalt"] == cs), None)
                    cand = [x for x in (t_log, t_cap) if x is not None]
                    acc = min(cand) if cand else None
                    resync_done[peer] = acc
                    r["peers"][peer] = {"secure_s": None if t_log is None else round(t_log - relaunch, 3),
                                        "first_new_csalt_frame_s": None if t_cap is None else round(t_cap - relaunch, 3)}
                else:
                    acc = first_line(peer, relaunch, r"^%s data %X " % (peer, 0x180 + int(n[1:])))
                    r["peers"][peer] = {"data_accepted_s": None if acc is None else round(acc - relaunch, 3)}
                if acc is None:
                    worst = None
                elif worst is not None:
                    worst = max(worst, acc - relaunch)
            r["all_peers_s"] = None if worst is None else round(worst, 3)
            restarts.append(r)
    rep["restarts"] = restarts

    # Sync-restart window: Sync SIGKILL until every participant seals under the new csalt (+0.5 s)
    window = None
    if sync_kill is not None:
        ends = [resync_done.get(p) for p in participants]
        wend = (max(ends) + 0.5) if ends and all(e is not None for e in ends) else run_end
        window = (sync_kill, wend)
    rep["sync_restart_window"] = None if window is None else [round(window[0], 3), round(window[1], 3)]

    # ---- rejections and other events
    rx = re.compile(r"^(P\d+) event ([0-9A-Fa-f]{4})h ([^:]*)(?::\s*(.*))?$")
    rej = {"total": 0, "in_sync_restart_window": 0, "outside": 0, "by_code": {}, "by_node": {}, "by_code_node": {},
           "by_reason_node": {}, "examples": []}
    example_keys = {}
    other = {"by_code": {}, "examples": []}
    for n in node_names:
        for t, s in logs[n]:
            m = rx.match(s)
            if not m:
                continue
            code = int(m.group(2), 16)
            label = "%04Xh %s" % (code, m.group(3))
            if code in REJECTION_CODES:
                rej["total"] += 1
                inwin = window is not None and window[0] <= t <= window[1]
                rej["in_sync_restart_window" if inwin else "outside"] += 1
                rej["by_code"][label] = rej["by_code"].get(label, 0) + 1
                rej["by_node"][n] = rej["by_node"].get(n, 0) + 1
                rej["by_code_node"].setdefault(label, {})
                rej["by_code_node"][label][n] = rej["by_code_node"][label].get(n, 0) + 1
                detail = m.group(4) or ""
                what = detail.split(" on ")[0] if " on " in detail else "?"
                reason = "%04Xh %s: %s" % (code, what, detail.rsplit(": ", 1)[-1] if ": " in detail else detail)
                reason = re.sub(r"\s*\([^)]*\d[^)]*\)$", "", reason)  # drop per-frame numbers, e.g. "(sender -15.5 ms off)"
                rej["by_reason_node"].setdefault(reason, {})
                rej["by_reason_node"][reason][n] = rej["by_reason_node"][reason].get(n, 0) + 1
                ek = (reason, n, inwin)
                if example_keys.get(ek, 0) < 1 and len(rej["examples"]) < 40:
                    example_keys[ek] = 1
                    rej["examples"].append("%.3f %s%s" % (t, s, " (in Sync-restart window)" if inwin else ""))
            else:
                other["by_code"].setdefault(label, {})
                other["by_code"][label][n] = other["by_code"][label].get(n, 0) + 1
                if len(other["examples"]) < 12:
                    other["examples"].append("%.3f %s" % (t, s))
    denom = len(stamped)
    # Receptions: each stamped frame reaches every other node that is up (from its "P.. on" line to its exit).
    up = {}
    for n in node_names:
        m = meta["nodes"][n]
        ivs = []
        for i, launch in enumerate(m["launches"]):
            nxt = m["launches"][i + 1] if i + 1 < len(m["launches"]) else float("inf")
            ready = next((t for t, x in logs[n] if launch <= t < nxt and re.match(r"^P\d+ (\(Sync\) )?on ", x)), None)
            end = m["exits"][i][0] if i < len(m["exits"]) else run_end
            if ready is not None:
                ivs.append((ready, end))
        up[int(n[1:])] = ivs
    receptions = 0
    for fr in stamped:
        receptions += sum(1 for pnum, ivs in up.items() if pnum != fr["sender"] and any(a <= fr["t"] < b for a, b in ivs))
    rej["receptions"] = receptions
    rej["percent_of_receptions"] = round(100.0 * rej["total"] / receptions, 4) if receptions else None
    rej["stamped_frames_sent"] = denom
    rej["stamped_by_kind"] = {k: kinds.get(k, 0) for k in ("data", "heartbeat", "broadcast")}
    rej["percent"] = round(100.0 * rej["total"] / denom, 4) if denom else None
    rej["percent_outside"] = round(100.0 * rej["outside"] / denom, 4) if denom else None
    rep["rejections"] = rej
    rep["other_events"] = other

    # ---- aborts and state changes
    ab = re.compile(r"^(P\d+) state (\w+) -> waiting \(security abort: (.*)\)$")
    aborts = {"healthy": [], "sync_restart_resync": [], "restarted_nodes": []}
    warnings = {}
    resync_taken = set()
    for n in node_names:
        for t, s in logs[n]:
            if re.search(r" -> warning ", s):
                warnings[n] = warnings.get(n, 0) + 1
            m = ab.match(s)
            if not m:
                continue
            item = {"t": round(t, 3), "node": n, "from": m.group(2), "cause": m.group(3)}
            if (sync_kill is not None and n != "P1" and n not in resync_taken and sync_kill <= t
                    <= (sync_relaunch or sync_kill) + resync_grace):
                resync_taken.add(n)
                aborts["sync_restart_resync"].append(item)
            elif n in killed:
                aborts["restarted_nodes"].append(item)
            else:
                aborts["healthy"].append(item)
    rep["aborts"] = aborts
    rep["warnings_entered"] = warnings
    rep["node_exits"] = {n: meta["nodes"][n]["exits"] for n in node_names}

    # ---- acceptance
    crit = []
    unverified = sum(st["unverified"] for st in streams.values())
    backwards = sum(st["backwards"] for st in streams.values())
    if meta.get("stress"):
        crit.append(("no security abort of a healthy node", len(aborts["healthy"]) == 0, "%d" % len(aborts["healthy"])))
        crit.append(("< 0.1 % of stamped frames rejected (outside Sync-restart window)",
                     denom > 0 and rej["outside"] < 0.001 * denom, "%s %%" % rej["percent_outside"]))
    else:
        crit.append(("0 legitimate frames rejected (outside Sync-restart window)", rej["outside"] == 0, "%d" % rej["outside"]))
        crit.append(("0 security aborts of healthy nodes", len(aborts["healthy"]) == 0, "%d" % len(aborts["healthy"])))
        crit.append(("0 frames with T running backwards", backwards == 0, "%d" % backwards))
        crit.append(("0 nonce reuses", reuse["total"] == 0, "%d" % reuse["total"]))
        for r in restarts:
            crit.append(("restart of %s accepted by all peers within %.0f s" % (r["node"], accept_within),
                         r["all_peers_s"] is not None and r["all_peers_s"] <= accept_within,
                         "never" if r["all_peers_s"] is None else "%.2f s" % r["all_peers_s"]))
        for n in participants:
            p95 = rep["offsets"]["nodes"][n]["overall"]["p95_abs"]
            crit.append(("%s |offset| p95 <= %.1f ms" % (n, max_offset_ms), p95 is not None and p95 <= max_offset_ms,
                         "n/a" if p95 is None else "%.2f ms" % p95))
    crit.append(("capture has stamped frames", denom > 0, "%d" % denom))
    rep["acceptance"] = [{"criterion": c, "pass": bool(p), "value": v} for c, p, v in crit]
    rep["acceptance_pass"] = all(p for _, p, _ in crit)
    rep["summary"] = {"rejected": rej["total"], "rejected_outside_window": rej["outside"], "healthy_aborts": len(aborts["healthy"]),
                      "backwards": backwards, "nonce_reuse": reuse["total"], "unverified": unverified}
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(rep, f, indent=1, default=lambda o: o.hex() if isinstance(o, bytes) else str(o))
    if not quiet:
        print_report(rep, meta, healthy)
    return rep


def table(headers, rows):
    rows = [["" if c is None else str(c) for c in r] + [""] * (len(headers) - len(r)) for r in rows]
    w = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(headers)]
    print("  " + "  ".join(str(h).ljust(w[i]) for i, h in enumerate(headers)))
    for r in rows:
        print("  " + "  ".join(c.ljust(w[i]) for i, c in enumerate(r)))


def fmt(v, unit=""):
    return "-" if v is None else ("%s%s" % (v, unit))


def print_report(rep, meta, healthy):
    run = rep["run"]
    print()
    print("=== SPsec soak report: %s, %.0f s, %d participants + Sync, %s, period %d ms" % (
        run.get("started"), run["end"], run["participants"], "STRESS (stress-ng)" if run["stress"] else "idle", run["period_ms"]))
    print("    bus %s; out %s%s" % (run["bus"], rep["out"], "" if run["completed"] else "; RUN INCOMPLETE: %s" % run["harness_error"]))
    print("    timeline (s): warm-up done %s; %s" % (fmt(run.get("warmup_done")),
          "; ".join("%.2f %s" % (t, w) for t, w in run["events"] if "SIGKILL" in w or "relaunched" in w)))
    cap = rep["capture"]
    rej = rep["rejections"]
    print("\n1. Legitimate frames rejected (node events; no attacker on the bus)")
    nodes = sorted({n for d in rej["by_code_node"].values() for n in d}, key=lambda s: int(s[1:]))
    table(["code"] + nodes + ["total"], [[c] + [d.get(n, 0) for n in nodes] + [sum(d.values())] for c, d in sorted(rej["by_code_node"].items())]
          or [["(none)", 0]])
    sk = rej["stamped_by_kind"]
    print("  stamped frames on the capture: %d (data %d, heartbeats %d, broadcasts %d)" % (
        rej["stamped_frames_sent"], sk["data"], sk["heartbeat"], sk["broadcast"]))
    print("  rejected: %d = %s %% of stamped frames; in the Sync-restart window %s: %d; outside it: %d = %s %%" % (
        rej["total"], fmt(rej["percent"]), fmt(rep["sync_restart_window"]), rej["in_sync_restart_window"], rej["outside"],
        fmt(rej["percent_outside"])))
    print("  = %s %% of the %d receptions (a frame reaches every other running node)" % (fmt(rej["percent_of_receptions"]),
                                                                                     rej["receptions"]))
    print("  by kind and reason:")
    table(["code, frame kind: reason"] + nodes + ["total"],
          [[c] + [d.get(n, 0) for n in nodes] + [sum(d.values())] for c, d in sorted(rej["by_reason_node"].items())] or [["(none)", 0]])
    for e in rej["examples"][:8]:
        print("    e.g. " + e[:150])
    if rep["other_events"]["by_code"]:
        print("  other events (not rejections): " + "; ".join("%s %s" % (c, ", ".join("%s:%d" % kv for kv in sorted(d.items())))
                                                         for c, d in sorted(rep["other_events"]["by_code"].items())))
    print("  warnings entered: %s" % (", ".join("%s:%d" % kv for kv in sorted(rep["warnings_entered"].items())) or "none"))
    ab = rep["aborts"]
    print("\n2. Security aborts of nodes never killed (%s): %d" % (", ".join(healthy) or "none", len(ab["healthy"])))
    for a in ab["healthy"]:
        print("  %8.2f s  %s  %s -> waiting: %s" % (a["t"], a["node"], a["from"], a["cause"]))
    print("  resynchronisations caused by the Sync restart (expected, new csalt): %d" % len(ab["sync_restart_resync"]))
    for a in ab["sync_restart_resync"]:
        print("  %8.2f s  %s  %s -> waiting: %s" % (a["t"], a["node"], a["from"], a["cause"]))
    for a in ab["restarted_nodes"]:
        print("  (restarted node) %8.2f s  %s  %s -> waiting: %s" % (a["t"], a["node"], a["from"], a["cause"]))
    print("\n3. Restarts (seconds after the relaunch of the process)")
    rows = []
    for r in rep["restarts"]:
        peers = []
        for p, d in sorted(r["peers"].items(), key=lambda kv: int(kv[0][1:])):
            if "data_accepted_s" in d:
                peers.append("%s %s" % (p, fmt(d["data_accepted_s"])))
            else:
                peers.append("%s %s/%s" % (p, fmt(d["secure_s"]), fmt(d["first_new_csalt_frame_s"])))
        rows.append([r["node"] + (" (Sync)" if r["node"] == "P1" else ""), "%.2f" % r["relaunched_at"], fmt(r["ready_s"]),
                     fmt(r["secure_s"]), "never" if r["all_peers_s"] is None else r["all_peers_s"], ", ".join(peers)])
    table(["node", "relaunched", "ready", "secure", "all peers", "per peer"], rows or [["(none)"]])
    print("  participant restart: per peer = first 'Pj data <its ID>'; Sync restart: per peer = its '-> secure' / "
          "its first frame under the new csalt")
    print("\n4. Capture (independent python-can recorder): T and nonces")
    print("  frames %d: %s; time responses %d (tag verified %d, unverified %d); csalts: %s" % (
        cap["frames"], ", ".join("%s %d" % kv for kv in sorted(cap["by_kind"].items())), cap["time_responses"]["responses"],
        cap["time_responses"]["verified"], cap["time_responses"]["unverified"],
        ", ".join("%s (%.1f-%.1f s)" % (c["csalt"], c["first_t"], c["last_t"]) for c in cap["csalts"]) or "none"))
    rows = [[s, st["sender"], st["frames"], st["verified"], st["unverified"], st["csalt_unknown"], st["backwards"],
             st["max_back_ticks"]] for s, st in sorted(cap["streams"].items())]
    table(["stream", "sender", "frames", "verified", "UNVERIFIED", "csalt unknown", "T backwards", "max back (ticks)"],
          rows or [["(none)"]])
    print("  csalt unknown: the restarted Sync's frames before any time response carried its new csalt (cannot be checked)")
    missed = sum(v["missed_at_least"] for v in rep["recorder_loss_check"].values())
    print("  recorder completeness: a peer accepted more data units than the capture holds for %d frames%s" % (
        missed, "" if missed == 0 else " (the capture missed frames!)"))
    nr = cap["nonce_reuse"]
    print("  nonce reuse (same csalt, T, ID & FFFFh sealed twice): %d (of which byte-identical frames: %d)" % (nr["total"], nr["identical"]))
    if cap["broadcast_payload_T_mismatch"]:
        print("  time broadcasts whose payload T differs from the stamp T: %d" % cap["broadcast_payload_T_mismatch"])
    off = rep["offsets"]
    print("\n5. Clock offset to the Sync, ms (node T - Sync T at the same capture instant; median signed, p95/max of |offset|)")
    rows = []
    for n, d in off["nodes"].items():
        o, l3 = d["overall"], d["last_third"]
        hb = d["heartbeats_only"]
        rows.append([n, o["n"], fmt(o["median"]), fmt(o["p95_abs"]), fmt(o["max_abs"]), l3["n"], fmt(l3["median"]),
                     fmt(l3["p95_abs"]), fmt(l3["max_abs"]), "%s/%s" % (fmt(hb["median"]), fmt(hb["p95_abs"]))])
    table(["node", "n", "median", "p95|o|", "max|o|", "n(last 3rd)", "median", "p95|o|", "max|o|", "heartbeats med/p95"], rows)
    print("  last third = capture time >= %.1f s. Reference: the Sync's own heartbeats/broadcasts of the same csalt, slope fitted"
          " per csalt (Theil-Sen), intercept = median residual within +-%g s;" % (off["last_third_from_s"], FIT_WINDOW[0]))
    print("  the Sync's own frames deviate from it by median %s, p95 %s, max %s ms (fitted rates %s ticks/s)."
          % (fmt(off["reference_residual_median_ms"]), fmt(off["reference_residual_p95_ms"]), fmt(off["reference_residual_max_ms"]),
             off["sync_fit_slopes_ticks_per_s"]))
    if off["time_responses"]:
        print("  time responses: T carried minus the Sync line at their capture instant, ms: " + ", ".join(
            "%.1fs %s %s" % (x["t"], x["to"], fmt(x["T_minus_sync_ms"])) for x in off["time_responses"]))
    print("  Capture stamps are kernel receive times: each includes its sender's seal-to-wire latency (normally ~0.1-0.5 ms;"
          " spikes show as negative offsets);")
    print("  the Sync's typical latency is in the reference, so only differences in latency remain. 'heartbeats' compares"
          " like with like (same code path as the Sync's heartbeats).")
    print("\n6. Acceptance criteria (%s)" % ("stress" if run["stress"] else "idle"))
    for c in rep["acceptance"]:
        print("  %-4s %s: %s" % ("ok" if c["pass"] else "FAIL", c["criterion"], c["value"]))
    print("\nlogs, capture and report.json in %s" % rep["out"])


FIT_WINDOW = [10.0]


def main():
    ap = argparse.ArgumentParser(prog="soak.py", formatter_class=argparse.RawDescriptionHelpFormatter,
                                 description=__doc__.split("\n")[0], epilog=__doc__.split("\n", 2)[2])
    ap.add_argument("--duration", type=float, default=150, help="total run time in seconds, warm-up included (default 150)")
    ap.add_argument("--participants", type=int, default=3, help="number of participants besides the Sync (default 3; IDs 2..N+1)")
    ap.add_argument("--period", type=int, default=100, help="data period of each participant in ms (default 100)")
    ap.add_argument("--heartbeat", type=int, default=4, help="heartbeat timing code, register 61h (default 4 = 1 s)")
    ap.add_argument("--victim", type=int, default=2, help="participant ID killed and restarted (default 2)")
    ap.add_argument("--kill-participant-at", type=float, default=None, metavar="S",
                    help="when to SIGKILL the victim, s after start (default duration/3; negative: never)")
    ap.add_argument("--kill-sync-at", type=float, default=None, metavar="S",
                    help="when to SIGKILL the Sync (default 2*duration/3; negative: never)")
    ap.add_argument("--restart-delay", type=float, default=2.0, help="seconds between SIGKILL and relaunch (default 2)")
    ap.add_argument("--warmup-timeout", type=float, default=60, help="give up waiting for all nodes Secure after S s (default 60)")
    ap.add_argument("--stress", action="store_true", help="run stress-ng --cpu N during the whole run (Debian: stress-ng)")
    ap.add_argument("--stress-cpus", type=int, default=2, help="stress-ng CPU workers (default 2)")
    ap.add_argument("--group", default="239.74.163.2", help="multicast group (default 239.74.163.2)")
    ap.add_argument("--port", type=int, default=0, help="UDP port (default: random 30000-49999)")
    ap.add_argument("--out", help="output directory (default: a new temp dir, printed at the end)")
    ap.add_argument("--jar", help="CLI jar (default cli/target/spsec.jar, built with ./spsec if missing); copied into OUT")
    ap.add_argument("--java", help="java of a JDK 25 (default %s, else scripts/jdk.sh)" % DEFAULT_JAVA)
    ap.add_argument("--java-opt", action="append", default=[], help="extra JVM option for the nodes (repeatable)")
    ap.add_argument("--vectors", default=os.path.join(os.path.dirname(REPO), "shared", "vectors", "derived.json"),
                    help="known-answer vectors for the self-test (default ../shared/vectors/derived.json)")
    ap.add_argument("--self-test", action="store_true", help="only check the capture analysis's crypto against the vectors")
    ap.add_argument("--analyse", metavar="OUT", help="do not run; report again on a finished run's OUT directory")
    ap.add_argument("--check", action="store_true", help="exit 1 when an acceptance criterion fails")
    ap.add_argument("--tick-us", type=float, default=100, help="timestamp tick in microseconds (default 100)")
    ap.add_argument("--fit-window", type=float, default=10, help="half-width in s of the Sync reference fit (default 10)")
    ap.add_argument("--accept-within", type=float, default=3, help="--check: restart accepted by all peers within S s (default 3)")
    ap.add_argument("--max-offset-ms", type=float, default=2, help="--check: |offset| p95 limit in ms (default 2)")
    ap.add_argument("--resync-grace", type=float, default=45,
                    help="aborts up to S s after the Sync relaunch count as its resynchronisation (default 45)")
    ap.add_argument("--_record", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    FIT_WINDOW[0] = args.fit_window
    if args._record:
        import_modules(True)
        run_recorder(args.group, args.port, args.out)
        return 0
    if args.self_test:
        import_modules(False)
        return 0 if self_test(args.vectors) else 1
    kw = dict(max_offset_ms=args.max_offset_ms, accept_within=args.accept_within, resync_grace=args.resync_grace,
              fit_window=args.fit_window)
    if args.analyse:
        import_modules(False)
        rep = analyse(args.analyse, **kw)
        return 1 if args.check and not rep["acceptance_pass"] else 0
    import_modules(True)
    if args.participants < 1 or args.participants > 100:
        die("--participants must be 1..100", 1)
    out, meta = run(args)
    try:
        rep = analyse(out, **kw)
    except Exception as e:
        import traceback
        traceback.print_exc()
        print("soak: analysis failed: %s (logs in %s)" % (e, out), file=sys.stderr)
        return 1
    if not meta["completed"]:
        return 1
    return 1 if args.check and not rep["acceptance_pass"] else 0


if __name__ == "__main__":
    sys.exit(main())
