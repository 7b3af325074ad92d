// <synack-viz packetdrill="close.pkt">: a packetdrill script's remote played
// against the engine (docs/packetdrill.md). This module is a chunk of its own
// (element.js reaches it by dynamic import()), so a page without a script never
// downloads it; the runner itself is crates/synack-packetdrill-wasm, built into
// packetdrill/ beside this chunk by scripts/build-site.sh and fetched on first use.
//
// The script comes from the attribute's URL, or, with an empty attribute, from a
// child <script type="text/x-packetdrill"> (inline text for a blog post; a
// <script> element keeps the browser from reading `<mss 1460>` as a tag).

import { adopt, el } from "./dom.js";

/** The largest script fetched (the runner's own limit). */
export const MAX_SCRIPT_BYTES = 1 << 20;

const STRINGS = {
  en: {
    title: (name) => `packetdrill: ${name}`,
    note: (side) => `The engine (linux profile) is the ${side}, the stack under test; the other side is the script. ✓ marks a line the engine matched, ✗ the first it did not.`,
    pass: (n) => `Pass: the engine matched all ${n} expected packets and call results.`,
    fail: (line) => `Mismatch at script line ${line}: `,
    unreached: "not reached",
    end: (side, state) => `End: the engine (${side}) is ${state}; the script stopped. `,
    sides: { client: "client", server: "server" },
    inline: "inline script",
    fetch: (name, why) => `could not read the script ${name}: ${why}`,
    tooLarge: (name) => `the script ${name} is larger than 1 MiB`,
    refused: (name) => `the script ${name} is outside the subset synack plays: `,
    empty: "the packetdrill attribute is empty and the element holds no <script type=\"text/x-packetdrill\">",
  },
  "zh-CN": {
    title: (name) => `packetdrill：${name}`,
    note: (side) => `引擎（linux 配置）扮演${side}，即被测试的协议栈；另一方是脚本。✓ 表示引擎符合该行，✗ 表示第一处不符合。`,
    pass: (n) => `通过：引擎符合全部 ${n} 个预期的报文段和调用结果。`,
    fail: (line) => `脚本第 ${line} 行不符合：`,
    unreached: "未执行到",
    end: (side, state) => `结束：引擎（${side}）处于 ${state}；脚本到此为止。`,
    sides: { client: "客户端", server: "服务器" },
    inline: "内嵌脚本",
    fetch: (name, why) => `无法读取脚本 ${name}：${why}`,
    tooLarge: (name) => `脚本 ${name} 超过 1 MiB`,
    refused: (name) => `脚本 ${name} 超出了 synack 支持的子集：`,
    empty: "packetdrill 属性为空，且元素内没有 <script type=\"text/x-packetdrill\">",
  },
};

let runner = null;

/** The runner's wasm, loaded once per page. */
function loadRunner() {
  runner ??= (async () => {
    // URLs computed at run time, so that the bundler leaves the glue out of the chunk.
    const glue = await import(new URL("./packetdrill/synack_packetdrill_wasm.js", import.meta.url).href);
    await glue.default({ module_or_path: new URL("./packetdrill/synack_packetdrill_wasm_bg.wasm", import.meta.url) });
    return glue.runPacketdrill;
  })().catch((err) => {
    runner = null;
    throw err;
  });
  return runner;
}

/** The script's text and the name to show for it. */
async function source(host, s, signal) {
  const attr = host.getAttribute("packetdrill")?.trim() ?? "";
  if (attr === "") {
    const inline = host.querySelector('script[type="text/x-packetdrill"]');
    const text = inline?.textContent ?? "";
    if (!text.trim()) throw new Error(s.empty);
    return { text, name: s.inline };
  }
  let res;
  try {
    res = await fetch(new URL(attr, document.baseURI), { signal });
  } catch (err) {
    if (err?.name === "AbortError") throw err;
    throw new Error(s.fetch(attr, err?.message ?? String(err)));
  }
  if (!res.ok) throw new Error(s.fetch(attr, `HTTP ${res.status}`));
  const bytes = await res.arrayBuffer();
  if (bytes.byteLength > MAX_SCRIPT_BYTES) throw new Error(s.tooLarge(attr));
  return { text: new TextDecoder().decode(bytes), name: attr };
}

