// GPT-1's lane in the engine (engine.js): its requests (gpt1-requests.js) run in a worker of their own, so reading
// a 479 MB file and decoding never hold up the page. Where no worker can start (the single file) they run on the
// page thread instead, in a task per request.
import { GPT_GLUE } from '../../assets/gpt.js';
import { gpt1Requests } from './requests.js';
import { moduleWorker } from '../../engine/transport.js';

let instances = 0;
const glue = () => import(`${GPT_GLUE.href}#gpt1-instance=${instances++}`); // (each a module record of its own)
const worker = () => moduleWorker(new URL('./worker.js', import.meta.url));

/** The lane, over the transformer's compiled WebAssembly.Module. */
export const gpt1Lanes = (module) => ({ gpt1: { module, glue, requests: gpt1Requests, worker } });
