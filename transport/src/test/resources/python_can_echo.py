"""Receives one CAN FD frame with python-can's udp_multicast bus, prints it, sends it back with ID + 1."""
import json
import sys

import can

group, port = sys.argv[1], int(sys.argv[2])
with can.Bus(interface="udp_multicast", channel=group, port=port, fd=True) as bus:
    print("READY", flush=True)
    msg = bus.recv(timeout=15)
    if msg is None:
        print("TIMEOUT", flush=True)
        sys.exit(2)
    print("GOT " + json.dumps({
        "arbitration_id": msg.arbitration_id,
        "is_extended_id": msg.is_extended_id,
        "is_fd": msg.is_fd,
        "bitrate_switch": msg.bitrate_switch,
        "dlc": msg.dlc,
        "data": bytes(msg.data).hex(),
    }), flush=True)
    bus.send(can.Message(arbitration_id=msg.arbitration_id + 1, is_extended_id=msg.is_extended_id, is_fd=True,
                         bitrate_switch=msg.bitrate_switch, data=bytes(msg.data)))
    print("SENT", flush=True)
