//! The engine against the Linux kernel's TCP, through a TUN device in a network
//! namespace that the run creates and deletes.
//!
//! Setup ([`Netns::create`], then [`LinuxRun::open`] from a thread that entered the
//! namespace): `ip netns add synack-it-PID-TAG`; inside it IPv6 is switched off (so
//! the device carries nothing but the run's IPv4), a TUN device `synack0` is
//! opened, given 10.77.0.1/24 and brought up. The kernel then routes 10.77.0.2 — the
//! engine — through the device: every packet it sends there is read by
//! [`LinuxRun`], decoded and handed to the engine, and the engine's segments are
//! written back into the device as IPv4 packets. The Linux side of a test uses
//! ordinary `std::net` sockets from another thread that entered the namespace
//! (`setns` changes only the calling thread's namespace).
//!
//! Cleanup: dropping the [`Netns`] runs `ip netns del`, also when a test fails;
//! the TUN device goes with its file descriptor and the namespace.
//!
//! Time is real here (`std::time::Instant`, mapped to the engine's microseconds),
//! and every wait is bounded.

use std::fs::File;
use std::io::{self, ErrorKind, Write};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nix::sched::{setns, CloneFlags};
use synack_core::{EndpointConfig, Side, State};
use tun_tap::{Iface, Mode};

use crate::capture::Expected;
use crate::host::EngineHost;
use crate::pcap::Record;
use crate::wire::{decode, encode, ENGINE_ADDR, PEER_ADDR};

/// The TUN device's name inside the namespace.
pub const TUN_NAME: &str = "synack0";
/// How long the loop sleeps when neither side has anything to do.
const IDLE: Duration = Duration::from_micros(200);
/// A buffer for one packet: the device's MTU is 1500.
const PACKET_BUF: usize = 2048;

/// A network namespace made for one run, deleted when dropped.
#[derive(Debug)]
pub struct Netns {
    entry: NetnsEntry,
}

/// A way into a [`Netns`] that threads can carry: it does not own the namespace.
#[derive(Clone, Debug)]
pub struct NetnsEntry {
    name: String,
}

fn run_ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip").args(args).output().map_err(|e| format!("cannot run `ip` (iproute2): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("`ip {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
    }
}

impl Netns {
    /// Create the namespace `synack-it-PID-TAG`; the error says what is missing.
    pub fn create(tag: &str) -> Result<Netns, String> {
        let euid = nix::unistd::geteuid();
        if !euid.is_root() {
            return Err(format!("not running as root (effective uid {euid})"));
        }
        if !std::path::Path::new("/dev/net/tun").exists() {
            return Err("/dev/net/tun does not exist".into());
        }
        let name = format!("synack-it-{}-{tag}", std::process::id());
        // A namespace of the same name left by a killed run of this same process id
        // would make `add` fail; it cannot be in use by anyone else.
        if PathBuf::from("/run/netns").join(&name).exists() {
            run_ip(&["netns", "del", &name])?;
        }
        run_ip(&["netns", "add", &name])?;
        Ok(Netns { entry: NetnsEntry { name } })
    }

    pub fn name(&self) -> &str {
        &self.entry.name
    }

    pub fn entry(&self) -> NetnsEntry {
        self.entry.clone()
    }
}

impl NetnsEntry {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Move the calling thread into the namespace (only this thread: `setns(2)`).
    pub fn enter(&self) -> Result<(), String> {
        let path = PathBuf::from("/run/netns").join(&self.name);
        let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        setns(&file, CloneFlags::CLONE_NEWNET).map_err(|e| format!("setns into {}: {e}", self.name))
    }

    /// Run `ip -n NAME ARGS…` inside the namespace.
    pub fn ip(&self, args: &[&str]) -> Result<(), String> {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        run_ip(&all)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if let Err(e) = run_ip(&["netns", "del", self.name()]) {
            let _ = writeln!(io::stderr(), "synack-interop: could not delete network namespace {}: {e}", self.name());
        }
    }
}

/// Create the run's namespace, or decide to skip.
///
/// Without root, `/dev/net/tun` or a working `ip netns`, this prints
/// `SKIPPED: Linux interop needs root and /dev/net/tun: REASON` straight to the
/// process's stderr (past the test harness's capture, so it is seen even when the
/// test passes) and returns `Ok(None)`. But when `CI=true` and we are root, a
/// failure to set up is an error: CI runs as root, so there the tests must run.
pub fn namespace_or_skip(tag: &str) -> Result<Option<Netns>, String> {
    match Netns::create(tag) {
        Ok(ns) => Ok(Some(ns)),
        Err(reason) => {
            let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
            if in_ci && nix::unistd::geteuid().is_root() {
                return Err(format!("Linux interop could not set up in CI, running as root: {reason}"));
            }
            let _ = writeln!(io::stderr(), "\nSKIPPED: Linux interop needs root and /dev/net/tun: {reason}");
            Ok(None)
        }
    }
}

