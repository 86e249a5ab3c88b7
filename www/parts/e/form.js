// Part E's form of the weights: float32 (the released numbers) or the compact int8 form (8-bit weights with one
// scale per block of 32 inputs: about a third of the memory). The student chooses; until they do, the device does (a
// phone, or a browser that says it has little memory, gets the compact form), and a browser that refuses float32
// its memory gets the compact form from then on. The panel reads the weights in the form chosen; this box says which
// form runs, the worker's memory, and what was measured of the difference between the two forms on this model. It
// compares them (the compact form is made beside the float32 model for the measurement), switches a running
// float32 model to the compact form (measured while the float32 model is still there), and, when the student asks,
// keeps the compact file in place of a float32 file kept in this browser.
import { $, el, setError, messageOf } from '../../drawing/dom.js';
import { radios, button } from '../../drawing/controls.js';
import { LAB_NAMES } from '../../state/store.js';

const FIELD = LAB_NAMES.gpt1.form; // '' (the device decides), 'float32' or 'int8'
const MB = 1_000_000; // the page's megabyte
const megabytes = (bytes) => `${Math.round(bytes / MB).toLocaleString('en-US')} MB`;
// what comparing the forms costs, as measured on GPT-1's size in Node (both forms held; 256 tokens)
const COST = ' (at GPT-1’s size: about 620 MB of memory with both forms held, and 15 to 30 s for 256 tokens)';
const FORMS = [
  ['float32', 'float32: the released numbers (about 500 MB of memory)'],
  ['int8', 'compact int8: 8-bit weights, one scale per 32 (about 160 MB of memory: fits a phone)'],
];

/** Why this device should run the compact form ('' when nothing says so): a phone, or little memory. */
export function smallDevice() {
  const memory = navigator.deviceMemory; // (Chromium's: the device's memory in GB, rounded down)
  if (memory !== undefined && memory < 4) return `this device reports ${memory} GB of memory`;
  if (matchMedia('(pointer: coarse)').matches && Math.min(screen.width, screen.height) < 600) return 'this looks like a phone';
  return '';
}

/** What was measured of the two forms on a text (the core's agreement), in words. */
export function agreementText({ positions, top1, meanKl, meanLogitDifference, maxLogitDifference }) {
  return `the most likely next token is the same as float32’s at ${(100 * top1).toFixed(1)}% of ${positions.toLocaleString('en-US')} tokens; `
    + `mean KL divergence ${meanKl.toPrecision(2)} nats; the logits differ by ${meanLogitDifference.toFixed(3)} on average, ${maxLogitDifference.toFixed(3)} at most`;
}

/**
 * What the note under the choice says ('' for nothing), from the running model's summary (`model`, or null), the kept
 * file (`kept`: `{ form, bytes }` or null), the form chosen, and why this device is small ('' when it is not).
 */
export function noteText({ model, kept }, form, small) {
  const d = model?.dModel;
  if (model?.form === 'float32' && form === 'int8' && d % 32) {
    return `This file’s states are ${d}-dimensional, and the compact form needs a multiple of 32 (it scales blocks of 32 inputs): it runs as float32.`;
  }
  if (model?.form === 'int8' && form === 'float32' && kept?.form !== 'float32') {
    return 'To run float32, give the page the float32 file (pick, drop or download it): the compact form cannot be turned back.';
  }
  if (model?.form === 'int8' && kept?.form === 'float32') {
    return `This browser keeps the float32 file (${megabytes(kept.bytes)}); it stays until you choose: keeping the compact file instead frees about three quarters of that, and float32 will then need the file again.`;
  }
  if (!small) return '';
  return form === 'int8' ? `The compact form is chosen because ${small}: float32 needs about 500 MB of memory, and may not fit.`
    : `float32 needs about 500 MB of memory, and ${small}: it may not fit (the compact form would).`;
}

/** The line that says which form runs, what was measured of it, and the worker's memory. */
export function runningText(model) {
  if (!model) return '';
  const memory = model.memoryBytes ? ` The worker’s memory: ${megabytes(model.memoryBytes)}.` : '';
  if (model.form === 'float32') return `Running: float32, the released numbers.${memory}`;
  const measured = model.agreement ? `measured against the float32 model it was made from, on the text shown then: ${agreementText(model.agreement)}.`
    : 'not compared with float32 here: that needs the float32 model in memory as well (run float32, then compare).';
  return `Running: the compact int8 form, ${measured}${memory}`;
}

/** Fills `box` with the form's controls and lines. */
function build(box) {
  const choice = radios('gpt1-form', 'Run GPT-1 as', FORMS);
  choice.id = 'gpt1-form';
  for (const input of choice.querySelectorAll('input')) input.id = `gpt1-form-${input.value}`;
  choice.setAttribute('aria-describedby', 'gpt1-form-hint gpt1-form-note gpt1-form-error');
  box.append(choice,
    el('p', { class: 'hint', id: 'gpt1-form-hint', text: 'The compact form holds each matrix as 8-bit whole numbers with one scale per 32 inputs. It is made from the float32 file as the file is read, decodes faster, and predicts almost, not exactly, as float32 does (measured below when both are in memory). This browser keeps the form that runs: GPT-1’s compact file is 125 MB, the float32 one 479 MB; a compact file cannot be turned back into float32.' }),
    el('p', { class: 'hint', id: 'gpt1-form-note', hidden: true }),
    el('p', { class: 'error', id: 'gpt1-form-error', role: 'alert', hidden: true }),
    el('p', { id: 'gpt1-running', class: 'gpt1-numbers', role: 'status', 'aria-live': 'polite' }),
    el('div', { class: 'inline' },
      button('gpt1-compare', 'Compare with the compact form on this text', { hidden: true, 'aria-describedby': 'gpt1-agreement' }),
      button('gpt1-keep-compact', 'Keep the compact file instead', { hidden: true, 'aria-describedby': 'gpt1-form-note' })),
    el('p', { class: 'hint gpt1-numbers', id: 'gpt1-agreement', role: 'status', 'aria-live': 'polite', hidden: true }));
  return choice;
}

