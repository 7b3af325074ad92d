#!/usr/bin/env python3
"""One side of a real Linux TCP connection, for scripts/make-captures.sh.

Run inside a network namespace that the script made:
    capture-peer.py server MODE PORT [START]
    capture-peer.py client MODE HOST PORT [START] [LOCAL_PORT]
MODE names the situation (see make-captures.sh). START is a shared wall-clock
time (seconds since the epoch) at which both sides act together, for the
simultaneous cases. Every wait is bounded, so a run always ends.
"""

import errno
import socket
import struct
import subprocess
import sys
import time

REQUEST = b"GET /index.html HTTP/1.1\r\nHost: synack.test\r\n\r\n"
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, synack\n"
# A response of ten full segments (1448 bytes each with timestamps), for the captures
# that lose, hold back or duplicate one segment of a stream.
STREAM = bytes(i % 251 for i in range(10 * 1448))
# Each way in the bulk capture: more than a 16-bit window, so windows are scaled.
BULK = bytes(i % 239 for i in range(100_000))
# linux-synack-timeout: the server listens this long; its SYN-RECEIVED entry gives up
# after about 63 s, and the client's late request comes at 70 s.
LISTEN_ONLY_S = 80
# linux-fin-wait-2-timeout: the client's FINs come 30 s and 65 s after the server's.
FIN_WAIT_2_EARLY_S = 30
FIN_WAIT_2_LATE_S = 65
FIN_WAIT_2_LISTEN_S = FIN_WAIT_2_LATE_S + 5
# linux-synack-timeout: when the client, which believes it is ESTABLISHED, sends.
LATE_REQUEST_S = 70
# syn-flood: how long the flooded server waits for the real client (its forged
# SYN-queue entries expire after about 63 s, tcp_synack_retries 5).
FLOOD_WAIT_S = 90
# accept-queue-full: how long each client holds its connection.
HOLD_S = 8
# slow-reader: the server's SO_RCVBUF (Linux doubles it) and how long it reads nothing.
SLOW_READER_RCVBUF = 4096
SLOW_READER_WAIT_S = 6
# keepalive: the server's keep-alive times, shortened from Linux's 7200 s, 75 s, 9.
KEEPALIVE_IDLE_S = 2
KEEPALIVE_INTVL_S = 1
KEEPALIVE_PROBES = 3


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def request_then_close(s):
    """Sends the request, reads what comes back (a RST is reported), and closes."""
    s.sendall(REQUEST)
    try:
        s.recv(4096)
    except ConnectionResetError:
        print("client: reset", file=sys.stderr)
    s.close()


def read_all(conn, limit=1 << 16):
    """Read until the peer's FIN (bounded by the socket timeout)."""
    data = b""
    while len(data) < limit:
        try:
            chunk = conn.recv(4096)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def read_exactly(conn, n):
    """Read n bytes, or what came before the peer's FIN (bounded by the socket timeout)."""
    data = b""
    while len(data) < n:
        chunk = conn.recv(min(65536, n - len(data)))
        if not chunk:
            break
        data += chunk
    return data


def read_request(conn):
    req = b""
    while not req.endswith(b"\r\n\r\n") and len(req) < 4096:
        chunk = conn.recv(4096)
        if not chunk:
            break
        req += chunk
    return req


def wait_until(start):
    delay = start - time.time()
    if 0 < delay < 10:
        time.sleep(delay)


def drain_tokens(host, peer_port=9999):
    """Use up the token bucket of this side's tbf qdisc, so that the next segment
    waits in the queue for a while: both sides' segments then cross in flight."""
    u = socket.socket(family(host), socket.SOCK_DGRAM)
    for _ in range(2):
        u.sendto(b"x" * 1400, (host, peer_port))
    u.close()


def udp_sink(fam):
    """Receive (and ignore) the other side's drain datagrams, so that no ICMP error
    answers them."""
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", 9999))
    return u


def accepted(ls, conn, n):
    """The connection already accepted, then n - 1 more as they are accepted."""
    for k in range(n):
        if k:
            conn, _ = ls.accept()
            conn.settimeout(10)
        yield conn