/// A packet read from the device that was not TCP for the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignored {
    pub t_us: u64,
    pub why: String,
}

/// The engine on one side of a TUN device, Linux on the other.
pub struct LinuxRun {
    tun: Iface,
    pub engine: EngineHost,
    start: Instant,
    /// The wall-clock time of `start`, in microseconds since the Unix epoch: the
    /// capture's timestamps are this plus the engine's time.
    epoch_us: u64,
    /// Every packet that crossed the device, both ways, in order.
    pub records: Vec<Record>,
    /// Packets read from the device that the engine did not get.
    pub ignored: Vec<Ignored>,
    /// While set, segments for the engine are kept in [`LinuxRun::held`] instead of
    /// delivered: a test can make two SYNs cross (a simultaneous open).
    pub hold: bool,
    /// Segments for the engine held back, in arrival order.
    pub held: Vec<synack_core::Segment>,
}

impl core::fmt::Debug for LinuxRun {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LinuxRun")
            .field("engine", &self.engine.state())
            .field("packets", &self.records.len())
            .finish_non_exhaustive()
    }
}

impl LinuxRun {
    /// Open the TUN device in `ns` and address it; the calling thread enters `ns`.
    pub fn open(ns: &NetnsEntry, side: Side, cfg: EndpointConfig) -> Result<LinuxRun, String> {
        ns.enter()?;
        // /proc/sys/net is the namespace of the thread that opens the file. Without
        // IPv6 the device carries no router solicitations, only the run's packets.
        for which in ["all", "default"] {
            let path = format!("/proc/sys/net/ipv6/conf/{which}/disable_ipv6");
            if std::path::Path::new(&path).exists() {
                std::fs::write(&path, "1").map_err(|e| format!("{path}: {e}"))?;
            }
        }
        let tun = Iface::without_packet_info(TUN_NAME, Mode::Tun).map_err(|e| format!("opening /dev/net/tun: {e}"))?;
        tun.set_non_blocking().map_err(|e| format!("making the TUN device non-blocking: {e}"))?;
        ns.ip(&["addr", "add", &format!("{PEER_ADDR}/24"), "dev", TUN_NAME])?;
        ns.ip(&["link", "set", TUN_NAME, "up"])?;
        let epoch_us = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as u64);
        Ok(LinuxRun {
            tun,
            engine: EngineHost::new(side, cfg),
            start: Instant::now(),
            epoch_us,
            records: Vec::new(),
            ignored: Vec::new(),
            hold: false,
            held: Vec::new(),
        })
    }

    /// The engine's clock: microseconds since the device was opened.
    pub fn now(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }

    /// Move packets and fire timers until `done` holds, or fail after `limit` of
    /// real time with both sides' states in the message.
    pub fn run_until(&mut self, limit: Duration, mut done: impl FnMut(&mut LinuxRun) -> bool) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        loop {
            let busy = self.pump()?;
            if done(self) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "gave up after {limit:?}: the engine is {} after {} packets",
                    self.engine.state(),
                    self.records.len()
                ));
            }
            if !busy {
                std::thread::sleep(IDLE);
            }
        }
    }

    /// Read what Linux sent, hand it to the engine, fire due timers, write what the
    /// engine sends. Returns whether anything moved.
    fn pump(&mut self) -> Result<bool, String> {
        let mut moved = false;
        let mut buf = [0u8; PACKET_BUF];
        loop {
            let len = match self.tun.recv(&mut buf) {
                Ok(len) => len,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("reading the TUN device: {e}")),
            };
            moved = true;
            let now = self.now();
            let bytes = &buf[..len];
            self.records.push(Record { t_us: self.epoch_us + now, data: bytes.to_vec() });
            match decode(bytes) {
                Ok(p) if p.dst == ENGINE_ADDR && self.hold => self.held.push(p.segment),
                Ok(p) if p.dst == ENGINE_ADDR => self.engine.deliver(now, &p.segment),
                Ok(p) => self.ignored.push(Ignored { t_us: now, why: format!("a TCP packet for {}", p.dst) }),
                Err(e) => self.ignored.push(Ignored { t_us: now, why: e.to_string() }),
            }
        }
        let now = self.now();
        self.engine.tick(now);
        for seg in self.engine.transmits() {
            let bytes = encode(ENGINE_ADDR, PEER_ADDR, &seg).map_err(|e| e.to_string())?;
            self.tun.send(&bytes).map_err(|e| format!("writing to the TUN device: {e}"))?;
            self.records.push(Record { t_us: self.epoch_us + now, data: bytes });
            moved = true;
        }
        Ok(moved)
    }

    /// Stop holding, and hand the held segments to the engine now, in order.
    pub fn release(&mut self) {
        self.hold = false;
        let now = self.now();
        for seg in std::mem::take(&mut self.held) {
            self.engine.deliver(now, &seg);
        }
    }

    /// The run's expected-states record; times are on the capture's clock.
    pub fn expected(&self, name: &str, linux_final_state: Option<State>) -> Expected {
        let mut transitions = self.engine.transitions.clone();
        for t in &mut transitions {
            t.t_us += self.epoch_us;
        }
        let mut e = Expected::new(name, "linux", self.engine.side, transitions);
        e.peer_final_state = linux_final_state.map(|s| s.to_string());
        e
    }
}

