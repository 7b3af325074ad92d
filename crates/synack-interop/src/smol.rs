//! The engine against smoltcp, in one process, on a virtual clock.
//!
//! smoltcp's interface sits on a [`QueueDevice`] (raw IP packets in two queues). A
//! [`SmolPair`] moves packets between that device and an [`EngineHost`]: every
//! packet is real IPv4/TCP bytes (written by [`crate::wire::encode`] or by
//! smoltcp, read by [`crate::wire::decode`] or by smoltcp, checksums checked both
//! ways), delayed by [`LATENCY_US`] each way. Both stacks take their time from the
//! pair's clock, so a run is the same every time.

use std::collections::VecDeque;

use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{Device, DeviceCapabilities, Medium, RxToken, TxToken};
use smoltcp::socket::tcp;
use smoltcp::time::Instant;
use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr};
use synack_core::{EndpointConfig, Side};

use crate::capture::Expected;
use crate::host::EngineHost;
use crate::pcap::Record;
use crate::wire::{decode, encode, ENGINE_ADDR, PEER_ADDR};

/// The one-way delay between the two stacks.
pub const LATENCY_US: u64 = 1_000;
/// smoltcp's socket buffers, each way.
const BUFFER: usize = 64 * 1024;
/// The interface's MTU: an Ethernet-sized IP packet.
const MTU: usize = 1500;
/// A run gives up after this many exchanges at one instant (a livelock guard).
const MAX_ROUNDS_PER_INSTANT: usize = 1000;

/// A smoltcp device whose wire is two queues of raw IPv4 packets.
#[derive(Debug, Default)]
pub struct QueueDevice {
    /// Packets waiting to be read by smoltcp.
    pub inbound: VecDeque<Vec<u8>>,
    /// Packets smoltcp sent.
    pub outbound: VecDeque<Vec<u8>>,
}

#[derive(Debug)]
pub struct QueueRx(Vec<u8>);

#[derive(Debug)]
pub struct QueueTx<'a>(&'a mut VecDeque<Vec<u8>>);

impl RxToken for QueueRx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

impl TxToken for QueueTx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut packet = vec![0; len];
        let r = f(&mut packet);
        self.0.push_back(packet);
        r
    }
}

impl Device for QueueDevice {
    type RxToken<'a> = QueueRx;
    type TxToken<'a> = QueueTx<'a>;

    fn receive(&mut self, _now: Instant) -> Option<(QueueRx, QueueTx<'_>)> {
        let packet = self.inbound.pop_front()?;
        Some((QueueRx(packet), QueueTx(&mut self.outbound)))
    }

    fn transmit(&mut self, _now: Instant) -> Option<QueueTx<'_>> {
        Some(QueueTx(&mut self.outbound))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        // The default checksum capabilities verify every arriving checksum and
        // compute every outgoing one: smoltcp checks ours.
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ip;
        caps.max_transmission_unit = MTU;
        caps
    }
}

/// Which way a packet in flight goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Toward {
    Engine,
    Smoltcp,
}

fn instant(t_us: u64) -> Instant {
    Instant::from_micros(i64::try_from(t_us).unwrap_or(i64::MAX))
}

/// The engine and one smoltcp TCP socket, joined by a link with [`LATENCY_US`] delay.
pub struct SmolPair {
    /// The virtual clock, in microseconds.
    pub now: u64,
    pub engine: EngineHost,
    pub iface: Interface,
    pub device: QueueDevice,
    pub sockets: SocketSet<'static>,
    /// smoltcp's one TCP socket.
    pub handle: SocketHandle,
    /// Every packet, as captured at the engine's interface: the engine's when it
    /// sends them, smoltcp's when they arrive.
    pub records: Vec<Record>,
    /// smoltcp's socket states in the order they were seen after each exchange.
    pub smol_states: Vec<tcp::State>,
    in_flight: VecDeque<(u64, Toward, Vec<u8>)>,
    /// Bytes from smoltcp that did not decode: a run with any is a failure.
    errors: Vec<String>,
}

impl core::fmt::Debug for SmolPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SmolPair")
            .field("now", &self.now)
            .field("engine", &self.engine.state())
            .field("smoltcp", &self.smol_states.last())
            .finish_non_exhaustive()
    }
}

impl SmolPair {
    /// The engine plays `side` with `cfg`; smoltcp's socket is created closed, with
    /// its random numbers (its ISN) drawn from `seed`.
    pub fn new(side: Side, cfg: EndpointConfig, seed: u64) -> SmolPair {
        let mut device = QueueDevice::default();
        let mut config = Config::new(HardwareAddress::Ip);
        config.random_seed = seed;
        let mut iface = Interface::new(config, &mut device, instant(0));
        iface.update_ip_addrs(|addrs| {
            // One address on an empty list cannot overflow it.
            let _ = addrs.push(IpCidr::new(IpAddress::Ipv4(PEER_ADDR), 24));
        });
        let socket = tcp::Socket::new(tcp::SocketBuffer::new(vec![0; BUFFER]), tcp::SocketBuffer::new(vec![0; BUFFER]));
        let mut sockets = SocketSet::new(Vec::new());
        let handle = sockets.add(socket);
        SmolPair {
            now: 0,
            engine: EngineHost::new(side, cfg),
            iface,
            device,
            sockets,
            handle,
            records: Vec::new(),
            smol_states: vec![tcp::State::Closed],
            in_flight: VecDeque::new(),
            errors: Vec::new(),
        }
    }

