#!/usr/bin/env python3
"""Writes TCP captures for benchmarks and fuzzing: valid pcap and pcapng files with a
known structure, which random mutation does not find (far-apart sequence numbers,
many connections, reused ports, long transfers).

  pcapgen.py bulk OUT MEGABYTES    connections of 1 MiB each, 8 at a time, full payloads
  pcapgen.py short OUT N           N short HTTP-like connections (8 segments each)
  pcapgen.py seeds DIR             small seed captures for the capture fuzz target

TCP checksums are left zero (as captures with checksum offload have them): synack
counts them and reads on. Timestamps advance like a busy server's.
"""
import struct
import sys

ETH_V4 = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
ETH_V6 = ETH_V4[:12] + b"\x86\xdd"
SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08


def v4(a, b, c, d):
    return bytes([a, b, c, d])


def segment(src, dst, sport, dport, seq, ack, flags, payload_len=0, win=65535, opts=b""):
    """An Ethernet frame holding one IPv4 or IPv6 TCP segment, zero payload bytes."""
    while len(opts) % 4:
        opts += b"\x01"
    tcp = struct.pack(
        ">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, (5 + len(opts) // 4) << 4, flags, win, 0, 0
    ) + opts
    body = tcp + bytes(payload_len)
    if len(src) == 4:
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 0, 0x4000, 64, 6, 0, src, dst)
        return ETH_V4 + ip + body
    ip = struct.pack(">IHBB16s16s", 6 << 28, len(body), 6, 64, src, dst)
    return ETH_V6 + ip + body


