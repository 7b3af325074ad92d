#!/usr/bin/env bash
# Makes the real captures that synack-capture's tests read: real Linux TCP between two
# network namespaces that this script creates (joined by a veth pair), captured with
# tcpdump, one small pcap per situation, in crates/synack-capture/tests/captures/.
# No traffic leaves the two namespaces; they are deleted on exit.
#
# Usage (as root): scripts/make-captures.sh [NAME...]
# With names (e.g. `data-lost bulk`), only those captures are made again; the
# others are left as they are.
# It installs tcpdump, nftables, ethtool and tshark (for editcap and mergecap) from
# Debian if they are missing. Segments are lost on purpose with nftables rules inside
# the namespaces (this kernel has no netem), and the simultaneous cases hold segments
# back in a token-bucket (tbf) queue so that both sides' segments cross in flight.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
    echo "make-captures.sh: run as root: it creates network namespaces" >&2
    exit 2
fi

OUT=crates/synack-capture/tests/captures
PEER="$PWD/scripts/capture-peer.py"
C=synack-cap-client
S=synack-cap-server
C4=10.99.0.1
S4=10.99.0.2
C6=fd99::1
S6=fd99::2
TCPDUMP_PID=

cleanup() {
    if [ -n "$TCPDUMP_PID" ]; then
        kill -INT "$TCPDUMP_PID" 2>/dev/null || true
    fi
    ip netns del "$C" 2>/dev/null || true
    ip netns del "$S" 2>/dev/null || true
}
trap cleanup EXIT

missing=()
command -v tcpdump >/dev/null 2>&1 || missing+=(tcpdump)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v ethtool >/dev/null 2>&1 || missing+=(ethtool)
command -v mergecap >/dev/null 2>&1 || missing+=(tshark)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$OUT"

