//! `synack`: TCP scenarios and their traces in the terminal.
//!
//! Bad input of any kind ends with one line on stderr and exit status 2.

mod args;
mod capture_view;
mod ladder;
mod packetdrill_view;
mod terminal;

use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::process::ExitCode;

use args::{Command, Format, ImportArgs, RunArgs};
use synack_core::{catalogue, sim, Scenario};

const USAGE: &str = "\
synack: how TCP opens and closes connections, step by step

Usage:
  synack scenarios [--format text|json]
  synack run ID [options]
  synack run --scenario-file FILE.json [options]
  synack run --packetdrill FILE.pkt [--format text|json] [--numbers absolute|relative|symbolic]
  synack import FILE [--connection N] [--port P] [--host ADDR] [--only MARK] [--format text|json]

Options for run:
  --handshake two-way|three-way|four-way   open the connection this way
  --unexpected-answer ignore|reset         what the client does with an answer to a SYN
                                           it never sent: reset (TCP's SYN-SENT rule; the
                                           default but with two-way) or ignore (say nothing)
  --variant linux|no-time-wait|abort|isn-clock
                                           run the scenario with Linux's defaults, without
                                           TIME-WAIT (a counterfactual), with its first
                                           close() an abort() (a RST instead of a FIN), or
                                           with ISNs from the clock alone (RFC 793)
  --isn-client N, --isn-server N           initial sequence numbers (0 to 4294967295)
  --seed N                                 chooses unset ISNs and the network's luck
  --drop K                                 lose the K-th segment sent (repeatable)
  --scenario-file FILE                     run a scenario from JSON (- for stdin)
  --packetdrill FILE                       run a packetdrill script against the engine's
                                           linux profile (- for stdin); exit 0 when it
                                           passes, 1 at the first mismatch, 2 for a bad script
  --numbers absolute|relative|symbolic     sequence numbers as sent, from 0 at each SYN, or in
                                           textbook letters (x, y: the ISNs; seq=x+1)
  --format text|json                       a ladder diagram, or the trace as JSON

Options for import (FILE is a pcap or pcapng capture of any size; - reads stdin).
It reads the file once and lists every TCP connection: its 4-tuple, segments and
bytes each way, both sides' first and last states, the handshake's round trip, and
marks (rst, retrans, lost, zero-window, incomplete).
  --connection N                           only the N-th TCP connection (from 1), with its
                                           ladder (its first 250000 segments)
  --port P                                 only connections with port P at either end
  --host ADDR                              only connections with address ADDR at either end
  --only rst|retrans|lost|zero-window|incomplete
                                           only connections with that mark
  --format text|json                       a line per connection, or JSON

See docs/trace-format.md, docs/scenario-format.md, docs/capture-format.md and docs/packetdrill.md.";

fn main() -> ExitCode {
    // A panic is a bug in synack, never the user's fault: one line, no backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info.payload().downcast_ref::<&str>().copied().unwrap_or("unexpected failure");
        eprintln!("synack: internal error ({msg}); please report it");
    }));
    let argv: Vec<OsString> = std::env::args_os().skip(1).collect();
    match std::panic::catch_unwind(|| real_main(&argv)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(Failure::Usage(msg))) => {
            // Messages quote the input (a field name, a file name): never raw.
            eprintln!("synack: {}", terminal::clean(&msg));
            ExitCode::from(2)
        }
        Ok(Err(Failure::Io(e))) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Ok(Err(Failure::Io(e))) => {
            eprintln!("synack: cannot write output: {e}");
            ExitCode::from(1)
        }
        Ok(Err(Failure::Exit(code))) => ExitCode::from(code),
        Err(_) => ExitCode::from(70),
    }
}

