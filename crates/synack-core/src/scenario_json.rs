//! Reading a scenario from JSON (docs/scenario-format.md), field by field.
//!
//! Every field is optional except `actions` (and the required fields inside an
//! action, a delay or an injection); a field nobody knows is an error, so a typo
//! never passes silently. Each error names the field by its path, such as
//! `network.faults.inject[0].seq`. Ranges a run relies on are checked later by
//! [`Scenario::validate`]; this reads types and names.

use crate::json::{self, Value};
use crate::net::Link;
use crate::prelude::*;
use crate::profile::{Handshake, ProfileName, UnexpectedAnswer};
use crate::scenario::{
    ActionKind, DelayFault, EndpointSpec, Faults, Inject, IsnOffset, NetworkSpec, Scenario, ScenarioError, SeqSpec,
    Step, When, DEFAULT_HORIZON_US,
};
use crate::side::Side;

impl Scenario {
    /// Reads a scenario from JSON text.
    ///
    /// ```
    /// let sc = synack_core::Scenario::from_json(r#"{"actions": [{"side": "client", "do": "connect"}]}"#).unwrap();
    /// assert_eq!(sc.id, "custom");
    /// let err = synack_core::Scenario::from_json(r#"{"actions": [], "netwrok": {}}"#).unwrap_err();
    /// assert!(err.to_string().starts_with("unknown field `netwrok` at the top level"));
    /// ```
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let v = json::parse(text).map_err(ScenarioError)?;
        scenario(&v)
    }
}

type R<T> = Result<T, ScenarioError>;

/// Text from the file as an error message quotes it: on one line (control characters
/// escaped, as `\n`), and at most 40 characters of it, so that a message stays one
/// short line whatever the file holds.
fn quote(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 40 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn err<T>(msg: String) -> R<T> {
    Err(ScenarioError(msg))
}

/// An object being read: its path for messages, and its members.
struct Obj<'a> {
    path: String,
    members: &'a [(String, Value)],
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, path: &str, fields: &[&str]) -> R<Obj<'a>> {
        let Value::Object(members) = v else {
            return err(format!("{} must be an object, not {}", name(path), v.kind()));
        };
        if let Some((k, _)) = members.iter().find(|(k, _)| !fields.contains(&k.as_str())) {
            let at = if path.is_empty() { "at the top level".to_string() } else { format!("in {path}") };
            return err(format!("unknown field `{}` {at}; the fields are {}", quote(k), fields.join(", ")));
        }
        Ok(Obj { path: path.to_string(), members })
    }

    fn path(&self, field: &str) -> String {
        if self.path.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.path)
        }
    }

    /// The field's value; `null` counts as absent (see [`Obj::no_null`]).
    fn get(&self, field: &str) -> Option<&'a Value> {
        self.members.iter().find(|(k, _)| k == field).map(|(_, v)| v).filter(|v| **v != Value::Null)
    }

    /// Refuses `null` for these fields. `null` means "absent" only where the model
    /// has an absent value (an `Option`, such as `title` or a side's `isn`), which
    /// is also where `serde_json` writes it; elsewhere (`"id": null`) it would turn
    /// a mistake into a silent default.
    fn no_null(&self, fields: &[&str]) -> R<()> {
        match self.members.iter().find(|(k, v)| *v == Value::Null && fields.contains(&k.as_str())) {
            Some((k, _)) => err(format!("{} cannot be null; leave it out to take its default", self.path(k))),
            None => Ok(()),
        }
    }

    fn required(&self, field: &str) -> R<&'a Value> {
        match self.get(field) {
            Some(v) => Ok(v),
            None => err(format!("{} is required", self.path(field))),
        }
    }

    fn uint(&self, field: &str, max: u64) -> R<Option<u64>> {
        self.get(field).map(|v| uint(v, &self.path(field), max)).transpose()
    }

    /// A port: 0 is no port a connection can use, so the range said and the range
    /// checked (by [`Scenario::validate`]) both start at 1.
    fn port(&self, field: &str) -> R<Option<u16>> {
        self.get(field).map(|v| uint_in(v, &self.path(field), 1, u16::MAX.into()).map(|n| n as u16)).transpose()
    }

    fn bool(&self, field: &str) -> R<Option<bool>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => err(format!("{} must be true or false, not {}", self.path(field), v.kind())),
        }
    }

    fn string(&self, field: &str) -> R<Option<&'a str>> {
        self.get(field).map(|v| string(v, &self.path(field))).transpose()
    }

    fn rate(&self, field: &str) -> R<Option<f64>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Number(n)) => match json::decimal(n) {
                Some(x) => Ok(Some(x)),
                None => err(format!("{} must be a decimal number such as 0.1 (at most 15 digits)", self.path(field))),
            },
            Some(v) => err(format!("{} must be a number, not {}", self.path(field), v.kind())),
        }
    }

    fn array(&self, field: &str) -> R<&'a [Value]> {
        match self.get(field) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(v) => err(format!("{} must be an array, not {}", self.path(field), v.kind())),
        }
    }

    /// A string naming one of `names`.
    fn choice<T: Copy>(&self, field: &str, names: &[(&str, T)]) -> R<Option<T>> {
        let Some(s) = self.string(field)? else { return Ok(None) };
        match names.iter().find(|(n, _)| *n == s) {
            Some((_, t)) => Ok(Some(*t)),
            None => {
                let list: Vec<_> = names.iter().map(|(n, _)| *n).collect();
                err(format!("{}: `{}` is not one of {}", self.path(field), quote(s), list.join(", ")))
            }
        }
    }

    /// A required string naming one of `names`.
    fn required_choice<T: Copy>(&self, field: &str, names: &[(&str, T)]) -> R<T> {
        self.choice(field, names)?.ok_or_else(|| ScenarioError(format!("{} is required", self.path(field))))
    }
}

