//! Command-line parsing, by hand, so that every mistake gets one clear line.
//!
//! Arguments are read as the OS gives them (`OsString`): a file name may be any
//! bytes the file system allows, and every other word that is not UTF-8 is refused
//! with one line rather than a panic.

use std::ffi::{OsStr, OsString};

use synack_core::{Handshake, UnexpectedAnswer, Variant};

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Numbers {
    #[default]
    Absolute,
    Relative,
    /// Textbook notation: x and y for the client's and server's ISNs (seq=x+1).
    Symbolic,
}

#[derive(Debug, Default)]
pub struct RunArgs {
    pub id: Option<String>,
    pub scenario_file: Option<OsString>,
    /// A packetdrill script to run against the engine (`-` for stdin).
    pub packetdrill: Option<OsString>,
    pub handshake: Option<Handshake>,
    pub unexpected_answer: Option<UnexpectedAnswer>,
    pub variant: Option<Variant>,
    pub isn_client: Option<u32>,
    pub isn_server: Option<u32>,
    pub seed: Option<u64>,
    pub drop: Vec<u32>,
    pub format: Format,
    pub numbers: Numbers,
}

/// `--only`: the connections with one mark.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Only {
    Rst,
    Retrans,
    Lost,
    ZeroWindow,
    Incomplete,
}

impl Only {
    /// The mark's name, as the list shows it.
    pub fn mark(self) -> &'static str {
        match self {
            Only::Rst => "rst",
            Only::Retrans => "retrans",
            Only::Lost => "lost",
            Only::ZeroWindow => "zero-window",
            Only::Incomplete => "incomplete",
        }
    }
}

#[derive(Debug, Default)]
pub struct ImportArgs {
    pub file: OsString,
    /// 1 for the first connection in the capture.
    pub connection: Option<usize>,
    /// Connections with this port at either end.
    pub port: Option<u16>,
    /// Connections with this address at either end.
    pub host: Option<std::net::IpAddr>,
    pub only: Option<Only>,
    pub format: Format,
}

#[derive(Debug)]
pub enum Command {
    Help,
    Version,
    Scenarios { format: Format },
    Run(RunArgs),
    Import(ImportArgs),
}

pub fn parse(argv: &[OsString]) -> Result<Command, String> {
    let Some((cmd, rest)) = argv.split_first() else {
        return Ok(Command::Help);
    };
    match text(cmd)?.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "-V" | "--version" => Ok(Command::Version),
        "scenarios" => {
            let mut format = Format::Text;
            let mut it = Options::new(rest);
            while let Some(opt) = it.next_option()? {
                match opt.as_str() {
                    "--format" => format = parse_format(&it.once_value(&opt)?)?,
                    "-h" | "--help" => return Ok(Command::Help),
                    _ => return Err(unknown_option(&opt, "scenarios")),
                }
            }
            Ok(Command::Scenarios { format })
        }
        "run" => parse_run(rest).map(Command::Run),
        "import" => parse_import(rest).map(Command::Import),
        other if other.starts_with('-') => Err(format!("unknown option {other:?}; try `synack --help`")),
        other => Err(format!("unknown command {other:?}; the commands are `scenarios`, `run` and `import`")),
    }
}

fn parse_import(rest: &[OsString]) -> Result<ImportArgs, String> {
    let mut file = None;
    let mut imp = ImportArgs::default();
    let mut it = Options::new(rest);
    while let Some(opt) = it.next_option()? {
        match opt.as_str() {
            "--connection" => {
                let n: u32 = number(&opt, &it.once_value(&opt)?)?;
                if n == 0 {
                    return Err("--connection: connections are numbered from 1".into());
                }
                imp.connection = Some(n as usize);
            }
            "--port" => imp.port = Some(number(&opt, &it.once_value(&opt)?)?),
            "--host" => {
                let v = it.once_value(&opt)?;
                // `[::1]` as well as `::1`: the list writes IPv6 addresses in brackets.
                let bare = v.strip_prefix('[').and_then(|x| x.strip_suffix(']')).unwrap_or(&v);
                let ip = bare.parse().map_err(|_| format!("--host: {v:?} is not an IPv4 or IPv6 address"))?;
                imp.host = Some(ip);
            }
            "--only" => {
                let v = it.once_value(&opt)?;
                let only = [Only::Rst, Only::Retrans, Only::Lost, Only::ZeroWindow, Only::Incomplete]
                    .into_iter()
                    .find(|o| o.mark() == v)
                    .ok_or_else(|| format!("--only: {v:?} is not rst, retrans, lost, zero-window or incomplete"))?;
                imp.only = Some(only);
            }
            "--format" => imp.format = parse_format(&it.once_value(&opt)?)?,
            "-h" | "--help" => return Err("see `synack --help`".into()),
            _ if !opt.starts_with('-') || opt == "-" => {
                if file.is_some() {
                    return Err(format!("import takes one capture file; {opt:?} is a second"));
                }
                file = Some(it.word());
            }
            _ => return Err(unknown_option(&opt, "import")),
        }
    }
    imp.file = file.ok_or("import needs a capture file (pcap or pcapng; - for stdin)")?;
    Ok(imp)
}

