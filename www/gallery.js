// Fills the gallery with one card per catalogue scenario.
import { catalogue, languageOf, loadEngine, strings } from "./synack/synack.js";

captureCorner();
await loadEngine();
const t = await strings(languageOf(document.documentElement));
const grid = document.querySelector("[data-catalogue]");
for (const entry of catalogue()) {
  const card = document.createElement("article");
  card.className = "card";
  const p = document.createElement("p");
  p.textContent = t.scenarios[entry.id][1] + (entry.figure ? ` (${entry.figure})` : "");
  const viz = document.createElement("synack-viz");
  viz.setAttribute("scenario", entry.id);
  viz.setAttribute("controls", "");
  card.append(p, viz);
  grid.append(card);
}

/**
 * "Open a capture": a file from the picker or dropped on the box, or a sample,
 * animated in one <synack-viz>. The file goes to the element as a Blob
 * (captureFile) and is read in its worker: it is never sent anywhere.
 */
function captureCorner() {
  const section = document.querySelector("#capture");
  if (!section) return;
  const input = section.querySelector("[data-file]");
  const drop = section.querySelector("[data-drop]");
  const which = section.querySelector("[data-which]");
  const select = section.querySelector("[data-connection]");
  let viz = null;
  const show = (file, url) => {
    if (!viz) {
      viz = document.createElement("synack-viz");
      viz.setAttribute("controls", "");
      viz.addEventListener("synack-capture", (ev) => listConnections(ev.detail));
      viz.addEventListener("synack-error", () => (which.hidden = true));
      section.querySelector("[data-capture-slot]").append(viz);
    }
    which.hidden = true;
    viz.removeAttribute("connection");
    if (url) viz.setAttribute("capture", url);
    else viz.removeAttribute("capture");
    viz.captureFile = file;
  };
  const listConnections = ({ count, index, list }) => {
    which.hidden = count < 2;
    select.replaceChildren();
    list.forEach((c, i) => {
      const o = document.createElement("option");
      o.value = String(i + 1);
      const marks = c.marks?.length ? ` · ${c.marks.join(" ")}` : "";
      o.textContent = `${i + 1}: ${c.client} → ${c.server} (${c.segments}${marks})`;
      o.selected = i + 1 === index;
      select.append(o);
    });
    if (count > list.length) {
      // Every connection was read; the list offers the first ones (connection="N" shows any).
      const o = document.createElement("option");
      o.disabled = true;
      o.textContent = `… ${count - list.length} more`;
      select.append(o);
    }
  };
  select.addEventListener("change", () => viz?.setAttribute("connection", select.value));
  input.addEventListener("change", () => {
    if (input.files.length) show(input.files[0], null);
  });
  for (const b of section.querySelectorAll("[data-sample]")) {
    b.addEventListener("click", () => show(null, b.dataset.sample));
  }
  drop.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    const file = ev.dataTransfer?.files?.[0];
    if (file) show(file, null);
  });
}
