// permalink: the scenario, its options and the step, kept in the page's URL
// fragment so that a link opens the element where the reader left it:
//   #synack=scenario:syn-lost;handshake:three-way;numbers:absolute;step:4
// Only attributes the element knows are read back; anything else is ignored.

const KEYS = ["scenario", "handshake", "compare", "unexpected-answer", "seed", "isn-client", "isn-server", "numbers", "mode", "actions"];
const PREFIX = "synack=";

/** The attributes and step stored in the fragment, or null when there are none. */
export function readFragment(hash = location.hash) {
  const raw = hash.replace(/^#/, "");
  // The prefix first: a fragment that is not ours ("#100%") is none of our business,
  // and decoding it could throw.
  if (!raw.startsWith(PREFIX)) return null;
  let text = raw;
  let word = /^[\w.-]*$/;
  try {
    text = decodeURIComponent(raw);
  } catch {
    // Ours, with a stray "%": read it as written, and let a value holding the "%"
    // through, so that the element refuses it with its usual readable message.
    word = /^[\w.%-]*$/;
  }
  const out = { attrs: {}, step: 0 };
  for (const part of text.slice(PREFIX.length).split(";")) {
    const at = part.indexOf(":");
    if (at < 0) continue;
    const key = part.slice(0, at);
    const value = part.slice(at + 1);
    if (key === "step" && /^\d+$/.test(value)) out.step = Number(value);
    else if (KEYS.includes(key) && word.test(value)) out.attrs[key] = value;
  }
  return out;
}

/** Writes the element's attributes and step into the fragment (no new history entry). */
export function writeFragment(host, step) {
  const parts = [];
  for (const key of KEYS) {
    if (host.hasAttribute(key)) parts.push(`${key}:${host.getAttribute(key)}`);
  }
  parts.push(`step:${step}`);
  const url = new URL(location.href);
  url.hash = PREFIX + parts.join(";");
  history.replaceState(history.state, "", url);
  return url.href;
}
