// The SPsec dashboard: draws the JSON objects of the server's event stream (/events). No protocol
// logic here: states, offsets, counts and verdicts are the watcher's (GroupWatch); this page
// only keeps them and draws them. Object types: docs/DASHBOARD.md.
"use strict";

const $ = (id) => document.getElementById(id);
const MAX_MARKS = 4000;      // per participant, for the timeline
const MAX_SAMPLES = 7200;    // offset samples (one a second: two hours)
const MAX_LOG = 300;

let model;

function reset() {
  model = {
    source: null, bus: null, timeoutMs: null,
    now: null,                 // the stream's time (s): the latest "time" seen, so a fast demo ages correctly
    participants: new Map(),   // id -> row
    sync: null,
    xs: [], ys: new Map(),     // offset samples: times, and per participant an array aligned with xs
    events: [], steps: [], lastSession: null,
    dirty: true,
  };
  $("events").replaceChildren();
  $("commission-log").replaceChildren();
}

function row(id) {
  let p = model.participants.get(id);
  if (!p) {
    p = { id, state: null, alert: false, missing: false, offset: null, verified: 0, rejected: 0,
          lastHeartbeat: null, latest: null, sessions: 0, lastSession: null, askedTime: false,
          path: [], step: null, band: [], marks: [] };
    model.participants.set(id, p);
    if (model.xs.length) {
      model.ys.set(id, new Array(model.xs.length).fill(null));
    }
  }
  return p;
}

function mark(p, t, kind, label) {
  p.marks.push({ t, kind, label });
  if (p.marks.length > MAX_MARKS) p.marks.splice(0, p.marks.length - MAX_MARKS);
}

function band(p, t, s) {
  const last = p.band[p.band.length - 1];
  if (!last || last.s !== s) {
    p.band.push({ t, s });
    if (p.band.length > MAX_MARKS) p.band.shift();
  }
}

function setState(p, t, state, missing) {
  p.missing = missing;
  if (state !== undefined) p.state = state;
  const shown = missing ? "missing" : (p.state || "unknown");
  band(p, t, shown);
  const name = missing ? "missing" : p.state;
  if (name && p.path[p.path.length - 1] !== name) {
    p.path.push(name);
    if (p.path.length > 6) p.path.shift();
  }
}

function log(list, t, text, cls) {
  list.push({ t, text, cls });
  if (list.length > MAX_LOG) list.shift();
}

