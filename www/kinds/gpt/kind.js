// The tiny GPT's lane in the engine (engine.js): its requests (requests.js) run in the training worker, or on the
// page thread where no worker can start (the single file). The lane is added to the page's engine when Part D's lab
// first opens.
import { GPT_GLUE } from '../../assets/gpt.js';
import { gptRequests } from './requests.js';
import { moduleWorker } from '../../engine/transport.js';
import { transformerModule } from './module.js';

let instances = 0; // instances of the transformer's glue made on this page (each a module record of its own)
const glue = () => import(`${GPT_GLUE.href}#instance=${instances++}`); // (each a module record of its own)
const worker = () => moduleWorker(new URL('./worker.js', import.meta.url));

/** The lane, over the transformer's compiled WebAssembly.Module. */
export const gptLanes = (module) => ({ gpt: { module, glue, requests: gptRequests, worker } });

/** Adds the lane to `engine` (once, when the transformer's module is compiled); resolves once it is there. */
export const addGptLane = (engine) => engine.extend('gpt', () => transformerModule().then(gptLanes));
