// Part E's experiments on GPT-1 itself, made with the rest of its lab (panel.js): the paper's zero-shot heuristics
// (zero-shot.js) and fine-tuning two copies with L_task + λ·L_lm (tuning.js), their controls (experiments-lab.js)
// and their styles. The built-in examples (data/gpt1-experiments.json, data/gpt1-sentiment.tsv) are fetched once,
// when the lab opens.
import { $ } from '../../drawing/dom.js';
import { adoptStyle } from '../../drawing/sheet.js';
import { DATA } from '../../assets/gpt.js';
import { buildExperiments } from './experiments-lab.js';
import { createZeroShot } from './zero-shot.js';
import { createTuning } from './tuning.js';

const CSS = `
.gpt1-zs { margin: 0 0 1.4rem; }
.gpt1-zs-out:empty { display: none; }
.gpt1-zs-table td { vertical-align: top; }
.gpt1-zs-table thead th { text-align: left; }
.gpt1-zs-table td.wrap { text-align: left; white-space: normal; min-width: 12rem; }
.gpt1-zs-table th[scope="row"] { text-align: left; font-weight: 600; white-space: normal; min-width: 8rem; }
.gpt1-zs-table td.picked { font-weight: 700; color: var(--k1); }
.gpt1-zs-examples td:first-child { text-align: left; white-space: normal; min-width: 14rem; max-width: 24rem; }
.gpt1-zs-examples td { text-align: left; }
.gpt1-zs-verdict { font-weight: 600; }
.lp-strip { list-style: none; padding: 0; margin: 0.3rem 0; display: flex; flex-wrap: wrap; gap: 0.25rem; }
.lp-strip li { padding: 0.1rem 0.35rem; border-radius: 4px; font-family: ui-monospace, monospace; font-size: 0.82rem; white-space: nowrap; }
.lp-strip li.none { border: 1px dashed var(--line); }
.lp-strip .num { font-variant-numeric: tabular-nums; }
.gpt1-zs-table .lp-strip { flex-wrap: nowrap; margin: 0; }
.gpt1-threshold output { font-weight: 700; font-variant-numeric: tabular-nums; margin-left: 0.5rem; }
.gpt1-two { display: grid; gap: 0 1.2rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 18rem), 1fr)); }
.gpt1-ft-table th[scope="colgroup"] { text-align: center; }
.gpt1-stale { opacity: 0.55; }
.gpt1-ft-figure { margin: 0.6rem 0 0; max-width: 52rem; }
.gpt1-ft-figure svg { width: 100%; height: auto; overflow: hidden; }
.gpt1-ft-figure text { fill: var(--muted); font-size: 12px; font-family: system-ui, sans-serif; }
.gpt1-ft-figure .axis { stroke: var(--muted); fill: none; }
.gpt1-ft-figure .gridline { stroke: var(--line); stroke-dasharray: 2 3; fill: none; }
.gpt1-ft-figure path.curve { fill: none; stroke-width: 2.6; }
.gpt1-ft-figure .curve.plain { stroke: var(--k0); }
.gpt1-ft-figure .curve.mixed { stroke: var(--k1); stroke-dasharray: 7 3; }
`;

/** Fetches a file of the page's built-in data as text. */
async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname.split('/').pop()} did not load (HTTP ${response.status})`);
  return response.text();
}

/** The built-in material: the heuristics' examples by name, the labelled set and the held-out text. */
async function builtinTexts() {
  const [json, labelled] = await Promise.all([fetchText(DATA.gpt1Experiments), fetchText(DATA.gpt1Sentiment)]);
  const examples = JSON.parse(json);
  return { ...examples, labelled, heldOut: examples.heldOut.join('\n') };
}

/** Adds the experiments to Part E's lab. `session`: kinds/gpt1/session.js; `store`: the page's. */
export function createExperiments(session, store) {
  adoptStyle($('gpt1-lab').getRootNode(), CSS);
  buildExperiments($('gpt1-ready'));
  const builtin = builtinTexts();
  const zeroShot = createZeroShot(session, store, builtin);
  const tuning = createTuning(session, store, builtin);
  return {
    /** Forgets what was computed with the model that is gone. */
    clear() {
      zeroShot.clear();
      tuning.clear();
    },
  };
}
