// <synack-viz>: a TCP connection, step by step, as a ladder diagram.
//
// The engine (wasm) runs the scenario to completion and hands over the whole trace;
// each panel lays it out once (panel.js, layout.js), and the player (player.js)
// reveals it step by step. This file is the element: its attributes and
// properties, its life cycle, and what it draws from them. The bars around the
// diagram are settings.js and share.js; captures and packetdrill scripts come
// through sources.js, the reader's own moves through sandbox.js.

import { fullReady, loadEngine, needsFull, runScenario } from "./engine.js";
import { primary } from "./narrate.js";
import { css } from "./style.js";
import { analogyFor, captureStrings, languageOf, strings, withAll, withMore } from "./i18n.js";
import { adopt, el, reducedMotion, reflect } from "./dom.js";
import { problem, readDisplay, readOptions, readStart } from "./options.js";
import { Panel } from "./panel.js";
import { Player } from "./player.js";
import { Runs, titleLine } from "./runs.js";
import { legendBox, settingsBar } from "./settings.js";
import { ShareBar } from "./share.js";

let compare = null; // compare.js, once a comparison has fetched it

/** Each attribute and its property (the property reflects the attribute). */
const TEXT = { scenario: "scenario", handshake: "handshake", compare: "compare", unexpectedAnswer: "unexpected-answer", start: "start", seed: "seed", isnClient: "isn-client", isnServer: "isn-server", theme: "theme", narration: "narration", capture: "capture", connection: "connection", captureLimit: "capture-limit", packetdrill: "packetdrill", mode: "mode", actions: "actions" };
const FLAGS = { autoplay: "autoplay", controls: "controls", permalink: "permalink" };
/** Attributes that change how the diagram plays, not what it shows. */
const LIVE = new Set(["speed", "autoplay"]);

export class SynackViz extends HTMLElement {
  static observedAttributes = [...Object.values(TEXT), ...Object.values(FLAGS), "numbers", "speed", "lang"];

  ready;
  #resolveReady = () => {};
  #player = new Player(this);
  #options = null;
  #runs = null; // the engine's runs behind the panels
  #built = false;
  #pendingRebuild = false;
  #rebuilds = 0; // a failure told after a fetch is dropped if the element drew again meanwhile
  #firstDraw = false;
  #t = null; // the strings of the element's language (i18n/*.js), once loaded
  #lang = "en";
  #analogy = null; // the conversation table, once loaded (narration="analogy")
  #share = null;
  #tabs = null; // a comparison's tabs (compare.js)
  #permalink = null; // permalink.js, once loaded
  #linkStep = 0; // the step a permalink asked for, applied on the first draw
  #captureFile = null; // a File or Blob to animate (captureFile), else the capture attribute's URL
  #abort = null; // cancels the capture or script being read
  #captureRead = null; // { key, view }: the last capture read, drawn again when only numbers or lang change
  #resize = null;
  #barObserver = null;

  constructor() {
    super();
    adopt(this.attachShadow({ mode: "open" }), css);
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
  }

  /** The strings of the element's language (for the modules that draw its parts). */
  get t() {
    return this.#t;
  }

  /** The analogy's names and lines when narration="analogy" has loaded them. */
  get analogyTable() {
    return this.#options?.analogy && this.#analogy?.lang === this.#lang ? this.#analogy.table : null;
  }

  connectedCallback() {
    // A property set before the element was defined shadows the accessor: hand it over.
    for (const prop of [...Object.keys(TEXT), ...Object.keys(FLAGS), "numbers", "speed", "captureFile"]) {
      if (Object.hasOwn(this, prop)) {
        const value = this[prop];
        delete this[prop];
        this[prop] = value;
      }
    }
    this.addEventListener("keydown", this.#player.onKey);
    this.#lang = languageOf(this);
    // A figure prerendered inside the element (synack-viz/render) stays on show
    // through a slot until the first diagram replaces it; otherwise "Loading…".
    if (!this.shadowRoot.firstChild) this.shadowRoot.append(this.firstElementChild ? el("slot") : el("div", { class: "loading" }));
    // A permalink (a chunk: only elements with the attribute fetch it) sets the
    // attributes and the step its link names before the first draw.
    const link = this.hasAttribute("permalink") && !this.#built ? import("./permalink.js") : null;
    strings(this.#lang).then((t) => {
      this.#t = t;
      this.shadowRoot.querySelector(".loading")?.replaceChildren(t.ui.loading);
      return Promise.all([loadEngine(), link?.then((m) => {
        this.#permalink = m;
        const got = m.readFragment();
        for (const [k, v] of Object.entries(got?.attrs ?? {})) this.setAttribute(k, v);
        this.#linkStep = got?.step ?? 0;
      })]);
    }).then(
      () => {
        this.#built = true;
        this.#rebuild();
      },
      // Without its strings the element can only say so in English.
      (err) => this.#fail(this.#t ? problem("engine", err?.message ?? String(err)) : `could not load: ${err?.message ?? err}`),
    );
    this.#resize = new ResizeObserver(() => this.#player.relayout());
    this.#resize.observe(this);
  }