/// Reads each item of an array with `read`, naming it `path[i]`.
fn list<T>(items: &[Value], path: &str, read: impl Fn(&Value, &str) -> R<T>) -> R<Vec<T>> {
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        out.push(read(v, &format!("{path}[{i}]"))?);
    }
    Ok(out)
}

fn name(path: &str) -> &str {
    if path.is_empty() {
        "a scenario"
    } else {
        path
    }
}

fn uint(v: &Value, path: &str, max: u64) -> R<u64> {
    uint_in(v, path, 0, max)
}

fn uint_in(v: &Value, path: &str, min: u64, max: u64) -> R<u64> {
    let whole = match v {
        Value::Number(n) => json::whole_number(n),
        _ => return err(format!("{path} must be a number, not {}", v.kind())),
    };
    match whole {
        Some((false, n)) if (min..=max).contains(&n) => Ok(n),
        _ => err(format!("{path} must be a whole number from {min} to {max}")),
    }
}

fn string<'a>(v: &'a Value, path: &str) -> R<&'a str> {
    match v {
        Value::String(s) => Ok(s),
        _ => err(format!("{path} must be a string, not {}", v.kind())),
    }
}

const SIDES: [(&str, Side); 2] = [("client", Side::Client), ("server", Side::Server)];

fn scenario(v: &Value) -> R<Scenario> {
    let o = Obj::new(
        v,
        "",
        &[
            "id",
            "title",
            "handshake",
            "unexpected_answer",
            "seed",
            "client",
            "server",
            "network",
            "actions",
            "horizon_us",
        ],
    )?;
    o.no_null(&[
        "id",
        "handshake",
        "unexpected_answer",
        "seed",
        "client",
        "server",
        "network",
        "actions",
        "horizon_us",
    ])?;
    let handshakes =
        [("two-way", Handshake::TwoWay), ("three-way", Handshake::ThreeWay), ("four-way", Handshake::FourWay)];
    let answers = [("ignore", UnexpectedAnswer::Ignore), ("reset", UnexpectedAnswer::Reset)];
    let actions = match o.get("actions") {
        None => {
            return err("actions is required: a scenario needs at least one action (say, the client's connect)".into())
        }
        Some(Value::Array(items)) => list(items, "actions", step)?,
        Some(v) => return err(format!("actions must be an array, not {}", v.kind())),
    };
    Ok(Scenario {
        id: o.string("id")?.unwrap_or("custom").to_string(),
        title: o.string("title")?.map(str::to_string),
        handshake: o.choice("handshake", &handshakes)?.unwrap_or_default(),
        unexpected_answer: o.choice("unexpected_answer", &answers)?,
        seed: o.uint("seed", u64::MAX)?.unwrap_or(1),
        client: endpoint(o.get("client"), "client")?,
        server: endpoint(o.get("server"), "server")?,
        network: network(o.get("network"))?,
        actions,
        horizon_us: o.uint("horizon_us", u64::MAX)?.unwrap_or(DEFAULT_HORIZON_US),
    })
}