def server(mode, port, start):
    fam = socket.AF_INET6 if mode.endswith("-v6") else socket.AF_INET
    any_addr = "::" if fam == socket.AF_INET6 else "0.0.0.0"
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((any_addr, port))
    # accept-queue-full: listen(1), so the accept queue holds 2 (backlog + 1);
    # syn-flood: listen(2), so the SYN queue holds 3.
    if mode == "slow-reader":
        # A small receive buffer, set before listen() so that the connection takes
        # it (and a window scale to fit): the client's data fills it quickly.
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SLOW_READER_RCVBUF)
    if mode == "fast-open":
        # TCP_FASTOPEN on the listener (its queue of pending Fast Open requests):
        # with net.ipv4.tcp_fastopen=3 it hands out cookies and takes data in a SYN
        # that brings one back (RFC 7413).
        ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 16)
    ls.listen({"no-accept": 1, "flooded": 2}.get(mode, 8))
    ls.settimeout(20)
    sink = udp_sink(fam) if mode.startswith("simultaneous") else None
    if mode == "flooded":
        ls.settimeout(FLOOD_WAIT_S)
        conn, _ = ls.accept()
        read_all(conn)
        conn.close()
        ls.close()
        return
    if mode == "no-accept":
        # Listen and never accept(): the accept queue fills; later handshakes'
        # ACKs are dropped (tcp_abort_on_overflow=0) and their SYN,ACKs resent.
        time.sleep(HOLD_S + 1)
        ls.close()
        return
    if mode == "listen-only":
        # Listen and never accept: the client's connection stays a SYN-RECEIVED entry
        # (its ACK never arrives), which repeats its SYN,ACK until it gives up.
        time.sleep(LISTEN_ONLY_S)
        ls.close()
        return
    conn, _ = ls.accept()
    conn.settimeout(10)
    if mode == "close-at-once":
        # Close as soon as the connection is accepted: a FIN, then FIN-WAIT-2 once
        # the client's ACK comes, as an orphan (no process holds it any more).
        conn.close()
        time.sleep(2)
    elif mode == "close-unread":
        # The request arrives and is never read: close() then sends a RST, not a
        # FIN (tcp_close, RFC 2525 §2.17).
        time.sleep(0.3)
        conn.close()
        time.sleep(0.5)
    elif mode == "keepalive":
        # Keep-alive on, with short times (Linux's defaults are 7200 s, 75 s, 9):
        # the client goes silent after its request, and recv() fails with
        # ETIMEDOUT once KEEPALIVE_PROBES probes went unanswered.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, KEEPALIVE_IDLE_S)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, KEEPALIVE_INTVL_S)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, KEEPALIVE_PROBES)
        conn.settimeout(30)
        read_request(conn)
        try:
            conn.recv(4096)
        except OSError as e:
            print(f"server: recv: {e}", file=sys.stderr)
        conn.close()
    elif mode == "fast-open":
        # Two connections, each a request and its response; the client closes first.
        for c in accepted(ls, conn, 2):
            read_request(c)
            c.sendall(RESPONSE)
            read_all(c)
            c.close()
    elif mode == "time-wait-new-syn":
        # HTTP/1.0: answer and close first, so this side waits in TIME-WAIT; the
        # client connects again from the same port, and its SYN reopens it.
        for c in accepted(ls, conn, 2):
            read_request(c)
            c.sendall(RESPONSE)
            c.close()
        time.sleep(0.5)
    elif mode == "fin-wait-2":
        # Two connections, both closed at once; the client answers each much later.
        conn2, _ = ls.accept()
        conn.close()
        conn2.close()
        # Still listening when the client's last FIN comes.
        time.sleep(FIN_WAIT_2_LISTEN_S)
    elif mode in ("handshake", "checksum-offload", "syn-lost", "syn-ack-lost", "handshake-v6"):
        # Wait for the client's close, then close at once (three-segment teardown).
        read_all(conn)
        conn.close()
    elif mode == "four-way":
        read_all(conn)
        # Longer than Linux's delayed ACK (about 40 ms): the FIN's ACK goes alone.
        time.sleep(0.3)
        conn.close()
    elif mode in ("three-segment", "final-ack-lost"):
        read_all(conn)
        conn.close()
    elif mode == "lifecycle":
        read_request(conn)
        conn.sendall(RESPONSE)
        read_all(conn)
        conn.close()
    elif mode in ("stream", "reorder"):
        read_request(conn)
        if mode == "reorder":
            # Empty the token bucket of the slow class that holds one segment back.
            drain_tokens(conn.getpeername()[0])
        # One segment per write, so that nftables rules on output see each one.
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(0, len(STREAM), 1448):
            conn.sendall(STREAM[i : i + 1448])
            time.sleep(0.002)
        read_all(conn)
        conn.close()
    elif mode == "slow-reader":
        # Read nothing for a while: the window closes, and the client probes it.
        time.sleep(SLOW_READER_WAIT_S)
        read_all(conn, limit=1 << 20)
        conn.close()
    elif mode == "bulk":
        read_exactly(conn, len(BULK))
        conn.sendall(BULK)
        read_all(conn)
        conn.close()
    elif mode == "half-close":
        # The client has shut down its sending side; keep sending until we are done.
        req = read_all(conn)
        for part in (b"part one of the answer, ", b"part two, sent after the client's FIN\n"):
            conn.sendall(part + str(len(req)).encode())
            time.sleep(0.1)
        conn.close()
    elif mode == "abort":
        read_all(conn)
        conn.close()
    elif mode == "simultaneous-close":
        wait_until(start)
        drain_tokens(conn.getpeername()[0])
        conn.shutdown(socket.SHUT_WR)
        read_all(conn)
        conn.close()
    elif mode == "isn-choice":
        # Three connections, each ended by the client's RST.
        for c in accepted(ls, conn, 3):
            read_all(c)
            c.close()
    elif mode == "half-open":
        # The first connection ends with the client's RST; then the client is back.
        read_all(conn)
        conn.close()
        conn, _ = ls.accept()
        conn.settimeout(10)
        read_all(conn)
        conn.close()
    ls.close()
    if sink:
        sink.close()


