-- SPsec for Wireshark: a dissector for SPsec frames on CAN FD (SocketCAN link type 227).
--
-- Install: copy this file into the personal Lua plugin folder (Wireshark 4.x:
-- ~/.local/lib/wireshark/plugins/; `tshark -G folders` names it), or load it for one run with
-- `tshark -X lua_script:tools/wireshark/spsec.lua -r capture.pcap`. See docs/WIRESHARK.md.
--
-- It registers as a heuristic dissector on "can" (Wireshark's SocketCAN dissector hands every
-- frame's data to it, with the identifier in the fields can.id and can.flags.xtd), and for
-- "Decode As" in the table "can.subdissector". It decodes structure only: it holds no keys, so it
-- cannot verify a tag or decrypt a payload (`spsec inspect` does; `spsec inspect --annotate`
-- writes its verdicts into a pcapng as packet comments).
--
-- Written from the project's SPEC.md, sections 5 (identifiers), 6 (the Security Stamp),
-- 7 (control-plane messages) and 11 (event codes). The classification of an identifier is the
-- one of org.spsec.core.canfd.ControlId; a test compares the two on every frame of a demo capture.

local spsec = Proto("spsec", "SPsec (CAN FD security sublayer)")

-- Labels as `spsec inspect --json` writes them.
local KIND_DATA = "data"
local KIND_HEARTBEAT = "heartbeat"
local KIND_TIME_BROADCAST = "time-broadcast"
local KIND_TIME_REQUEST = "time-request"
local KIND_TIME_RESPONSE = "time-response"
local KIND_SESSION = "session"
local KIND_INTERNAL_EVENT = "internal-event"

local PREFIX_SESSION = 0x1E
local PREFIX_TIME_REQUEST = 0x0A
local PREFIX_TIME_RESPONSE = 0x06
local PREFIX_TIME_BROADCAST = 0x02
local PREFIX_HEARTBEAT = 0x12
local TIME_BROADCAST_ID = 0x02210900

local CPMT = {
    [0] = "Hello", [1] = "Finished", [2] = "Read Initiate", [3] = "Read Segment", [4] = "Write Initiate",
    [5] = "Write Segment", [6] = "Terminate", [8] = "Parameter authentication (time)", [9] = "Time broadcast",
    [10] = "Heartbeat", [12] = "Internal event",
}
local PREFIXES = {
    [PREFIX_SESSION] = "sessions and internal events", [PREFIX_TIME_REQUEST] = "time request",
    [PREFIX_TIME_RESPONSE] = "time response", [PREFIX_TIME_BROADCAST] = "time broadcast",
    [PREFIX_HEARTBEAT] = "heartbeat",
}
local DIRECTIONS = { [0] = "sent by the participant", [1] = "addressed to the participant" }
local STATES = { [0] = "not set", [1] = "waiting", [2] = "secure", [3] = "warning", [4] = "configuration", [5] = "shutdown" }
local SELECTORS = { [1] = "Zero key", [13] = "Seed key", [14] = "Integrator key", [15] = "Provisioning key" }
local EVENT_REGISTERS = { [0x50] = "status", [0x51] = "security event", [0x60] = "entry into Waiting" }
local EVENTS = {
    [0x5E01] = "session: hello key not found", [0x5E02] = "session: Finished authentication failure",
    [0x5E03] = "session: response timeout", [0x5E04] = "session: overall timeout",
    [0x5E05] = "session: message authentication failure",
    [0xFE00] = "time request: response authentication failure", [0xFE01] = "time request: timeout",
    [0xFE0E] = "time broadcast: authentication failure", [0xFE0F] = "time broadcast: refresh timeout",
    [0xEE00] = "data plane: authentication failure",
    [0xDE01] = "receive overrun", [0xDE02] = "transmit overrun",
    [0xDE03] = "a frame carrying this node's own identifier was seen (injection)",
    [0xDE04] = "duplicate frame ignored",
}
-- Legal CAN FD data lengths above 8 bytes.
local FD_LENGTHS = { 12, 16, 20, 24, 32, 48, 64 }

local f = {
    kind = ProtoField.string("spsec.kind", "Kind"),
    ctl_prefix = ProtoField.uint8("spsec.ctl.prefix", "Prefix (b3)", base.HEX, PREFIXES),
    ctl_b2 = ProtoField.uint8("spsec.ctl.b2", "Byte b2", base.HEX),
    ctl_type = ProtoField.uint8("spsec.ctl.type", "Message type (CPMT, b1)", base.DEC, CPMT),
    ctl_dir = ProtoField.uint8("spsec.ctl.dir", "Direction (b0 bit 7)", base.DEC, DIRECTIONS),
    ctl_participant = ProtoField.uint8("spsec.ctl.participant", "Participant", base.DEC),
    ctl_status = ProtoField.uint8("spsec.ctl.status", "Status (b2)", base.HEX),
    ctl_state = ProtoField.uint8("spsec.ctl.state", "State (status bits 0-3)", base.DEC, STATES),
    ctl_alert = ProtoField.bool("spsec.ctl.alert", "Alert (status bit 7)"),
    ctl_counter = ProtoField.uint8("spsec.ctl.counter", "Session counter, low byte (b2)", base.HEX),
    stamp_ct = ProtoField.bytes("spsec.stamp.ciphertext", "Payload and padding (encrypted)"),
    stamp_clear = ProtoField.bytes("spsec.stamp.payload", "Payload (in clear: authentication-only mode)"),
    stamp_header = ProtoField.uint16("spsec.stamp.header", "Stamp header", base.HEX),
    stamp_padding = ProtoField.uint8("spsec.stamp.padding", "Padding count", base.DEC),
    stamp_t12 = ProtoField.uint16("spsec.stamp.t12", "Timestamp, low 12 bits", base.HEX),
    stamp_payload_len = ProtoField.uint8("spsec.stamp.payload_len", "Payload length", base.DEC),
    stamp_tag = ProtoField.bytes("spsec.stamp.tag", "Tag (first 8 bytes)"),
    session_type = ProtoField.string("spsec.session.type", "Session message"),
    session_selector = ProtoField.uint8("spsec.session.selector", "Key selector", base.DEC, SELECTORS),
    session_client_random = ProtoField.bytes("spsec.session.client_random", "Client random"),
    session_server_random = ProtoField.bytes("spsec.session.server_random", "Server random"),
    session_ct = ProtoField.bytes("spsec.session.ciphertext", "Ciphertext"),
    session_tag = ProtoField.bytes("spsec.session.tag", "Tag (first 8 bytes)"),
    time_random = ProtoField.bytes("spsec.time.random", "Request random"),
    time_t = ProtoField.uint64("spsec.time.t", "Timestamp T (ticks)", base.DEC),
    time_correction = ProtoField.uint16("spsec.time.correction", "Correction", base.DEC),
    time_csalt = ProtoField.bytes("spsec.time.csalt", "csalt"),
    time_tag = ProtoField.bytes("spsec.time.tag", "Tag (first 8 bytes)"),
    event_register = ProtoField.uint8("spsec.event.register", "Register", base.HEX, EVENT_REGISTERS),
    event_value = ProtoField.uint32("spsec.event.value", "Value", base.HEX),
    event_code = ProtoField.string("spsec.event.code", "Security event"),
    filler = ProtoField.bytes("spsec.filler", "Filler"),
    fill = ProtoField.bytes("spsec.fill", "Fill after the message (not authenticated)"),
}
spsec.fields = f

local e_malformed = ProtoExpert.new("spsec.malformed", "Not a well-formed SPsec frame", expert.group.MALFORMED, expert.severity.WARN)
local e_unverified = ProtoExpert.new("spsec.unverified", "Tag not verified (the dissector has no keys; use spsec inspect)",
    expert.group.SECURITY, expert.severity.NOTE)
spsec.experts = { e_malformed, e_unverified }

spsec.prefs.data_plane = Pref.bool("Every other frame is data plane", true,
    "Dissect every frame whose identifier is not control plane as a stamped data unit (SPEC section 5). "
    .. "Off: only frames whose length and padding count fit a Security Stamp.")
spsec.prefs.auth_only = Pref.bool("Authentication-only mode", false,
    "The network sends payloads in clear (only the tag protects them): show stamped payloads, "
    .. "heartbeat FF FF and the time broadcast's timestamp.")

local can_id_field = Field.new("can.id")
local can_xtd_field = Field.new("can.flags.xtd")

-- Integer helpers (plain arithmetic: no bit library needed, any Lua version).
local function byte_of(v, n) return math.floor(v / 2 ^ (8 * n)) % 256 end

local function hex_id(id, extended)
    return extended and string.format("0x%08X", id) or string.format("0x%03X", id)
end

local function legal_fd_length(len)
    if len <= 8 then return true end
    for _, l in ipairs(FD_LENGTHS) do
        if l == len then return true end
    end
    return false
end

local function round_up_fd(len)
    if len <= 8 then return len end
    for _, l in ipairs(FD_LENGTHS) do
        if l >= len then return l end
    end
    return -1
end

--- The identifier's meaning, as org.spsec.core.canfd.ControlId.tryDecode: nil for data plane,
--- else a table {kind, prefix, b2, type, to, pid}.
local function classify(id, extended)
    if not extended or id > 0x1FFFFFFF then return nil end
    if id == TIME_BROADCAST_ID then
        return { kind = KIND_TIME_BROADCAST, prefix = PREFIX_TIME_BROADCAST, b2 = 0x21, type = 9, to = false, pid = nil }
    end
    local prefix, b2, ctype, b0 = byte_of(id, 3), byte_of(id, 2), byte_of(id, 1), byte_of(id, 0)
    local to = b0 >= 0x80
    local pid = b0 % 0x80
    if CPMT[ctype] == nil or pid < 1 or pid > 127 then return nil end
    local kind
    if prefix == PREFIX_SESSION then
        if ctype <= 6 and (ctype ~= 0 or b2 == 0xFF) then
            kind = KIND_SESSION
        elseif ctype == 12 and b2 == 0 and not to then
            kind = KIND_INTERNAL_EVENT
        end
    elseif prefix == PREFIX_TIME_REQUEST then
        if ctype == 8 and b2 == 0xFF and not to then kind = KIND_TIME_REQUEST end
    elseif prefix == PREFIX_TIME_RESPONSE then
        if ctype == 8 and b2 == 0x23 and to then kind = KIND_TIME_RESPONSE end
    elseif prefix == PREFIX_HEARTBEAT then
        if ctype == 10 and not to then kind = KIND_HEARTBEAT end
    end
    if kind == nil then return nil end
    return { kind = kind, prefix = prefix, b2 = b2, type = ctype, to = to, pid = pid }
end

--- Whether a data-plane frame of `len` bytes whose last-but-9 two bytes are `header` is shaped
--- as a sender makes a Security Stamp (used when data_plane is off).
local function stamp_shaped(tvb)
    local len = tvb:len()
    if len < 12 or not legal_fd_length(len) then return false end
    local padding = math.floor(tvb(len - 10, 2):le_uint() / 4096)
    local payload = len - 10 - padding
    return payload >= 0 and payload <= 54 and math.max(12, round_up_fd(payload + 10)) == len
end

local function generated(tree, field, value)
    local item = tree:add(field, value)
    item:set_generated()
    return item
end

--- The Security Stamp (SPEC section 6): ct(payload || padding) || header (2) || tag (8).
--- Returns the info text, and the clear payload range in authentication-only mode.
local function dissect_stamp(tvb, tree)
    local len = tvb:len()
    local st = tree:add(tvb(), "Security Stamp")
    if len < 12 then
        st:add_proto_expert_info(e_malformed, "A Security Stamp is at least 12 bytes, this frame has " .. len)
        return "malformed stamp (" .. len .. " bytes)"
    end
    local header = tvb(len - 10, 2):le_uint()
    local padding = math.floor(header / 4096)
    local t12 = header % 4096
    local payload_len = len - 10 - padding
    local body = len - 10
    local clear
    if body > 0 then
        if spsec.prefs.auth_only and payload_len >= 0 then
            if payload_len > 0 then
                clear = tvb(0, payload_len)
                st:add(f.stamp_clear, clear)
            end
            if padding > 0 then st:add(f.stamp_ct, tvb(payload_len, padding)):set_text("Padding: " .. padding .. " bytes") end
        else
            st:add(f.stamp_ct, tvb(0, body))
        end
    end
    local h = st:add_le(f.stamp_header, tvb(len - 10, 2))
    h:add(f.stamp_padding, tvb(len - 10, 2), padding)
    h:add(f.stamp_t12, tvb(len - 10, 2), t12)
    local pl = st:add(f.stamp_payload_len, payload_len >= 0 and payload_len or 0)
    pl:set_generated()
    st:add(f.stamp_tag, tvb(len - 8, 8))
    if payload_len < 0 or payload_len > 54 then
        st:add_proto_expert_info(e_malformed, string.format("Padding count %d does not fit a %d-byte frame", padding, len))
    else
        st:add_proto_expert_info(e_unverified)
    end
    return string.format("T12=0x%03X pad=%d len=%d", t12, padding, payload_len), clear
end

local function add_random(tree, field, tvb, off)
    if tvb:len() >= off + 16 then
        tree:add(field, tvb(off, 16))
        return true
    end
    tree:add_proto_expert_info(e_malformed, "Too short: " .. tvb:len() .. " bytes")
    return false
end

--- Fixed-size ciphertext || tag8 (or tag8 alone when ct_len is 0); bytes after it are fill.
local function ct_tag(tvb, tree, ct_len)
    local len = tvb:len()
    if ct_len < 0 then ct_len = math.max(0, len - 8) end -- variable length: the tag is taken as the last 8 bytes
    if len < ct_len + 8 then
        tree:add_proto_expert_info(e_malformed, string.format("Too short: needs %d bytes, has %d", ct_len + 8, len))
        return
    end
    if ct_len > 0 then tree:add(f.session_ct, tvb(0, ct_len)) end
    tree:add(f.session_tag, tvb(ct_len, 8))
    if len > ct_len + 8 then tree:add(f.fill, tvb(ct_len + 8)) end
    tree:add_proto_expert_info(e_unverified)
end

--- Session messages (SPEC section 7, CPMT 0..6).
local function dissect_session(tvb, tree, c)
    local req = c.to -- Configurator to participant
    local names = {
        [0] = req and "ClientHello" or "ServerHello",
        [1] = req and "ClientFinished" or "ServerFinished",
    }
    local name = names[c.type] or (CPMT[c.type] .. (req and " request" or " response"))
    tree:add(f.session_type, name):set_generated()
    local st = tree:add(tvb(), name)
    if c.type == 0 and req then
        if tvb:len() >= 20 then
            st:add(f.session_selector, tvb(0, 1))
            st:add(f.filler, tvb(1, 3))
        end
        add_random(st, f.session_client_random, tvb, 4)
    elseif c.type == 0 then
        add_random(st, f.session_server_random, tvb, 0)
    elseif c.type == 1 or c.type == 6 or (c.type == 3 and req) then
        ct_tag(tvb, st, 0)
    elseif c.type == 2 or c.type == 4 then
        ct_tag(tvb, st, 8)
    elseif c.type == 5 and not req then
        ct_tag(tvb, st, 4)
    else -- Read Segment response, Write Segment request: ct(data) || tag8
        ct_tag(tvb, st, -1)
    end
    return name
end

local function event_text(code)
    if code >= 0xEF01 and code <= 0xEF7F then
        return string.format("heartbeat of participant %d missing", code - 0xEF00)
    end
    return EVENTS[code] or "unknown"
end

function spsec.dissector(tvb, pinfo, tree)
    local id_info, xtd_info = can_id_field(), can_xtd_field()
    if id_info == nil then return 0 end
    local id = id_info.value
    local extended = xtd_info ~= nil and xtd_info.value
    local c = classify(id, extended)
    local kind = c and c.kind or KIND_DATA

    pinfo.cols.protocol = "SPsec"
    local root = tree:add(spsec, tvb(), "SPsec, " .. kind .. ", " .. hex_id(id, extended))
    generated(root, f.kind, kind)
    local info
    if c ~= nil then
        local ctl = root:add(tvb(0, 0), "Control-plane identifier " .. hex_id(id, true))
        generated(ctl, f.ctl_prefix, c.prefix)
        generated(ctl, f.ctl_b2, c.b2)
        generated(ctl, f.ctl_type, c.type)
        if c.pid ~= nil then
            generated(ctl, f.ctl_dir, c.to and 1 or 0)
            generated(ctl, f.ctl_participant, c.pid)
        end
        if kind == KIND_SESSION and c.type ~= 0 then generated(ctl, f.ctl_counter, c.b2) end
        if kind == KIND_HEARTBEAT then
            generated(ctl, f.ctl_status, c.b2)
            generated(ctl, f.ctl_state, c.b2 % 16)
            generated(ctl, f.ctl_alert, c.b2 >= 0x80)
        end
    end
    local who = c and c.pid and ((c.to and " to P" or " from P") .. c.pid) or ""

    if kind == KIND_DATA or kind == KIND_HEARTBEAT or kind == KIND_TIME_BROADCAST then
        local stamp, clear = dissect_stamp(tvb, root)
        if kind == KIND_TIME_BROADCAST and clear ~= nil and clear:len() == 10 then
            root:add_le(f.time_t, clear(0, 8))
            root:add_le(f.time_correction, clear(8, 2))
        end
        if kind == KIND_HEARTBEAT then
            info = string.format("Heartbeat%s (%s%s) %s", who, STATES[c.b2 % 16] or "unknown state",
                c.b2 >= 0x80 and ", alert" or "", stamp)
        elseif kind == KIND_TIME_BROADCAST then
            info = "Time broadcast " .. stamp
        else
            info = "Data " .. hex_id(id, extended) .. " " .. stamp
        end
    elseif kind == KIND_SESSION then
        info = dissect_session(tvb, root, c) .. who .. (c.type ~= 0 and string.format(" cnt=0x%02X", c.b2) or "")
    elseif kind == KIND_TIME_REQUEST then
        add_random(root, f.time_random, tvb, 0)
        info = "Time request" .. who
    elseif kind == KIND_TIME_RESPONSE then
        if tvb:len() >= 20 then
            root:add_le(f.time_t, tvb(0, 8))
            root:add(f.time_csalt, tvb(8, 4))
            root:add(f.time_tag, tvb(12, 8))
            root:add_proto_expert_info(e_unverified)
            info = "Time response" .. who .. " T=" .. tostring(tvb(0, 8):le_uint64())
        else
            root:add_proto_expert_info(e_malformed, "A time response is 20 bytes, this frame has " .. tvb:len())
            info = "Time response" .. who .. " (malformed)"
        end
    elseif kind == KIND_INTERNAL_EVENT then
        info = "Internal event" .. who
        if tvb:len() >= 5 then
            local reg = tvb(0, 1):uint()
            local value = tvb(1, 4):le_uint()
            root:add(f.event_register, tvb(0, 1))
            root:add_le(f.event_value, tvb(1, 4))
            if reg == 0x51 then
                root:add(f.event_code, tvb(1, 2), string.format("%04Xh %s", value % 65536, event_text(value % 65536)))
                info = info .. string.format(" event %04Xh %s", value % 65536, event_text(value % 65536))
            else
                info = info .. string.format(" %02Xh = 0x%X", reg, value)
            end
        else
            root:add_proto_expert_info(e_malformed, "An internal event is 5 bytes, this frame has " .. tvb:len())
        end
    end
    pinfo.cols.info = info
    return tvb:len()
end

local function heuristic(tvb, pinfo, tree)
    local id_info, xtd_info = can_id_field(), can_xtd_field()
    if id_info == nil then return false end
    local extended = xtd_info ~= nil and xtd_info.value
    if classify(id_info.value, extended) == nil and not spsec.prefs.data_plane and not stamp_shaped(tvb) then
        return false
    end
    spsec.dissector(tvb, pinfo, tree)
    return true
end

spsec:register_heuristic("can", heuristic)
DissectorTable.get("can.subdissector"):add_for_decode_as(spsec)