fn endpoint(v: Option<&Value>, path: &str) -> R<EndpointSpec> {
    let Some(v) = v else { return Ok(EndpointSpec::default()) };
    let o = Obj::new(
        v,
        path,
        &[
            "port",
            "isn",
            "profile",
            "mss",
            "window",
            "window_scale",
            "timestamps",
            "sack_permitted",
            "delayed_ack_us",
            "syn_retries",
            "retries",
            "rto_initial_us",
            "msl_us",
            "time_wait_us",
            "backlog",
            "syncookies",
            "synack_retries",
            "reads",
            "keepalive",
            "keepalive_idle_us",
            "keepalive_intvl_us",
            "keepalive_probes",
            "isn_hash",
            #[cfg(feature = "queues")]
            "fast_open",
        ],
    )?;
    o.no_null(&["profile"])?;
    let u32max = u64::from(u32::MAX);
    Ok(EndpointSpec {
        port: o.port("port")?,
        isn: o.uint("isn", u32max)?.map(|n| n as u32),
        profile: o.choice("profile", &[("rfc", ProfileName::Rfc), ("linux", ProfileName::Linux)])?.unwrap_or_default(),
        mss: o.uint("mss", u16::MAX.into())?.map(|n| n as u16),
        window: o.uint("window", u32max)?.map(|n| n as u32),
        window_scale: o.uint("window_scale", u8::MAX.into())?.map(|n| n as u8),
        timestamps: o.bool("timestamps")?,
        sack_permitted: o.bool("sack_permitted")?,
        delayed_ack_us: o.uint("delayed_ack_us", u64::MAX)?,
        syn_retries: o.uint("syn_retries", u32max)?.map(|n| n as u32),
        retries: o.uint("retries", u32max)?.map(|n| n as u32),
        rto_initial_us: o.uint("rto_initial_us", u64::MAX)?,
        msl_us: o.uint("msl_us", u64::MAX)?,
        time_wait_us: o.uint("time_wait_us", u64::MAX)?,
        backlog: o.uint("backlog", u32max)?.map(|n| n as u32),
        syncookies: o.bool("syncookies")?,
        synack_retries: o.uint("synack_retries", u32max)?.map(|n| n as u32),
        reads: o.bool("reads")?,
        keepalive: o.bool("keepalive")?,
        keepalive_idle_us: o.uint("keepalive_idle_us", u64::MAX)?,
        keepalive_intvl_us: o.uint("keepalive_intvl_us", u64::MAX)?,
        keepalive_probes: o.uint("keepalive_probes", u32max)?.map(|n| n as u32),
        isn_hash: o.bool("isn_hash")?,
        #[cfg(feature = "queues")]
        fast_open: o.bool("fast_open")?,
    })
}

fn network(v: Option<&Value>) -> R<NetworkSpec> {
    let Some(v) = v else { return Ok(NetworkSpec::default()) };
    let o = Obj::new(v, "network", &["link", "c2s", "s2c", "faults"])?;
    o.no_null(&["faults"])?;
    let link = |field: &str| o.get(field).map(|v| link(v, &o.path(field))).transpose();
    Ok(NetworkSpec { link: link("link")?, c2s: link("c2s")?, s2c: link("s2c")?, faults: faults(o.get("faults"))? })
}

