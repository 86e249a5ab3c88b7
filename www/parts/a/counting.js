// Counting the corpus (Part A): every edit of the corpus or of a counting setting asks the engine for a model. A
// small corpus is counted on the page thread; a large one in the counting worker, one build at a time — the newest
// edit waits, a stale build still running after CANCEL_MS is stopped. A crash counts the text again, once.
import { corpusTooLarge } from '../../state/limits.js';
import { messageOf } from '../../drawing/dom.js';
import { parseSmoothing, parseMerges, short } from '../../state/numbers.js';
import { ModelHandle, WorkerGone } from '../../engine/engine.js';

/** Corpora shorter than this are counted on the page (faster than a worker round trip); longer ones in the worker. */
const params = new URLSearchParams(location.search);
export const WORKER_ABOVE = params.has('test') && params.has('worker-above') ? Number(params.get('worker-above')) : 20000;
const CANCEL_MS = 1500; // a worker busy this long with a stale build is stopped and replaced: true cancellation
const KEPT = 'The page still shows the last model that worked.';

/**
 * The options that decide how the corpus is counted (everything but k), or an error for the Merges field.
 * Shared with the evaluation panel, which counts the same corpus at every order.
 */
export function countingOptions(state) {
  const options = { order: Number(state.order), tokenizer: state.tokenizer, boundaries: state.boundaries };
  if (state.tokenizer !== 'bpe') return { options };
  const merges = parseMerges(state.merges);
  if (merges.error) return { error: merges.error };
  return { options: { ...options, merges: merges.value } };
}

/** What the page says when a lane of the model crashed (the text and settings are always kept). */
function crashMessage({ where, reason, givingUp, failed }) {
  if (where === 'worker') {
    return givingUp
      ? `The background worker keeps failing (${reason}). Your text and settings are kept; reload the page to try again.`
      : `The background worker stopped (${reason}) and was restarted. Your text and settings are kept.`;
  }
  if (failed) {
    return `The WebAssembly core stopped (${reason}) and could not be restarted (${messageOf(failed)}). `
      + 'Your text and settings are kept; reload the page to try again.';
  }
  return givingUp ? `The WebAssembly core stopped again (${reason}) while counting this corpus, and was `
    + 'restarted. Your text and settings are kept; edit the corpus or reload the page to try again.'
    : `The WebAssembly core stopped (${reason}) and was restarted. Your text and settings are kept.`;
}

/** `show` draws what the panel says: status(busy, text, last, ms), error(field, message), alert(text), accept(model, …). */
export function createCounting(store, engine, show) {
  let counted = null; // what the current model counted: corpus and counting options
  let seq = 0; // the newest build; an answer for an older one is stale
  let inflight = null; // the build the worker is working on: { seq, started }
  let queued = null; // the newest build waiting for the worker (a newer one replaces it: supersede)

  /** Counts the corpus again; on bad input keeps the last good model and says why beside the control. */
  function rebuild() {
    const { state } = store;
    const k = parseSmoothing(state.smoothing);
    const counting = countingOptions(state);
    show.error('smoothing', k.error);
    show.error('merges', counting.error);
    if (k.error || counting.error) return;
    // checked before the text goes anywhere: a corpus the core would refuse is not sent to it
    const tooLarge = corpusTooLarge(state.corpus);
    if (tooLarge) {
      ++seq; // whatever is on its way is stale
      queued = null;
      show.error('corpus', tooLarge);
      show.status(false, '');
      return;
    }
    // what this count is of; a cheap string (JSON.stringify would scan and copy a book's megabytes every keystroke)
    const key = `${JSON.stringify(counting.options)}\u0000${state.corpus}`;
    const lane = state.corpus.length >= WORKER_ABOVE ? 'counter' : 'page';
    const request = { seq: ++seq, lane, key, corpus: state.corpus, options: { ...counting.options, smoothing: k.value },
      k: k.value };
    if (lane === 'page') {
      queued = null; // counted here and now: whatever the worker is doing is stale
      send(request);
      return;
    }
    queued = request;
    show.status(true, `Counting ${state.corpus.length.toLocaleString('en-US')} characters in the background…`);
    pump();
  }

  /** Sends the newest queued build to the worker when it is free (or stops a worker stuck on a stale one). */
  function pump() {
    if (!queued) return;
    if (inflight) {
      if (performance.now() - inflight.started > CANCEL_MS) engine.restart('counter', 'superseded by a newer edit');
      return; // the answer (or the restart) calls pump again
    }
    const request = queued;
    queued = null;
    inflight = { seq: request.seq, started: performance.now() };
    send(request).finally(() => {
      if (inflight?.seq === request.seq) inflight = null;
      pump();
    });
  }

  /** Asks the engine for the model: a re-smoothing of the current one when only k changed, else a count. */
  function send(request) {
    const current = store.model;
    const smoothOnly = current?.lane === request.lane && current.alive && counted === request.key;
    const ask = smoothOnly ? engine.request(request.lane, 'smooth', { from: current.id, k: request.k })
      : engine.request(request.lane, 'build', { corpus: request.corpus, options: request.options });
    return ask.then((reply) => {
      if (request.seq !== seq) {
        engine.post(request.lane, 'release', { ids: [reply.modelId] }); // stale: nobody shows it
        return;
      }
      const where = request.lane === 'page' ? 'here' : 'in worker';
      const what = request.lane === 'page' ? ''
        : smoothOnly ? `Re-smoothed in ${short(reply.ms, 0)} ms in a background worker (nothing recounted).`
          : `Counted in ${short(reply.ms, 0)} ms in a background worker.`;
      show.status(false, what, `${smoothOnly ? 'smooth' : 'count'} ${where}`, reply.ms);
      counted = request.key;
      show.accept(new ModelHandle(engine, request.lane, reply), request.corpus, reply.matrix);
    }, (error) => {
      if (request.seq !== seq) return;
      if (error instanceof WorkerGone) {
        if (request.lane === 'counter' && !queued) queued = request; // the worker was replaced: ask the new one
        return; // (on the page thread, the crash report counts again)
      }
      show.error('corpus', `${messageOf(error)}. ${KEPT}`);
      show.status(false, '');
    });
  }

  /** A lane of the model crashed and runs again: count the current text again (nothing typed is lost), once. */
  function recover({ lane, where, reason, givingUp, failed }) {
    if (lane === 'counter') inflight = null;
    show.alert(crashMessage({ where, reason, givingUp, failed }));
    if (givingUp || failed) return;
    if (store.model?.lane === lane) counted = null; // nothing the old worker or instance made is reused
    if (lane === 'page' || store.model?.lane === lane || queued || store.state.corpus.length >= WORKER_ABOVE) rebuild();
  }

  return { rebuild, recover };
}