def crash(host, port):
    """Forget the connection as a crashed host does: destroy the socket (ss -K) while
    an nftables rule in this namespace keeps the RST that Linux would send from
    leaving, so the server is never told."""
    rule = (
        "table inet synack_crash {\n"
        "    chain out {\n"
        "        type filter hook output priority 0;\n"
        "        tcp flags & rst == rst drop\n"
        "    }\n"
        "}\n"
    )
    subprocess.run(["nft", "-f", "-"], input=rule.encode(), check=True)
    subprocess.run(["ss", "-K", "dst", host, "dport", "=", f":{port}"], check=False, capture_output=True)
    subprocess.run(["nft", "delete", "table", "inet", "synack_crash"], check=True)


def forge_syns(host, port, sources):
    """Send one SYN from each forged (address, port) to host:port through a raw
    socket (IP_HDRINCL): no socket of ours stands behind them, so nothing here
    will ever answer the SYN,ACKs."""

    def checksum(data):
        if len(data) % 2:
            data += b"\0"
        total = sum(struct.unpack(f"!{len(data) // 2}H", data))
        while total >> 16:
            total = (total & 0xFFFF) + (total >> 16)
        return ~total & 0xFFFF

    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    dst = socket.inet_aton(host)
    for i, (src_host, src_port) in enumerate(sources):
        src = socket.inet_aton(src_host)
        seq = 1000 + i
        # MSS 1460, as a real SYN would offer; no other option.
        options = struct.pack("!BBH", 2, 4, 1460)
        tcp = struct.pack("!HHLLBBHHH", src_port, port, seq, 0, (5 + 1) << 4, 0x02, 64240, 0, 0) + options
        pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, socket.IPPROTO_TCP, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        raw.sendto(ip + tcp, (host, 0))
        time.sleep(0.01)
    raw.close()