function handle(o) {
  const t = o.time ? parseFloat(o.time) : model.now;
  if (t && (model.now === null || t > model.now)) model.now = t;
  const who = o.participant != null ? "P" + o.participant + " " : "";
  switch (o.type) {
    case "hello":
      model.source = o.source; model.bus = o.bus; model.timeoutMs = o.heartbeat_timeout_ms;
      if (o.source === "demo" && $("window").dataset.touched !== "1") $("window").value = "0";
      break;
    case "summary": {
      $("frames").textContent = o.frames;
      $("counts").textContent = "(" + Object.entries(o.counts).map(([k, v]) => k + " " + v).join(", ") + ")";
      for (const s of o.participants) {
        const p = row(s.participant);
        p.alert = s.alert; p.verified = s.verified; p.rejected = s.rejected; p.offset = s.offset_ms;
        if (s.last_rejection && !p.latest) p.latest = { t, text: s.last_rejection };
        const hb = s.last_heartbeat ? parseFloat(s.last_heartbeat) : null;
        if (hb !== null && hb !== p.lastHeartbeat) mark(p, hb, "hb", "heartbeat");
        p.lastHeartbeat = hb;
        if (s.missing !== p.missing || s.state !== p.state) setState(p, t, s.state, s.missing);
      }
      model.xs.push(t);
      for (const p of model.participants.values()) {
        if (!model.ys.has(p.id)) model.ys.set(p.id, new Array(model.xs.length - 1).fill(null));
        model.ys.get(p.id).push(p.offset == null || p.missing ? null : p.offset);
      }
      if (model.xs.length > MAX_SAMPLES) {
        model.xs.shift();
        for (const a of model.ys.values()) a.shift();
      }
      break;
    }
    case "heartbeat": {
      const p = row(o.participant);
      setState(p, t, o.state, false);
      p.alert = o.alert;
      mark(p, t, "state", "heartbeat: " + (o.state || "unknown status") + (o.alert ? " (alert)" : ""));
      if (o.alert) p.latest = { t, text: "alert bit in its heartbeat" };
      log(model.events, t, who + "heartbeat: " + (o.state || "unknown status") + (o.alert ? " (alert)" : ""));
      break;
    }
    case "missing": {
      const p = row(o.participant);
      setState(p, t, undefined, true);
      p.latest = { t, text: "heartbeat missing" + (model.timeoutMs ? " for " + model.timeoutMs / 1000 + " s" : "") };
      mark(p, t, "missing", "heartbeat missing");
      log(model.events, t, who + "heartbeat MISSING", "bad");
      break;
    }
    case "anchor":
      $("anchor").textContent = o.detail;
      log(model.events, t, "clock: " + o.detail);
      break;
    case "warning":
      log(model.events, t, who + "WARNING " + o.detail, "warn");
      break;
    case "frame": {
      const p = o.participant != null ? row(o.participant) : null;
      const bad = o.verdict !== "ok" && o.verdict !== "unverifiable";
      if (bad) {
        if (p) { p.latest = { t, text: o.kind + " " + o.verdict }; mark(p, t, "rejected", o.kind + " " + o.verdict); }
        log(model.events, t, who + "REJECTED " + o.kind + " on " + o.can_id + ": " + o.verdict, "bad");
      } else if (p && o.kind === "session") {
        p.sessions++; p.lastSession = t; model.lastSession = t;
        mark(p, t, "session", "session frame");
      } else if (p && o.kind === "time-request") {
        p.askedTime = true;
        mark(p, t, "time", "time request");
      }
      break;
    }
    case "sync":
      model.sync = o;
      for (const id of o.not_sync) row(id).askedTime = true;
      break;
    case "log": {
      const p = o.participant != null ? row(o.participant) : null;
      if (o.phase === "commissioning") {
        if (p) { p.step = o.detail; mark(p, t, "step", o.detail); }
        log(model.steps, t, o.detail);
      } else {
        if (p) mark(p, t, "step", o.detail);
        log(model.events, t, "attack: " + o.detail, /MISSED/.test(o.detail) ? "bad" : "");
      }
      break;
    }
    case "state": {
      const p = row(o.participant);
      mark(p, t, "step", o.from + " -> " + o.state + " (" + o.cause + ")");
      log(model.events, t, who + o.from + " -> " + o.state + " (" + o.cause + ")");
      break;
    }
    case "security_event": {
      const p = row(o.participant);
      p.latest = { t, text: o.code + "h " + o.name };
      mark(p, t, "security", o.code + "h " + o.name);
      log(model.events, t, who + "security event " + o.code + "h " + o.name + (o.detail ? ": " + o.detail : ""), "bad");
      break;
    }
    case "register_written": {
      const p = row(o.participant);
      if (!p.step || /^register/.test(p.step)) p.step = "register " + o.register + "h written";
      mark(p, t, "step", "register " + o.register + "h written");
      break;
    }
  }
  model.dirty = true;
}

// ---- drawing ----

const clock = (t) => t == null ? "-" : new Date(t * 1000).toISOString().substring(11, 23);
const colour = (id) => "hsl(" + ((id * 137) % 360) + ", 65%, 42%)";

function syncRole(p) {
  const s = model.sync;
  if (s && s.participant === p.id) return s.certain ? "Sync" : "Sync (likely)";
  if (p.askedTime) return "no (asked for time)";
  return "unknown";
}

function cell(tr, text, cls, title) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  if (title) td.title = title;
  tr.appendChild(td);
}

