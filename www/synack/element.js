// <synack-viz>: a TCP connection, step by step, as a ladder diagram.
//
// The engine (wasm) runs the scenario to completion and hands over the whole trace;
// this element lays it out once (layout.js), then reveals it step by step. A step
// is a primary event and its immediate consequences (narrate.js). While playing,
// only the arrows in flight change from frame to frame.

import { catalogue, loadEngine, runScenario } from "./engine.js";
import { primary } from "./narrate.js";
import { css } from "./style.js";
import { analogyFor, captureStrings, languageOf, strings } from "./i18n.js";
import { readFragment, writeFragment } from "./permalink.js";
import { isTrap } from "./failure.js";
import { unify } from "./compare.js";
import { el, icon, reducedMotion } from "./dom.js";
import { engineOptions, readCaptureOptions, readDisplay, readOptions, MAX_U32, MODES } from "./options.js";
import { Panel } from "./panel.js";

let sheet = null;
function styles() {
  if (sheet === null) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
  }
  return sheet;
}

export class SynackViz extends HTMLElement {
  static observedAttributes = ["scenario", "handshake", "compare", "unexpected-answer", "start", "seed", "isn-client", "isn-server", "numbers", "speed", "autoplay", "controls", "lang", "theme", "narration", "permalink", "capture", "connection", "capture-limit", "packetdrill"];

  #panels = [];
  #timeline = []; // compare mode: per unified step, how many events each panel shows
  #k = 0; // unified step index
  #playing = false;
  #timer = 0;
  #raf = 0;
  #options = null;
  #built = false;
  #resize = null;
  #visible = null;
  #pendingRebuild = false;
  #firstDraw = false;
  #t = null; // the strings of the element's language (i18n/*.js), once loaded
  #lang = "en";
  #analogy = null; // the conversation table, once loaded (narration="analogy")
  #status = null;
  #linkStep = 0; // the step a permalink asked for, applied on the first draw
  #captureFile = null; // a File or Blob to animate (captureFile), else the capture attribute's URL
  #captureAbort = null; // cancels the capture import under way
  #captureRead = null; // { key, view }: the last capture read, drawn again when only numbers or lang change

  /** The analogy's names and lines when narration="analogy" has loaded them. */
  get analogyTable() {
    return this.#options?.analogy && this.#analogy?.lang === this.#lang ? this.#analogy.table : null;
  }