  disconnectedCallback() {
    this.#abort?.abort();
    this.removeEventListener("keydown", this.#player.onKey);
    this.#player.stop();
    this.#resize?.disconnect();
    this.#barObserver?.disconnect();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue !== newValue && !LIVE.has(name)) this.#queueRebuild();
  }

  /** One rebuild for all the attributes set in the same task. */
  #queueRebuild() {
    if (!this.#built || this.#pendingRebuild) return;
    this.#pendingRebuild = true;
    queueMicrotask(() => {
      this.#pendingRebuild = false;
      this.#rebuild();
    });
  }

  /** "relative" unless set. */
  get numbers() { return this.getAttribute("numbers") ?? "relative"; }
  set numbers(v) { this.setAttribute("numbers", v); }
  get speed() { return Number(this.getAttribute("speed") ?? 1); }
  set speed(v) { this.setAttribute("speed", String(v)); }
  /** A File or Blob to animate instead of the capture attribute's URL (null: the URL again). */
  get captureFile() { return this.#captureFile; }
  set captureFile(blob) {
    this.#captureFile = blob ?? null;
    this.#queueRebuild();
  }

  /** The events of the current step, per panel, and its primary event. */
  get current() {
    const p = this.#player.panels[0];
    if (!p || p.shown === 0) return null;
    const k = p.stepIndex();
    return primary(p.trace.events, k > 1 ? p.ends[k - 2] : 0, p.ends[k - 1]);
  }
  /** Steps in all (the scrubber's range). */
  get length() {
    return this.#player.steps.length;
  }

  #rebuild() {
    this.#rebuilds++;
    this.pause();
    // A new language (lang set on the element or above it): fetch its tables, then draw in it.
    const lang = languageOf(this);
    if (this.#t?.lang !== lang) return this.#fetch(strings((this.#lang = lang)), (t) => (this.#t = t));
    this.#abort?.abort();
    this.#abort = null;
    if (this.hasAttribute("packetdrill")) return this.#load(async (signal) => (await import("./sources.js")).loadPacketdrill(this, this.#t, readDisplay(this, this.#t), signal), (run) => this.#build([run.trace], run.options));
    if (this.#captureFile || this.hasAttribute("capture")) return this.#load(this.#readCapture, this.#drawCapture);
    if (this.getAttribute("mode") === "sandbox") return this.#load(this.#readSandbox, this.#drawSandbox);
    try {
      const options = readOptions(this, this.#t);
      if (options.analogy && this.#analogy?.lang !== this.#lang) {
        // The conversation's lines come as a chunk of their own; draw again once here.
        const lang = this.#lang;
        analogyFor(lang).then((table) => {
          this.#analogy = { lang, table };
          if (this.#player.panels.length) this.#player.apply(false);
        }, () => {});
      }
      // A comparison's code (compare.js) is a chunk: fetch it, then draw.
      if (options.compare && !compare) return this.#fetch(import("./compare.js"), (m) => (compare = m));
      // The listen queues' lessons run in the full engine, fetched on first use.
      if (needsFull(options.scenario) && !fullReady()) return this.#fetch(loadEngine({ objects: true }), () => {});
      this.#runs = new Runs(compare);
      const traces = this.#runs.all(options, options.runs.map(() => []));
      this.#build(traces, options);
    } catch (err) {
      this.#fail(err);
    }
  }

  /** Fetches what drawing needs (`promise`), keeps it (`keep`), then draws again. */
  #fetch(promise, keep) {
    promise.then((got) => {
      keep(got);
      this.#rebuild();
    }, (err) => this.#fail(err));
  }

  /** Reads a source that a newer one cancels (`read(signal)`), then draws it. */
  #load(read, draw) {
    const abort = new AbortController();
    this.#abort = abort;
    read(abort.signal).then((got) => {
      if (got && !abort.signal.aborted) return draw(got);
    }).catch((err) => {
      if (err?.name !== "AbortError" && !abort.signal.aborted) this.#fail(err);
    });
  }

  #readCapture = async (signal) => (await import("./sources.js")).loadCapture(this, this.#t, this.#captureFile, signal, this.#captureRead, (progress) => {
    this.#player.load([]);
    this.#player.k = 0;
    this.shadowRoot.replaceChildren(progress);
  }, { captureStrings, readDisplay, readStart });

  #drawCapture = async (got) => {
    // Its sentences first, so that the event below follows the drawing.
    this.#t = (await withMore(got.t, [got.trace], false)) ?? got.t;
    this.#captureRead = got.read;
    this.#build([got.trace], got.options);
    this.dispatchEvent(new CustomEvent("synack-capture", { detail: got.detail, bubbles: true, composed: true }));
  };

  #readSandbox = async (signal) => (await import("./sandbox.js")).loadSandbox(this, this.#t, readDisplay(this, this.#t), signal, { loadEngine, runScenario });

  #drawSandbox = async (run) => {
    this.#t = (await withMore(this.#t, [run.trace], false)) ?? this.#t;
    this.#build([run.trace], run.options);
    run.after();
  };