/**
 * Part E's form box. `session`: kinds/gpt1/session.js; `store`: the page's (the choice is a lab field, kept in this
 * browser); `reload()` reads the kept copy again (in the form chosen); `rerun()` continues the prompt again and
 * redraws what reads the model; `prompt()` the prompt's text.
 */
export function createForm(session, store, { reload, rerun, prompt }) {
  const fieldset = build($('gpt1-form-box'));
  const ui = { inputs: [...fieldset.querySelectorAll('input')], note: $('gpt1-form-note'), running: $('gpt1-running'),
    compare: $('gpt1-compare'), keep: $('gpt1-keep-compact'), agreement: $('gpt1-agreement') };
  const small = smallDevice();
  // the running model's summary, the kept file ({ form, bytes } or null), the comparison made while float32 runs
  const state = { model: null, kept: null, compared: null, busy: false, reading: false };

  const chosen = () => store.state[FIELD] || (small ? 'int8' : 'float32');

  function render() {
    for (const input of ui.inputs) {
      input.checked = input.value === chosen();
      input.disabled = state.busy || state.reading;
    }
    const note = noteText(state, chosen(), small);
    ui.note.textContent = note;
    ui.note.hidden = !note;
    ui.running.textContent = runningText(state.model);
    ui.compare.hidden = state.model?.form !== 'float32' || state.model.dModel % 32 !== 0;
    ui.compare.disabled = state.busy;
    ui.keep.hidden = !(state.model?.form === 'int8' && state.kept?.form === 'float32');
    ui.keep.disabled = state.busy;
    ui.agreement.textContent = state.compared ? `Its compact int8 form, measured now: ${agreementText(state.compared)}.` : '';
    ui.agreement.hidden = !state.compared;
  }

  /** Runs `work` with the box's controls waiting, saying `doing` meanwhile; a failure is shown beside them. */
  async function working(doing, failed, work) {
    state.busy = true;
    setError('gpt1-form', '');
    render();
    ui.running.textContent = doing;
    try {
      await work();
    } catch (error) {
      setError('gpt1-form', `${failed}: ${messageOf(error)}`);
    } finally {
      state.busy = false;
      render();
    }
  }

  /** The running float32 model becomes its compact form, measured against it on the text shown first. */
  const switchToCompact = () => working(`Making the compact form, and comparing it with float32 on the text shown${COST}…`,
    'The compact form could not be made', async () => {
      state.model = { ...state.model, ...await session.request('compare', { text: prompt(), keep: true }) };
      state.compared = null;
      render();
      await rerun();
    });

  async function choose(form) {
    store.set({ [FIELD]: form });
    setError('gpt1-form', '');
    const running = state.model?.form;
    if (running === 'float32' && form === 'int8' && state.model.dModel % 32 === 0) return switchToCompact();
    if (running === 'int8' && form === 'float32' && state.kept?.form === 'float32') return reload();
    return render();
  }

  for (const input of ui.inputs) input.addEventListener('change', () => { if (input.checked) choose(input.value); });
  ui.compare.addEventListener('click', () => working(`Making the compact form beside float32, and comparing the two on the text shown${COST}…`,
    'The two forms could not be compared', async () => {
      const { agreement, memoryBytes } = await session.request('compare', { text: prompt(), keep: false });
      state.compared = agreement;
      state.model = { ...state.model, memoryBytes };
    }));
  ui.keep.addEventListener('click', () => working('Writing the compact file into this browser’s storage…',
    'The compact file could not be kept', async () => {
      const { kept, problem, bytes, memoryBytes } = await session.request('keepCompact');
      if (!kept) throw new Error(problem || 'the browser did not keep it');
      state.kept = { form: 'int8', bytes };
      state.model = { ...state.model, memoryBytes };
    }));
  render();

  return {
    /** The form to read a file the student gives in. */
    chosen,
    /** The form to read the kept copy in: its own when it is compact (it cannot become float32), else the one chosen. */
    forKept: () => (state.kept?.form === 'int8' ? 'int8' : chosen()),
    /** A model is running (its summary from the worker), or none (null). */
    running(model) {
      state.model = model;
      state.compared = null;
      render();
    },
    /** What this browser keeps: `{ form, bytes }`, or null; `memoryBytes`: the worker's memory after keeping it. */
    kept(kept, memoryBytes) {
      state.kept = kept;
      if (memoryBytes && state.model) state.model = { ...state.model, memoryBytes };
      render();
    },
    /** Whether weights are being read (the choice waits meanwhile). */
    reading(on) {
      state.reading = on;
      render();
    },
    /**
     * The browser refused float32 its memory (the worker died, or the core could not allocate): the compact form is
     * chosen from now on; what to add to the message ('' when the compact form was already chosen).
     */
    refused() {
      if (chosen() === 'int8') return '';
      store.set({ [FIELD]: 'int8' });
      render();
      const kept = state.kept ? ', or reload the page to read the copy kept here in that form' : '';
      return ` The compact int8 form needs about a third of that memory: it is chosen now. Give the file again${kept}.`;
    },
  };
}
