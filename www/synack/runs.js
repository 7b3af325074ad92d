// The engine's runs behind the panels: one per diagram, with the reader's losses.
// A comparison's runs share their segment numbers (compare.js), so a loss named
// by its shown number is translated back to the engine's own.

import { runScenario } from "./engine.js";
import { isTrap } from "./failure.js";
import { engineOptions, problem } from "./options.js";

export class Runs {
  #numbers = null; // a comparison's shared segment numbers

  #compare;

  /** `compare` is compare.js (loaded by a comparison), else null. */
  constructor(compare) {
    this.#compare = compare;
  }

  /**
   * One trace per diagram (`options.runs`), each with its losses. In a comparison
   * the reference (last) diagram runs first and the other stops a second after it
   * ends: once the outcomes differ, the rest is the same retry again and again
   * (the outcome says so), not the lesson.
   */
  all(options, drops) {
    const runs = options.runs;
    const last = runs.length - 1;
    const reference = this.#run(engineOptions(options, runs[last], drops[last]));
    const horizon = options.compare ? reference.outcome.end_us + 1_000_000 : undefined;
    const traces = runs.map((run, i) => (i === last ? reference : this.#run(engineOptions(options, run, drops[i], horizon))));
    this.#numbers = options.compare ? this.#compare.unify(traces) : null;
    return this.#numbers?.traces ?? traces;
  }

  /** Runs the engine; its (English) message becomes a problem told in the reader's language. */
  #run(options) {
    try {
      return runScenario(options);
    } catch (err) {
      if (!isTrap(err)) throw problem("run", err?.message ?? String(err));
      console.error(err);
      throw problem("crashed");
    }
  }

  /**
   * Adds segment `id` (as shown) to the losses of `panel`, or of every panel that
   * has it; per panel, the engine's number of the segment lost, or null.
   */
  lose(panels, id, panel) {
    return panels.map((p, i) => {
      if ((panel && panel !== p) || !p.trace.events.some((e) => e.kind === "send" && e.id === id)) return null;
      // The engine knows its segments by its own numbers; a comparison shows shared ones.
      const engine = this.#numbers?.toEngine[i].get(id) ?? id;
      p.drops = [...(p.drops ?? []), engine];
      return engine;
    });
  }

  /** The shown number of the engine's segment `id` in panel `i`. */
  shownId(i, id) {
    return this.#numbers?.toShown[i].get(id) ?? id;
  }
}

/** The heading and the line under it: how the numbers are written, and which handshake. */
export function titleLine(t, traces, options) {
  const t0 = traces[0];
  const heading = options.capture?.title ?? t.scenarios[options.scenario]?.[0] ?? t.customTitle;
  // connection-refused: the server never sends a SYN, so it has no ISN to name.
  const synFrom = (side) => traces.some((tr) => tr.events.some((e) => e.kind === "send" && e.side === side && e.segment.flags.includes("SYN")));
  const isn = (side) => (synFrom(side) ? t0[side].isn : null);
  const numbersNote = options.capture?.numbers ?? (options.numbers === "absolute" ? t.ui.absoluteNote
    : options.numbers === "symbolic" ? t.ui.symbolicNote(isn("client"), isn("server"))
    : t.ui.relativeNote(isn("client"), isn("server")));
  const mode = t.modes[t0.handshake];
  // The handshake is named when it is not TCP's usual three-way one.
  const showMode = !options.compare && t0.handshake !== "three-way" && !heading.toLowerCase().includes(mode.toLowerCase());
  return { heading, note: options.compare ? `${t.ui.sameNetwork} · ${numbersNote}` : showMode ? `${mode} · ${numbersNote}` : numbersNote };
}
