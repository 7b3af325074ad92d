// embed.html: one <synack-viz> built from the page's query string, for blogs that
// embed it in an iframe. Only the element's own attributes are passed on; the
// element checks their values and shows a readable message for a bad one.
import "./synack/synack.js";

const ATTRIBUTES = ["scenario", "handshake", "compare", "unexpected-answer", "start", "seed", "isn-client", "isn-server", "numbers",
  "speed", "autoplay", "controls", "lang", "theme", "narration", "permalink", "capture", "connection", "capture-limit"];

const params = new URLSearchParams(location.search);
const viz = document.createElement("synack-viz");
for (const name of ATTRIBUTES) {
  if (params.has(name)) viz.setAttribute(name, params.get(name));
}
// Controls are on unless the link says controls=off.
if (params.get("controls") === "off") viz.removeAttribute("controls");
else viz.setAttribute("controls", "");
if (params.has("lang")) document.documentElement.lang = params.get("lang");
document.getElementById("root").append(viz);
