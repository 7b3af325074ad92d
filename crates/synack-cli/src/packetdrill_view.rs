//! `synack run --packetdrill FILE.pkt`: a packetdrill script against the engine,
//! shown as the usual ladder (or JSON) with each event's script line, and ended
//! with packetdrill's kind of verdict.

use std::io::{self, Read, Write};

use synack_packetdrill::{report, Verdict};

use crate::args::{Format, RunArgs};
use crate::terminal::clean;
use crate::{io_reason, ladder, open, shown, Failure};

/// Scripts are small; anything past this is not one.
const MAX_SCRIPT: u64 = synack_packetdrill::script::MAX_SCRIPT_BYTES as u64;

/// Run the script and write the result. `Ok(true)`: the script passed;
/// `Ok(false)`: a mismatch (already written); a bad script is a usage error.
pub(crate) fn run(out: &mut impl Write, args: &RunArgs) -> Result<bool, Failure> {
    let Some(file) = &args.packetdrill else { return Ok(true) };
    let others = [
        (args.id.is_some(), "a scenario id"),
        (args.scenario_file.is_some(), "--scenario-file"),
        (args.handshake.is_some(), "--handshake"),
        (args.unexpected_answer.is_some(), "--unexpected-answer"),
        (args.variant.is_some(), "--variant"),
        (args.isn_client.is_some() || args.isn_server.is_some(), "--isn-client/--isn-server"),
        (args.seed.is_some(), "--seed"),
        (!args.drop.is_empty(), "--drop"),
    ];
    if let Some((_, what)) = others.iter().find(|(given, _)| *given) {
        return Err(Failure::Usage(format!(
            "--packetdrill takes only --format and --numbers; {what} does not apply to a script"
        )));
    }
    let path = shown(file);
    let mut bytes = Vec::new();
    let read = if file == "-" {
        io::stdin().take(MAX_SCRIPT + 1).read_to_end(&mut bytes)
    } else {
        open(file).map_err(Failure::Usage)?.take(MAX_SCRIPT + 1).read_to_end(&mut bytes)
    };
    read.map_err(|e| Failure::Usage(format!("cannot read {path}: {}", io_reason(&e))))?;
    if bytes.len() as u64 > MAX_SCRIPT {
        return Err(Failure::Usage(format!("{path}: larger than {} KiB; not a packetdrill script", MAX_SCRIPT >> 10)));
    }
    let text = String::from_utf8(bytes).map_err(|_| Failure::Usage(format!("{path}: not UTF-8 text")))?;
    let bad = |e: synack_packetdrill::ScriptError| Failure::Usage(format!("{path}: {e}"));
    let script = synack_packetdrill::parse(&text).map_err(bad)?;
    let name = if file == "-" { "stdin".to_string() } else { path.clone() };
    let run = synack_packetdrill::run(&script, &name).map_err(bad)?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report::to_json_with_script(&run, &script))
                .map_err(io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => {
            let script_side = ladder::Script { lines: Some(&run.lines), scripted: Some(run.engine.peer()) };
            ladder::write_with(out, &run.trace, args.numbers, &script_side)?;
            writeln!(out)?;
            let packets = run.checks.iter().filter(|c| c.kind == "packet" && c.matched).count();
            let calls = run.checks.iter().filter(|c| c.kind == "call" && c.matched).count();
            match &run.verdict {
                Verdict::Pass => writeln!(
                    out,
                    "packetdrill: pass ({packets} packet{} and {calls} call{} as the script expects; the engine is the {})",
                    if packets == 1 { "" } else { "s" },
                    if calls == 1 { "" } else { "s" },
                    run.engine
                )?,
                Verdict::Mismatch { message, .. } => writeln!(out, "packetdrill: FAIL {}", clean(message))?,
            }
        }
    }
    if let Verdict::Mismatch { message, .. } = &run.verdict {
        out.flush()?;
        eprintln!("synack: {path}: {}", clean(message));
        return Ok(false);
    }
    Ok(true)
}
