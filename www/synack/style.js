// The element's styles, adopted into its shadow root: the page's CSS cannot reach
// in, and these rules cannot leak out. Colours are custom properties a blog may set.
// theme="light" or "dark" pins a palette; "auto" (the default) follows the reader's
// prefers-color-scheme.

const DARK = `
  --synack-fg: #e6e8ee;
  --synack-muted: #9aa3b2;
  --synack-bg: #16181d;
  --synack-panel: #1d2027;
  --synack-line: #3a3f4b;
  --synack-client: #8ea2ff;
  --synack-server: #38d9a9;
  --synack-rst: #ff8a50;
  --synack-lost: #8a919c;
  --synack-stale: #f0b429;
  --synack-closed: #6b7280;
  --synack-opening: #f0b429;
  --synack-open: #237a35;
  --synack-closing: #7950f2;
  --synack-waiting: #ae3ec9;
  --synack-focus: #91a7ff;
  color-scheme: dark;`;
const DARK_RULE = (selector) => `${selector} {${DARK}\n}`;

export const css = `
:host {
  --synack-fg: #1f2430;
  --synack-muted: #6b7280;
  --synack-bg: #ffffff;
  --synack-panel: #f7f7f9;
  --synack-line: #d4d6dd;
  --synack-client: #3b5bdb;
  --synack-server: #0c8a73;
  --synack-rst: #d9480f;
  --synack-lost: #9aa0aa;
  --synack-stale: #b7791f;
  --synack-closed: #6b7280;
  --synack-opening: #d99a1e;
  --synack-open: #237a35;
  --synack-closing: #7048e8;
  --synack-waiting: #ae3ec9;
  --synack-focus: #3b5bdb;
  --synack-font: inherit;
  --synack-mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace;
  display: block;
  font-family: var(--synack-font);
  color: var(--synack-fg);
  line-height: 1.45;
  margin: 1.5em 0;
  container-type: inline-size;
  color-scheme: light;
}
${DARK_RULE(":host([theme=\"dark\"])")}
@media (prefers-color-scheme: dark) {
  ${DARK_RULE(":host(:not([theme=\"light\"]))")}
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.frame {
  border: 1px solid var(--synack-line);
  border-radius: 10px;
  background: var(--synack-bg);
  overflow: clip; /* not hidden: that would make the frame the sticky bars' scroller */
}
.title {
  display: flex; flex-wrap: wrap; align-items: baseline; gap: .25em .75em;
  padding: .7em 1em .2em;
  font-weight: 600;
}
.title small { font-weight: 400; color: var(--synack-muted); font-size: .85em; }
.panels { display: grid; grid-template-columns: 1fr; }
.panel { min-width: 0; padding: .4em .6em .6em; }
.panel h3 { margin: .2em .4em .3em; font-size: .95em; font-weight: 600; }
.sides { position: relative; height: 3.1em; }
.side { position: absolute; top: 0; transform: translateX(-50%); display: flex; flex-direction: column; align-items: center; font-size: .85em; }
.side b { font-weight: 600; }
.badge {
  font: 600 .78em/1.2 var(--synack-mono);
  padding: .25em .55em; border-radius: 99px; margin-top: .2em;
  color: #fff; background: var(--synack-closed); white-space: nowrap;
}
.badge[data-family="opening"] { background: var(--synack-opening); color: #1f1300; }
.badge[data-family="open"] { background: var(--synack-open); }
.badge[data-family="closing"] { background: var(--synack-closing); }
.badge[data-family="waiting"] { background: var(--synack-waiting); }
svg { display: block; width: 100%; height: auto; overflow: visible; }
svg text { font: 11px var(--synack-mono); fill: var(--synack-fg); }
svg .lifeline { stroke: var(--synack-line); stroke-width: 2; }
svg .phase { stroke-width: 4; stroke-linecap: round; }
svg .phase.opening { stroke: var(--synack-opening); }
svg .phase.open { stroke: var(--synack-open); }
svg .phase.closing { stroke: var(--synack-closing); }
svg .phase.waiting { stroke: var(--synack-waiting); }
svg .phase.closed { stroke: transparent; }
svg .segment line { stroke-width: 1.8; }
svg .ghosts line { stroke: var(--c); stroke-width: 1.2; opacity: .16; }
svg .ghosts circle { fill: var(--synack-muted); opacity: .25; }
svg [data-dir="c2s"] { --c: var(--synack-client); }
svg [data-dir="s2c"] { --c: var(--synack-server); }
svg .rst { --c: var(--synack-rst); }
svg [data-stale="true"] { --c: var(--synack-stale); }
svg .segment line { stroke: var(--c); }
svg .segment .head { fill: var(--c); }
svg .segment[data-lost="true"] line, svg .segment[data-retransmission="true"] line,
svg .segment[data-stale="true"] line { stroke-dasharray: 5 4; }
svg .segment[data-other="true"] line { stroke-dasharray: 2 3; }
svg .segment .host { fill: var(--synack-bg); stroke: var(--c); stroke-width: 1.5; }
svg .segment[data-lost="true"] line:not(.hit) { stroke: var(--synack-lost); }
svg .segment .cross { stroke: var(--synack-rst); stroke-width: 2.2; stroke-linecap: round; }
svg .seglabel .label-bg { fill: var(--synack-bg); }
svg .seglabel .flags { font-weight: 700; fill: var(--c); }
svg .seglabel .id { fill: var(--synack-muted); }
svg .segment, svg .seglabel { cursor: pointer; }
svg .segment .hit { stroke: transparent; stroke-width: 16; pointer-events: stroke; }
svg .segment:hover line:not(.hit), svg .segment:focus line:not(.hit) { stroke-width: 3; }
svg .segment:focus { outline: none; }
svg .segment:focus-visible line { stroke-width: 3.5; }
svg .pill rect { rx: 9; }
svg .pill text { font-weight: 600; font-size: 10.5px; fill: #fff; }
svg .pill.opening text { fill: #1f1300; }
svg .pill.closed rect { fill: var(--synack-closed); }
svg .pill.opening rect { fill: var(--synack-opening); }
svg .pill.open rect { fill: var(--synack-open); }
svg .pill.closing rect { fill: var(--synack-closing); }
svg .pill.waiting rect { fill: var(--synack-waiting); }
svg .mark text { fill: var(--synack-muted); font-size: 10.5px; }
svg .mark circle { fill: var(--synack-bg); stroke: var(--synack-muted); stroke-width: 1.5; }
svg .break line { stroke: var(--synack-line); stroke-dasharray: 2 4; }
svg .break text { fill: var(--synack-muted); font-style: italic; }
svg .break rect { fill: var(--synack-bg); }
.narration {
  margin: 0; padding: .7em 1em; min-height: 3.2em;
  border-top: 1px solid var(--synack-line); background: var(--synack-panel);
  font-size: .92em;
  /* The step's sentence stays in view too, just above the playback bar. */
  position: sticky; bottom: var(--synack-playback-h, 3em); z-index: 1;
}
.nobr { white-space: nowrap; }
.narration .when { color: var(--synack-muted); font-variant-numeric: tabular-nums; margin-right: .4em; }
.outcome { margin: 0; padding: .55em 1em; border-top: 1px solid var(--synack-line); font-size: .92em; }
.outcome:empty { display: none; }
.outcome p { margin: .15em 0; }
.controls, .playback {
  display: flex; flex-wrap: wrap; align-items: center; gap: .4em .5em;
  padding: .5em .8em; border-top: 1px solid var(--synack-line);
  font-size: .88em;
}
/* Playback stays at the bottom of the window while the element is on screen. */
.playback { position: sticky; bottom: 0; z-index: 2; background: var(--synack-bg); box-shadow: 0 -1px 0 var(--synack-line); }
.controls[hidden], .share[hidden] { display: none; }
button, select, input { font: inherit; color: inherit; }
button, select {
  background: var(--synack-bg); border: 1px solid var(--synack-line); border-radius: 6px;
  padding: .3em .6em; cursor: pointer; min-height: 2em;
}
button:hover, select:hover { border-color: var(--synack-muted); }
button { display: inline-flex; align-items: center; gap: .35em; }
button[hidden] { display: none; }
button .icon { fill: currentColor; stroke: currentColor; stroke-width: 1.5; stroke-linejoin: round; }
.playback svg { display: inline; width: 14px; height: 14px; }
button:focus-visible, select:focus-visible, input:focus-visible {
  outline: 2px solid var(--synack-focus); outline-offset: 1px;
}
.playback .scrub { flex: 1 1 8em; min-width: 6em; accent-color: var(--synack-client); }
.controls label { display: inline-flex; align-items: center; gap: .3em; color: var(--synack-muted); max-width: 100%; min-width: 0; white-space: nowrap; }
.controls select { max-width: 100%; min-width: 0; text-overflow: ellipsis; }
.controls input.isn {
  width: 8.5em; min-width: 0; max-width: 100%; padding: .25em .4em; font: .95em var(--synack-mono);
  background: var(--synack-bg); border: 1px solid var(--synack-line); border-radius: 6px;
}
.playback .count { color: var(--synack-muted); font-variant-numeric: tabular-nums; min-width: 4.5em; text-align: right; }
.error {
  margin: 0; padding: .9em 1em; border: 1px solid var(--synack-rst); border-radius: 10px;
  color: var(--synack-fg); background: color-mix(in srgb, var(--synack-rst) 10%, var(--synack-bg));
}
.error strong { color: var(--synack-rst); }
.loading { padding: 1.2em 1em; color: var(--synack-muted); }
@media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
svg.diagram:focus { outline: none; }
svg.diagram:focus-visible { outline: 2px solid var(--synack-focus); outline-offset: 2px; border-radius: 4px; }
.legend summary { padding: .45em 1em; cursor: pointer; color: var(--synack-muted); }
.analogy { margin: 0; padding: .55em 1em; border-top: 1px solid var(--synack-line); font-size: .92em; }
.analogy:empty { display: none; }
.analogy b { color: var(--synack-muted); font-weight: 600; margin-right: .4em; }
.analogy q { quotes: none; }
details.table { border-top: 1px solid var(--synack-line); font-size: .85em; }
details.table summary { padding: .45em 1em; cursor: pointer; color: var(--synack-muted); }
details.table summary:focus-visible { outline: 2px solid var(--synack-focus); outline-offset: -2px; }
.share { display: flex; flex-wrap: wrap; align-items: center; gap: .4em .5em; padding: .5em .8em; border-top: 1px solid var(--synack-line); font-size: .88em; }
.share .status { color: var(--synack-muted); }
.share textarea { flex: 1 1 100%; min-height: 6em; font: .85em var(--synack-mono); color: inherit; background: var(--synack-bg); border: 1px solid var(--synack-line); }
`;