function drawTable() {
  const body = document.querySelector("#participants tbody");
  const rows = [...model.participants.values()].sort((a, b) => a.id - b.id);
  body.replaceChildren();
  for (const p of rows) {
    const tr = document.createElement("tr");
    const state = p.missing ? "missing" : (p.state || "unknown");
    tr.id = "p-" + p.id;
    tr.className = state;
    tr.dataset.state = state;
    cell(tr, "P" + p.id);
    cell(tr, p.missing ? "MISSING" + (p.state ? " (was " + p.state + ")" : "") : (p.state || "-") + (p.alert ? " !" : ""), "state");
    cell(tr, syncRole(p), "sync");
    cell(tr, p.lastHeartbeat == null ? "-" : ((model.now - p.lastHeartbeat).toFixed(1) + " s ago"), "num", clock(p.lastHeartbeat));
    cell(tr, p.offset == null ? "-" : (p.offset > 0 ? "+" : "") + p.offset.toFixed(1) + " ms", "num offset");
    cell(tr, p.verified, "num");
    cell(tr, p.rejected, "num");
    cell(tr, p.latest ? p.latest.text + " (" + clock(p.latest.t) + ")" : "-", "latest wrap");
    const path = p.path.join(" \u2192 ");
    const sessions = p.sessions ? p.sessions + " session frame" + (p.sessions === 1 ? "" : "s") : "";
    cell(tr, [p.step, path, sessions].filter(Boolean).join("; ") || "-", "wrap commissioning");
    body.appendChild(tr);
  }
  $("empty").style.display = rows.length ? "none" : "";
  const secure = rows.filter((p) => !p.missing && p.state === "secure").length;
  const missing = rows.filter((p) => p.missing).length;
  $("group-status").textContent = rows.length === 0 ? "no participant heard yet"
    : (secure === rows.length ? "Secure (all " + rows.length + ")" : secure + " of " + rows.length + " Secure")
      + (missing ? ", " + missing + " missing" : "");
  $("group-status").dataset.secure = secure;
  $("group-status").dataset.heard = rows.length;
  const s = model.sync;
  $("sync").textContent = !s || s.participant == null ? "unknown" : "P" + s.participant + (s.certain ? "" : " (likely)");
  $("sync").title = s ? s.basis : "";
  $("now").textContent = clock(model.now);
  $("source").textContent = model.source ? model.source + " on " + model.bus : "";

  // Commissioning: how many are Secure, whether a Configurator is at work (sessions seen lately), the steps.
  const progress = $("commission-progress");
  progress.max = Math.max(1, rows.length);
  progress.value = secure;
  const active = model.lastSession != null && model.now - model.lastSession < 5;
  $("commission-text").textContent = secure + " of " + rows.length + " Secure"
    + (active ? "; a Configurator is at work (session frames in the last 5 s)" : "")
    + (model.steps.length ? "; " + model.steps.length + " steps done" : "");
  fillLog($("commission-log"), model.steps);
  fillLog($("events"), model.events);
}

function fillLog(ol, list) {
  if (ol.childElementCount === list.length && ol.dataset.last === String(list.length && list[list.length - 1].t)) return;
  ol.replaceChildren();
  for (let i = list.length - 1; i >= 0; i--) {
    const li = document.createElement("li");
    li.textContent = clock(list[i].t) + "  " + list[i].text;
    if (list[i].cls) li.className = list[i].cls;
    ol.appendChild(li);
  }
  ol.dataset.last = String(list.length && list[list.length - 1].t);
}

const BAND = { secure: "#9ed8ad", waiting: "#f3dd8a", not_set: "#f3dd8a", configuration: "#f3dd8a",
               warning: "#f5b567", shutdown: "#bbb", missing: "#e04848", unknown: "#ddd" };
const MARK = { hb: "#667", state: "#1d2430", session: "#3a6fd8", time: "#19a0a0", rejected: "#f07c00",
               security: "#9b30c8", step: "#2c9c4a", missing: "#a00000" };

