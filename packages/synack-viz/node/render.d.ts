// Types for synack-viz/render: the diagram as static SVG, drawn in Node by the element itself.

/** The element's attributes, camelCase or kebab-case; `true` sets a switch, `false` leaves it out. */
export interface RenderOptions {
  scenario?: string;
  handshake?: "two-way" | "three-way" | "four-way";
  compare?: boolean | "two-way" | "four-way";
  seed?: number | string;
  isnClient?: number | string;
  isnServer?: number | string;
  numbers?: "relative" | "absolute";
  speed?: number | string;
  autoplay?: boolean;
  controls?: boolean;
  lang?: "en" | "zh-CN" | string;
  theme?: "light" | "dark" | "auto";
  narration?: "analogy";
  permalink?: boolean;
  /** The drawing's width in CSS pixels, 300 to 4000; default 640. */
  width?: number;
  [attribute: string]: unknown;
}

export interface Figure {
  /**
   * The <synack-viz> element with the figure inside, shown until the element takes over:
   * a placeholder of the element's exact size (a declarative shadow root) and a standalone SVG after it.
   */
  html: string;
  /** The same figure as a standalone SVG file. */
  svg: string;
  /** The element's attributes, as written into `html`. */
  attributes: Record<string, string>;
}

/** The attributes a figure may carry. */
export const ATTRIBUTES: readonly string[];
/** Draws a figure; throws an Error with the element's own message on a bad value. Blocks while the worker draws. */
export function renderSync(options?: RenderOptions): Figure;
/** renderSync, as a promise. */
export function render(options?: RenderOptions): Promise<Figure>;
/** The element's attributes from options, checked. */
export function attributesOf(options: RenderOptions): Record<string, string>;
/** The standalone SVG made fit to sit inside the element in a page. */
export function inlineFigure(svg: string): string;
/** The options of a tag's words: `three-way-handshake compare lang=zh-CN`. */
export function optionsFromWords(words: string[], where?: string): RenderOptions;
/** The options of a ```synack block's body: `key: value` lines. */
export function optionsFromFence(text: string, where?: string): RenderOptions;