enum Failure {
    Usage(String),
    Io(io::Error),
    /// The output is written; end with this status (a packetdrill mismatch: 1).
    Exit(u8),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

fn real_main(argv: &[OsString]) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args::parse(argv).map_err(Failure::Usage)? {
        Command::Help => writeln!(out, "{USAGE}")?,
        Command::Version => writeln!(out, "synack {}", env!("CARGO_PKG_VERSION"))?,
        Command::Scenarios { format } => list(&mut out, format)?,
        Command::Import(imp) => import(&mut out, &imp)?,
        Command::Run(run) if run.packetdrill.is_some() => {
            let passed = packetdrill_view::run(&mut out, &run)?;
            if !passed {
                out.flush()?;
                return Err(Failure::Exit(1));
            }
        }
        Command::Run(run) => {
            let scenario = build(&run).map_err(Failure::Usage)?;
            let trace = sim::run(&scenario).map_err(|e| Failure::Usage(format!("invalid scenario: {e}")))?;
            match run.format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &trace).map_err(io::Error::from)?;
                    writeln!(out)?;
                }
                Format::Text => ladder::write(&mut out, &trace, run.numbers)?,
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Read a capture in one pass, in chunks (a file of any size is never held whole),
/// and list every connection as it is summarised; with `--connection N`, also that
/// connection's ladder.
fn import(out: &mut impl Write, args: &ImportArgs) -> Result<(), Failure> {
    use std::io::Read;
    let path = &shown(&args.file);
    let mut input: Box<dyn Read> = if args.file == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(open(&args.file).map_err(Failure::Usage)?)
    };
    let mut lister = synack_capture::Lister::new(args.connection.map(|n| n as u64));
    let mut buf = vec![0u8; 256 << 10];
    let bad = |e: synack_capture::CaptureError| Failure::Usage(format!("{path}: {e}"));
    let mut shown = 0u64;
    let json = args.format == Format::Json;
    // The list's opening is written with its first row, or at the end: a file refused
    // at once leaves standard output empty.
    let mut begun = false;
    let mut begin = |out: &mut dyn Write| -> io::Result<()> {
        if std::mem::replace(&mut begun, true) {
            return Ok(());
        }
        if json {
            write!(out, "{{\"connections\": [")
        } else {
            capture_view::list_header(out)
        }
    };
    let mut show = |out: &mut dyn Write, s: &synack_capture::Summary| -> io::Result<()> {
        if !wanted(args, s) {
            return Ok(());
        }
        begin(out)?;
        shown += 1;
        if json {
            let sep = if shown == 1 { "\n  " } else { ",\n  " };
            write!(out, "{sep}{}", serde_json::to_string(s).map_err(io::Error::from)?)
        } else {
            capture_view::list_row(out, s)
        }
    };
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Failure::Usage(format!("cannot read {path}: {}", io_reason(&e)))),
        };
        lister.push(&buf[..n]).map_err(bad)?;
        for s in lister.ready() {
            show(out, &s)?;
        }
    }
    let listed = lister.finish().map_err(bad)?;
    for s in lister.ready() {
        show(out, &s)?;
    }
    if let Some(n) = args.connection {
        let total = listed.connections;
        if n as u64 > total {
            let s = if total == 1 { "" } else { "s" };
            return Err(Failure::Usage(format!(
                "{path}: there is no connection {n}; the capture holds {total} TCP connection{s}"
            )));
        }
    }
    begin(out)?;
    if json {
        // Notes about the whole capture go beside the JSON as well, for a reader of stderr.
        for note in &listed.notes {
            eprintln!("synack: note: {}", terminal::clean(note));
        }
        writeln!(out, "{}],", if shown == 0 { "" } else { "\n" })?;
        writeln!(out, "\"frames\": {},", listed.frames)?;
        writeln!(out, "\"tcp_segments\": {},", listed.tcp_segments)?;
        writeln!(out, "\"connections_total\": {},", listed.connections)?;
        writeln!(out, "\"connections_shown\": {shown},")?;
        writeln!(out, "\"skipped\": {},", serde_json::to_string(&listed.skipped).map_err(io::Error::from)?)?;
        write!(out, "\"notes\": {}", serde_json::to_string(&listed.notes).map_err(io::Error::from)?)?;
        if let Some(c) = &listed.detail {
            // The chosen connection whole, as docs/capture-format.md describes it.
            write!(out, ",\n\"connection\": {}", serde_json::to_string_pretty(c).map_err(io::Error::from)?)?;
        }
        write!(out, "\n}}")?;
        writeln!(out)?;
    } else {
        capture_view::list_footer(out, &listed, path, shown)?;
        if let (Some(n), Some(c)) = (args.connection, &listed.detail) {
            writeln!(out)?;
            capture_view::connection(out, c, n)?;
        }
    }
    Ok(())
}

