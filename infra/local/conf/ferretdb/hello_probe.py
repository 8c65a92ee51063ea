#!/usr/bin/env python3
"""Readiness probe for a MongoDB wire-protocol server (FerretDB): sends an OP_MSG
{hello: 1, $db: "admin"} and exits 0 only when the reply is an OP_MSG with ok == 1.
Usage: hello_probe.py PORT [HOST] -- stdlib only (no driver needed)."""
import os
import socket
import struct
import sys

sys.dont_write_bytecode = True  # a probe run every second writes nothing into the checkout
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from probe_io import recv_exact  # noqa: E402 - after the path to infra/local/conf


def bson_hello() -> bytes:
    def cstr(s: str) -> bytes:
        return s.encode() + b"\x00"

    body = b"\x10" + cstr("hello") + struct.pack("<i", 1)
    db = cstr("admin")
    body += b"\x02" + cstr("$db") + struct.pack("<i", len(db)) + db
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


def find_ok(doc: bytes) -> float:
    """Walk the top-level BSON elements of a reply document and return the value of 'ok'."""
    i, end = 4, struct.unpack_from("<i", doc)[0] - 1
    sizes = {0x01: 8, 0x08: 1, 0x09: 8, 0x10: 4, 0x11: 8, 0x12: 8, 0x07: 12, 0x0A: 0, 0x13: 16}
    while i < end:
        t = doc[i]
        j = doc.index(b"\x00", i + 1)
        name = doc[i + 1:j].decode()
        i = j + 1
        if name == "ok":
            if t == 0x01:
                return struct.unpack_from("<d", doc, i)[0]
            if t == 0x10:
                return float(struct.unpack_from("<i", doc, i)[0])
            if t == 0x12:
                return float(struct.unpack_from("<q", doc, i)[0])
            if t == 0x08:
                return float(doc[i])
            return 0.0
        if t in sizes:
            i += sizes[t]
        elif t in (0x02, 0x0D, 0x0E):  # string-like: int32 len + bytes
            i += 4 + struct.unpack_from("<i", doc, i)[0]
        elif t in (0x03, 0x04):  # embedded document / array
            i += struct.unpack_from("<i", doc, i)[0]
        elif t == 0x05:  # binary: int32 len + subtype + bytes
            i += 5 + struct.unpack_from("<i", doc, i)[0]
        elif t == 0x0B:  # regex: two cstrings
            i = doc.index(b"\x00", doc.index(b"\x00", i) + 1) + 1
        else:
            raise ValueError(f"unsupported BSON type {t:#x}")
    return 0.0


def main() -> int:
    port = int(sys.argv[1])
    host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    payload = struct.pack("<I", 0) + b"\x00" + bson_hello()  # flagBits + section kind 0
    msg = struct.pack("<iiii", 16 + len(payload), 1, 0, 2013) + payload
    with socket.create_connection((host, port), timeout=3) as s:
        s.settimeout(3)
        s.sendall(msg)
        length, _req, resp_to, opcode = struct.unpack("<iiii", recv_exact(s, 16))
        body = recv_exact(s, length - 16)
    if opcode != 2013 or resp_to != 1 or body[4] != 0:
        return 1
    return 0 if find_ok(body[5:]) == 1.0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - any failure means "not ready"
        print(f"hello probe failed: {e}", file=sys.stderr)
        sys.exit(1)
