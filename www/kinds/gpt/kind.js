// The tiny GPT's lane in the engine (engine.js): its requests (gpt-requests.js) run in the training worker, or on
// the page thread where no worker can start (the single file).
import { GPT_GLUE } from '../../assets/gpt.js';
import { gptRequests } from './requests.js';
import { moduleWorker } from '../../engine/transport.js';

let instances = 0; // instances of the transformer's glue made on this page (each a module record of its own)
const glue = () => import(`${GPT_GLUE.href}#instance=${instances++}`); // (each a module record of its own)
const worker = () => moduleWorker(new URL('./worker.js', import.meta.url));

/** The lane, over the transformer's compiled WebAssembly.Module. */
export const gptLanes = (module) => ({ gpt: { module, glue, requests: gptRequests, worker } });