    /// smoltcp's socket.
    pub fn socket(&mut self) -> &mut tcp::Socket<'static> {
        self.sockets.get_mut::<tcp::Socket>(self.handle)
    }

    /// smoltcp's socket state now.
    pub fn smol_state(&self) -> tcp::State {
        self.sockets.get::<tcp::Socket>(self.handle).state()
    }

    /// smoltcp connects from `local_port` to the engine at `remote_port`.
    pub fn smol_connect(&mut self, remote_port: u16, local_port: u16) -> Result<(), String> {
        let socket = self.sockets.get_mut::<tcp::Socket>(self.handle);
        socket
            .connect(self.iface.context(), (IpAddress::Ipv4(ENGINE_ADDR), remote_port), local_port)
            .map_err(|e| format!("smoltcp connect: {e}"))
    }

    /// Everything smoltcp's socket has received so far, taken out of its buffer.
    pub fn smol_read(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let socket = self.socket();
        while socket.can_recv() {
            match socket.recv(|buf| (buf.len(), buf.to_vec())) {
                Ok(chunk) if !chunk.is_empty() => out.extend(chunk),
                _ => break,
            }
        }
        out
    }

    /// Run until `done` holds, moving the clock to the next thing either stack has
    /// to do; fails if that is more than `limit_us` of virtual time from now, or if
    /// a packet from smoltcp did not decode.
    pub fn run_until(&mut self, limit_us: u64, mut done: impl FnMut(&mut SmolPair) -> bool) -> Result<(), String> {
        let deadline = self.now + limit_us;
        loop {
            self.settle()?;
            if done(self) {
                return Ok(());
            }
            let smol_at = self.iface.poll_delay(instant(self.now), &self.sockets).map(|d| self.now + d.total_micros());
            let next = [self.in_flight.iter().map(|(t, _, _)| *t).min(), self.engine.endpoint.poll_timeout(), smol_at]
                .into_iter()
                .flatten()
                .min();
            match next {
                Some(t) if t <= deadline => self.now = t.max(self.now + 1),
                _ => {
                    return Err(format!(
                        "stalled at {} µs: the engine is {}, smoltcp is {}",
                        self.now,
                        self.engine.state(),
                        self.smol_state()
                    ))
                }
            }
        }
    }

    /// Exchange everything due at `now` until neither side has anything to send.
    fn settle(&mut self) -> Result<(), String> {
        let now = self.now;
        for _ in 0..MAX_ROUNDS_PER_INSTANT {
            let mut moved = false;
            while let Some(i) = self.in_flight.iter().position(|(t, _, _)| *t <= now) {
                let Some((_, toward, bytes)) = self.in_flight.remove(i) else { break };
                moved = true;
                match toward {
                    Toward::Smoltcp => self.device.inbound.push_back(bytes),
                    Toward::Engine => {
                        self.records.push(Record { t_us: now, data: bytes.clone() });
                        match decode(&bytes) {
                            Ok(p) => self.engine.deliver(now, &p.segment),
                            Err(e) => {
                                self.errors.push(format!("at {now} µs smoltcp sent bytes that are not TCP/IPv4: {e}"))
                            }
                        }
                    }
                }
            }
            self.engine.tick(now);
            for seg in self.engine.transmits() {
                let bytes = encode(ENGINE_ADDR, PEER_ADDR, &seg).map_err(|e| e.to_string())?;
                self.records.push(Record { t_us: now, data: bytes.clone() });
                self.in_flight.push_back((now + LATENCY_US, Toward::Smoltcp, bytes));
                moved = true;
            }
            self.iface.poll(instant(now), &mut self.device, &mut self.sockets);
            while let Some(bytes) = self.device.outbound.pop_front() {
                self.in_flight.push_back((now + LATENCY_US, Toward::Engine, bytes));
                moved = true;
            }
            let state = self.smol_state();
            if self.smol_states.last() != Some(&state) {
                self.smol_states.push(state);
            }
            if !self.errors.is_empty() {
                return Err(self.errors.join("; "));
            }
            if !moved {
                return Ok(());
            }
        }
        Err(format!("at {now} µs the two stacks kept exchanging packets without the clock moving"))
    }

    /// The run's expected-states record, with smoltcp's last state.
    pub fn expected(&self, name: &str) -> Expected {
        let mut e = Expected::new(name, "smoltcp", self.engine.side, self.engine.transitions.clone());
        e.peer_final_state = Some(self.smol_state().to_string());
        e
    }
}
