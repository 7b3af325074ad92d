//! Anything outside the subset is refused by line and column with what is
//! supported, never guessed; bad input never panics or hangs.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use synack_packetdrill::{parse, run, ScriptError};

const HEAD: &str = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";

fn refused(text: &str) -> ScriptError {
    match parse(text) {
        Err(e) => e,
        Ok(s) => match run(&s, "t") {
            Err(e) => e,
            Ok(r) => panic!("accepted: {text:?} → {:?}", r.verdict),
        },
    }
}

/// (script, line, column, words the message must hold)
const CASES: &[(&str, u32, u32, &str)] = &[
    ("+0 > U. 1:1(0) ack 1\n", 2, 6, "the flag U is not modelled"),
    ("+0 > SE 0:0(0)\n", 2, 7, "the flag E is not modelled"),
    ("+0 > X 0:0(0)\n", 2, 6, "`X` is not a TCP flag"),
    ("+0 < S 0:0(0) win 100 <mss 1460,sack 1:2>\n", 2, 33, "SACK blocks are not modelled"),
    ("+0 < S 0:0(0) <FO abc>\n", 2, 16, "TCP Fast Open is not modelled"),
    ("+0 < S 0:5(0)\n", 2, 8, "spans 5 bytes but the length says 0"),
    ("+0 < . 1:1(0)\n", 2, 14, "no `ack N` follows"),
    ("+0 < S 0:0(0) ack 1\n", 2, 6, "`ack N` needs the ACK flag"),
    ("+0 < . 1:1(0) ack 1 <mss 1460>\n", 2, 22, "mss belongs only on a SYN"),
    ("+0 < S 0:0(0) <...>\n", 2, 20, "`<...>` (any options) is for `>` packets"),
    ("+0 < S 0:0(0) win 70000\n", 2, 19, "the window must be a whole number from 0 to 65535"),
    ("+0 > S 0:0(0) urg 1\n", 2, 15, "urgent pointers are not modelled"),
    ("+0 < UDP (100)\n", 2, 6, "UDP packets are not supported"),
    ("+0 < 8080 > 9090 S 0:0(0)\n", 2, 6, "port numbers"),
    ("+0 epoll_create(1) = 4\n", 2, 4, "the system call `epoll_create` is not supported"),
    ("+0 sendmsg(3, {}, 0) = 0\n", 2, 4, "the system call `sendmsg` is not supported"),
    ("+0 setsockopt(3, SOL_TCP, TCP_CONGESTION, \"reno\", 4) = 0\n", 2, 27, "setsockopt supports"),
    ("+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=5}, 8) = 0\n", 2, 41, "non-zero time"),
    ("+0 connect(3, ..., ...) = -1 EHOSTUNREACH (No route)\n", 2, 30, "the errno EHOSTUNREACH is not one"),
    ("+0 connect(3, ..., ...) = -1\n", 2, 25, "names its errno"),
    ("+0 fcntl(3, F_SETFL, O_RDWR|O_ASYNC) = 0\n", 2, 22, "the file flag O_ASYNC is not modelled"),
    ("+0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 4\n", 2, 16, "SOCK_STREAM"),
    ("+0 shutdown(3, 7) = 0\n", 2, 16, "SHUT_RD, SHUT_WR or SHUT_RDWR"),
    ("`../common/defaults.sh`\n", 1, 1, "shell commands are not run"),
    ("`sysctl -q net.ipv4.tcp_ecn=1`\n", 1, 1, "sysctl net.ipv4.tcp_ecn is not one the engine models"),
    ("`sysctl -q net.core.rmem_max=1`\n", 1, 1, "is not one the engine models"),
    ("`sysctl -q net.ipv4.tcp_syn_retries=99`\n", 1, 1, "from 0 to 20"),
    ("%{ print(1) }%\n", 2, 1, "python blocks"),
    ("+0 > S 0:0(0) <...>\n`sysctl -q net.ipv4.tcp_sack=0`\n", 3, 1, "must come before the first event"),
    ("--ip_version=ipv6\n", 1, 3, "the only option read is --tolerance_usecs"),
    ("+1.0000001 close(3) = 0\n", 2, 2, "more than six decimals"),
    ("3601 close(3) = 0\n", 2, 1, "past one hour"),
    ("+.2~.3 > S 0:0(0) <...>\n", 2, 5, "both ends of a time range"),
    ("+.3~+.2 > S 0:0(0) <...>\n", 2, 9, "ends before it starts"),
    ("+0 close(3) = 0 0\n", 2, 17, "unexpected `0` after the end of the event"),
    ("+0 close(3) = 0 /* never closed\n", 2, 17, "this comment never ends"),
    ("+0 \u{7} close(3) = 0\n", 2, 4, "unexpected character U+0007"),
    ("+0 close(3) = 0 é\n", 2, 17, "unexpected character `é`"),
    // Refusals found while running: the engine models one connection.
    ("+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 4\n+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n+0 connect(3, ..., ...) = -1 EINPROGRESS (x)\n+0 connect(4, ..., ...) = -1 EINPROGRESS (x)\n", 5, 1, "one connection per script"),
    ("+0 < S 0:0(0) win 100\n", 2, 1, "before the script made a socket listen or connect"),
];

