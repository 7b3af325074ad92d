// Playback: which step the reader is at, in every panel at once, and the bar that
// moves it (restart, back, play, step, the scrubber). A comparison's panels step
// together on one timeline: each panel's steps keyed by their time, so the same
// instant shows in both.

import { el, icon, reducedMotion } from "./dom.js";

/** Unified steps: per step, how many events each panel shows. */
export function timeline(panels) {
  const keyed = panels.map((p) => {
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

export class Player {
  panels = [];
  steps = []; // per unified step, how many events each panel shows
  k = 0; // the unified step shown
  playing = false;
  #host;
  #timer = 0;
  #visible = null; // autoplay's watch for the element coming into view
  #raf = 0;
  #playButton = null;
  #replayButton = null;
  #scrub = null;
  #count = null;

  /** `host` is the element: its `t`, `speed`, `stepped(k)` and `restart()`/`reset()`. */
  constructor(host) {
    this.#host = host;
  }

  /** New panels (or new traces in them): the timeline again, the step kept where it can be. */
  load(panels) {
    this.panels = panels;
    this.steps = timeline(panels);
    this.k = Math.min(this.k, this.steps.length);
    if (this.#replayButton) this.#replayButton.hidden = !this.hasDrops();
  }

  hasDrops() {
    return this.panels.some((p) => p.drops?.length);
  }

  /** The playback bar. It is always there: an element without `controls` is never stuck. */
  bar(t) {
    const play = el("div", { class: "playback", role: "toolbar", "aria-label": t.ui.playback });
    const button = (action, label) => {
      const b = el("button", { type: "button", "data-action": action, "aria-label": label, title: label });
      b.append(icon(action));
      if (action === "play") b.append(el("span", {}, t.ui.play));
      b.addEventListener("click", () => this.act(action));
      return b;
    };
    this.#playButton = button("play", t.ui.play);
    play.append(button("restart", t.ui.restart), button("back", t.ui.back), this.#playButton, button("step", t.ui.step));
    // Restart forgets the reader's losses; this one plays them again from the start.
    this.#replayButton = el("button", { type: "button", "data-action": "replay", title: t.ui.replayTitle }, t.ui.replay);
    this.#replayButton.addEventListener("click", () => this.act("replay"));
    this.#replayButton.hidden = !this.hasDrops();
    play.append(this.#replayButton);
    const scrub = el("input", { type: "range", class: "scrub", min: "0", max: String(this.steps.length), value: String(this.k), "aria-label": t.ui.timeline });
    scrub.addEventListener("input", () => {
      this.pause();
      this.k = Number(scrub.value);
      this.apply(false);
    });
    this.#scrub = scrub;
    this.#count = el("span", { class: "count", "aria-live": "off" });
    play.append(scrub, this.#count);
    this.#setPlayLabel();
    return play;
  }

  /** Space plays or pauses, the arrows step, Home and End jump; form controls keep their own keys. */
  onKey = (ev) => {
    const target = ev.composedPath()[0];
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || !this.panels.length) return;
    if (target instanceof Element && target.closest?.("button, select, input, textarea, summary, a, .scroll")) return;
    if (target instanceof Element && target.matches?.("g.segment") && (ev.key === " " || ev.key === "Enter")) return;
    const act = { " ": "play", ArrowRight: "step", ArrowLeft: "back", Home: "restart", End: "end" }[ev.key];
    if (act) {
      ev.preventDefault();
      this.act(act);
    }
  };

  act(action) {
    if (action === "play") this.playing ? this.pause() : this.play();
    else if (action === "step") { this.pause(); this.step().then(() => this.follow()); }
    else if (action === "back") { this.pause(); this.back(); }
    else if (action === "restart") this.#host.restart();
    else if (action === "replay") this.#host.reset();
    else if (action === "end") { this.pause(); this.seek(Infinity); }
  }

  /** Show unified step k in every panel. */
  apply(animate) {
    const t = this.#host.t;
    const none = this.panels.map(() => 0);
    const shown = this.k > 0 ? this.steps[this.k - 1] : none;
    const before = this.k > 1 ? this.steps[this.k - 2] : none;
    this.panels.forEach((p, i) => {
      p.show(shown[i], animate);
      // In a comparison, a step that moves only the other diagram leaves this one's
      // sentence as it was: say so, so that "Next" does not look broken.
      const idle = this.panels.length > 1 && this.k > 0 && shown[i] === before[i];
      p.narration.classList.toggle("idle", idle);
      if (idle) p.narration.dataset.idle = t.ui.unchanged;
    });
    if (this.#scrub) {
      this.#scrub.max = String(this.steps.length);
      this.#scrub.value = String(this.k);
      this.#scrub.setAttribute("aria-valuetext", t.ui.stepOf(this.k, this.steps.length));
    }
    if (this.#count) this.#count.textContent = `${this.k} / ${this.steps.length}`;
    this.#host.stepped(this.k);
    if (animate) this.#animate();
  }

  #animate() {
    cancelAnimationFrame(this.#raf);
    const start = performance.now();
    const dur = 420 / this.#host.speed;
    const tick = (now) => {
      const t = Math.min(1, (now - start) / dur);
      const eased = 1 - (1 - t) ** 2;
      let more = false;
      for (const p of this.panels) more = p.frame(eased) || more;
      if (more && t < 1) this.#raf = requestAnimationFrame(tick);
    };
    this.#raf = requestAnimationFrame(tick);
  }

  /** Lays each panel out again if its width changed. */
  relayout() {
    for (const p of this.panels) {
      const before = p.geo?.width;
      const width = Math.round(p.root.clientWidth) - 12;
      if (!(Math.abs(width - before) < 2)) p.relayout(); // (a DOM shim's panels have no width: lay out again)
    }
  }

  /** Shows the next step; true if there was one. */
  next() {
    if (!this.panels.length || this.k >= this.steps.length) return false;
    this.k++;
    this.apply(true);
    return true;
  }

  async step() {
    return this.#host.step();
  }

  async back() {
    return this.#host.back();
  }

  seek(n) {
    this.k = Math.max(0, Math.min(Number(n) || 0, this.steps.length));
    this.apply(false);
  }

  /** Step `k`, or the first after it that shows event `losses[i]` of each panel i (-1: none). */
  reaching(k, losses) {
    k = Math.min(k, this.steps.length);
    losses.forEach((lost, i) => {
      while (lost >= 0 && k < this.steps.length && (k === 0 || this.steps[k - 1][i] <= lost)) k++;
    });
    return k;
  }

  play() {
    if (this.playing || !this.panels.length) return;
    if (this.k >= this.steps.length) this.k = 0;
    this.playing = true;
    this.#setPlayLabel();
    const next = async () => {
      if (!this.playing) return;
      const e = await this.step();
      this.follow();
      if (e === null || this.k >= this.steps.length) {
        this.pause();
        return;
      }
      this.#timer = setTimeout(next, 1400 / this.#host.speed);
    };
    next();
  }

  pause() {
    this.playing = false;
    clearTimeout(this.#timer);
    this.#setPlayLabel();
  }

  /** Stops everything that would run later: the timer, the animation frame, autoplay's watch. */
  stop() {
    this.pause();
    cancelAnimationFrame(this.#raf);
    this.#visible?.disconnect();
  }

  /** Plays once `host` is seen (a third of it on screen). */
  playWhenSeen(host) {
    if (typeof IntersectionObserver === "undefined") return this.play();
    this.#visible = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        this.#visible.disconnect();
        this.play();
      }
    }, { threshold: 0.3 });
    this.#visible.observe(host);
  }

  /**
   * The diagram follows the reader's steps: when the newest row would fall behind
   * the narration and playback bars that stay in view, scroll the page just enough.
   */
  follow() {
    const box = this.#host.getBoundingClientRect();
    const height = globalThis.innerHeight ?? 0;
    if (box.top > height || box.bottom < 0) return; // not on screen: leave the page alone
    // Only panels the reader can see now (stacked on a phone, the other is below).
    const seen = this.panels.filter((p) => {
      const r = p.root.getBoundingClientRect();
      return r.top < height && r.bottom > 0;
    });
    const by = Math.max(0, ...seen.map((p) => p.overlap()));
    if (by > 0) globalThis.scrollBy({ top: by, behavior: reducedMotion() ? "auto" : "smooth" });
  }

  #setPlayLabel() {
    const t = this.#host.t;
    if (!this.#playButton || !t) return;
    const label = this.playing ? t.ui.pause : t.ui.play;
    this.#playButton.replaceChildren(icon(this.playing ? "pause" : "play"), el("span", {}, label));
    this.#playButton.setAttribute("aria-label", label);
    this.#playButton.title = label;
  }
}
