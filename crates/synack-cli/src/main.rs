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
  synack import FILE [--connection N] [--format text|json]

Options for run:
  --handshake two-way|three-way|four-way   open the connection this way
  --unexpected-answer ignore|reset         what the client does with an answer to a SYN
                                           it never sent: reset (TCP's SYN-SENT rule; the
                                           default but with two-way) or ignore (say nothing)
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

Options for import (FILE is a pcap or pcapng capture; - reads stdin):
  --connection N                           only the N-th TCP connection (from 1)
  --format text|json                       a ladder per connection, or the JSON list

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

/// Read a capture in chunks (a huge file is never held whole) and show it.
fn import(out: &mut impl Write, args: &ImportArgs) -> Result<(), Failure> {
    use std::io::Read;
    let path = &shown(&args.file);
    let mut input: Box<dyn Read> = if args.file == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(open(&args.file).map_err(Failure::Usage)?)
    };
    let mut importer = synack_capture::Importer::new();
    let mut buf = vec![0u8; 64 << 10];
    let bad = |e: synack_capture::CaptureError| Failure::Usage(format!("{path}: {e}"));
    while !importer.is_full() {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Failure::Usage(format!("cannot read {path}: {}", io_reason(&e)))),
        };
        importer.push(&buf[..n]).map_err(bad)?;
    }
    let mut capture = importer.finish().map_err(bad)?;
    if let Some(n) = args.connection {
        let total = capture.connections.len();
        if n > total {
            let s = if total == 1 { "" } else { "s" };
            return Err(Failure::Usage(format!(
                "{path}: there is no connection {n}; the capture holds {total} TCP connection{s}"
            )));
        }
        capture.connections = vec![capture.connections.swap_remove(n - 1)];
    }
    match args.format {
        Format::Json => {
            // Notes about the whole capture (a limit reached) go beside the JSON.
            for note in &capture.notes {
                eprintln!("synack: note: {}", terminal::clean(note));
            }
            writeln!(out, "{}", capture.to_json_pretty())?;
        }
        Format::Text => capture_view::write(out, &capture, path, args.connection)?,
    }
    Ok(())
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
