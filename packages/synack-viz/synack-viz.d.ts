// Types for <synack-viz> (synack.js). docs/embedding.md in the repository
// describes each attribute, property, method and event.

/** A trace event, as docs/trace-format.md describes it (`kind`: "send", "deliver", "drop", "state", …). */
export interface SynackEvent {
  kind: string;
  t_us: number;
  side?: "client" | "server";
  [field: string]: unknown;
}

/** A whole run: what runScenario returns and what the element draws. */
export interface SynackTrace {
  handshake: "two-way" | "three-way" | "four-way";
  client: { isn: number; [field: string]: unknown };
  server: { isn: number; [field: string]: unknown };
  events: SynackEvent[];
  outcome: { client: string; server: string; facts: { key: string }[] };
  [field: string]: unknown;
}

export interface SynackStepDetail {
  /** The step's primary event. */
  event: SynackEvent;
  /** The step's number, from 1. */
  index: number;
}

export interface SynackErrorDetail {
  /** What the element shows the reader, in its language. */
  message: string;
}

export interface SynackCaptureDetail {
  /** Connections in the capture. */
  count: number;
  /** The one drawn, from 1. */
  index: number;
  /** Each connection's endpoints and number of segments (at most 1000 listed). */
  list: { client: string; server: string; segments: number }[];
}

/** The attributes, as they are written in HTML. */
export interface SynackVizAttributes {
  /** A catalogue id; default three-way-handshake (old-duplicate-syn with compare). */
  scenario?: string;
  handshake?: "two-way" | "three-way" | "four-way";
  /** Present: compare the named handshake ("" means two-way) with three-way, or a variant of the scenario with the scenario as written, side by side. */
  compare?: "" | "two-way" | "four-way" | "linux" | "no-time-wait" | "abort";
  /** The client's rule for an answer to a SYN it never sent: say nothing, or reset as TCP does. Default "ignore" with compare. */
  "unexpected-answer"?: "ignore" | "reset";
  /** 0 to 18446744073709551615, as decimal text; default 1. */
  seed?: string;
  /** 0 to 4294967295. */
  "isn-client"?: string;
  /** 0 to 4294967295. */
  "isn-server"?: string;
  numbers?: "relative" | "absolute" | "symbolic";
  /** Above 0, at most 16; default 1. */
  speed?: string;
  autoplay?: boolean | "";
  controls?: boolean | "";
  /** "zh-CN" (any "zh…") or "en"; default the nearest lang of the page. */
  lang?: string;
  theme?: "light" | "dark" | "auto";
  narration?: "analogy";
  permalink?: boolean | "";
  /** "sandbox": the reader drives with calls and losses instead of a scenario. */
  mode?: "sandbox";
  /** The sandbox's moves, e.g. "s.listen.0-c.connect.0-d.2" (side.call.time-µs, or d.segment). */
  actions?: string;
  /** The URL of a .pcap or .pcapng file to play instead of a scenario. */
  capture?: string;
  /** Which TCP connection of the capture, from 1. */
  connection?: string;
  /** Refuse captures larger than this many MiB (1 to 4096, default 1024). */
  "capture-limit"?: string;
}

export interface SynackVizEventMap extends HTMLElementEventMap {
  "synack-ready": CustomEvent<undefined>;
  "synack-step": CustomEvent<SynackStepDetail>;
  "synack-error": CustomEvent<SynackErrorDetail>;
  "synack-capture": CustomEvent<SynackCaptureDetail>;
}

export class SynackViz extends HTMLElement {
  static readonly observedAttributes: string[];
  /** Resolves to true once the first diagram is drawn, false if the element shows an error instead. */
  readonly ready: Promise<boolean>;
  /** Each attribute has a property: text attributes give null when absent, flags a boolean. */
  scenario: string | null;
  handshake: string | null;
  compare: string | null;
  unexpectedAnswer: string | null;
  start: string | null;
  seed: string | null;
  isnClient: string | null;
  isnServer: string | null;
  /** "relative" unless set. */
  numbers: "relative" | "absolute" | "symbolic";
  speed: number;
  theme: string | null;
  narration: string | null;
  capture: string | null;
  connection: string | null;
  captureLimit: string | null;
  packetdrill: string | null;
  mode: string | null;
  actions: string | null;
  autoplay: boolean;
  controls: boolean;
  permalink: boolean;
  /** A File or Blob to play instead of the capture attribute's URL; read in the browser, never uploaded. */
  captureFile: Blob | null;
  /** The primary event of the step shown, or null before the first step. */
  readonly current: SynackEvent | null;
  /** Steps in all. */
  readonly length: number;
  /** Shows the next step; resolves to its primary event, or null at the end. */
  step(): Promise<SynackEvent | null>;
  /** Goes one step back; resolves to the step's primary event, or null at the start. */
  back(): Promise<SynackEvent | null>;
  /** Back to the first step, keeping any segments the reader made lose. */
  reset(): Promise<void>;
  /** Back to the scenario as given: the first step, with no segment lost by the reader. */
  restart(): Promise<void>;
  /** Shows the first `n` steps (Infinity: all). */
  seek(n: number): Promise<void>;
  play(): void;
  pause(): void;
  /** Runs again as if segment `id` were lost in the network. */
  dropSegment(id: number): Promise<void>;
  /** The diagram as shown now, as the text of a standalone SVG file. */
  exportSvg(): Promise<string>;
  /** The diagram as shown now, as a PNG (twice the on-screen size). */
  exportPng(): Promise<Blob>;
  /** The steps shown so far as Mermaid sequenceDiagram text. */
  exportMermaid(): Promise<string>;
  addEventListener<K extends keyof SynackVizEventMap>(type: K, listener: (this: SynackViz, ev: SynackVizEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SynackVizEventMap>(type: K, listener: (this: SynackViz, ev: SynackVizEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** The scenario catalogue: [{ id, figure?, compare }]. Call after loadEngine(). */
export function catalogue(): { id: string; figure?: string; compare: boolean }[];
/** Loads the wasm engine once; { objects: true } also loads the build that reads scenario objects. */
export function loadEngine(options?: { objects?: boolean }): Promise<void>;
/** Runs a scenario to the end; throws an Error carrying the engine's message on bad input. */
export function runScenario(options: {
  scenario: string | object;
  handshake?: "two-way" | "three-way" | "four-way";
  /** The client's rule for an answer to a SYN it never sent. */
  unexpectedAnswer?: "ignore" | "reset";
  /** The scenario changed: Linux's defaults, no TIME-WAIT (a counterfactual), or abort() for its first close(). */
  variant?: "linux" | "no-time-wait" | "abort";
  seed?: number | string;
  isnClient?: number;
  isnServer?: number;
  drop?: number[];
  /** Stop the run at this virtual time (µs), if it is earlier than the scenario's own end. */
  horizonUs?: number;
}): SynackTrace;
/** The element's language for a node: "en" or "zh-CN". */
export function languageOf(node: Node): "en" | "zh-CN";
/** Every string of a language (fetches the rarer ones too: a page that lists the whole catalogue). */
export function strings(lang: "en" | "zh-CN"): Promise<Record<string, unknown>>;

declare global {
  interface HTMLElementTagNameMap {
    "synack-viz": SynackViz;
  }
}