fn parse_run(rest: &[OsString]) -> Result<RunArgs, String> {
    let mut run = RunArgs::default();
    let mut it = Options::new(rest);
    while let Some(opt) = it.next_option()? {
        match opt.as_str() {
            "--handshake" => {
                let v = it.once_value(&opt)?;
                let h = v.parse().map_err(|()| {
                    format!("--handshake: {v:?} is not a handshake; use two-way, three-way or four-way")
                })?;
                run.handshake = Some(h);
            }
            "--unexpected-answer" => {
                run.unexpected_answer = Some(match it.once_value(&opt)?.as_str() {
                    "ignore" => UnexpectedAnswer::Ignore,
                    "reset" => UnexpectedAnswer::Reset,
                    v => return Err(format!("--unexpected-answer: {v:?} is not a rule; use ignore or reset")),
                });
            }
            "--variant" => {
                let v = it.once_value(&opt)?;
                run.variant = Some(Variant::parse(&v).ok_or_else(|| {
                    format!("--variant: {v:?} is not a variant; use linux, no-time-wait, abort or isn-clock")
                })?);
            }
            "--isn-client" => run.isn_client = Some(number(&opt, &it.once_value(&opt)?)?),
            "--isn-server" => run.isn_server = Some(number(&opt, &it.once_value(&opt)?)?),
            "--seed" => run.seed = Some(number(&opt, &it.once_value(&opt)?)?),
            "--drop" => {
                let k: u32 = number(&opt, &it.value(&opt)?)?;
                if k == 0 {
                    return Err("--drop: segments are numbered from 1".into());
                }
                run.drop.push(k);
            }
            "--scenario-file" => run.scenario_file = Some(it.once_path(&opt)?),
            "--packetdrill" => run.packetdrill = Some(it.once_path(&opt)?),
            "--format" => run.format = parse_format(&it.once_value(&opt)?)?,
            "--numbers" => {
                run.numbers = match it.once_value(&opt)?.as_str() {
                    "absolute" => Numbers::Absolute,
                    "relative" => Numbers::Relative,
                    "symbolic" => Numbers::Symbolic,
                    v => return Err(format!("--numbers: {v:?} is not absolute, relative or symbolic")),
                }
            }
            "-h" | "--help" => return Err("see `synack --help`".into()),
            _ if !opt.starts_with('-') || opt == "-" => {
                if run.id.is_some() {
                    return Err(format!("run takes one scenario id; {opt:?} is a second"));
                }
                run.id = Some(text(&it.word())?);
            }
            _ => return Err(unknown_option(&opt, "run")),
        }
    }
    Ok(run)
}

fn parse_format(v: &str) -> Result<Format, String> {
    match v {
        "text" => Ok(Format::Text),
        "json" => Ok(Format::Json),
        _ => Err(format!("--format: {v:?} is not text or json")),
    }
}

fn unknown_option(opt: &str, cmd: &str) -> String {
    format!("unknown option {opt:?} for `{cmd}`; try `synack --help`")
}

/// A whole number in range, with the range in the message when it is not. Digits
/// only: Rust's parser would also take a leading `+`, which no other number here
/// (scenario files, the browser's attributes) accepts.
fn number<T>(opt: &str, v: &str) -> Result<T, String>
where
    T: std::str::FromStr + num_bounds::Bounded,
{
    let bad = || format!("{opt}: {v:?} is not a whole number from 0 to {}", T::MAX_TEXT);
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    v.parse().map_err(|_| bad())
}

/// An argument that must be text (everything but a file name).
fn text(arg: &OsStr) -> Result<String, String> {
    arg.to_str().map(str::to_string).ok_or_else(|| format!("the argument {arg:?} is not UTF-8 text"))
}

mod num_bounds {
    pub trait Bounded {
        const MAX_TEXT: &'static str;
    }
    impl Bounded for u16 {
        const MAX_TEXT: &'static str = "65535";
    }
    impl Bounded for u32 {
        const MAX_TEXT: &'static str = "4294967295";
    }
    impl Bounded for u64 {
        const MAX_TEXT: &'static str = "18446744073709551615";
    }
}

/// Walks `--opt value`, `--opt=value` and positional words.
struct Options<'a> {
    args: &'a [OsString],
    i: usize,
    pending: Option<String>,
    /// The single-valued options given so far.
    given: Vec<String>,
}

