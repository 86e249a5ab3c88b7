// Part E: the released GPT-1 in the page. main.js imports this module when the section's lab is first opened. This
// module takes the weights — downloaded from the hub at a press (download.js), or the user's file (picked or
// dropped; or OpenAI's ten .npy pieces at once) — shows the reading's progress, keeps or forgets the weights, says
// where they came from and how long the first token took, in the form chosen (form.js: float32 or compact int8,
// which form runs and how far it differs); the parts that use the model draw themselves: the
// continuation and next-token table (run.js), every head's attention (heads.js), Part B's input in GPT-1's ids
// (task.js), the paper's experiments on GPT-1: zero-shot heuristics and fine-tuning (experiments.js).
import { adoptStyle } from '../../drawing/sheet.js';
import { LAB_CSS } from '../../drawing/lab-style.js';
import { $, setError, messageOf } from '../../drawing/dom.js';
import { WorkerGone } from '../../engine/engine.js';
import { createSession } from '../../kinds/gpt1/session.js';
import { createRun } from './run.js';
import { createHeads } from './heads.js';
import { createTask } from './task.js';
import { createExperiments } from './experiments.js';
import { buildLab } from './lab.js';
import { markGpt1WeightsKept as markKept } from '../../state/keys.js'; // (main.js then opens the lab at once)
import { createDownload, sourceLine } from './download.js';
import { createForm } from './form.js';

const MB = 1_000_000; // the page's megabyte (Part E's introduction defines it), as the core and Hugging Face count it
const megabytes = (bytes) => `${Math.round(bytes / MB).toLocaleString('en-US')} MB`;
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
/** The kept file's form and size, from what storage keeps (`stored`), or null when no whole file is kept. */
const keptFile = (kept) => (kept && !kept.partial ? { form: kept.form, bytes: kept.bytes } : null);
/** Words for what is read: the kept copy (`files` null), one file, or several (OpenAI's .npy pieces). */
const said = (files, kept, one, several) => (!files ? kept : files.length === 1 ? one : several);

// Part E's styles, adopted when its panel is made: the page's first stylesheet carries none of them
const CSS = `
.drop-zone { border: 2px dashed var(--line); padding: 0.8rem; max-width: 40rem; }
.drop-zone.over { border-color: var(--k1); }
.gpt1-output { font-family: ui-monospace, monospace; white-space: pre-wrap; }
.gpt1-new { font-weight: 700; }
.heads-grid { width: max-content; padding: 3px; }
.heads-row { display: flex; gap: 2px; align-items: flex-start; }
.heads-row > .hint { min-width: 2ch; margin: 0 2px 0 0; text-align: right; font-variant-numeric: tabular-nums; }
.heads-row > .head-number { width: calc(2.6rem + 4px); min-width: 0; margin: 0; text-align: center; }
.head-map { padding: 1px; border: 1px solid var(--line); background: none; line-height: 0; color: var(--fg); }
.head-map[aria-pressed="true"] { outline: 2px solid var(--k1); background: none; border-color: var(--k1); color: var(--fg); }
.head-map.top { border: 1px solid var(--k3); box-shadow: 0 0 0 2px var(--k3); }
.head-map .head-score { display: block; line-height: 1.2; font-size: 0.72rem; font-variant-numeric: tabular-nums; }
.head-map.top .head-score { font-weight: 700; }
.head-top { margin: 0.2rem 0 0.6rem; }
.head-top button { margin: 0.1rem 0; }
.head-map canvas, .gpt1-state { width: 2.6rem; height: 2.6rem; image-rendering: pixelated; }
.head-map canvas { display: block; }
.gpt1-state { display: block; width: 100%; max-width: 40rem; height: 1.2rem; }
.gpt1-download { max-width: 40rem; }
.gpt1-hash { overflow-wrap: anywhere; }
.gpt1-numbers { font-variant-numeric: tabular-nums; }
`;

