// The wasm core on this thread, replaceable. A trap (a RuntimeError from wasm) can leave an instance broken, so the
// page makes a fresh one from the module it compiled at start: the glue is imported again under another URL (its
// own module record, its own instance) and initialised with the same WebAssembly.Module. `core` is a live binding:
// every `core.NgramModel` after a renewal is the new instance's.
import * as first from './pkg/gpt1_playground.js';

export let core = first;
/** How many times the instance was replaced. */
export let coreGeneration = 0;
let compiled = null;
let renewing = null;
const simulated = new Map(); // test only: site → traps still to simulate

/** Remembers the compiled module, so a renewal neither fetches nor compiles. */
export function keepModule(module) { compiled = module; }

/** Whether an error is a wasm trap (unreachable, out of bounds, stack overflow …), not one of the core's Errors. */
export const isTrap = (error) => error instanceof WebAssembly.RuntimeError;

/** Whether a renewal is under way (nothing should call into the old instance meanwhile). */
export const renewingCore = () => renewing !== null;

/** Replaces the instance with a fresh one from the compiled module; concurrent calls share one renewal. */
export function renewCore() {
  renewing ??= (async () => {
    const fresh = await import(`./pkg/gpt1_playground.js?instance=${coreGeneration + 1}`);
    await fresh.default({ module_or_path: compiled });
    core = fresh;
    coreGeneration += 1;
  })().finally(() => { renewing = null; });
  return renewing;
}

/** Whether a wasm object (a model or a sampler) belongs to the current instance. */
export const current = (object) => object instanceof core.NgramModel || object instanceof core.Sampler;

/**
 * Frees a wasm object. One made by a replaced instance is only dropped (its memory went with that instance, and
 * calling into a broken instance could trap again); a model in the worker frees itself there.
 */
export function release(object) {
  if (!object) return;
  if (object.remote || current(object)) object.free();
  else object.__destroy_into_raw?.();
}

/** Test hook (?test only): the next `count` calls at `site` fail as a trap would. */
export function simulateTraps(site, count = 1) { simulated.set(site, count); }

/** Where a simulated trap may be thrown: a no-op unless a test asked for one. */
export function trapPoint(site) {
  const left = simulated.get(site) ?? 0;
  if (left <= 0) return;
  simulated.set(site, left - 1);
  throw new WebAssembly.RuntimeError(`unreachable (a trap simulated by the page test at ${site})`);
}

const trapHandlers = [];
/**
 * `fn(error)` is told of every trap caught on this thread (a model panel renews the core and counts again). Every
 * model panel on the thread listens: the page's one, or each web component widget's, whose models all lived in the
 * instance being replaced.
 */
export function onTrap(fn) { trapHandlers.push(fn); }
export function reportTrap(error) { for (const fn of trapHandlers) fn(error); }