/// One line of the kernel's TCP socket table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelSocket {
    pub local: SocketAddrV4,
    pub remote: SocketAddrV4,
    pub state: State,
}

/// The kernel's name for a state in `/proc/net/tcp` (include/net/tcp_states.h).
fn kernel_state(code: u8) -> Option<State> {
    Some(match code {
        0x01 => State::Established,
        0x02 => State::SynSent,
        0x03 => State::SynReceived,
        0x04 => State::FinWait1,
        0x05 => State::FinWait2,
        0x06 => State::TimeWait,
        0x07 => State::Closed,
        0x08 => State::CloseWait,
        0x09 => State::LastAck,
        0x0A => State::Listen,
        0x0B => State::Closing,
        _ => return None,
    })
}

/// `0100004D0A:1F90` → 10.77.0.1:8080. The address is the 32-bit word as the
/// kernel stores it (network order) printed as a native integer.
fn kernel_addr(field: &str) -> Option<SocketAddrV4> {
    let (addr, port) = field.split_once(':')?;
    let addr = u32::from_str_radix(addr, 16).ok()?;
    let port = u16::from_str_radix(port, 16).ok()?;
    Some(SocketAddrV4::new(Ipv4Addr::from(addr.to_ne_bytes()), port))
}

/// Parse the text of `/proc/net/tcp`.
pub fn parse_proc_net_tcp(text: &str) -> Vec<KernelSocket> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut f = line.split_whitespace().skip(1);
            let local = kernel_addr(f.next()?)?;
            let remote = kernel_addr(f.next()?)?;
            let state = kernel_state(u8::from_str_radix(f.next()?, 16).ok()?)?;
            Some(KernelSocket { local, remote, state })
        })
        .collect()
}

/// The IPv4 TCP sockets of the calling thread's network namespace.
pub fn kernel_sockets() -> Result<Vec<KernelSocket>, String> {
    // /proc/self/net would show the main thread's namespace, not this thread's.
    let text =
        std::fs::read_to_string("/proc/thread-self/net/tcp").map_err(|e| format!("/proc/thread-self/net/tcp: {e}"))?;
    Ok(parse_proc_net_tcp(&text))
}

/// The kernel's state of the connection `local` ↔ `remote`, seen from this
/// thread's namespace; `None` once the kernel has forgotten it.
pub fn kernel_state_of(local: SocketAddrV4, remote: SocketAddrV4) -> Result<Option<State>, String> {
    Ok(kernel_sockets()?.into_iter().find(|s| s.local == local && s.remote == remote).map(|s| s.state))
}

/// Wait (at most `limit`) until the kernel's state of `local` ↔ `remote` is `want`;
/// returns the states seen, in order.
pub fn wait_for_kernel_state(
    local: SocketAddrV4,
    remote: SocketAddrV4,
    want: Option<State>,
    limit: Duration,
) -> Result<Vec<Option<State>>, String> {
    let deadline = Instant::now() + limit;
    let mut seen = Vec::new();
    loop {
        let state = kernel_state_of(local, remote)?;
        if seen.last() != Some(&state) {
            seen.push(state);
        }
        if state == want {
            return Ok(seen);
        }
        if Instant::now() >= deadline {
            return Err(format!("Linux's socket {local} ↔ {remote} went through {seen:?}, never {want:?}"));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_kernels_socket_table() {
        // Two lines as a little-endian kernel prints them (the header line is skipped).
        let text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
           0: 01004D0A:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n\
           1: 01004D0A:1F90 02004D0A:C000 06 00000000:00000000 03:00000F9F 00000000     0        0 0 3 0\n";
        let table = parse_proc_net_tcp(text);
        let here = SocketAddrV4::new(PEER_ADDR, 8080);
        if cfg!(target_endian = "little") {
            assert_eq!(
                table[0],
                KernelSocket { local: here, remote: SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0), state: State::Listen }
            );
            assert_eq!(
                table[1],
                KernelSocket { local: here, remote: SocketAddrV4::new(ENGINE_ADDR, 49152), state: State::TimeWait }
            );
        }
        assert_eq!(table.len(), 2);
        assert_eq!(parse_proc_net_tcp("header\n0: garbage\n"), []);
    }
}