fn link(v: &Value, path: &str) -> R<Link> {
    const LINK: [&str; 7] =
        ["latency_us", "jitter_us", "loss", "duplicate", "reorder", "reorder_delay_us", "tx_time_us"];
    let o = Obj::new(v, path, &LINK)?;
    o.no_null(&LINK)?;
    let d = Link::default();
    Ok(Link {
        latency_us: o.uint("latency_us", u64::MAX)?.unwrap_or(d.latency_us),
        jitter_us: o.uint("jitter_us", u64::MAX)?.unwrap_or(d.jitter_us),
        loss: o.rate("loss")?.unwrap_or(d.loss),
        duplicate: o.rate("duplicate")?.unwrap_or(d.duplicate),
        reorder: o.rate("reorder")?.unwrap_or(d.reorder),
        reorder_delay_us: o.uint("reorder_delay_us", u64::MAX)?.unwrap_or(d.reorder_delay_us),
        tx_time_us: o.uint("tx_time_us", u64::MAX)?.unwrap_or(d.tx_time_us),
    })
}

fn faults(v: Option<&Value>) -> R<Faults> {
    let Some(v) = v else { return Ok(Faults::default()) };
    let o = Obj::new(v, "network.faults", &["drop", "delay", "inject", "cut_at_us", "cut_on_crash"])?;
    o.no_null(&["drop", "delay", "inject"])?;
    let u32max = u64::from(u32::MAX);
    let drop = o.array("drop")?;
    let drop = drop
        .iter()
        .enumerate()
        .map(|(i, v)| uint(v, &format!("network.faults.drop[{i}]"), u32max).map(|n| n as u32))
        .collect::<R<Vec<_>>>()?;
    let delay = o.array("delay")?;
    let delay = delay
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let d = Obj::new(v, &format!("network.faults.delay[{i}]"), &["segment", "extra_us"])?;
            Ok(DelayFault {
                segment: uint(d.required("segment")?, &d.path("segment"), u32max)? as u32,
                extra_us: uint(d.required("extra_us")?, &d.path("extra_us"), u64::MAX)?,
            })
        })
        .collect::<R<Vec<_>>>()?;
    let inject = o.array("inject")?;
    let inject = inject
        .iter()
        .enumerate()
        .map(|(i, v)| injection(v, &format!("network.faults.inject[{i}]")))
        .collect::<R<_>>()?;
    let cut_at_us = o.uint("cut_at_us", u64::MAX)?;
    let cut_on_crash = o.bool("cut_on_crash")?.unwrap_or(false);
    Ok(Faults { drop, delay, inject, cut_at_us, cut_on_crash })
}

fn injection(v: &Value, path: &str) -> R<Inject> {
    let o = Obj::new(v, path, &["at_us", "from", "flags", "seq", "ack", "len", "port", "forged"])?;
    o.no_null(&["len"])?;
    let flags = match o.required("flags")? {
        Value::Array(items) => list(items, &o.path("flags"), |f, path| string(f, path).map(str::to_string))?,
        v => return err(format!("{path}.flags must be an array such as [\"SYN\"], not {}", v.kind())),
    };
    Ok(Inject {
        at_us: uint(o.required("at_us")?, &o.path("at_us"), u64::MAX)?,
        from: o.required_choice("from", &SIDES)?,
        flags,
        seq: seq(o.required("seq")?, &o.path("seq"))?,
        ack: o.get("ack").map(|v| seq(v, &o.path("ack"))).transpose()?,
        len: o.uint("len", u16::MAX.into())?.unwrap_or(0) as u16,
        port: o.port("port")?,
        forged: o.bool("forged")?.unwrap_or(false),
    })
}