# want NAME...: whether any of these captures is to be made.
want() {
    [ ${#ONLY[@]} -eq 0 ] && return 0
    local n w
    for n in "$@"; do
        for w in "${ONLY[@]}"; do
            [ "$n" = "$w" ] && return 0
        done
    done
    return 1
}
ONLY=("$@")

# Fresh namespaces for every capture, so that no TIME-WAIT or cached route of an
# earlier run changes the next one. $1: "offload" keeps TX checksum offload on.
setup() {
    cleanup
    ip netns add "$C"
    ip netns add "$S"
    ip link add sa-c netns "$C" type veth peer name sa-s netns "$S"
    ip -n "$C" addr add "$C4/24" dev sa-c
    ip -n "$S" addr add "$S4/24" dev sa-s
    ip -n "$C" addr add "$C6/64" dev sa-c nodad
    ip -n "$S" addr add "$S6/64" dev sa-s nodad
    for ns in "$C" "$S"; do
        ip -n "$ns" link set lo up
    done
    ip -n "$C" link set sa-c up
    ip -n "$S" link set sa-s up
    # Static neighbour entries: no ARP or neighbour discovery in the captures, and
    # no first segment held back while an address is resolved.
    local cmac smac
    cmac=$(ip netns exec "$C" cat /sys/class/net/sa-c/address)
    smac=$(ip netns exec "$S" cat /sys/class/net/sa-s/address)
    ip -n "$C" neigh replace "$S4" lladdr "$smac" dev sa-c nud permanent
    ip -n "$C" neigh replace "$S6" lladdr "$smac" dev sa-c nud permanent
    ip -n "$S" neigh replace "$C4" lladdr "$cmac" dev sa-s nud permanent
    ip -n "$S" neigh replace "$C6" lladdr "$cmac" dev sa-s nud permanent
    if [ "${1:-}" != offload ]; then
        # Without this, Linux hands segments to the veth with the checksum unfilled,
        # and the capture shows wrong checksums.
        ip netns exec "$C" ethtool -K sa-c tx off >/dev/null
        ip netns exec "$S" ethtool -K sa-s tx off >/dev/null
    fi
    # Let both links come up before the first segment.
    sleep 0.3
}

# start_capture NAME [tcpdump options...]: capture TCP on the client's side.
start_capture() {
    local name=$1
    shift
    local iface=sa-c
    if [ "${1:-}" = any ]; then
        iface=any
        shift
    fi
    rm -f "$OUT/$name.pcap" /tmp/synack-cap.err
    ip netns exec "$C" tcpdump -i "$iface" -U -w "$OUT/$name.pcap" "$@" tcp 2>/tmp/synack-cap.err &
    TCPDUMP_PID=$!
    for _ in $(seq 50); do
        grep -q "listening on" /tmp/synack-cap.err 2>/dev/null && return 0
        sleep 0.1
    done
    echo "make-captures.sh: tcpdump did not start: $(cat /tmp/synack-cap.err)" >&2
    exit 1
}

stop_capture() {
    # Room for segments still held in a tbf queue, and for a last retransmission.
    sleep 1
    kill -INT "$TCPDUMP_PID" 2>/dev/null || true
    wait "$TCPDUMP_PID" 2>/dev/null || true
    TCPDUMP_PID=
}

server() { ip netns exec "$S" python3 "$PEER" server "$@" & }

# Wait (at most 5 s) until the server's side of the connection is ESTABLISHED.
wait_established() {
    for _ in $(seq 50); do
        [ -n "$(ip netns exec "$S" ss -Htn state established '( sport = :80 )')" ] && return 0
        sleep 0.1
    done
    echo "make-captures.sh: the connection was not established" >&2
    exit 1
}
# CLIENT_TIMEOUT=SECONDS client ...: for the captures that wait for Linux's own timers.
client() { ip netns exec "$C" timeout "${CLIENT_TIMEOUT:-30}" python3 "$PEER" client "$@"; }
nft_in() { ip netns exec "$1" nft -f -; }

# drop_first_in NS MATCH: namespace NS drops the first incoming segment that MATCH
# (an nft expression) picks, and no other: "quota until 100 bytes" matches until
# 100 bytes have matched, and one small segment of 60-odd bytes is below that.
drop_first_in() {
    nft_in "$1" <<EOF
table inet synack {
    chain input {
        type filter hook input priority 0;
        $2 quota until 100 bytes drop
    }
}
EOF
}

# plain NAME SERVER_MODE CLIENT_MODE [setup option]: a connection with nothing in the way.
plain() {
    setup "${4:-}"
    start_capture "$1"
    server "$2" 80
    sleep 0.3
    client "$3" "$S4" 80
    wait_servers
    stop_capture
}

wait_servers() {
    # Every background job but tcpdump: the server side(s).
    for pid in $(jobs -p); do
        [ "$pid" = "$TCPDUMP_PID" ] || wait "$pid" 2>/dev/null || true
    done
}

if want three-way-handshake; then
    echo "three-way-handshake (the first three segments only)"
    setup
    start_capture three-way-handshake -c 3
    server handshake 80
    sleep 0.3
    client handshake "$S4" 80
    wait_servers
    stop_capture
fi

if want four-way-teardown full-lifecycle three-segment-teardown half-close rst-abort; then
    echo "four-way-teardown, full-lifecycle, three-segment-teardown, half-close, rst-abort"
    plain four-way-teardown four-way four-way
    plain full-lifecycle lifecycle lifecycle
    # Linux acknowledges a FIN at once or after a short delay; the ACK rides on the
    # FIN only when the application closes first. Try a few times for that shape.
    for _ in 1 2 3 4 5 6 7 8; do
        plain three-segment-teardown three-segment three-segment
        tcpdump -nr "$OUT/three-segment-teardown.pcap" 2>/dev/null |
            awk '/10.99.0.1.* > 10.99.0.2.80: Flags \[F\.\]/ { getline; if ($0 ~ /Flags \[F\.\]/) ok = 1 } END { exit !ok }' && break
    done
    plain half-close half-close half-close
    plain rst-abort abort abort
fi

if want checksum-offload; then
    echo "checksum-offload (offload left on: the capture carries unfilled checksums)"
    plain checksum-offload checksum-offload checksum-offload offload
fi

if want ipv6-handshake; then
    echo "ipv6"
    setup
    start_capture ipv6-handshake
    server handshake-v6 80
    sleep 0.3
    client handshake-v6 "$S6" 80
    wait_servers
    stop_capture
fi

if want connection-refused; then
    echo "connection-refused"
    setup
    start_capture connection-refused
    client handshake "$S4" 81 || true
    stop_capture
fi

if want syn-lost; then
    echo "syn-lost: the server's namespace drops the first SYN"
    setup
    start_capture syn-lost
    server syn-lost 80
    sleep 0.3
    drop_first_in "$S" 'tcp dport 80 tcp flags & (syn | ack) == syn'
    client syn-lost "$S4" 80
    wait_servers
    stop_capture
fi

if want syn-ack-lost; then
    echo "syn-ack-lost: the client's namespace drops the first SYN,ACK"
    setup
    start_capture syn-ack-lost
    server syn-ack-lost 80
    sleep 0.3
    drop_first_in "$C" 'tcp sport 80 tcp flags & (syn | ack) == syn | ack'
    client syn-ack-lost "$S4" 80
    wait_servers
    stop_capture
fi

if want final-ack-lost; then
    echo "final-ack-lost: the server's namespace drops the client's last ACK"
    setup
    start_capture final-ack-lost
    server final-ack-lost 80
    sleep 0.3
    client final-ack-lost "$S4" 80 &
    wait_established
    # Added once the handshake is over: the next bare ACK from the client is its last one.
    drop_first_in "$S" 'tcp dport 80 tcp flags == ack'
    wait_servers
    stop_capture
fi

if want half-open; then
    echo "half-open: the client forgets the connection (its socket destroyed, its RST held back) and connects again"
    setup
    start_capture half-open
    server half-open 80
    sleep 0.3
    client half-open "$S4" 80 0 40123
    wait_servers
    stop_capture
fi

if want connect-timeout; then
    echo "connect-timeout: SYNs dropped, two retries, doubling timeouts"
    setup
    ip netns exec "$C" sysctl -qw net.ipv4.tcp_syn_retries=2
    if [ -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts ]; then
        # Linux 6.x retries the first SYNs at a fixed 1 s; the RFC 6298 doubling is wanted here.
        ip netns exec "$C" sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0
    fi
    start_capture connect-timeout
    nft_in "$S" <<'EOF'
table inet synack {
    chain input {
        type filter hook input priority 0;
        tcp dport 80 drop
    }
}
EOF
    client handshake "$S4" 80 || true
    stop_capture
fi

# The simultaneous cases: a tbf queue on both veths holds each side's segments for
# about a tenth of a second, so the two SYNs (or FINs) are both sent before either
# arrives, as in RFC 9293 Figures 7 and 13.
slow_links() {
    ip netns exec "$C" tc qdisc add dev sa-c root tbf rate 80kbit burst 1600 latency 2s
    ip netns exec "$S" tc qdisc add dev sa-s root tbf rate 80kbit burst 1600 latency 2s
}

if want close-with-unread-data; then
    echo "close-with-unread-data: the server closes without reading the request: a RST, not a FIN"
    plain close-with-unread-data close-unread request-reset
fi

if want syn-flood syn-cookies; then
    for name in syn-flood syn-cookies; do
        want "$name" || continue
        echo "$name: three forged SYNs fill a listen(2) server's SYN queue (tcp_syncookies $([ $name = syn-flood ] && echo 0 || echo 1)), then a real client connects"
        setup
        ip netns exec "$S" sysctl -qw net.ipv4.tcp_syncookies=$([ $name = syn-flood ] && echo 0 || echo 1)
        # The forged addresses lead to the client's interface (static neighbours),
        # so the server's SYN,ACKs to them are on the wire, and nobody answers.
        cmac=$(ip netns exec "$C" cat /sys/class/net/sa-c/address)
        for i in 0 1 2; do
            ip -n "$S" neigh replace "10.99.0.$((50 + i))" lladdr "$cmac" dev sa-s nud permanent
        done
        start_capture "$name"
        server flooded 80
        sleep 0.3
        CLIENT_TIMEOUT=100 client after-flood "$S4" 80
        wait_servers
        stop_capture
        # The server's counters: cookies sent and checked, SYNs dropped.
        {
            echo "# $name.pcap: the server namespace's counters (nstat) after the capture, Linux $(uname -r)."
            ip netns exec "$S" nstat -az TcpExtSyncookiesSent TcpExtSyncookiesRecv TcpExtListenDrops |
                awk '!/^#/ { print $1, $2 }'
        } > "$OUT/$name.txt"
    done
fi

if want accept-queue-full; then
    echo "accept-queue-full: listen(1) and no accept(); the second client's first ACK is lost, and its later ones find the accept queue full"
    setup
    # The first pure ACK from port 40002 is lost in the server's namespace: that
    # client is ESTABLISHED, the server's entry still SYN-RECEIVED.
    drop_first_in "$S" "tcp sport 40002 tcp flags & (syn | ack) == ack"
    start_capture accept-queue-full
    server no-accept 80
    sleep 0.3
    client hold "$S4" 80 0 40001 &
    sleep 0.2
    client hold "$S4" 80 0 40002 &
    sleep 0.3
    client hold "$S4" 80 0 40003 &
    wait_servers
    stop_capture
fi

if want time-wait-new-syn; then
    echo "time-wait-new-syn: the server answers and closes first (TIME-WAIT); the client connects again from the same port"
    setup
    start_capture time-wait-new-syn
    server time-wait-new-syn 80
    sleep 0.3
    client reconnect "$S4" 80 0 40000
    wait_servers
    stop_capture
fi

if want isn-choice; then
    echo "isn-choice: three aborted connections, two from port 40000 100 ms apart, one from 40001 (RFC 6528 ISNs)"
    setup
    start_capture isn-choice
    server isn-choice 80
    sleep 0.3
    client isn-choice "$S4" 80 0 40000
    wait_servers
    stop_capture
fi

if want zero-window; then
    echo "zero-window: a server with a small receive buffer reads nothing for 6 s; the client's zero-window probes"
    setup
    start_capture zero-window
    server slow-reader 80
    sleep 0.3
    client fill "$S4" 80
    wait_servers
    stop_capture
fi

if want fast-open; then
    echo "fast-open: tcp_fastopen=3 both sides; a cookie requested, then a request sent in the SYN with it (RFC 7413)"
    setup
    ip netns exec "$C" sysctl -qw net.ipv4.tcp_fastopen=3
    ip netns exec "$S" sysctl -qw net.ipv4.tcp_fastopen=3
    start_capture fast-open
    server fast-open 80
    sleep 0.3
    client fast-open "$S4" 80
    wait_servers
    stop_capture
fi

if want keepalive; then
    echo "keepalive: the client loses power after its request; the server's keep-alive (2 s, 1 s, 3 probes) gives up"
    setup
    start_capture keepalive
    server keepalive 80
    sleep 0.3
    CLIENT_TIMEOUT=20 client power-off "$S4" 80
    wait_servers
    stop_capture
fi

if want simultaneous-open; then
    echo "simultaneous-open"
    setup
    slow_links
    start_capture simultaneous-open
    start=$(python3 -c 'import time; print(time.time() + 1.0)')
    ip netns exec "$S" timeout 30 python3 "$PEER" client simultaneous-open "$C4" 5001 "$start" 5002 &
    client simultaneous-open "$S4" 5002 "$start" 5001
    wait_servers
    stop_capture
fi

if want simultaneous-close; then
    echo "simultaneous-close"
    setup
    slow_links
    start_capture simultaneous-close
    start=$(python3 -c 'import time; print(time.time() + 1.5)')
    server simultaneous-close 80 "$start"
    sleep 0.3
    client simultaneous-close "$S4" 80 "$start"
    wait_servers
    stop_capture
fi

if want cooked-sll cooked-sll2; then
    echo "cooked captures: tcpdump -i any (Linux cooked v2, and v1 with -y LINUX_SLL)"
    setup
    start_capture cooked-sll2 any
    server lifecycle 80
    sleep 0.3
    client lifecycle "$S4" 80
    wait_servers
    stop_capture
    setup
    start_capture cooked-sll any -y LINUX_SLL
    server lifecycle 80
    sleep 0.3
    client lifecycle "$S4" 80
    wait_servers
    stop_capture
fi

# Loss, reordering and duplication of single segments. This kernel has no netem, so
# nftables picks the segment: `quota until 100 bytes` matches only the first small
# segment of its kind, and `numgen inc mod 1000 == N` counts the segments that reach
# it (from 0) and matches only the (N+1)-th. The server writes its stream one
# segment at a time: the output hook sees what TCP hands down, and one write of the
# whole stream would reach it as a few large GSO buffers, cut into segments only
# later, at the device. What the client's namespace drops on
# input is still in the capture (tcpdump sees it arrive on sa-c), as a segment its
# receiver never got; what the server's namespace drops never reaches the capture.

if want handshake-ack-lost; then
    echo "handshake-ack-lost: the server's namespace drops the ACK that ends the handshake"
    setup
    start_capture handshake-ack-lost
    server lifecycle 80
    sleep 0.3
    drop_first_in "$S" 'tcp dport 80 tcp flags == ack'
    # The client says nothing for 1.5 s, so the server repeats its SYN,ACK first.
    client late-request "$S4" 80
    wait_servers
    stop_capture
fi

if want fin-lost; then
    echo "fin-lost: the server's namespace drops the client's first FIN"
    setup
    start_capture fin-lost
    server lifecycle 80
    sleep 0.3
    drop_first_in "$S" 'tcp dport 80 tcp flags & fin == fin'
    client lifecycle "$S4" 80
    wait_servers
    stop_capture
fi

if want data-lost; then
    echo "data-lost: the client's namespace drops the server's third data segment"
    setup
    start_capture data-lost
    server stream 80
    sleep 0.3
    nft_in "$C" <<'EOF'
table inet synack {
    chain input {
        type filter hook input priority 0;
        tcp sport 80 ip length > 1000 numgen inc mod 1000 == 2 drop
    }
}
EOF
    client stream "$S4" 80
    wait_servers
    stop_capture
fi

if want data-reordered; then
    echo "data-reordered: the server's third data segment is held back behind the next ones"
    setup
    # A slow HTB class holds what the nftables rule puts in it (skb priority 1:20)
    # for about 0.1 s: the server first empties its bucket with two UDP datagrams.
    # Everything else leaves at once through class 1:10.
    ip netns exec "$S" tc qdisc add dev sa-s root handle 1: htb default 10
    ip netns exec "$S" tc class add dev sa-s parent 1: classid 1:10 htb rate 10gbit quantum 1514
    ip netns exec "$S" tc class add dev sa-s parent 1: classid 1:20 htb rate 100kbit ceil 100kbit burst 1600 cburst 1600
    # No retransmission while it waits: no RACK or tail loss probe, and a duplicate
    # ACK threshold above the stream's ten segments (the retransmission timer, at
    # least 200 ms, is slower than the hold).
    ip netns exec "$S" sysctl -qw net.ipv4.tcp_recovery=0 net.ipv4.tcp_early_retrans=0 net.ipv4.tcp_reordering=100
    start_capture data-reordered
    server reorder 80
    sleep 0.3
    nft_in "$S" <<'EOF'
table inet synack {
    chain output {
        type filter hook output priority 0;
        udp dport 9999 meta priority set 1:20
        tcp sport 80 ip length > 1000 numgen inc mod 1000 == 2 meta priority set 1:20
    }
}
EOF
    client stream "$S4" 80
    wait_servers
    stop_capture
fi

if want data-duplicated; then
    echo "data-duplicated: the server's namespace sends its fourth data segment twice"
    setup
    start_capture data-duplicated
    server stream 80
    sleep 0.3
    nft_in "$S" <<'EOF'
table ip synack {
    chain output {
        type filter hook output priority 0;
        tcp sport 80 ip length > 1000 numgen inc mod 1000 == 3 dup to 10.99.0.1 device sa-s
    }
}
EOF
    client stream "$S4" 80
    wait_servers
    stop_capture
fi

if want bulk; then
    echo "bulk: 100 kB each way (headers only: a 96-byte snapshot)"
    setup
    start_capture bulk -s 96
    server bulk 80
    sleep 0.3
    client bulk "$S4" 80
    wait_servers
    stop_capture
fi

# The linux-* captures: what Linux 6.x does where its timers or its answers differ
# from the RFC's, to hold the engine's `linux` profile to. Default sysctls. Some
# write NAME.txt next to NAME.pcap: what the capture cannot show (when a call
# failed, when a socket went away), in seconds since the capture's first segment.

# first_segment_time NAME: the capture's first segment, in seconds since the epoch.
first_segment_time() { tcpdump -tt -nr "$OUT/$1.pcap" -c 1 2>/dev/null | awk '{ print $1 }'; }

# facts NAME FILE: NAME.txt from a header and FILE's `key value` lines, where a
# value that is an epoch time (a key ending in _at) becomes seconds since the
# capture's first segment.
facts() {
    local first
    first=$(first_segment_time "$1")
    {
        echo "# $1.pcap: written by scripts/make-captures.sh on Linux $(uname -r), default sysctls"
        echo "# (tcp_syn_retries $(cat /proc/sys/net/ipv4/tcp_syn_retries)," \
            "tcp_syn_linear_timeouts $(cat /proc/sys/net/ipv4/tcp_syn_linear_timeouts 2>/dev/null || echo -)," \
            "tcp_synack_retries $(cat /proc/sys/net/ipv4/tcp_synack_retries)," \
            "tcp_fin_timeout $(cat /proc/sys/net/ipv4/tcp_fin_timeout))."
        echo "# Times (keys ending in _at) in seconds since the capture's first segment."
        awk -v first="$first" '$1 ~ /_at$/ { printf "%s %.6f\n", $1, $2 - first; next } { print }' "$2"
    } >"$OUT/$1.txt"
    cat "$OUT/$1.txt"
}

# watch_sockets NS STATE OUT: until the number of NS's sockets in STATE on port 80
# has gone above 0 and back to 0 (at most about 250 s), append `STATE_N_at EPOCH`
# to OUT each time that number changes (N: the new number), polling every 20 ms.
watch_sockets() {
    ip netns exec "$1" bash -c '
        prev=0 seen=0
        for _ in $(seq 10000); do
            n=$(ss -Htan state "$0" "( sport = :80 )" | wc -l)
            if [ "$n" != "$prev" ]; then
                echo "${0//-/_}_${n}_at $(date +%s.%N)"
                prev=$n
                [ "$n" -gt 0 ] && seen=1
            fi
            [ "$seen" = 1 ] && [ "$n" = 0 ] && exit 0
            sleep 0.02
        done' "$2" >>"$3"
}

if want linux-syn-timeout; then
    echo "linux-syn-timeout: every SYN dropped; connect() waits until Linux gives up (about 135 s)"
    setup
    start_capture linux-syn-timeout
    nft_in "$S" <<'EOF'
table inet synack {
    chain input {
        type filter hook input priority 0;
        tcp dport 80 drop
    }
}
EOF
    CLIENT_TIMEOUT=200 client syn-timeout "$S4" 80 >/tmp/synack-cap.out
    stop_capture
    facts linux-syn-timeout /tmp/synack-cap.out
fi

if want linux-synack-timeout; then
    echo "linux-synack-timeout: only the client's SYN leaves its namespace; the server repeats its SYN,ACK, then gives up"
    setup
    start_capture linux-synack-timeout
    server listen-only 80
    sleep 0.3
    # The first SYN goes out; nothing after it (the ACKs of the SYN,ACKs) does, until
    # the client deletes this table at 70 s to send a request the server cannot place.
    nft_in "$C" <<'EOF'
table inet synack {
    chain output {
        type filter hook output priority 0;
        tcp dport 80 tcp flags & (syn | ack) == syn quota until 100 bytes accept
        tcp dport 80 drop
    }
}
EOF
    : >/tmp/synack-cap.out
    CLIENT_TIMEOUT=100 client late-request-after-give-up "$S4" 80 &
    watch_sockets "$S" syn-recv /tmp/synack-cap.out
    wait_servers
    stop_capture
    facts linux-synack-timeout /tmp/synack-cap.out
fi

if want linux-data-after-close; then
    echo "linux-data-after-close: the server closes at once; the client sends anyway and gets a bare RST"
    setup
    start_capture linux-data-after-close
    server close-at-once 80
    sleep 0.3
    client data-after-close "$S4" 80
    wait_servers
    stop_capture
fi

if want linux-fin-wait-2-timeout; then
    echo "linux-fin-wait-2-timeout: the server closes two connections; FINs come back at 30 s (ACK) and 65 s (RST)"
    setup
    start_capture linux-fin-wait-2-timeout
    server fin-wait-2 80
    sleep 0.3
    : >/tmp/synack-cap.out
    CLIENT_TIMEOUT=100 client fin-wait-2 "$S4" 80 &
    watch_sockets "$S" fin-wait-2 /tmp/synack-cap.out
    wait_servers
    stop_capture
    facts linux-fin-wait-2-timeout /tmp/synack-cap.out
fi

if want full-lifecycle two-interfaces; then
    echo "other encodings of the real packets: pcapng, raw IP, BSD loopback, big-endian nanoseconds"
    python3 scripts/pcap-convert.py "$OUT"
    mergecap -F pcapng -w "$OUT/two-interfaces.pcapng" "$OUT/connection-refused.pcap" "$OUT/cooked-sll2.pcap"
fi

echo "made:"
ls -l "$OUT"
