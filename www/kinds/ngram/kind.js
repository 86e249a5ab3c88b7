// The n-gram model kind's lanes in the engine (engine.js): a small corpus is counted on the page thread (no worker
// round trip: a keystroke's matrix is drawn in the same frame), a large one in the counting worker, and the
// evaluation grid in a worker of its own. All three answer the same requests (ngram-requests.js).
import * as core from '../../pkg/gpt1_playground.js';
import { CORE_GLUE } from '../../assets/core.js';
import { ngramRequests } from './requests.js';
import { moduleWorker } from '../../engine/transport.js';

let instances = 0; // fresh instances made on this page (each a module record of its own)
/** The glue for a lane on the page thread: the page's first instance, or a fresh one after a trap. */
// (a fragment is enough to make a new module record of the same file)
const glue = (n) => (n === 0 ? Promise.resolve(core) : import(`${CORE_GLUE.href}#instance=${++instances}`));
const worker = () => moduleWorker(new URL('./worker.js', import.meta.url));

/** The lanes, over the core's compiled WebAssembly.Module (shared: a new worker or instance compiles nothing). */
export function ngramLanes(module) {
  const kind = { module, glue, requests: ngramRequests };
  return { page: kind, counter: { ...kind, worker }, eval: { ...kind, worker } };
}