/**
 * Reads the script, runs it, and returns `{ trace, options }` for the element to
 * draw: the trace in the CLI's shape with each event's script `line`, and the
 * options with the heading and the box that lists the script's lines, each `>`
 * line and call marked matched (✓), not matched (✗) or not reached.
 */
export async function playScript(host, t, display, signal) {
  const s = STRINGS[t.lang] ?? STRINGS.en;
  const [{ text, name }, run] = await Promise.all([source(host, s, signal), loadRunner()]);
  const out = JSON.parse(run(text, name));
  if (out.error) {
    const { line, column, message } = out.error;
    throw new Error(`${s.refused(name)}line ${line}, column ${column}: ${message}`);
  }
  const pd = out.packetdrill;
  const trace = out.trace;
  const engine = pd.engine;
  const side = s.sides[engine];
  // The scripted remote has no state machine: its badge must not claim one.
  trace.packetdrill = { end: s.end(side, trace.outcome[engine]), scripted: engine === "client" ? "server" : "client" };
  const info = el("div", { class: "packetdrill-info" });
  info.append(el("p", {}, s.note(side)));
  const verdict = el("p", { class: `packetdrill-verdict ${pd.verdict}`, role: "status" });
  if (pd.verdict === "pass") verdict.textContent = s.pass(pd.checks.length);
  else verdict.append(el("strong", {}, s.fail(pd.line)), el("span", { lang: "en" }, pd.message.replace(/^script line \d+: /, "")));
  info.append(verdict);
  const byLine = new Map(pd.checks.map((c) => [c.line, c]));
  const list = el("ol", { class: "packetdrill-script", lang: "en" });
  for (const ev of pd.script) {
    const check = byLine.get(ev.line);
    const state = ev.kind === "in" ? "in" : check ? (check.matched ? "matched" : "mismatch") : "unreached";
    const mark = { in: "", matched: "✓", mismatch: "✗", unreached: "–" }[state];
    const li = el("li", { "data-line": ev.line, "data-kind": ev.kind, "data-state": state });
    li.append(el("span", { class: "mark", "aria-hidden": "true" }, mark), el("span", { class: "ln" }, String(ev.line)), el("code", {}, ev.text));
    if (state === "unreached") li.title = s.unreached;
    if (state === "mismatch" && check.actual) li.append(el("code", { class: "actual" }, `→ ${check.actual}`));
    list.append(li);
  }
  info.append(list);
  return { trace, options: { ...display, packetdrill: true, capture: { title: s.title(name), info } } };
}

const CSS = `
.packetdrill-info { padding: 0 .8em .4em; font-size: .85em; color: var(--synack-muted); overflow-wrap: anywhere; }
.packetdrill-info p { margin: .2em 0; }
.packetdrill-verdict.pass { color: var(--synack-fg); font-weight: 600; }
.packetdrill-verdict.mismatch { color: var(--synack-fg); }
.packetdrill-script { list-style: none; margin: .3em 0; padding: 0; font-family: var(--synack-mono); max-height: 16em; overflow: auto; }
.packetdrill-script li { display: flex; gap: .6em; align-items: baseline; }
.packetdrill-script .mark { width: 1em; flex: none; text-align: center; }
.packetdrill-script .ln { width: 2.5em; flex: none; text-align: right; }
.packetdrill-script li[data-state="mismatch"] { color: var(--synack-fg); font-weight: 600; }
.packetdrill-script li[data-state="unreached"] { opacity: .6; }
.packetdrill-script .actual { margin-left: .5em; }
`;
/** The box's styles, adopted once into the element's shadow root. */
export function adoptStyles(root) {
  adopt(root, CSS);
}