class Pcap:
    def __init__(self, path):
        self.f = open(path, "wb", buffering=1 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.bytes = 24

    def frame(self, us, data):
        self.f.write(struct.pack("<IIII", us // 1_000_000, us % 1_000_000, len(data), len(data)))
        self.f.write(data)
        self.bytes += 16 + len(data)

    def close(self):
        self.f.close()


def pcapng(path, frames):
    """A pcapng file with one Ethernet interface; frames are (microseconds, bytes)."""

    def block(kind, body):
        body += bytes(-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", kind, n) + body + struct.pack("<I", n)

    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", 1, 0, 262144))
    for us, f in frames:
        out += block(6, struct.pack("<IIIII", 0, us >> 32, us & 0xFFFFFFFF, len(f), len(f)) + f)
    with open(path, "wb") as fh:
        fh.write(out)


def short_connection(i, t):
    """The 8 frames of one short connection, client i, starting at t µs."""
    c = v4(10, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF)
    s = v4(192, 0, 2, 80)
    p = 1024 + i % 60000
    a, b = (i * 7919) & 0xFFFFFFFF, (i * 104729) & 0xFFFFFFFF
    return [
        (t, segment(c, s, p, 80, a, 0, SYN, opts=b"\x02\x04\x05\xb4")),
        (t + 200, segment(s, c, 80, p, b, a + 1, SYN | ACK, opts=b"\x02\x04\x05\xb4")),
        (t + 400, segment(c, s, p, 80, a + 1, b + 1, ACK)),
        (t + 450, segment(c, s, p, 80, a + 1, b + 1, ACK | PSH, 100)),
        (t + 900, segment(s, c, 80, p, b + 1, a + 101, ACK | PSH, 400)),
        (t + 950, segment(c, s, p, 80, a + 101, b + 401, FIN | ACK)),
        (t + 1150, segment(s, c, 80, p, b + 401, a + 102, FIN | ACK)),
        (t + 1350, segment(c, s, p, 80, a + 102, b + 402, ACK)),
    ]


def short(path, n):
    """n short connections, one starting every 100 µs, so about 14 overlap."""
    out = Pcap(path)
    pending = []
    for i in range(n):
        pending.extend(short_connection(i, i * 100))
        if len(pending) > 4096:
            pending.sort(key=lambda f: f[0])
            cut = (i - 20) * 100
            keep = [f for f in pending if f[0] >= cut]
            for us, f in pending:
                if us < cut:
                    out.frame(us, f)
            pending = keep
    pending.sort(key=lambda f: f[0])
    for us, f in pending:
        out.frame(us, f)
    out.close()


def bulk(path, megabytes):
    """Connections of 1 MiB each from client to server, 8 at a time, each data
    segment 1448 bytes and an ACK every second one; until the file has the size."""
    out = Pcap(path)
    target = megabytes * 1_000_000
    t = 0
    k = 0
    s = v4(192, 0, 2, 80)
    while out.bytes < target:
        conns = []
        for j in range(8):
            i = k * 8 + j
            c = v4(10, 1, (i >> 8) & 0xFF, i & 0xFF)
            p = 1024 + i % 60000
            a, b = (i * 7919) & 0xFFFFFFFF, (i * 104729) & 0xFFFFFFFF
            conns.append((c, p, a, b))
            out.frame(t, segment(c, s, p, 80, a, 0, SYN, opts=b"\x02\x04\x05\xb4"))
            out.frame(t + 100, segment(s, c, 80, p, b, a + 1, SYN | ACK, opts=b"\x02\x04\x05\xb4"))
            out.frame(t + 200, segment(c, s, p, 80, a + 1, b + 1, ACK))
            t += 300
        # Templates per connection: the headers change only in seq and ack.
        sent = 0
        while sent < (1 << 20) and out.bytes < target:
            for c, p, a, b in conns:
                seq = a + 1 + sent
                out.frame(t, segment(c, s, p, 80, seq, b + 1, ACK, 1448))
                out.frame(t + 10, segment(c, s, p, 80, seq + 1448, b + 1, ACK | PSH, 1448))
                out.frame(t + 60, segment(s, c, 80, p, b + 1, seq + 2896, ACK))
                t += 70
            sent += 2896
        for c, p, a, b in conns:
            end = a + 1 + sent
            out.frame(t, segment(c, s, p, 80, end, b + 1, FIN | ACK))
            out.frame(t + 100, segment(s, c, 80, p, b + 1, end + 1, FIN | ACK))
            out.frame(t + 200, segment(c, s, p, 80, end + 1, b + 2, ACK))
            t += 300
        k += 1
    out.close()


def seeds(d):
    """Small captures with the structures of issue 12's findings and more."""
    import os

    os.makedirs(d, exist_ok=True)
    c, s = v4(10, 0, 0, 1), v4(10, 0, 0, 2)
    hs = [
        (0, segment(c, s, 40000, 80, 1000, 0, SYN, opts=b"\x02\x04\x05\xb4\x04\x02\x03\x03\x07")),
        (100, segment(s, c, 80, 40000, 5000, 1001, SYN | ACK, opts=b"\x02\x04\x05\xb4")),
        (200, segment(c, s, 40000, 80, 1001, 5001, ACK)),
    ]

    def write(name, frames):
        out = Pcap(os.path.join(d, name))
        for us, f in frames:
            out.frame(us, f)
        out.close()

    # Far-apart sequence numbers, never acknowledged (finding 1).
    write("far-apart.pcap", hs + [(300 + i, segment(c, s, 40000, 80, 1001 + (i << 24), 5001, ACK, 1)) for i in range(1, 40)])
    # ACKs with sequence and acknowledgment numbers all over the space.
    x = 0x9E3779B97F4A7C15
    frames = list(hs)
    for i in range(60):
        x ^= (x << 13) & (2**64 - 1)
        x ^= x >> 7
        x ^= (x << 17) & (2**64 - 1)
        src, dst, sp, dp = (c, s, 40000, 80) if x & 1 else (s, c, 80, 40000)
        frames.append((300 + i, segment(src, dst, sp, dp, x & 0xFFFFFFFF, x >> 32, ACK | (FIN if i % 17 == 0 else 0), i % 3)))
    write("random-acks.pcap", frames)
    # Many short connections, interleaved.
    frames = []
    for i in range(30):
        frames.extend(short_connection(i, i * 300))
    frames.sort(key=lambda f: f[0])
    write("short.pcap", frames)
    # Ports used again, with a RST between, and a SYN with a new ISN while open.
    write(
        "reuse.pcap",
        hs
        + [(300, segment(c, s, 40000, 80, 1001, 5001, RST | ACK))]
        + [(400 + us, f) for us, f in short_connection(0, 0)]
        + [(3_000_000, segment(c, s, 40000, 80, 77, 0, SYN)), (3_000_100, segment(c, s, 40000, 80, 99, 0, SYN))],
    )
    # Retransmissions, a lost segment, a zero window, data beyond a gap.
    write(
        "retrans.pcap",
        hs
        + [
            (300, segment(c, s, 40000, 80, 1001, 5001, ACK | PSH, 100)),
            (400, segment(c, s, 40000, 80, 1101, 5001, ACK | PSH, 100)),
            (500, segment(s, c, 80, 40000, 5001, 1001, ACK, win=0)),
            (1300, segment(c, s, 40000, 80, 1001, 5001, ACK | PSH, 100)),
            (1400, segment(s, c, 80, 40000, 5001, 1201, ACK)),
            (1500, segment(c, s, 40000, 80, 1301, 5001, FIN | ACK)),
            (1600, segment(s, c, 80, 40000, 5001, 1201, ACK, opts=b"\x01\x01\x05\x0a" + struct.pack(">II", 1301, 1302))),
        ],
    )
    # IPv6, and a capture that starts mid-connection, in pcapng.
    c6, s6 = bytes(15) + b"\x01", bytes(15) + b"\x02"
    pcapng(
        os.path.join(d, "ipv6-mid.pcapng"),
        [
            (0, segment(c6, s6, 50000, 443, 70000, 90000, ACK | PSH, 20)),
            (100, segment(s6, c6, 443, 50000, 90000, 70020, ACK | PSH, 30)),
            (200, segment(c6, s6, 50000, 443, 70020, 90030, FIN | ACK)),
            (300, segment(s6, c6, 443, 50000, 90030, 70021, RST)),
        ],
    )
    # Sequence numbers that wrap around 2^32.
    w = 0xFFFFFFF0
    write(
        "wrap.pcap",
        [
            (0, segment(c, s, 40001, 80, w, 0, SYN)),
            (100, segment(s, c, 80, 40001, 0xFFFFFFFE, w + 1, SYN | ACK)),
            (200, segment(c, s, 40001, 80, w + 1, 0xFFFFFFFF, ACK | PSH, 40)),
            (300, segment(s, c, 80, 40001, 0xFFFFFFFF, (w + 41) & 0xFFFFFFFF, ACK | FIN)),
        ],
    )


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "bulk":
        bulk(sys.argv[2], int(sys.argv[3]))
    elif cmd == "short":
        short(sys.argv[2], int(sys.argv[3]))
    elif cmd == "seeds":
        seeds(sys.argv[2])
    else:
        sys.exit(__doc__)