#[test]
fn each_refusal_names_its_line_column_and_what_is_supported() {
    for (body, line, col, words) in CASES {
        let text =
            if body.starts_with('`') || body.starts_with("--") { body.to_string() } else { format!("{HEAD}{body}") };
        let e = refused(&text);
        assert!(e.message.contains(words), "{body:?}: {e}");
        assert_eq!((e.line, e.column), (*line, *col), "{body:?}: {e}");
    }
}

#[test]
fn an_empty_script_is_refused() {
    assert_eq!(parse("// nothing\n\n").unwrap_err().message, "the script has no events (packets or system calls)");
}

#[test]
fn sizes_are_bounded() {
    let big = format!("{HEAD}{}", "// padding padding padding padding\n".repeat(40_000));
    assert!(big.len() > synack_packetdrill::script::MAX_SCRIPT_BYTES);
    assert!(parse(&big).unwrap_err().message.contains("larger than 1024 KiB"));
    let many = "+0 fcntl(3, F_GETFL) = 2\n".repeat(synack_packetdrill::script::MAX_EVENTS + 1);
    let e = parse(&format!("{HEAD}{many}")).unwrap_err();
    assert!(e.message.contains("more than 2000 events"), "{e}");
    let hog = format!(
        "{HEAD}+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n+0 connect(3, ..., ...) = -1 EINPROGRESS (x)\n+0 > S 0:0(0) <...>\n+0 < S. 0:0(0) ack 1 win 65535\n+0 > . 1:1(0) ack 1\n{}",
        "+0 write(3, ..., 65535) = 65535\n".repeat(20)
    );
    let e = run(&parse(&hog).unwrap(), "hog").unwrap_err();
    assert!(e.message.contains("writes more than 1024 KiB"), "{e}");
}

/// Deterministic mutations of the real scripts: cut, doubled, characters
/// replaced, lines swapped. None may panic, and each run stays bounded.
#[test]
fn mangled_scripts_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let mut texts = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        texts.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
    }
    texts.sort();
    let alphabet: Vec<char> = " +~*<>.:(),=[]{}|-`\"0123456789SFRP.ackwinTSval\n/%".chars().collect();
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut runs = 0;
    for text in &texts {
        let chars: Vec<char> = text.chars().collect();
        for _ in 0..150 {
            let mut c = chars.clone();
            match next() % 4 {
                0 => c.truncate((next() % c.len() as u64) as usize),
                1 => {
                    for _ in 0..1 + next() % 4 {
                        let i = (next() % c.len() as u64) as usize;
                        c[i] = alphabet[(next() % alphabet.len() as u64) as usize];
                    }
                }
                2 => {
                    let i = (next() % c.len() as u64) as usize;
                    let j = (next() % c.len() as u64) as usize;
                    c.swap(i, j);
                }
                _ => {
                    let lines: Vec<&str> = text.lines().collect();
                    let mut l: Vec<&str> = lines.clone();
                    let k = (next() % l.len() as u64) as usize;
                    l.insert(k, lines[(next() % lines.len() as u64) as usize]);
                    c = l.join("\n").chars().collect();
                }
            }
            let mangled: String = c.into_iter().collect();
            if let Ok(s) = parse(&mangled) {
                if let Ok(r) = run(&s, "mangled") {
                    assert!(r.trace.events.len() <= synack_packetdrill::run::MAX_TRACE_EVENTS);
                    runs += 1;
                }
            }
        }
    }
    assert!(runs > 100, "only {runs} mangled scripts ran");
}

#[test]
fn a_script_waiting_for_nothing_ends() {
    // `*` waits for a segment whenever it comes; an endpoint that will never send
    // one ends the run at the one-hour limit, not in a hang.
    let text = format!("{HEAD}+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n* > S. 0:0(0) ack 1\n");
    let r = run(&parse(&text).unwrap(), "t").unwrap();
    match r.verdict {
        synack_packetdrill::Verdict::Mismatch { line, message } => {
            assert_eq!(line, 4);
            assert!(message.contains("the engine sent nothing"), "{message}");
        }
        v => panic!("{v:?}"),
    }
}