  /** Runs every panel again with its losses, and shows the new traces. */
  async #rerun() {
    const panels = this.#player.panels;
    const traces = this.#runs.all(this.#options, panels.map((p) => p.drops ?? []));
    const more = withMore(this.#t, traces);
    if (more) this.#t = await more;
    panels.forEach((p, i) => {
      p.t = this.#t;
      p.setTrace(traces[i], this.#options, p.title);
    });
    this.#player.load(panels);
  }

  /** Shows what went wrong: a message, an Error, or a problem (options.js) told from the `errors` table, fetched first. */
  #fail(reason) {
    if (reason?.problem) {
      const told = this.#t?.errors?.[reason.problem]?.(...reason.args);
      if (told !== undefined) return this.#fail(told);
      const rebuilds = this.#rebuilds;
      return void withAll(this.#t).then((t) => {
        if (rebuilds !== this.#rebuilds) return; // drawn again since: nothing to tell
        this.#t = t;
        this.#fail(t.errors[reason.problem](...reason.args));
      }, () => this.#fail(`${reason.problem}: ${reason.args.join(" ")}`));
    }
    const message = typeof reason === "string" ? reason : reason?.message ?? String(reason);
    this.pause();
    this.#player.load([]);
    const box = el("div", { class: "error", role: "alert" });
    box.append(el("strong", {}, this.#t?.ui.errorPrefix ?? "synack: "), document.createTextNode(message));
    this.shadowRoot.replaceChildren(box);
    this.dispatchEvent(new CustomEvent("synack-error", { detail: { message }, bubbles: true, composed: true }));
    this.#resolveReady(false);
  }

  #build(traces, options) {
    // A story beyond the base tables fetches its sentences first.
    const more = withMore(this.#t, traces, !!options.compare);
    if (more) return void more.then((t) => {
      this.#t = t;
      this.#build(traces, options);
    }, (err) => this.#fail(err));
    const t = this.#t;
    this.#options = options;
    const frame = el("div", { class: "frame", lang: t.lang });
    const { heading, note } = titleLine(t, traces, options);
    const title = el("div", { class: "title" });
    title.append(el("span", {}, heading), el("small", {}, note));
    const wrap = el("div", { class: `panels${traces.length > 1 ? " two" : ""}` });
    frame.append(title);
    if (options.capture) frame.append(options.capture.info);
    if (options.compare) frame.append(compare.assumption(this, t, options));
    frame.append(wrap, legendBox(this.shadowRoot, t, traces, !!options.capture, (text) => this.#share?.say(text)));
    this.shadowRoot.replaceChildren(frame);
    const panels = traces.map((trace, i) => {
      const panel = new Panel(this, traces.length > 1 ? (t.ui.variants[options.compare]?.[i] ?? t.modes[trace.handshake]) : null, t);
      wrap.append(panel.root);
      return panel;
    });
    panels.forEach((p, i) => p.setTrace(traces[i], options, heading));
    // A comparison on a narrow screen: one diagram at a time, under tabs.
    this.#tabs = options.compare ? compare.tabs(t, panels.map((p) => p.heading), wrap) : null;
    if (this.#tabs) wrap.before(this.#tabs.root);
    this.#player.load(panels);
    const playback = this.#player.bar(t);
    this.#share = new ShareBar(this, t, options.capture ? "capture" : options.scenario, async () => {
      this.#permalink ??= await import("./permalink.js");
      return this.#permalink.writeFragment(this, this.#player.k);
    });
    frame.append(playback, settingsBar(this, t, options, traces[0]), this.#share.root);
    // The narration sticks just above the playback bar, whose height wraps with the width.
    this.#barObserver?.disconnect();
    this.#barObserver = new ResizeObserver(() => frame.style.setProperty("--synack-playback-h", `${playback.offsetHeight}px`));
    this.#barObserver.observe(playback);
    if (!this.#firstDraw) {
      const start = options.start ?? 0;
      // A reader who asked for less motion gets the figure, not an animation.
      const still = this.hasAttribute("autoplay") && reducedMotion() && !this.hasAttribute("start");
      this.#player.k = this.#linkStep || (start === "end" || still ? this.length : Math.min(start, this.length));
    }
    this.#player.apply(false);
    if (!this.#firstDraw) {
      this.#firstDraw = true;
      performance.mark("synack-first-draw");
      this.dispatchEvent(new CustomEvent("synack-ready", { bubbles: true, composed: true }));
      this.#resolveReady(true);
      if (this.hasAttribute("autoplay") && !reducedMotion()) this.#player.playWhenSeen(this);
    }
  }

  /** Called by the player after each step it shows: the tabs and the permalink follow. */
  stepped(k) {
    this.#tabs?.update(this.#player.panels);
    if (this.#permalink && this.hasAttribute("permalink") && this.#firstDraw) this.#permalink.writeFragment(this, k);
  }

  /** export.js and the diagram as shown now; a readable error when nothing is drawn (a bad attribute). */
  async #export() {
    await this.ready;
    const panels = this.#player.panels;
    if (!panels.length) throw new Error(this.#t?.ui.nothingToExport ?? "nothing to export");
    const ex = await import("./export.js");
    return { ex, panels, file: () => ex.svgFile(this, panels, panels[0].title, css) };
  }

  /** The diagram as shown now, as the text of a standalone SVG file. */
  async exportSvg() { return (await this.#export()).file().text; }
  /** The diagram as shown now, as a PNG blob (twice the on-screen size). */
  async exportPng() { const { ex, file } = await this.#export(); return ex.pngBlob(file()); }
  /** The steps shown so far as Mermaid sequence-diagram text (a comparison: both diagrams). */
  async exportMermaid() { const { ex, panels } = await this.#export(); return ex.mermaid(panels); }

  /** Show the next step; resolves to its primary event, or null at the end. */
  async step() {
    await this.ready;
    if (!this.#player.next()) return null;
    const event = this.current;
    this.dispatchEvent(new CustomEvent("synack-step", { detail: { event, index: this.#player.k }, bubbles: true, composed: true }));
    return event;
  }

  async back() {
    await this.ready;
    if (this.#player.k === 0) return null;
    this.#player.seek(this.#player.k - 1);
    return this.current;
  }

  /** Back to the first step, keeping any segments the reader made lose. */
  async reset() {
    await this.ready;
    this.pause();
    this.#player.seek(0);
  }

  /** Back to the scenario as given: the first step, and no segment lost by the reader. */
  async restart() {
    await this.ready;
    this.pause();
    if (this.#player.hasDrops()) {
      for (const p of this.#player.panels) p.drops = [];
      await this.#rerun();
    }
    this.#player.seek(0);
  }

  /** Show the first `n` steps (Infinity: all). */
  async seek(n) {
    await this.ready;
    this.#player.seek(n);
  }

  play() {
    this.#player.play();
  }

  pause() {
    this.#player.pause();
  }

  /** Run again as if segment `id` were lost (in one panel, or in all). */
  async dropSegment(id, panel = null) {
    await this.ready;
    if (this.#options?.sandbox) return this.#options.sandbox.drop(Number(id)); // the reader's move
    if (this.#options?.capture) return; // a recording has no what-if
    const panels = this.#player.panels;
    const held = this.#player.k;
    const lostIn = this.#runs.lose(panels, Number(id), panel);
    // All panels again: a loss in the reference diagram moves the other's horizon.
    await this.#rerun();
    // Stay where the reader was, but at least far enough to show the loss.
    const losses = panels.map((p, i) => (lostIn[i] === null ? -1 : p.trace.events.findIndex((e) => e.kind === "drop" && e.id === this.#runs.shownId(i, lostIn[i]))));
    this.#player.seek(this.#player.reaching(held, losses));
  }
}

// The other attributes' properties: text ones give null when absent, flags a boolean.
reflect(SynackViz, TEXT, FLAGS);

if (!customElements.get("synack-viz")) customElements.define("synack-viz", SynackViz);
