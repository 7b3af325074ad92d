// Fills the gallery with one card per catalogue scenario.
import { catalogue, languageOf, loadEngine, strings } from "./synack/synack.js";

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
