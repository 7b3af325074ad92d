// Share and export: the diagram as a standalone SVG file, as a PNG image, or as
// Mermaid sequence-diagram text. Loaded with import() on the first click, so a
// page that never exports never fetches it.

const SVG_NS = "http://www.w3.org/2000/svg";

/** The diagram rules of style.js (passed in, so this chunk does not carry them again), with every custom property replaced by its current value. */
function diagramStyles(host, css) {
  const computed = getComputedStyle(host);
  const rules = css.split("\n").filter((line) => line.startsWith("svg ") && !line.includes(":focus") && !line.includes(":hover"));
  return rules
    .map((rule) => rule.replace(/^svg /, "").replace(/, svg /g, ", "))
    .join("\n")
    .replace(/var\((--synack-[a-z-]+)\)/g, (_, name) => computed.getPropertyValue(name).trim() || "currentColor")
    .replace(/var\(--c\)/g, "var(--c, currentColor)");
}

/**
 * One SVG document for the diagrams shown (side by side when compared): a title,
 * the lifelines' names, a background, and the styles inlined, so that the file
 * looks the same opened on its own.
 */
export function svgFile(host, panels, title, css) {
  const gap = 24;
  // A comparison's panel headings need a line of their own above the lifelines' names.
  const top = panels.some((p) => p.heading) ? 70 : 46;
  const width = panels.reduce((w, p) => w + p.geo.width, 0) + gap * (panels.length - 1);
  const height = Math.max(...panels.map((p) => p.geo.height)) + top;
  const computed = getComputedStyle(host);
  const fg = computed.getPropertyValue("--synack-fg").trim() || "#000";
  const bg = computed.getPropertyValue("--synack-bg").trim() || "#fff";
  // The wrapper is written as text: building <style> or style="" in a document,
  // even a detached one, would trip a page's style-src policy.
  const styles = `text { font: 11px ui-monospace, Menlo, Consolas, monospace; fill: ${fg}; }
text.heading { font-size: 13px; font-weight: 700; }
text.side { font-weight: 600; }
${diagramStyles(host, css)}`;
  const parts = [
    `<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escape(title)}</title>`,
    `<style>${escape(styles)}</style>`,
    `<rect width="${width}" height="${height}" fill="${escape(bg)}"/>`,
    `<text class="heading" x="12" y="18">${escape(title)}</text>`,
  ];
  const xml = new XMLSerializer();
  let x = 0;
  for (const p of panels) {
    parts.push(`<g transform="translate(${x},${top})">`);
    if (p.heading) parts.push(`<text class="heading" x="8" y="-30">${escape(p.heading)}</text>`);
    for (const side of ["client", "server"]) {
      const cx = side === "client" ? p.geo.xClient : p.geo.xServer;
      parts.push(`<text class="side" x="${cx}" y="0" text-anchor="middle">${escape(`${p.t.ui[side]} ${p.badges[side].textContent}`)}</text>`);
    }
    // The live diagram, as the reader sees it now, serialised as it is (a clone
    // would copy style attributes into a document) with the interactive parts dropped.
    for (const child of p.svg.childNodes) {
      parts.push(
        xml.serializeToString(child)
          .replace(/ (tabindex|role|aria-label|aria-hidden)="[^"]*"/g, "")
          .replace(/ style="display: none;"/g, ' display="none"')
          .replace(/ style="[^"]*"/g, "")
          .replace(/<line class="hit"[^>]*\/>/g, ""),
      );
    }
    parts.push("</g>");
    x += p.geo.width + gap;
  }
  parts.push("</svg>");
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${parts.join("\n")}\n`, width, height };
}

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

/** The SVG drawn onto a canvas at twice its size, as a PNG blob. */
export async function pngBlob({ text, width, height }) {
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = width * 2;
    canvas.height = height * 2;
    const ctx = canvas.getContext("2d");
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error("PNG encoding failed"))), "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The steps shown so far as one Mermaid sequence diagram. A comparison's panels
 * become two boxes of participants (Client and Server under each heading), their
 * events interleaved in time, as the element steps them.
 */
export function mermaid(panels) {
  const t = panels[0].t;
  const lines = ["sequenceDiagram"];
  const names = panels.map((p, i) => (panels.length > 1 ? { client: `C${i + 1}`, server: `S${i + 1}` } : { client: "Client", server: "Server" }));
  panels.forEach((p, i) => {
    if (panels.length > 1) lines.push(`  box ${p.heading}`);
    lines.push(`  participant ${names[i].client} as ${t.ui.client}`, `  participant ${names[i].server} as ${t.ui.server}`);
    if (panels.length > 1) lines.push("  end");
  });
  const all = [];
  panels.forEach((p, i) => p.trace.events.slice(0, p.shown).forEach((e, k) => all.push({ e, i, k })));
  all.sort((a, b) => a.e.t_us - b.e.t_us || a.i - b.i || a.k - b.k);
  const lost = panels.map((p) => new Set(p.trace.events.slice(0, p.shown).filter((e) => e.kind === "drop").map((e) => e.id)));
  for (const { e, i } of all) {
    const name = names[i];
    if (e.kind === "send") {
      const s = panels[i].geo.segments.find((x) => x.id === e.id && !x.duplicate);
      const label = s ? s.lines.join(" ") : `#${e.id} ${e.segment.flags.join(",")}`;
      const to = e.side === "client" ? "server" : "client";
      lines.push(`  ${name[e.side]}${lost[i].has(e.id) ? "-x" : "->>"}${name[to]}: ${label.replace(/[;#]/g, (c) => (c === "#" ? "#35;" : "#59;"))}`);
    } else if (e.kind === "state") {
      lines.push(`  Note over ${name[e.side]}: ${e.to}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Offers `blob` to the reader as a download named `file`. */
export function download(blob, file) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = file;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
