// Entry point: <script type="module" src="synack/synack.js"></script>
// defines <synack-viz>. Everything else is loaded relative to this file.
export { SynackViz } from "./element.js";
export { catalogue, loadEngine, runScenario } from "./engine.js";
export { languageOf, strings } from "./i18n.js";