impl<'a> Options<'a> {
    fn new(args: &'a [OsString]) -> Options<'a> {
        Options { args, i: 0, pending: None, given: Vec::new() }
    }

    /// The next option's name, or a positional word. A word that is not UTF-8 is
    /// returned lossily (it can only be a positional word, read with [`Options::word`]);
    /// one that looks like an option is refused.
    fn next_option(&mut self) -> Result<Option<String>, String> {
        if let Some(v) = self.pending.take() {
            return Err(format!("unexpected value {v:?}"));
        }
        let Some(arg) = self.args.get(self.i) else { return Ok(None) };
        self.i += 1;
        let Some(arg) = arg.to_str() else {
            let lossy = arg.to_string_lossy();
            if lossy.starts_with('-') {
                return Err(format!("unknown option {arg:?}; try `synack --help`"));
            }
            // The replacement character keeps it from matching any option name.
            return Ok(Some(lossy.into_owned()));
        };
        if let (true, Some((name, value))) = (arg.starts_with("--"), arg.split_once('=')) {
            self.pending = Some(value.to_string());
            return Ok(Some(name.to_string()));
        }
        Ok(Some(arg.to_string()))
    }

    /// The positional word [`Options::next_option`] just returned, as given.
    fn word(&self) -> OsString {
        self.args[self.i - 1].clone()
    }

    fn value_os(&mut self, opt: &str) -> Result<OsString, String> {
        if let Some(v) = self.pending.take() {
            return Ok(v.into());
        }
        let v = self.args.get(self.i).ok_or_else(|| format!("{opt} needs a value"))?;
        self.i += 1;
        Ok(v.clone())
    }

    fn value(&mut self, opt: &str) -> Result<String, String> {
        let v = self.value_os(opt)?;
        v.to_str().map(str::to_string).ok_or_else(|| format!("{opt}: {v:?} is not UTF-8 text"))
    }

    /// Refuses an option given twice: which one was meant is not for us to guess.
    fn once(&mut self, opt: &str) -> Result<(), String> {
        if self.given.iter().any(|g| g == opt) {
            return Err(format!("{opt} is given twice; give it once"));
        }
        self.given.push(opt.to_string());
        Ok(())
    }

    /// The value of an option that may be given once.
    fn once_value(&mut self, opt: &str) -> Result<String, String> {
        self.once(opt)?;
        self.value(opt)
    }

    /// A file name, given once: any bytes the OS allows.
    fn once_path(&mut self, opt: &str) -> Result<OsString, String> {
        self.once(opt)?;
        self.value_os(opt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<OsString> {
        s.split_whitespace().map(OsString::from).collect()
    }

    #[test]
    fn run_with_every_option() {
        let Command::Run(r) = parse(&args(
            "run syn-lost --handshake two-way --isn-client 4294967295 --isn-server=7 --seed 9 --drop 1 --drop=3 --format json --numbers relative",
        ))
        .unwrap() else {
            panic!("not run")
        };
        assert_eq!(r.id.as_deref(), Some("syn-lost"));
        assert_eq!(r.handshake, Some(Handshake::TwoWay));
        assert_eq!((r.isn_client, r.isn_server, r.seed), (Some(u32::MAX), Some(7), Some(9)));
        assert_eq!(r.drop, [1, 3]);
        assert_eq!((r.format, r.numbers), (Format::Json, Numbers::Relative));
    }

    #[test]
    fn import_with_every_option() {
        let Command::Import(i) = parse(&args("import a.pcap --connection 2 --format=json")).unwrap() else {
            panic!("not import")
        };
        assert_eq!((i.file.to_str(), i.connection, i.format), (Some("a.pcap"), Some(2), Format::Json));
        let Command::Import(i) = parse(&args("import a.pcap --port 443 --host [::1] --only=incomplete")).unwrap()
        else {
            panic!("not import")
        };
        assert_eq!((i.port, i.host, i.only), (Some(443), "::1".parse().ok(), Some(Only::Incomplete)));
        let err = |s| parse(&args(s)).unwrap_err();
        assert_eq!(err("import"), "import needs a capture file (pcap or pcapng; - for stdin)");
        assert_eq!(err("import a --port 65536"), "--port: \"65536\" is not a whole number from 0 to 65535");
        assert_eq!(err("import a --port"), "--port needs a value");
        assert_eq!(err("import a --host 10.0.0.256"), "--host: \"10.0.0.256\" is not an IPv4 or IPv6 address");
        assert_eq!(
            err("import a --only reset"),
            "--only: \"reset\" is not rst, retrans, lost, zero-window or incomplete"
        );
        assert_eq!(err("import a --only rst --only=retrans"), "--only is given twice; give it once");
        assert_eq!(err("import a b"), "import takes one capture file; \"b\" is a second");
        assert_eq!(err("import a --connection 0"), "--connection: connections are numbered from 1");
        assert_eq!(err("import a --connection x"), "--connection: \"x\" is not a whole number from 0 to 4294967295");
        assert_eq!(
            err("import a --numbers relative"),
            "unknown option \"--numbers\" for `import`; try `synack --help`"
        );
    }

    #[test]
    fn bad_input_says_what_is_wrong() {
        let err = |s| parse(&args(s)).unwrap_err();
        assert_eq!(
            err("run x --isn-client 4294967296"),
            "--isn-client: \"4294967296\" is not a whole number from 0 to 4294967295"
        );
        assert_eq!(err("run x --drop 0"), "--drop: segments are numbered from 1");
        assert_eq!(err("run x --drop"), "--drop needs a value");
        assert_eq!(
            err("run x --handshake 5-way"),
            "--handshake: \"5-way\" is not a handshake; use two-way, three-way or four-way"
        );
        assert_eq!(err("run a b"), "run takes one scenario id; \"b\" is a second");
        assert_eq!(
            err("frobnicate"),
            "unknown command \"frobnicate\"; the commands are `scenarios`, `run` and `import`"
        );
        assert_eq!(err("scenarios --format yaml"), "--format: \"yaml\" is not text or json");
        assert_eq!(err("run x --colour"), "unknown option \"--colour\" for `run`; try `synack --help`");
    }

    #[test]
    fn numbers_are_digits_only() {
        let err = |s| parse(&args(s)).unwrap_err();
        assert_eq!(err("run x --isn-client +5"), "--isn-client: \"+5\" is not a whole number from 0 to 4294967295");
        assert_eq!(err("run x --seed=-1"), "--seed: \"-1\" is not a whole number from 0 to 18446744073709551615");
        assert_eq!(err("run x --drop=+2"), "--drop: \"+2\" is not a whole number from 0 to 4294967295");
        assert_eq!(err("import a --connection +1"), "--connection: \"+1\" is not a whole number from 0 to 4294967295");
        assert_eq!(err("run x --seed="), "--seed: \"\" is not a whole number from 0 to 18446744073709551615");
    }

    #[test]
    fn a_single_valued_option_given_twice_is_refused() {
        let err = |s| parse(&args(s)).unwrap_err();
        assert_eq!(err("run x --seed 1 --seed 2"), "--seed is given twice; give it once");
        assert_eq!(err("run x --isn-client=1 --isn-client 1"), "--isn-client is given twice; give it once");
        assert_eq!(err("run x --format json --format=text"), "--format is given twice; give it once");
        assert_eq!(err("run x --handshake two-way --handshake four-way"), "--handshake is given twice; give it once");
        assert_eq!(err("run --scenario-file a --scenario-file b"), "--scenario-file is given twice; give it once");
        assert_eq!(err("run x --numbers relative --numbers absolute"), "--numbers is given twice; give it once");
        assert_eq!(err("import a --connection 1 --connection 2"), "--connection is given twice; give it once");
        assert_eq!(err("scenarios --format json --format json"), "--format is given twice; give it once");
        // --drop is a list.
        let Command::Run(r) = parse(&args("run x --drop 1 --drop 2 --drop 1")).unwrap() else { panic!("not run") };
        assert_eq!(r.drop, [1, 2, 1]);
    }

    #[cfg(unix)]
    #[test]
    fn words_that_are_not_utf8() {
        use std::os::unix::ffi::OsStringExt;
        let bad = |b: &[u8]| OsString::from_vec(b.to_vec());
        let with = |words: &[&str], last: &[u8]| {
            let mut v: Vec<OsString> = words.iter().map(OsString::from).collect();
            v.push(bad(last));
            v
        };
        // A file name may be any bytes.
        let Command::Import(i) = parse(&with(&["import"], b"\xff.pcap")).unwrap() else { panic!("not import") };
        assert_eq!(i.file, bad(b"\xff.pcap"));
        let Command::Run(r) = parse(&with(&["run", "--scenario-file"], b"\xff.json")).unwrap() else {
            panic!("not run")
        };
        assert_eq!(r.scenario_file, Some(bad(b"\xff.json")));
        // Anything else is text.
        let err = |v: Vec<OsString>| parse(&v).unwrap_err();
        assert_eq!(err(with(&[], b"\xff")), "the argument \"\\xFF\" is not UTF-8 text");
        assert_eq!(err(with(&["run"], b"\xff")), "the argument \"\\xFF\" is not UTF-8 text");
        assert_eq!(err(with(&["run", "x", "--seed"], b"1\xff")), "--seed: \"1\\xFF\" is not UTF-8 text");
        assert_eq!(err(with(&["run", "x"], b"--seed=\xff")), "unknown option \"--seed=\\xFF\"; try `synack --help`");
    }
}