/// A number (absolute) or `{"isn_offset": N}` (relative to an ISN), with
/// `"isn_sent_to": port` relative to the ISN last sent to that port.
fn seq(v: &Value, path: &str) -> R<SeqSpec> {
    match v {
        Value::Number(_) => Ok(SeqSpec::Absolute(uint(v, path, u32::MAX.into())? as u32)),
        Value::Object(_) => {
            let o = Obj::new(v, path, &["isn_offset", "isn_sent_to"])?;
            let offset = match o.required("isn_offset")? {
                Value::Number(n) => match json::whole_number(n) {
                    Some((neg, n)) if n <= 1 << 32 => Some(if neg { -(n as i64) } else { n as i64 }),
                    _ => None,
                },
                _ => None,
            };
            match offset {
                Some(n) => Ok(SeqSpec::Relative(IsnOffset { isn_offset: n, isn_sent_to: o.port("isn_sent_to")? })),
                None => err(format!("{path}.isn_offset must be a whole number from -4294967296 to 4294967296")),
            }
        }
        _ => err(format!("{path} must be a sequence number (0 to 4294967295) or {{\"isn_offset\": N}}")),
    }
}

fn step(v: &Value, path: &str) -> R<Step> {
    let o = Obj::new(v, path, &["side", "when", "delay_us", "do", "bytes", "text"])?;
    o.no_null(&["when", "delay_us"])?;
    let kinds = [
        ("listen", ActionKind::Listen),
        ("connect", ActionKind::Connect),
        ("send", ActionKind::Send),
        ("shutdown", ActionKind::Shutdown),
        ("close", ActionKind::Close),
        ("abort", ActionKind::Abort),
        ("crash", ActionKind::Crash),
        ("accept", ActionKind::Accept),
        ("read", ActionKind::Read),
    ];
    Ok(Step {
        side: o.required_choice("side", &SIDES)?,
        when: when(o.get("when"), &o.path("when"))?,
        delay_us: o.uint("delay_us", u64::MAX)?.unwrap_or(0),
        action: o.required_choice("do", &kinds)?,
        bytes: o.uint("bytes", u32::MAX.into())?.map(|n| n as u32),
        text: o.string("text")?.map(str::to_string),
    })
}

