// GPT-1's lane in the engine (engine.js): its requests (requests.js: Part E's model, and GPT-1's tokenizer for Parts
// A, B and E) run in a worker of their own, so reading a 479 MB file and decoding never hold up the page. Where no
// worker can start (the single file) they run on the page thread instead, in a task per request. The lane is added
// to the page's engine when it is first asked for (a tokenizer button, or Part E's lab).
import { GPT_GLUE } from '../../assets/gpt.js';
import { moduleWorker } from '../../engine/transport.js';
import { transformerModule } from '../gpt/module.js';

let instances = 0;
const glue = () => import(`${GPT_GLUE.href}#gpt1-instance=${instances++}`); // (each a module record of its own)
const worker = () => moduleWorker(new URL('./worker.js', import.meta.url));

// the table, for the page thread only (a worker imports its own): loaded then, not with whoever adds the lane
const requests = (api) => import('./requests.js').then(({ gpt1Requests }) => gpt1Requests(api));

/** The lane, over the transformer's compiled WebAssembly.Module. */
export const gpt1Lanes = (module) => ({ gpt1: { module, glue, requests, worker } });

/** Adds the lane to `engine` (once, when the transformer's module is compiled) and starts it; resolves then. */
export const addGpt1Lane = (engine) => engine.extend('gpt1', () => transformerModule().then(gpt1Lanes))
  .then(() => engine.start('gpt1'));
