// Entry point: <script type="module" src="synack/synack.js"></script>
// defines <synack-viz>. Everything else is loaded relative to this file.
import { strings as base, withAll } from "./i18n.js";

export { SynackViz } from "./element.js";
export { catalogue, loadEngine, runScenario } from "./engine.js";
export { languageOf } from "./i18n.js";

/** Every string of a language: its base table and the rarer ones (i18n/more-*.js) together. */
export const strings = (lang) => base(lang).then(withAll);
