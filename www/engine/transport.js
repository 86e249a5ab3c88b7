// How a lane of the engine (engine.js) reaches its model kind's requests: in a Web Worker, or on the page thread. Both
// speak host.js's protocol and report the same two events to their lane: an answer, and a crash (a worker's error
// event; a trap on the page thread). The lane cannot tell them apart otherwise.
import { answer, isTrap, settle } from './host.js';

/** The requests run in a worker; `spec.worker()` starts it (it may throw: a CSP without worker-src, for example). */
export class WorkerTransport {
  where = 'worker';

  constructor(spec, { reply, crash }) {
    const worker = spec.worker();
    worker.addEventListener('message', ({ data }) => reply(data));
    worker.addEventListener('error', (event) => {
      event.preventDefault(); // reported on the page, not as an uncaught error
      crash(event.message || 'the worker failed');
    });
    worker.addEventListener('messageerror', () => crash('a message could not be read'));
    // first in the worker's queue, not waited for: the compiled module, so the worker starts in milliseconds
    worker.postMessage({ id: 0, type: 'init', module: spec.module });
    this.worker = worker;
  }

  send(message) { this.worker.postMessage(message); }

  stop() { this.worker.terminate(); }
}

/**
 * The requests run on the page thread, in a wasm instance of this transport's own: `spec.glue(n)` loads the glue (n = 0:
 * the page's first instance, shared; n > 0: a fresh module record), `spec.requests(glue)` makes the kind's table (or
 * a Promise of it: a kind may load its table only when it runs here).
 * A trap may leave the instance broken: the lane then starts a new transport, whose instance is fresh.
 */
export class ThreadTransport {
  where = 'thread';

  constructor(spec, { reply, crash, intercept }, instance) {
    this.ready = spec.glue(instance).then(async (glue) => {
      await glue.default({ module_or_path: spec.module }); // (the page's first instance: already done)
      return spec.requests(glue);
    });
    this.ready.catch(() => {}); // each request reports the failure
    this.reply = reply;
    this.crash = crash;
    this.intercept = intercept;
    this.stopped = false;
    this.standIn = Boolean(spec.worker);
  }

  /**
   * Answers asynchronously: within the current task's microtasks (as soon as possible: a keystroke's matrix is drawn
   * in its frame), or, standing in for a worker (a long count, training), in a task of its own so the page can draw
   * and take input between requests.
   */
  send(message) {
    if (this.standIn) setTimeout(() => this.run(message));
    else this.run(message);
  }

  run(message) {
    this.ready.then((requests) => {
      if (this.stopped) return;
      let reply;
      try {
        this.intercept(message);
        reply = settle(answer(requests, message));
      } catch (error) {
        if (!isTrap(error)) throw error;
        this.crash(error.message);
        return;
      }
      if (!(reply instanceof Promise)) this.reply(reply);
      else reply.then((settled) => { if (!this.stopped) this.reply(settled); }, (trap) => this.crash(trap.message));
    }, (error) => {
      if (!this.stopped) this.reply({ id: message.id, ok: false, error: `the WebAssembly core could not be started (${error.message})` });
    });
  }

  stop() { this.stopped = true; }
}

/**
 * A module worker of `url`. A browser starts no worker from another origin's URL, so for a script loaded from
 * elsewhere (a widget on someone's blog, served from the playground's host) this starts a blob: worker of the page's
 * origin that imports it: that takes the script's host allowing cross-origin module loads (CORS) and the page's
 * policy allowing blob: workers.
 */
export function moduleWorker(url) {
  if (!/^https?:$/.test(url.protocol) || url.origin === globalThis.location?.origin) return new Worker(url, { type: 'module' });
  const source = new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(source), { type: 'module' });
}