/** Sets up Part E. `store` and `engine` are the page's: Part E's fields are kept in the store, Part B's task read from it. */
export function createGpt1Panel(store, engine) {
  adoptStyle($('gpt1-lab').getRootNode(), LAB_CSS);
  adoptStyle($('gpt1-lab').getRootNode(), CSS);
  buildLab($('gpt1-lab'));
  const ui = { file: $('gpt1-file'), drop: $('gpt1-drop'), progress: $('gpt1-progress'), status: $('gpt1-weights-status'),
    cancel: $('gpt1-cancel'), forget: $('gpt1-forget'), notice: $('gpt1-notice'), timing: $('gpt1-timing'),
    ready: $('gpt1-ready'), source: $('gpt1-source') };
  const session = createSession(engine);
  const download = createDownload(session, document, (text) => status(text));
  const run = createRun(session, store);
  const heads = createHeads(session);
  const task = createTask(session, store);
  const experiments = createExperiments(session, store);
  const form = createForm(session, store, { reload: () => load(null), prompt: run.prompt, rerun: async () => {
    experiments.clear(); // (its figures were the other form's)
    await run.start();
    heads.draw();
    task.draw();
  } });
  let busy = false;
  let reading = 'file'; // what is being read: 'file' (the user's, or the kept copy) or 'download'

  const status = (text) => { ui.status.textContent = text; };
  const notice = (text) => { ui.notice.textContent = text; ui.notice.hidden = !text; };

  /** Whether weights are being read (`what`: 'download' or 'file'): the controls that start one wait meanwhile. */
  function setBusy(value, what = 'file') {
    busy = value;
    reading = what;
    ui.file.disabled = value;
    download.enable(!value);
    form.reading(value);
    ui.cancel.hidden = !value;
    ui.cancel.textContent = what === 'download' ? 'Cancel' : 'Stop reading';
    ui.progress.hidden = !value;
    ui.progress.setAttribute('aria-label', what === 'download' ? 'Downloading GPT-1' : 'Reading the weights file');
  }

  /** Says where the loaded weights came from (a download's record), or nothing (the user's own file). */
  function showSource(provenance) {
    ui.source.replaceChildren(...sourceLine(provenance));
    ui.source.hidden = !provenance;
  }

  function empty() {
    ui.ready.hidden = true;
    ui.forget.disabled = true;
    showSource(null);
    form.running(null);
    run.clear();
    heads.clear();
    task.clear();
    experiments.clear();
  }

  /** Reads the weights: `files`, the kept copy (null), or (`fromHub`) a download; the model's sizes, or null. */
  async function fetchModel(files, fromHub, where) {
    if (fromHub) return download.run(form.chosen());
    status(`Reading ${where}…`);
    return session.read(files, ({ read, bytes }) => {
      ui.progress.value = bytes ? read / bytes : 0;
      status(`Reading ${where}: ${megabytes(read)} of ${megabytes(bytes)}`);
    }, files ? form.chosen() : form.forKept());
  }

  /**
   * Reads `files` (one safetensors file, or OpenAI's .npy pieces; null: the kept copy) or, `fromHub`, downloads
   * GPT-1, then continues the prompt; the time to its first token is shown.
   */
  async function load(files, fromHub = false) {
    const started = performance.now();
    const slot = fromHub ? 'gpt1-download' : 'gpt1';
    setError('gpt1', '');
    download.error('');
    notice('');
    ui.timing.textContent = '';
    empty();
    setBusy(true, fromHub ? 'download' : 'file');
    if (fromHub) markKept(true); // (a reload mid-way opens the lab, offering to take the download up)
    const where = fromHub ? 'GPT-1 from the hub' : said(files, 'the copy kept in this browser', `your file, ${files?.[0].name}`, `your ${files?.length} files`);
    let model;
    try {
      model = await fetchModel(files, fromHub, where);
    } catch (error) {
      if (error instanceof WorkerGone) return; // the worker died (its memory refused?): the crash listener says so
      setBusy(false);
      status('No weights loaded.');
      const what = fromHub ? 'GPT-1 could not be downloaded' : `${said(files, 'The kept copy', 'This file', 'These files')} could not be used`;
      const refused = /refused to give it/.test(messageOf(error)) ? form.refused() : ''; // (the core could not allocate)
      setError(slot, `${what}: ${messageOf(error)}${refused}`);
      refreshKept();
      return;
    }
    setBusy(false);
    if (!model) return; // stopped, or replaced by a newer read
    const read = performance.now() - started;
    status(`GPT-1 is loaded: ${model.layers} layers, ${model.heads} heads, ${model.dModel}-dimensional states, ${model.parameters.toLocaleString('en-US')} weights${model.memoryBytes ? `; the worker's memory is ${megabytes(model.memoryBytes)}` : ''}.`);
    showSource(model.provenance);
    form.running(model);
    download.enable(!model.provenance); // (a verified download is loaded: pressing again would fetch the same file)
    ui.ready.hidden = false;
    ui.forget.disabled = false;
    const first = await run.start();
    if (first) {
      const from = fromHub ? 'the hub: downloaded and read' : `${said(files, 'storage', 'your file', 'your files')}: read`;
      ui.timing.textContent = `From ${from} in ${seconds(read)}, first token after ${seconds(first - started)}.`;
    }
    heads.draw();
    task.draw();
    // the copy is committed once the first tokens are out (committing 479 MB can take seconds)
    const given = files || fromHub;
    const { kept, problem, form: keptForm, bytes, memoryBytes } = given ? await session.request('keep')
      .catch((error) => ({ kept: false, problem: messageOf(error) })) : { kept: true, problem: '' };
    if (problem) notice(`The weights are loaded, but ${problem}.`);
    if (kept) {
      markKept(true);
      if (given) notice(`Kept in this browser for your next visit${keptForm === 'int8' ? `: the compact file, ${megabytes(bytes)}` : ''}.`);
    }
    if (given) form.kept(keptFile(await session.request('stored').catch(() => null)), memoryBytes);
  }

  /**
   * Whether a copy is kept; says so, and loads it when the lab opens (a reload does not ask for the file). A
   * download kept is offered to go on (`lead`: what to say first).
   */
  async function refreshKept(andLoad = false, lead = '') {
    const kept = await session.request('stored').catch(() => null);
    if (busy) return; // (a reading began meanwhile: what storage held then no longer matters)
    const partial = download.offer(kept?.partial);
    if (partial) status(lead ? `${lead} ${partial}` : partial);
    if (!kept || kept.partial) markKept(Boolean(kept?.partial));
    form.kept(keptFile(kept));
    if (!kept) return;
    ui.forget.disabled = false;
    if (andLoad && !kept.partial) load(null);
  }

  ui.file.addEventListener('change', () => {
    const files = [...ui.file.files];
    if (files.length) load(files);
    ui.file.value = ''; // the same files can be picked again
  });
  ui.drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    ui.drop.classList.add('over');
  });
  ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
  ui.drop.addEventListener('drop', (event) => {
    event.preventDefault();
    ui.drop.classList.remove('over');
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length && !busy) load(files);
  });
  download.button.addEventListener('click', () => { if (!busy) load(null, true); });
  ui.cancel.addEventListener('click', async () => {
    const downloading = reading === 'download';
    await session.stop();
    setBusy(false);
    status(downloading ? 'Download cancelled. No weights loaded.' : 'Reading stopped. No weights loaded.');
    if (downloading) refreshKept(false, 'Download cancelled.');
  });
  ui.forget.addEventListener('click', async () => {
    if (busy) await session.stop();
    setBusy(false);
    try {
      await session.request('forget');
      markKept(false);
      status('The weights are forgotten: this browser keeps no copy, and the file will be asked for again.');
      notice('');
      ui.timing.textContent = '';
      empty();
      form.kept(null);
      download.offer(null);
    } catch (error) {
      setError('gpt1', `The weights could not be removed: ${messageOf(error)}`);
    }
  });
  session.on('crash', ({ reason }) => {
    const wasReading = busy; // (a worker that dies reading float32 was most likely refused its memory)
    empty();
    setBusy(false);
    status('No weights loaded.');
    setError('gpt1', `GPT-1's worker stopped (${reason}): the browser may have refused it the memory it needs. The rest of the page is not affected.${wasReading ? form.refused() : ''}`);
    refreshKept(); // (a download under way keeps what arrived)
  });

  refreshKept(true);
}