function drawTimeline() {
  const canvas = $("timeline");
  const rows = [...model.participants.values()].sort((a, b) => a.id - b.id);
  const lane = 22, top = 4, axis = 18, left = 44;
  const width = canvas.clientWidth || 800;
  const height = top + Math.max(1, rows.length) * lane + axis;
  const dpr = window.devicePixelRatio || 1;
  canvas.style.height = height + "px";
  canvas.width = width * dpr;
  canvas.height = height * dpr;
  const g = canvas.getContext("2d");
  g.scale(dpr, dpr);
  g.clearRect(0, 0, width, height);
  if (model.now == null) return;
  const span = parseFloat($("window").value);
  let first = Infinity;
  for (const p of rows) {
    if (p.band.length) first = Math.min(first, p.band[0].t);
    if (p.marks.length) first = Math.min(first, p.marks[0].t);
  }
  if (!isFinite(first)) first = model.now - 1;
  const start = span > 0 ? Math.max(model.now - span, first) : first;
  const end = Math.max(model.now, start + 1);
  const x = (t) => left + (width - left - 4) * (t - start) / (end - start);
  g.font = "12px system-ui, sans-serif";
  rows.forEach((p, i) => {
    const y = top + i * lane;
    g.fillStyle = "#1d2430";
    g.fillText("P" + p.id, 4, y + 15);
    for (let k = 0; k < p.band.length; k++) {
      const a = Math.max(p.band[k].t, start), b = k + 1 < p.band.length ? p.band[k + 1].t : end;
      if (b < start) continue;
      g.fillStyle = BAND[p.band[k].s] || "#ddd";
      g.fillRect(x(a), y + 6, Math.max(1, x(b) - x(a)), lane - 12);
    }
    for (const m of p.marks) {
      if (m.t < start) continue;
      g.fillStyle = MARK[m.kind] || "#000";
      const mx = x(m.t);
      switch (m.kind) {
        case "hb": g.fillRect(mx, y + 3, 1, lane - 6); break;
        case "session": case "time": g.beginPath(); g.arc(mx, y + lane / 2, 3, 0, 7); g.fill(); break;
        case "rejected": case "security": case "missing":
          g.beginPath(); g.moveTo(mx, y + 2); g.lineTo(mx + 5, y + lane - 3); g.lineTo(mx - 5, y + lane - 3); g.fill(); break;
        default: g.fillRect(mx - 1, y + 1, 3, lane - 2);
      }
    }
  });
  const yAxis = top + rows.length * lane + 12;
  g.fillStyle = "#556";
  g.fillText(clock(start).substring(0, 8), left, yAxis);
  const label = clock(end).substring(0, 8);
  g.fillText(label, width - 4 - g.measureText(label).width, yAxis);
}

let plot = null, plotIds = "";

function drawOffsets() {
  const box = $("offsets");
  if (typeof uPlot === "undefined") { box.textContent = "the plot library (uPlot) did not load"; return; }
  const ids = [...model.ys.keys()].sort((a, b) => a - b);
  const key = ids.join(",");
  const data = [model.xs.slice(), ...ids.map((id) => model.ys.get(id).slice())];
  const width = box.clientWidth || 800;
  if (!plot || key !== plotIds) {
    if (plot) plot.destroy();
    plotIds = key;
    plot = new uPlot({
      width, height: 260,
      scales: { x: { time: true } },
      series: [{}, ...ids.map((id) => ({ label: "P" + id, stroke: colour(id), width: 1.5, spanGaps: false,
                                        value: (u, v) => v == null ? "-" : v.toFixed(1) + " ms" }))],
      axes: [{}, { label: "ms", size: 60 }],
    }, data, box);
  } else {
    if (plot.width !== width) plot.setSize({ width, height: 260 });
    plot.setData(data);
  }
}

function render() {
  if (model.dirty) {
    model.dirty = false;
    drawTable();
    drawTimeline();
    drawOffsets();
  }
  requestAnimationFrame(render);
}

function connect() {
  const conn = $("conn");
  const es = new EventSource("events");
  es.onopen = () => { reset(); conn.textContent = "live"; conn.className = "conn up"; };
  es.onerror = () => { conn.textContent = "disconnected (retrying)"; conn.className = "conn down"; };
  es.onmessage = (m) => {
    try { handle(JSON.parse(m.data)); } catch (e) { console.error("dashboard: cannot use", m.data, e); }
  };
}

$("window").addEventListener("change", () => { $("window").dataset.touched = "1"; model.dirty = true; });
window.addEventListener("resize", () => { model.dirty = true; });
reset();
connect();
requestAnimationFrame(render);