  /** Space plays or pauses, the arrows step, Home and End jump; form controls keep their own keys. */
  #onKey = (ev) => {
    const target = ev.composedPath()[0];
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || !this.#panels.length) return;
    if (target instanceof Element && target.closest?.("button, select, input, textarea, summary, a, .scroll")) return;
    if (target instanceof Element && target.matches?.("g.segment") && (ev.key === " " || ev.key === "Enter")) return;
    const act = { " ": "play", ArrowRight: "step", ArrowLeft: "back", Home: "restart" }[ev.key];
    if (act) {
      ev.preventDefault();
      this.#act(act);
    } else if (ev.key === "End") {
      ev.preventDefault();
      this.pause();
      this.seek(Infinity);
    }
  };

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [styles()];
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
  }

  #resolveReady = () => {};

  connectedCallback() {
    this.addEventListener("keydown", this.#onKey);
    if (this.hasAttribute("permalink") && !this.#built) {
      const link = readFragment();
      if (link) {
        for (const [k, v] of Object.entries(link.attrs)) this.setAttribute(k, v);
        this.#linkStep = link.step;
      }
    }
    this.#lang = languageOf(this);
    const words = strings(this.#lang);
    // A figure prerendered inside the element (synack-viz/render) stays on show
    // through a slot until the first diagram replaces it; otherwise "Loading…".
    if (!this.shadowRoot.firstChild) this.shadowRoot.append(this.firstElementChild ? el("slot") : el("div", { class: "loading" }));
    words.then((t) => {
      this.#t = t;
      this.shadowRoot.querySelector(".loading")?.replaceChildren(t.ui.loading);
      return loadEngine();
    }).then(
      () => {
        this.#built = true;
        this.#rebuild();
      },
      // Without its strings the element can only say so in English.
      (err) => this.#fail(this.#t ? this.#t.errors.engine(err?.message ?? String(err)) : `could not load: ${err?.message ?? err}`),
    );
    this.#resize = new ResizeObserver(() => this.#relayout());
    this.#resize.observe(this);
  }

  disconnectedCallback() {
    this.#captureAbort?.abort();
    this.removeEventListener("keydown", this.#onKey);
    this.pause();
    this.#resize?.disconnect();
    this.#visible?.disconnect();
    this.#barObserver?.disconnect();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this.#built) return;
    if (name === "speed" || name === "autoplay") return;
    if (!this.#pendingRebuild) {
      this.#pendingRebuild = true;
      queueMicrotask(() => {
        this.#pendingRebuild = false;
        this.#rebuild();
      });
    }
  }

  // Properties mirror attributes.
  get scenario() { return this.getAttribute("scenario"); }
  set scenario(v) { this.setAttribute("scenario", v); }
  get handshake() { return this.getAttribute("handshake"); }
  set handshake(v) { this.setAttribute("handshake", v); }
  get numbers() { return this.getAttribute("numbers") ?? "relative"; }
  set numbers(v) { this.setAttribute("numbers", v); }
  get speed() { return Number(this.getAttribute("speed") ?? 1); }
  set speed(v) { this.setAttribute("speed", String(v)); }
  get capture() { return this.getAttribute("capture"); }
  set capture(v) { this.setAttribute("capture", v); }
  get packetdrill() { return this.getAttribute("packetdrill"); }
  set packetdrill(v) { this.setAttribute("packetdrill", v); }
  get connection() { return this.getAttribute("connection"); }
  set connection(v) { this.setAttribute("connection", String(v)); }
  /** A File or Blob to animate instead of the capture attribute's URL (null: the URL again). */
  get captureFile() { return this.#captureFile; }
  set captureFile(blob) {
    this.#captureFile = blob ?? null;
    this.attributeChangedCallback("capture-file", 0, 1); // one rebuild with the attributes set alongside
  }

  /** The events of the current step, per panel, and its primary event. */
  get current() {
    const p = this.#panels[0];
    if (!p || p.shown === 0) return null;
    const k = p.stepIndex();
    return primary(p.trace.events, k > 1 ? p.ends[k - 2] : 0, p.ends[k - 1]);
  }

  /** Steps in all (the scrubber's range). */
  get length() {
    return this.#timeline.length;
  }

  #rebuild() {
    this.pause();
    // A new language (lang set on the element or above it): fetch its tables, then draw in it.
    const lang = languageOf(this);
    if (this.#t?.lang !== lang) {
      this.#lang = lang;
      strings(lang).then(
        (t) => {
          this.#t = t;
          this.#rebuild();
        },
        (err) => this.#fail(`could not load: ${err?.message ?? err}`),
      );
      return;
    }
    this.#captureAbort?.abort();
    this.#captureAbort = null;
    if (this.hasAttribute("packetdrill")) {
      this.#rebuildPacketdrill();
      return;
    }
    if (this.#captureFile || this.hasAttribute("capture")) {
      this.#rebuildCapture();
      return;
    }
    let options;
    try {
      options = readOptions(this, this.#t);
      if (options.analogy && this.#analogy?.lang !== this.#lang) {
        // The conversation's lines come as a chunk of their own; draw again once here.
        const lang = this.#lang;
        analogyFor(lang).then((table) => {
          this.#analogy = { lang, table };
          if (this.#panels.length) this.#apply(false);
        }, () => {});
      }
      const panels = options.compare
        ? [options.compare, options.handshake && options.handshake !== options.compare ? options.handshake : "three-way"]
        : [options.handshake ?? null];
      const traces = this.#runAll(options, panels, panels.map(() => []));
      this.#options = options;
      this.#build(traces, options);
    } catch (err) {
      this.#fail(err?.message ?? String(err));
    }
  }

  /**
   * A recorded connection (capture.js, a chunk of its own): read in a worker with
   * a progress bar, then drawn like a trace. A newer source cancels this one.
   */
  #rebuildCapture() {
    const abort = new AbortController();
    this.#captureAbort = abort;
    const file = this.#captureFile;
    const source = file
      ? { blob: file, name: file.name ?? "" }
      : { url: new URL(this.getAttribute("capture"), document.baseURI).href, name: this.getAttribute("capture") };
    // The capture code and its strings are chunks of their own, fetched only here.
    Promise.all([import("./capture.js"), captureStrings(this.#t.lang)]).then(([cap, { capture }]) => {
      if (abort.signal.aborted) return;
      if (this.#t.capture !== capture) this.#t = { ...this.#t, capture };
      const t = this.#t;
      let options;
      try {
        options = readCaptureOptions(this, t);
      } catch (err) {
        this.#fail(err?.message ?? String(err));
        return;
      }
      // The same source again (numbers or lang changed): draw the view already read.
      const key = [file ?? source.url, options.connection, options.maxBytes];
      const same = (a) => a && a.every((v, i) => v === key[i]);
      cap.adoptStyles(this.shadowRoot);
      if (same(this.#captureRead?.key)) return this.#drawCapture(cap, this.#captureRead.view, options);
      const progress = cap.progressBox(t, source.name);
      this.#panels = [];
      this.shadowRoot.replaceChildren(progress.box);
      return cap.readCapture(source, { ...options, t, onProgress: progress.update, signal: abort.signal }).then((view) => {
        if (abort.signal.aborted) return;
        this.#captureRead = { key, view };
        this.#k = 0;
        this.#drawCapture(cap, view, options);
      });
    }).catch((err) => {
      if (err?.name !== "AbortError" && !abort.signal.aborted) this.#fail(err?.message ?? String(err));
    });
  }

  /** A packetdrill script played against the engine (packetdrill.js, a chunk of its own). */
  #rebuildPacketdrill() {
    const abort = new AbortController();
    this.#captureAbort = abort;
    import("./packetdrill.js").then(async (pd) => {
      const run = await pd.playScript(this, this.#t, readDisplay(this, this.#t), abort.signal);
      if (abort.signal.aborted) return;
      pd.adoptStyles(this.shadowRoot);
      this.#options = run.options;
      this.#build([run.trace], run.options);
    }).catch((err) => {
      if (err?.name !== "AbortError" && !abort.signal.aborted) this.#fail(err?.message ?? String(err));
    });
  }

  #drawCapture(cap, view, options) {
    const t = this.#t;
    const trace = cap.toTrace(view.connection);
    const title = t.capture.title(view.connection.client, view.connection.server);
    this.#options = { ...options, capture: { title, info: cap.infoBox(view, trace, t), numbers: cap.numbersNote(trace, options, t) } };
    this.#build([trace], this.#options);
    this.dispatchEvent(new CustomEvent("synack-capture", { detail: { count: view.count, index: view.index, list: view.list }, bubbles: true, composed: true }));
  }

  /**
   * One trace per panel. In a comparison the reference (last) panel runs first and
   * the other stops a second after it ends: once the outcomes differ, the rest is
   * the same retry again and again (the outcome says so), not the lesson.
   */
  #runAll(options, modes, drops) {
    const last = modes.length - 1;
    const reference = this.#run(engineOptions(options, modes[last], drops[last]));
    const horizon = options.compare ? reference.outcome.end_us + 1_000_000 : undefined;
    const traces = modes.map((mode, i) => (i === last ? reference : this.#run(engineOptions(options, mode, drops[i], horizon))));
    if (!options.compare) {
      this.#numbers = null;
      return traces;
    }
    // One number for the same segment in both diagrams (compare.js).
    const shared = unify(traces);
    this.#numbers = shared;
    return shared.traces;
  }

  /** Runs the engine; its (English) message is wrapped in the reader's language. */
  #run(options) {
    try {
      return runScenario(options);
    } catch (err) {
      if (!isTrap(err)) throw new Error(this.#t.errors.run(err?.message ?? String(err)));
      console.error(err);
      throw new Error(this.#t.errors.crashed);
    }
  }

  #fail(message) {
    this.pause();
    this.#panels = [];
    const box = el("div", { class: "error", role: "alert" });
    box.append(el("strong", {}, this.#t?.ui.errorPrefix ?? "synack: "), document.createTextNode(message));
    this.shadowRoot.replaceChildren(box);
    this.dispatchEvent(new CustomEvent("synack-error", { detail: { message }, bubbles: true, composed: true }));
    this.#resolveReady(false);
  }

  #build(traces, options) {
    const t = this.#t;
    const frame = el("div", { class: "frame", lang: t.lang });
    const t0 = traces[0];
    const heading = options.capture?.title ?? t.scenarios[options.scenario]?.[0] ?? t.customTitle;
    const title = el("div", { class: "title" });
    // connection-refused: the server never sends a SYN, so it has no ISN to name.
    const synFrom = (side) => traces.some((tr) => tr.events.some((e) => e.kind === "send" && e.side === side && e.segment.flags.includes("SYN")));
    const isn = (side) => (synFrom(side) ? t0[side].isn : null);
    const numbersNote = options.capture?.numbers ?? (options.numbers === "absolute" ? t.ui.absoluteNote
      : options.numbers === "symbolic" ? t.ui.symbolicNote(isn("client"), isn("server"))
      : t.ui.relativeNote(isn("client"), isn("server")));
    const mode = t.modes[t0.handshake];
    // The handshake is named when it is not TCP's usual three-way one.
    const showMode = !options.compare && t0.handshake !== "three-way" && !heading.toLowerCase().includes(mode.toLowerCase());
    title.append(
      el("span", {}, heading),
      el("small", {}, options.compare ? `${t.ui.sameNetwork} · ${numbersNote}` : showMode ? `${mode} · ${numbersNote}` : numbersNote),
    );
    const wrap = el("div", { class: `panels${traces.length > 1 ? " two" : ""}` });
    frame.append(title);
    if (options.capture) frame.append(options.capture.info);
    if (options.compare) frame.append(this.#assumption(options));
    frame.append(wrap);
    frame.append(this.#legend(traces, !!options.capture));
    this.shadowRoot.replaceChildren(frame);
    this.#panels = traces.map((trace) => {
      const panel = new Panel(this, traces.length > 1 ? t.modes[trace.handshake] : null, t);
      wrap.append(panel.root);
      return panel;
    });
    this.#panels.forEach((p, i) => p.setTrace(traces[i], options, heading));
    this.#timeline = this.#merge();
    this.#k = Math.min(this.#k, this.#timeline.length);
    const [playback, settings] = this.#controls();
    frame.append(playback, settings, this.#shareBar());
    // The narration sticks just above the playback bar, whose height wraps with the width.
    this.#barObserver?.disconnect();
    if (typeof ResizeObserver !== "undefined") {
      this.#barObserver = new ResizeObserver(() => frame.style.setProperty("--synack-playback-h", `${playback.offsetHeight}px`));
      this.#barObserver.observe(playback);
    }
    if (!this.#firstDraw) {
      const start = options.start ?? 0;
      // A reader who asked for less motion gets the figure, not an animation.
      const still = this.hasAttribute("autoplay") && reducedMotion() && !this.hasAttribute("start");
      this.#k = this.#linkStep || (start === "end" || still ? this.#timeline.length : Math.min(start, this.#timeline.length));
    }
    this.#apply(false);
    if (!this.#firstDraw) {
      this.#firstDraw = true;
      performance.mark("synack-first-draw");
      this.dispatchEvent(new CustomEvent("synack-ready", { bubbles: true, composed: true }));
      this.#resolveReady(true);
      if (this.hasAttribute("autoplay") && !reducedMotion()) this.#autoplay();
    }
  }

  /** The key (legend.js, a chunk), folded away and fetched when first opened. */
  #legend(traces, capture) {
    const t = this.#t;
    const box = el("details", { class: "legend" });
    box.append(el("summary", {}, t.ui.key));
    box.addEventListener("toggle", () => {
      if (!box.open || box.childElementCount > 1) return;
      import("./legend.js").then((m) => m.legend(t, traces, capture)).then((parts) => {
        if (box.childElementCount === 1) box.append(...parts);
      }, (err) => this.#say(err?.message ?? String(err)));
    });
    return box;
  }

  /** The comparison's assumption in one line, with the switch that changes it. */
  #assumption(options) {
    const t = this.#t;
    const rule = options.unexpectedAnswer;
    const select = el("select", { "data-control": "unexpected-answer" });
    for (const v of ["ignore", "reset"]) {
      const o = el("option", { value: v }, t.ui.rule[v]);
      if (v === rule) o.selected = true;
      select.append(o);
    }
    select.addEventListener("change", () => this.setAttribute("unexpected-answer", select.value));
    const label = el("label", {}, `${t.ui.ruleLabel} `);
    label.append(select);
    const line = el("p", { class: "assume" }, `${t.ui.assume[rule]} `);
    line.append(label);
    return line;
  }

  /** Unified steps: each panel's steps keyed by (time, n-th step at that time). */
  #merge() {
    const keyed = this.#panels.map((p) => {
      const seen = new Map();
      return p.ends.map((end, i) => {
        const t = p.trace.events[i > 0 ? p.ends[i - 1] : 0].t_us;
        const n = seen.get(t) ?? 0;
        seen.set(t, n + 1);
        return { t, n, end };
      });
    });
    const keys = [...new Set(keyed.flat().map((k) => `${k.t}:${k.n}`))]
      .map((s) => s.split(":").map(Number))
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return keys.map(([t, n]) =>
      keyed.map((steps) => {
        let shown = 0;
        for (const s of steps) if (s.t < t || (s.t === t && s.n <= n)) shown = s.end;
        return shown;
      }),
    );
  }

  #controls() {
    const t = this.#t;
    // Playback is always there (an element without `controls` is never stuck) and
    // stays in view at the bottom of the window while the element is on screen; the
    // settings come with `controls`.
    const play = el("div", { class: "playback", role: "toolbar", "aria-label": t.ui.playback });
    const bar = el("div", { class: "controls", role: "toolbar", "aria-label": t.ui.settings });
    bar.hidden = !this.hasAttribute("controls");
    const button = (action, label) => {
      const b = el("button", { type: "button", "data-action": action, "aria-label": label, title: label });
      b.append(icon(action));
      if (action === "play") b.append(el("span", {}, t.ui.play));
      b.addEventListener("click", () => this.#act(action));
      return b;
    };
    this.#playButton = button("play", t.ui.play);
    play.append(button("restart", t.ui.restart), button("back", t.ui.back), this.#playButton, button("step", t.ui.step));
    // Restart forgets the reader's losses; this one plays them again from the start.
    this.#replayButton = el("button", { type: "button", "data-action": "replay", title: t.ui.replayTitle }, t.ui.replay);
    this.#replayButton.addEventListener("click", () => this.#act("replay"));
    this.#replayButton.hidden = !this.#panels.some((p) => p.drops?.length);
    play.append(this.#replayButton);
    const scrub = el("input", { type: "range", class: "scrub", min: "0", max: String(this.#timeline.length), value: String(this.#k), "aria-label": t.ui.timeline });
    scrub.addEventListener("input", () => {
      this.pause();
      this.#k = Number(scrub.value);
      this.#apply(false);
    });
    this.#scrub = scrub;
    this.#count = el("span", { class: "count", "aria-live": "off" });
    play.append(scrub, this.#count);
    const select = (label, options, value, onChange) => {
      const l = el("label", {}, label);
      const s = el("select", { "aria-label": label });
      for (const [v, text] of options) {
        const o = el("option", { value: v }, text);
        if (v === value) o.selected = true;
        s.append(o);
      }
      s.addEventListener("change", () => onChange(s.value));
      l.append(s);
      return l;
    };
    const o = this.#options;
    bar.append(select(t.ui.speed, [["0.5", "½×"], ["1", "1×"], ["2", "2×"], ["4", "4×"]], String(o.speed), (v) => this.setAttribute("speed", v)));
    if (o.capture) {
      // A recording has no handshake to choose, no ISNs to set and no scenario.
      bar.append(select(t.ui.numbers, [["relative", t.ui.relative], ["symbolic", t.ui.symbolic], ["absolute", t.ui.absolute]], o.numbers, (v) => this.setAttribute("numbers", v)));
      return [play, bar];
    }
    // Nothing to choose where no handshake can happen (connection-refused: the
    // server never leaves CLOSED).
    const opens = this.#panels[0].trace.events.some((e) => e.kind === "state" && e.side === "server");
    if (!o.compare && opens) {
      bar.append(select(t.ui.handshake, MODES.map((m) => [m, t.modes[m]]), this.#panels[0].trace.handshake, (v) => this.setAttribute("handshake", v)));
    }
    bar.append(select(t.ui.numbers, [["relative", t.ui.relative], ["symbolic", t.ui.symbolic], ["absolute", t.ui.absolute]], o.numbers, (v) => this.setAttribute("numbers", v)));
    // ISNs: typed in, or new random ones (from a new seed; the engine itself never
    // draws random numbers).
    const trace = this.#panels[0].trace;
    for (const [side, attr] of [["client", "isn-client"], ["server", "isn-server"]]) {
      const word = t.ui[`${side}Word`];
      const l = el("label", {}, t.ui.isn(word));
      const input = el("input", { type: "number", min: "0", max: String(MAX_U32), step: "1", value: String(trace[side].isn), class: "isn", "aria-label": t.ui.isnLabel(word) });
      input.addEventListener("change", () => this.setAttribute(attr, input.value.trim()));
      l.append(input);
      bar.append(l);
    }
    const fresh = el("button", { type: "button", "data-action": "new-isns", title: t.ui.newIsnsTitle }, t.ui.newIsns);
    fresh.addEventListener("click", () => {
      this.removeAttribute("isn-client");
      this.removeAttribute("isn-server");
      this.setAttribute("seed", String(Math.floor(Math.random() * 2 ** 32)));
    });
    bar.append(fresh);
    const ids = catalogue().map((e) => [e.id, t.scenarios[e.id]?.[0] ?? e.id]);
    bar.append(select(t.ui.scenario, ids, o.scenario, (v) => this.setAttribute("scenario", v)));
    return [play, bar];
  }

  /** Copy link (with permalink), SVG, PNG and Mermaid; shown with the controls. */
  #shareBar() {
    const t = this.#t;
    const bar = el("div", { class: "share", role: "toolbar", "aria-label": t.ui.share });
    bar.hidden = !this.hasAttribute("controls");
    const button = (action, label, title, run) => {
      const b = el("button", { type: "button", "data-action": action, title }, label);
      b.addEventListener("click", () => run().catch((err) => this.#say(err?.message ?? String(err))));
      bar.append(b);
    };
    if (this.hasAttribute("permalink")) {
      button("copy-link", t.ui.copyLink, t.ui.copyLink, () => this.#copy(writeFragment(this, this.#k)));
    }
    button("export-svg", t.ui.exportSvg, t.ui.exportSvgTitle, async () => {
      const ex = await import("./export.js");
      const file = `${this.#options.capture ? "capture" : this.#options.scenario}.svg`;
      ex.download(new Blob([await this.exportSvg()], { type: "image/svg+xml" }), file);
      this.#say(t.ui.downloaded(file));
    });
    button("export-png", t.ui.exportPng, t.ui.exportPngTitle, async () => {
      const ex = await import("./export.js");
      const file = `${this.#options.capture ? "capture" : this.#options.scenario}.png`;
      ex.download(await this.exportPng(), file);
      this.#say(t.ui.downloaded(file));
    });
    button("copy-mermaid", t.ui.copyMermaid, t.ui.copyMermaidTitle, async () => this.#copy(await this.exportMermaid()));
    this.#status = el("span", { class: "status", role: "status" });
    bar.append(this.#status);
    return bar;
  }

  #say(text) {
    if (this.#status) this.#status.textContent = text;
  }

  /** Copies `text`; where the clipboard is refused, shows it selected for the reader to copy. */
  async #copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      this.#say(this.#t.ui.copied);
    } catch {
      const area = el("textarea", { readonly: "", "aria-label": this.#t.ui.copyFailed });
      area.value = text;
      this.#status.replaceChildren(this.#t.ui.copyFailed);
      this.#status.parentNode.querySelector("textarea")?.remove();
      this.#status.parentNode.append(area);
      area.select();
    }
  }

  /** The first diagram's title; throws a readable error when nothing is drawn (a bad attribute). */
  #exportTitle() {
    if (!this.#panels.length) throw new Error(this.#t?.ui.nothingToExport ?? "nothing to export");
    return this.#panels[0].title;
  }

  /** The diagram as shown now, as the text of a standalone SVG file. */
  async exportSvg() {
    await this.ready;
    const ex = await import("./export.js");
    return ex.svgFile(this, this.#panels, this.#exportTitle(), css).text;
  }

  /** The diagram as shown now, as a PNG blob (twice the on-screen size). */
  async exportPng() {
    await this.ready;
    const ex = await import("./export.js");
    return ex.pngBlob(ex.svgFile(this, this.#panels, this.#exportTitle(), css));
  }

  /** The steps shown so far as Mermaid sequence-diagram text (a comparison: both diagrams). */
  async exportMermaid() {
    await this.ready;
    this.#exportTitle();
    const ex = await import("./export.js");
    return ex.mermaid(this.#panels);
  }

  #playButton = null;
  #replayButton = null;
  #numbers = null; // a comparison's shared segment numbers (compare.js)
  #barObserver = null;
  #scrub = null;
  #count = null;

  #act(action) {
    if (action === "play") this.#playing ? this.pause() : this.play();
    else if (action === "step") { this.pause(); this.step().then(() => this.#follow()); }
    else if (action === "back") { this.pause(); this.back(); }
    else if (action === "restart") this.restart();
    else if (action === "replay") this.reset();
  }

  /** Show unified step #k in every panel. */
  #apply(animate) {
    const shown = this.#k > 0 ? this.#timeline[this.#k - 1] : this.#panels.map(() => 0);
    const before = this.#k > 1 ? this.#timeline[this.#k - 2] : this.#panels.map(() => 0);
    this.#panels.forEach((p, i) => {
      p.show(shown[i], animate);
      // In a comparison, a step that moves only the other diagram leaves this one's
      // sentence as it was: say so, so that "Next" does not look broken.
      p.narration.classList.toggle("idle", this.#panels.length > 1 && this.#k > 0 && shown[i] === before[i]);
      p.narration.dataset.idle = this.#t.ui.unchanged;
    });
    if (this.#scrub) {
      this.#scrub.max = String(this.#timeline.length);
      this.#scrub.value = String(this.#k);
    }
    if (this.#count) this.#count.textContent = `${this.#k} / ${this.#timeline.length}`;
    if (this.#scrub) this.#scrub.setAttribute("aria-valuetext", this.#t.ui.stepOf(this.#k, this.#timeline.length));
    if (this.hasAttribute("permalink") && this.#firstDraw) writeFragment(this, this.#k);
    if (animate) this.#animate();
  }

  #animate() {
    cancelAnimationFrame(this.#raf);
    const start = performance.now();
    const dur = 420 / this.speed;
    const tick = (now) => {
      const t = Math.min(1, (now - start) / dur);
      const eased = 1 - (1 - t) ** 2;
      let more = false;
      for (const p of this.#panels) more = p.frame(eased) || more;
      if (more && t < 1) this.#raf = requestAnimationFrame(tick);
    };
    this.#raf = requestAnimationFrame(tick);
  }

  #relayout() {
    for (const p of this.#panels) {
      const before = p.geo?.width;
      const width = Math.round(p.root.clientWidth) - 12;
      if (before !== undefined && Math.abs(width - before) < 2) continue;
      p.relayout();
    }
  }

  #autoplay() {
    if (typeof IntersectionObserver === "undefined") return this.play();
    this.#visible = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        this.#visible.disconnect();
        this.play();
      }
    }, { threshold: 0.3 });
    this.#visible.observe(this);
  }

  /** Show the next step; resolves to its primary event, or null at the end. */
  async step() {
    await this.ready;
    if (!this.#panels.length || this.#k >= this.#timeline.length) return null;
    this.#k++;
    this.#apply(true);
    const event = this.current;
    this.dispatchEvent(new CustomEvent("synack-step", { detail: { event, index: this.#k }, bubbles: true, composed: true }));
    return event;
  }

  async back() {
    await this.ready;
    if (this.#k === 0) return null;
    this.#k--;
    this.#apply(false);
    return this.current;
  }

  /** Back to the first step, keeping any segments the reader made lose. */
  async reset() {
    await this.ready;
    this.pause();
    this.#k = 0;
    this.#apply(false);
  }

  /** Back to the scenario as given: the first step, and no segment lost by the reader. */
  async restart() {
    await this.ready;
    this.pause();
    if (this.#panels.some((p) => p.drops?.length)) {
      for (const p of this.#panels) p.drops = [];
      const traces = this.#runAll(this.#options, this.#panels.map((p) => p.trace.handshake), this.#panels.map(() => []));
      this.#panels.forEach((p, i) => p.setTrace(traces[i], this.#options, p.title));
      this.#timeline = this.#merge();
      if (this.#replayButton) this.#replayButton.hidden = true;
    }
    this.#k = 0;
    this.#apply(false);
  }

  /** Show the first `n` steps (Infinity: all). */
  async seek(n) {
    await this.ready;
    this.#k = Math.max(0, Math.min(Number(n) || 0, this.#timeline.length));
    this.#apply(false);
  }

  play() {
    if (this.#playing || !this.#panels.length) return;
    if (this.#k >= this.#timeline.length) this.#k = 0;
    this.#playing = true;
    this.#setPlayLabel();
    const next = async () => {
      if (!this.#playing) return;
      const e = await this.step();
      this.#follow();
      if (e === null || this.#k >= this.#timeline.length) {
        this.pause();
        return;
      }
      this.#timer = setTimeout(next, 1400 / this.speed);
    };
    next();
  }

  /**
   * The diagram follows the reader's steps: when the newest row would fall behind
   * the narration and playback bars that stay in view, scroll the page just enough.
   */
  #follow() {
    const box = this.getBoundingClientRect();
    if (box.top > (globalThis.innerHeight ?? 0) || box.bottom < 0) return; // not on screen: leave the page alone
    // Only panels the reader can see now (stacked on a phone, the other is below).
    const seen = this.#panels.filter((p) => {
      const r = p.root.getBoundingClientRect();
      return r.top < (globalThis.innerHeight ?? 0) && r.bottom > 0;
    });
    const by = Math.max(0, ...seen.map((p) => p.overlap()));
    if (by > 0) globalThis.scrollBy({ top: by, behavior: reducedMotion() ? "auto" : "smooth" });
  }

  pause() {
    this.#playing = false;
    clearTimeout(this.#timer);
    this.#setPlayLabel();
  }

  #setPlayLabel() {
    if (!this.#playButton) return;
    if (!this.#t) return;
    const label = this.#playing ? this.#t.ui.pause : this.#t.ui.play;
    this.#playButton.replaceChildren(icon(this.#playing ? "pause" : "play"), el("span", {}, label));
    this.#playButton.setAttribute("aria-label", label);
    this.#playButton.title = label;
  }

  /** Run again as if segment `id` were lost (in one panel, or in all). */
  async dropSegment(id, panel = null) {
    await this.ready;
    id = Number(id);
    if (this.#options?.capture) return; // a recording has no what-if
    const targets = panel ? [panel] : this.#panels;
    const held = this.#k;
    // The engine knows its segments by its own numbers; a comparison shows shared ones.
    const lostIn = this.#panels.map(() => null);
    for (const [i, p] of this.#panels.entries()) {
      if (!targets.includes(p) || !p.trace.events.some((e) => e.kind === "send" && e.id === id)) continue;
      lostIn[i] = this.#numbers?.toEngine[i].get(id) ?? id;
      p.drops = [...(p.drops ?? []), lostIn[i]];
    }
    // All panels again: a loss in the reference diagram moves the other's horizon.
    const traces = this.#runAll(this.#options, this.#panels.map((p) => p.trace.handshake), this.#panels.map((p) => p.drops ?? []));
    this.#panels.forEach((p, i) => p.setTrace(traces[i], this.#options, p.title));
    this.#timeline = this.#merge();
    if (this.#replayButton) this.#replayButton.hidden = !this.#panels.some((p) => p.drops?.length);
    // Stay where the reader was, but at least far enough to show the loss.
    let k = Math.min(held, this.#timeline.length);
    for (const [i, p] of this.#panels.entries()) {
      if (lostIn[i] === null) continue;
      const shown = this.#numbers?.toShown[i].get(lostIn[i]) ?? lostIn[i];
      const lost = p.trace.events.findIndex((e) => e.kind === "drop" && e.id === shown);
      while (lost >= 0 && k < this.#timeline.length && (k === 0 || this.#timeline[k - 1][i] <= lost)) k++;
    }
    this.#k = k;
    this.#apply(false);
  }
}

if (!customElements.get("synack-viz")) customElements.define("synack-viz", SynackViz);
