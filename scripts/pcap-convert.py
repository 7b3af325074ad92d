#!/usr/bin/env python3
"""Re-encodes real captures made by make-captures.sh in the other formats that
synack-capture reads, so that each format is tested on real packets:

  full-lifecycle.pcapng         pcapng, nanosecond timestamps (if_tsresol 9),
                                enhanced packet blocks and a final simple packet block
  full-lifecycle-raw.pcap       LINKTYPE_RAW: the IP packets without the Ethernet header
  full-lifecycle-null.pcap      LINKTYPE_NULL: BSD loopback, a 4-byte address family
  full-lifecycle-be-nanos.pcap  big-endian pcap with the nanosecond magic

Usage: pcap-convert.py DIR   (reads DIR/full-lifecycle.pcap)
"""

import struct
import sys


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic != 0xA1B2C3D4:
        sys.exit(f"{path}: expected a little-endian microsecond pcap")
    link = struct.unpack("<I", data[20:24])[0]
    packets, at = [], 24
    while at + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[at:at + 16])
        packets.append((sec, usec * 1000, orig, data[at + 16:at + 16 + incl]))
        at += 16 + incl
    return link, packets


def pcap(path, link, packets, endian="<", nanos=False):
    magic = 0xA1B23C4D if nanos else 0xA1B2C3D4
    out = [struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, 262144, link)]
    for sec, ns, orig, frame in packets:
        frac = ns if nanos else ns // 1000
        out.append(struct.pack(endian + "IIII", sec, frac, len(frame), orig) + frame)
    with open(path, "wb") as f:
        f.write(b"".join(out))


def pad(b):
    return b + b"\0" * (-len(b) % 4)


def block(kind, body):
    total = 12 + len(body)
    return struct.pack("<II", kind, total) + body + struct.pack("<I", total)


def pcapng(path, link, packets):
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    # Option if_tsresol (code 9) = 9: nanoseconds; then opt_endofopt.
    idb_opts = struct.pack("<HH", 9, 1) + pad(b"\x09") + struct.pack("<HH", 0, 0)
    idb = block(1, struct.pack("<HHI", link, 0, 262144) + idb_opts)
    out = [shb, idb]
    for i, (sec, ns, orig, frame) in enumerate(packets):
        if i == len(packets) - 1:
            # A simple packet block: no interface id, no timestamp.
            out.append(block(3, struct.pack("<I", orig) + pad(frame)))
        else:
            t = sec * 1_000_000_000 + ns
            body = struct.pack("<IIIII", 0, t >> 32, t & 0xFFFFFFFF, len(frame), orig) + pad(frame)
            out.append(block(6, body))
    with open(path, "wb") as f:
        f.write(b"".join(out))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    link, packets = read_pcap(f"{d}/full-lifecycle.pcap")
    if link != 1:
        sys.exit("full-lifecycle.pcap: expected Ethernet")
    pcapng(f"{d}/full-lifecycle.pcapng", link, packets)
    raw = [(s, n, o - 14, f[14:]) for s, n, o, f in packets]
    pcap(f"{d}/full-lifecycle-raw.pcap", 101, raw)
    null = [(s, n, o + 4, struct.pack("<I", 2) + f) for s, n, o, f in raw]
    pcap(f"{d}/full-lifecycle-null.pcap", 0, null)
    pcap(f"{d}/full-lifecycle-be-nanos.pcap", link, packets, endian=">", nanos=True)


if __name__ == "__main__":
    main()