fn when(v: Option<&Value>, path: &str) -> R<When> {
    const EXPECTED: &str = "start, established, peer-closed, closed, {\"received\": N} or {\"at_us\": T}";
    match v {
        None => Ok(When::Start),
        Some(Value::String(s)) => match s.as_str() {
            "start" => Ok(When::Start),
            "established" => Ok(When::Established),
            "peer-closed" => Ok(When::PeerClosed),
            "closed" => Ok(When::Closed),
            other => err(format!("{path}: `{}` is not one of {EXPECTED}", quote(other))),
        },
        Some(v @ Value::Object(m)) if m.len() == 1 => {
            let o = Obj::new(v, path, &["received", "at_us"])?;
            if let Some(n) = o.uint("received", u64::MAX)? {
                return Ok(When::Received(n));
            }
            match o.uint("at_us", u64::MAX)? {
                Some(t) => Ok(When::AtUs(t)),
                None => err(format!("{path} must be one of {EXPECTED}")),
            }
        }
        Some(_) => err(format!("{path} must be one of {EXPECTED}")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_quoted_in_an_error_stays_on_one_short_line() {
        // Found by the scenario_json fuzz target: an action's `do` holding an HTTP
        // response made a message of five lines.
        let e = super::Scenario::from_json(
            r#"{"actions": [{"side": "client", "do": "c0 OK\r\nContent-Length: 3\r\n\r\nhi\n"}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with(r"actions[0].do: `c0 OK\r\nContent-Length: 3\r\n\r\nhi\n` is not one of"), "{e}");
        let long = "x".repeat(5000);
        let e = super::Scenario::from_json(&format!(r#"{{"{long}": 1, "actions": []}}"#)).unwrap_err().to_string();
        assert!(e.starts_with(&format!("unknown field `{}…` at the top level", "x".repeat(40))), "{e}");
    }

    use super::*;

    fn read_err(text: &str) -> String {
        Scenario::from_json(text).unwrap_err().0
    }

    #[test]
    fn a_minimal_scenario_takes_every_default() {
        let sc = Scenario::from_json(r#"{"actions": [{"side": "client", "do": "connect"}]}"#).unwrap();
        assert_eq!(sc.id, "custom");
        assert_eq!(sc.seed, 1);
        assert_eq!(sc.handshake, Handshake::ThreeWay);
        assert_eq!(sc.horizon_us, DEFAULT_HORIZON_US);
        assert_eq!(sc.network, NetworkSpec::default());
        assert_eq!(sc.actions, [Step::new(Side::Client, When::Start, ActionKind::Connect)]);
    }

    #[test]
    fn every_field_is_read() {
        let sc = Scenario::from_json(
            r#"{
              "id": "mine", "title": "Mine", "handshake": "two-way", "unexpected_answer": "reset",
              "seed": 18446744073709551615, "horizon_us": 5000000,
              "client": {"port": 40000, "isn": 4294967295, "profile": "linux", "mss": 1200, "window": 1000,
                         "window_scale": 2, "timestamps": false, "sack_permitted": true, "delayed_ack_us": 0,
                         "syn_retries": 2, "retries": 3, "rto_initial_us": 500000, "msl_us": 1000},
              "network": {"link": {"latency_us": 10, "loss": 0.1, "jitter_us": 5},
                          "s2c": {"duplicate": 0.25, "reorder": 1e-1, "reorder_delay_us": 7, "tx_time_us": 3},
                          "faults": {"drop": [2], "delay": [{"segment": 3, "extra_us": 9}],
                                     "inject": [{"at_us": 1, "from": "server", "flags": ["SYN", "ACK"],
                                                 "seq": {"isn_offset": -10}, "ack": 5, "len": 4}]}},
              "actions": [
                {"side": "server", "do": "listen"},
                {"side": "client", "when": {"received": 37}, "delay_us": 5, "do": "send", "text": "hi", "bytes": 3},
                {"side": "client", "when": {"at_us": 9}, "do": "close"},
                {"side": "client", "when": "peer-closed", "do": "abort"}
              ]
            }"#,
        )
        .unwrap();
        assert_eq!((sc.id.as_str(), sc.title.as_deref()), ("mine", Some("Mine")));
        assert_eq!(sc.handshake, Handshake::TwoWay);
        assert_eq!(sc.unexpected_answer, Some(UnexpectedAnswer::Reset));
        assert_eq!(sc.seed, u64::MAX);
        assert_eq!(sc.client.isn, Some(u32::MAX));
        assert_eq!(sc.client.profile, ProfileName::Linux);
        assert_eq!(sc.client.delayed_ack_us, Some(0));
        assert_eq!(sc.server, EndpointSpec::default());
        let link = sc.network.link.clone().unwrap();
        assert_eq!((link.latency_us, link.loss, link.jitter_us, link.reorder_delay_us), (10, 0.1, 5, 30_000));
        let s2c = sc.network.s2c.clone().unwrap();
        assert_eq!((s2c.duplicate, s2c.reorder, s2c.tx_time_us, s2c.latency_us), (0.25, 0.1, 3, 50_000));
        let f = &sc.network.faults;
        assert_eq!(f.drop, [2]);
        assert_eq!(f.delay, [DelayFault { segment: 3, extra_us: 9 }]);
        assert_eq!(f.inject[0].seq, SeqSpec::offset(-10));
        assert_eq!(f.inject[0].ack, Some(SeqSpec::Absolute(5)));
        assert_eq!((f.inject[0].from, f.inject[0].len), (Side::Server, 4));
        assert_eq!(sc.actions[1].when, When::Received(37));
        assert_eq!((sc.actions[1].bytes, sc.actions[1].text.as_deref()), (Some(3), Some("hi")));
        assert_eq!(sc.actions[2].when, When::AtUs(9));
        assert_eq!(sc.actions[3].when, When::PeerClosed);
    }

    #[test]
    fn null_stands_for_absent_only_where_the_model_has_none() {
        // As serde_json writes a scenario's `Option` fields.
        let sc = Scenario::from_json(
            r#"{"title": null, "client": {"port": null, "isn": null}, "network": {"link": null},
                "actions": [{"side": "client", "do": "connect", "bytes": null, "text": null}]}"#,
        )
        .unwrap();
        assert_eq!((sc.title, sc.client.port, sc.network.link), (None, None, None));
    }

    #[test]
    #[cfg(feature = "queues")]
    fn fast_open_is_read_and_a_bad_value_is_named() {
        let sc =
            Scenario::from_json(r#"{"client": {"fast_open": true}, "server": {"fast_open": false}, "actions": []}"#)
                .unwrap();
        assert_eq!((sc.client.fast_open, sc.server.fast_open), (Some(true), Some(false)));
        assert!(sc.needs_queues(), "Fast Open runs in the full engine only");
        assert!(sc.client.profile().fast_open && !sc.server.profile().fast_open);
        let got = read_err(r#"{"server": {"fast_open": "yes"}, "actions": []}"#);
        assert!(got.starts_with("server.fast_open must be true or false, not a string"), "{got}");
        let got = read_err(r#"{"client": {"fast_open": 1}, "actions": []}"#);
        assert!(got.starts_with("client.fast_open must be true or false, not a number"), "{got}");
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (r#"{"actions": [], "netwrok": {}}"#, "unknown field `netwrok` at the top level; the fields are id, title"),
            (
                r#"{"actions": [{"side": "client", "do": "connect", "when": "tomorrow"}]}"#,
                "actions[0].when: `tomorrow` is not one of start, established",
            ),
            (r#"{"actions": [{"side": "client"}]}"#, "actions[0].do is required"),
            (
                r#"{"actions": [{"side": "nobody", "do": "connect"}]}"#,
                "actions[0].side: `nobody` is not one of client, server",
            ),
            (r#"{"client": {"port": 70000}, "actions": []}"#, "client.port must be a whole number from 1 to 65535"),
            (r#"{"server": {"port": 0}, "actions": []}"#, "server.port must be a whole number from 1 to 65535"),
            (r#"{"id": null, "actions": []}"#, "id cannot be null; leave it out to take its default"),
            (r#"{"client": null, "actions": []}"#, "client cannot be null"),
            (r#"{"seed": null, "actions": []}"#, "seed cannot be null"),
            (r#"{"actions": null}"#, "actions cannot be null"),
            (r#"{"client": {"profile": null}, "actions": []}"#, "client.profile cannot be null"),
            (r#"{"network": {"link": {"loss": null}}, "actions": []}"#, "network.link.loss cannot be null"),
            (r#"{"actions": [{"side": "client", "do": "connect", "when": null}]}"#, "actions[0].when cannot be null"),
            (r#"{"client": {"isn": -1}, "actions": []}"#, "client.isn must be a whole number from 0 to 4294967295"),
            (r#"{"seed": 1.5, "actions": []}"#, "seed must be a whole number from 0 to 18446744073709551615"),
            (
                r#"{"network": {"link": {"loss": "high"}}, "actions": []}"#,
                "network.link.loss must be a number, not a string",
            ),
            (r#"{"network": {"c2s": {"lost": 1}}, "actions": []}"#, "unknown field `lost` in network.c2s"),
            (
                r#"{"network": {"faults": {"inject": [{"at_us": 1, "from": "client", "flags": "SYN", "seq": 1}]}}, "actions": []}"#,
                "network.faults.inject[0].flags must be an array such as [\"SYN\"], not a string",
            ),
            (
                r#"{"network": {"faults": {"inject": [{"at_us": 1, "from": "client", "flags": [], "seq": {"isn_offset": 0.5}}]}}, "actions": []}"#,
                "network.faults.inject[0].seq.isn_offset must be a whole number",
            ),
            (
                r#"{"client": {"timestamps": 1}, "actions": []}"#,
                "client.timestamps must be true or false, not a number",
            ),
            (r#"{}"#, "actions is required"),
            (r#"[]"#, "a scenario must be an object, not an array"),
            (r#"{"actions": [}"#, "line 1, column 14: expected a value"),
        ];
        for (text, want) in cases {
            let got = read_err(text);
            assert!(got.starts_with(want), "{text}\n got: {got}\nwant: {want}");
        }
    }
}