/// Whether the filters given let this connection through.
fn wanted(args: &ImportArgs, s: &synack_capture::Summary) -> bool {
    // (map_or, not is_none_or: the crate's MSRV is 1.81.)
    args.connection.map_or(true, |n| s.number == n as u64)
        && args.port.map_or(true, |p| s.client.port() == p || s.server.port() == p)
        && args.host.map_or(true, |h| s.client.ip() == h || s.server.ip() == h)
        && args.only.map_or(true, |o| s.marks().contains(&o.mark()))
}

fn list(out: &mut impl Write, format: Format) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, catalogue::ENTRIES)?;
            writeln!(out)
        }
        Format::Text => {
            let width = catalogue::ENTRIES.iter().map(|e| e.id.len()).max().unwrap_or(0);
            for e in catalogue::ENTRIES {
                writeln!(out, "{:width$}  {}", e.id, e.title())?;
            }
            Ok(())
        }
    }
}

/// The scenario to run: from the catalogue or a file, with the flags applied.
fn build(run: &RunArgs) -> Result<Scenario, String> {
    let mut sc = match (&run.id, &run.scenario_file) {
        (Some(_), Some(_)) => return Err("give a catalogue id or --scenario-file, not both".into()),
        (None, None) => return Err("run needs a scenario id (see `synack scenarios`) or --scenario-file".into()),
        (Some(id), None) => {
            catalogue::scenario(id).ok_or_else(|| format!("unknown scenario {id:?}; `synack scenarios` lists them"))?
        }
        (None, Some(path)) => read_scenario(path)?,
    };
    if let Some(h) = run.handshake {
        sc.handshake = h;
    }
    if let Some(a) = run.unexpected_answer {
        sc.unexpected_answer = Some(a);
    }
    if let Some(v) = run.variant {
        if !v.applies_to(&sc) {
            return Err(format!("--variant {}: {}, so it would change nothing", v.name(), v.inapplicable()));
        }
        v.apply(&mut sc);
    }
    if let Some(n) = run.isn_client {
        sc.client.isn = Some(n);
    }
    if let Some(n) = run.isn_server {
        sc.server.isn = Some(n);
    }
    if let Some(n) = run.seed {
        sc.seed = n;
    }
    sc.network.faults.drop.extend(&run.drop);
    Ok(sc)
}

/// Scenario files are small; anything past this is not one.
const MAX_SCENARIO_FILE: u64 = synack_core::json::MAX_INPUT as u64;

fn read_scenario(file: &OsStr) -> Result<Scenario, String> {
    use std::io::Read;
    let path = &shown(file);
    let mut text = String::new();
    let read = if file == "-" {
        io::stdin().take(MAX_SCENARIO_FILE + 1).read_to_string(&mut text)
    } else {
        open(file)?.take(MAX_SCENARIO_FILE + 1).read_to_string(&mut text)
    };
    read.map_err(|e| format!("cannot read {path}: {}", io_reason(&e)))?;
    if text.len() as u64 > MAX_SCENARIO_FILE {
        return Err(format!("{path}: larger than {} MiB; not a scenario file", MAX_SCENARIO_FILE >> 20));
    }
    Scenario::from_json(&text).map_err(|e| format!("{path}: {e}"))
}

/// A file name as messages show it: lossy where it is not UTF-8, and with any
/// control character escaped (see [`terminal`]).
pub(crate) fn shown(file: &OsStr) -> String {
    terminal::clean(&file.to_string_lossy()).into_owned()
}

/// Opens a file to read, with the same sentence for every way it can fail, from
/// `run --scenario-file` and `import` alike.
pub(crate) fn open(file: &OsStr) -> Result<std::fs::File, String> {
    let path = shown(file);
    let f = std::fs::File::open(file).map_err(|e| format!("cannot read {path}: {}", io_reason(&e)))?;
    if f.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(format!("cannot read {path}: it is a directory"));
    }
    Ok(f)
}

pub(crate) fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::InvalidData => "not UTF-8 text".into(),
        _ => e.to_string(),
    }
}