def connect_from(host, port, local_port):
    """A new connection to host:port from local_port (a port still held by an old
    connection is taken again: SO_REUSEADDR)."""
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.settimeout(20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", local_port))
    s.connect((host, port))
    return s


def client(mode, host, port, start, local_port):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.settimeout(20)
    if local_port:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("", local_port))
    sink = udp_sink(family(host)) if mode.startswith("simultaneous") else None
    if mode == "simultaneous-open":
        wait_until(start)
        drain_tokens(host)
    if mode == "after-flood":
        # Three forged SYNs fill a listen(2) server's SYN queue (3 entries); then
        # connect() for real, and wait as long as the kernel keeps retrying.
        forge_syns(host, port, [(f"10.99.0.{50 + i}", 40001 + i) for i in range(3)])
        time.sleep(0.1)
        s.settimeout(None)
    if mode == "syn-timeout":
        # Blocking, with no socket timeout of Python's: connect() waits for the
        # kernel to give up (tcp_syn_retries), and says when, for the script.
        s.settimeout(None)
        t0 = time.time()
        try:
            s.connect((host, port))
        except OSError as e:
            t1 = time.time()
            name = errno.errorcode.get(e.errno, "?")
            print(f"errno {e.errno} {name}\nconnect_called_at {t0:.6f}\nconnect_failed_at {t1:.6f}")
            print(f"client: connect: {e} after {t1 - t0:.3f} s", file=sys.stderr)
        return
    if mode == "fast-open":
        # sendto(MSG_FASTOPEN) connects and sends in one call (RFC 7413): the first
        # time the SYN asks for a cookie and the request follows the handshake; the
        # second connection (a new socket, a new port) carries the cached cookie and
        # the request in its SYN.
        for k in range(2):
            if k:
                time.sleep(0.2)
                s = socket.socket(family(host), socket.SOCK_STREAM)
            # Blocking (a Python timeout makes the socket non-blocking, and the call
            # would fail with EINPROGRESS where it had no cookie to send data with).
            s.settimeout(None)
            s.sendto(REQUEST, socket.MSG_FASTOPEN, (host, port))
            s.settimeout(20)
            read_exactly(s, len(RESPONSE))
            s.close()
        return
    try:
        s.connect((host, port))
    except OSError as e:
        # Refused or timed out: that is the situation being captured.
        print(f"client: connect: {e}", file=sys.stderr)
        return
    if mode in ("handshake", "handshake-v6", "syn-lost", "syn-ack-lost", "four-way", "three-segment", "checksum-offload"):
        time.sleep(0.2)
        s.close()
    elif mode == "final-ack-lost":
        time.sleep(0.6)
        s.close()
        time.sleep(1.5)
    elif mode == "lifecycle":
        s.sendall(REQUEST)
        data = b""
        while len(data) < len(RESPONSE):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
    elif mode == "late-request":
        # Longer than the server's first SYN,ACK timeout (1 s): the server repeats it.
        time.sleep(1.5)
        s.sendall(REQUEST)
        read_exactly(s, len(RESPONSE))
        s.close()
    elif mode == "stream":
        s.sendall(REQUEST)
        if read_exactly(s, len(STREAM)) != STREAM:
            print("client: the stream arrived damaged", file=sys.stderr)
        s.close()
    elif mode == "fill":
        # Send more than the server's buffer holds, then close.
        s.sendall(BULK)
        s.close()
    elif mode == "bulk":
        s.sendall(BULK)
        if read_exactly(s, len(BULK)) != BULK:
            print("client: the bulk download arrived damaged", file=sys.stderr)
        s.close()
    elif mode == "half-close":
        s.sendall(REQUEST)
        s.shutdown(socket.SHUT_WR)
        read_all(s)
        s.close()
    elif mode == "abort":
        s.sendall(REQUEST)
        time.sleep(0.1)
        # SO_LINGER with a zero timeout: close() aborts with RST (RFC 9293 §3.10.5).
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    elif mode == "simultaneous-open":
        time.sleep(0.3)
        s.close()
    elif mode == "simultaneous-close":
        wait_until(start)
        drain_tokens(host)
        s.shutdown(socket.SHUT_WR)
        read_all(s)
        s.close()
    elif mode == "late-request-after-give-up":
        # Our ACK never left (nftables in this namespace drops all but the SYN), so
        # we are ESTABLISHED while the server holds only a SYN-RECEIVED entry, which
        # gives up. Then let segments out and send: the server knows nothing of us.
        time.sleep(LATE_REQUEST_S)
        subprocess.run(["nft", "delete", "table", "inet", "synack"], check=True)
        request_then_close(s)
    elif mode == "data-after-close":
        # The server closes at once; we read its FIN (CLOSE-WAIT) and send anyway.
        read_all(s)
        time.sleep(0.5)
        s.sendall(REQUEST)
        time.sleep(0.3)
        try:
            s.recv(4096)
        except ConnectionResetError:
            print("client: reset", file=sys.stderr)
        s.close()
    elif mode == "fin-wait-2":
        # Two connections that the server closes at once. Ours stay in CLOSE-WAIT and
        # say nothing; then a FIN on the first while the server's orphaned FIN-WAIT-2
        # still exists (tcp_fin_timeout, 60 s), and one on the second after that.
        s2 = socket.socket(family(host), socket.SOCK_STREAM)
        s2.settimeout(20)
        s2.connect((host, port))
        read_all(s)
        read_all(s2)
        t0 = time.time()
        time.sleep(FIN_WAIT_2_EARLY_S)
        s.close()
        time.sleep(FIN_WAIT_2_LATE_S - (time.time() - t0))
        s2.close()
        time.sleep(0.5)
    elif mode == "half-open":
        s.sendall(REQUEST)
        time.sleep(0.2)
        crash(host, port)
        # The rebooted host connects again from the same port, with a new ISN.
        s2 = connect_from(host, port, local_port)
        time.sleep(0.2)
        s2.close()
        s.close()
    elif mode == "after-flood":
        time.sleep(0.3)
        s.close()
    elif mode == "isn-choice":
        # Three connections, each aborted (a RST: no TIME-WAIT on either side): two
        # from the same port 100 ms apart, whose server ISNs differ by the clock
        # alone, and one from the next port, whose ISN the clock does not foretell
        # (RFC 6528's keyed hash of the addresses and ports).
        for k, lport in enumerate((local_port, local_port, local_port + 1)):
            if k:
                time.sleep(0.1)
                s = connect_from(host, port, lport)
            time.sleep(0.02)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
    elif mode == "reconnect":
        # A request, the response until the server's FIN, close; then the same
        # again at once from the same port (the server's side is in TIME-WAIT).
        for k in range(2):
            if k:
                time.sleep(0.1)
                s = connect_from(host, port, local_port)
            s.sendall(REQUEST)
            read_all(s)
            time.sleep(0.01)
            s.close()
    elif mode == "hold":
        # Connected (the client believes it, at least): hold the socket, then close.
        time.sleep(HOLD_S)
        s.close()
    elif mode == "request-reset":
        # Send a request and wait for whatever comes: here the server's RST.
        request_then_close(s)
    elif mode == "power-off":
        # The host loses power after its request: its socket is gone and nothing
        # leaves or reaches it any more (every TCP segment dropped both ways).
        s.sendall(REQUEST)
        time.sleep(0.3)
        rule = (
            "table inet synack_off {\n"
            "    chain in { type filter hook input priority 0; meta l4proto tcp drop; }\n"
            "    chain out { type filter hook output priority 0; meta l4proto tcp drop; }\n"
            "}\n"
        )
        subprocess.run(["nft", "-f", "-"], input=rule.encode(), check=True)
        subprocess.run(["ss", "-K", "dst", host, "dport", "=", f":{port}"], check=False, capture_output=True)
        time.sleep(KEEPALIVE_IDLE_S + KEEPALIVE_INTVL_S * (KEEPALIVE_PROBES + 1) + 1)
        subprocess.run(["nft", "delete", "table", "inet", "synack_off"], check=True)
    if sink:
        sink.close()


def main():
    args = sys.argv[1:]
    if len(args) >= 3 and args[0] == "server":
        server(args[1], int(args[2]), float(args[3]) if len(args) > 3 else 0.0)
    elif len(args) >= 4 and args[0] == "client":
        start = float(args[4]) if len(args) > 4 else 0.0
        local_port = int(args[5]) if len(args) > 5 else 0
        client(args[1], args[2], int(args[3]), start, local_port)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
