#!/usr/bin/env node
// synack-viz render SCENARIO [options] > figure.svg
// Draws the <synack-viz> diagram at its last step as a standalone SVG file, with
// the element's own code (node/render.js). Bad input: one line on stderr, exit 2.

import { parseArgs } from "node:util";
import { renderSync } from "./render.js";

const USAGE = `usage: synack-viz render SCENARIO [--lang en|zh-CN] [--compare [two-way|four-way]]
                         [--handshake two-way|three-way|four-way] [--seed N]
                         [--isn-client N] [--isn-server N] [--numbers relative|absolute]
                         [--narration analogy] [--width PIXELS] [--html]
Writes the diagram as an SVG file to standard output (--html: the <synack-viz>
element with the figure inside, for a page). SCENARIO is a catalogue id, such as
three-way-handshake, four-way-teardown or old-duplicate-syn.`;

function main(argv) {
  if (argv[0] === "--help" || argv[0] === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (argv[0] !== "render") throw new Error(argv.length ? `unknown command "${argv[0]}"; the command is render` : "no command; the command is render");
  // --compare takes an optional value: alone it means "two-way".
  const args = argv.slice(1).flatMap((a, i, all) => (a === "--compare" && (all[i + 1] === undefined || all[i + 1].startsWith("-") || !/-way$/.test(all[i + 1])) ? ["--compare="] : [a]));
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      lang: { type: "string" },
      compare: { type: "string" },
      handshake: { type: "string" },
      seed: { type: "string" },
      "isn-client": { type: "string" },
      "isn-server": { type: "string" },
      numbers: { type: "string" },
      narration: { type: "string" },
      width: { type: "string" },
      html: { type: "boolean" },
    },
  });
  if (positionals.length !== 1) throw new Error(positionals.length ? `one scenario, not ${positionals.length}: ${positionals.join(" ")}` : "which scenario? e.g. synack-viz render three-way-handshake");
  const { html, width, ...attributes } = values;
  if (width !== undefined && !/^\d+$/.test(width)) throw new Error(`--width must be a whole number of pixels, not "${width}"`);
  const figure = renderSync({ scenario: positionals[0], ...attributes, ...(width ? { width: Number(width) } : {}) });
  process.stdout.write(html ? `${figure.html}\n` : figure.svg);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`synack-viz: ${String(err?.message ?? err).replace(/^synack: /, "")}\n`);
  process.exitCode = 2;
}
