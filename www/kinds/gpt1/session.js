// Part E's model as the section knows it: the engine's 'gpt1' lane (gpt1-kind.js: a worker of its own), and what was
// loaded (sizes, where from). Reading a file goes request by request — open, then feed a few chunks at a time, then
// finish — so the progress bar moves and the reading can be stopped between any two requests.
import { GPT_WASM } from '../../assets/gpt.js';
import { Engine } from '../../engine/engine.js';
import { gpt1Lanes } from './kind.js';

const STEP = 32 * 1024 * 1024; // bytes each feed request reads (in chunks of 8 MB)

export function createSession() {
  let loading = null; // Promise of the engine
  let reading = 0; // counts reads: a newer one (or Stop) ends an older one's loop
  const listeners = { crash: [] };
  const session = {
    model: null, // the loaded model's sizes, or null
    on(event, fn) { listeners[event].push(fn); },

    /** The engine, once the transformer's module is compiled (a failure: the next call tries again). */
    ready() {
      loading ??= WebAssembly.compileStreaming(fetch(GPT_WASM)).then((module) => {
        const engine = new Engine(gpt1Lanes(module));
        engine.onCrash((crash) => {
          session.model = null;
          for (const fn of listeners.crash) fn(crash);
        });
        engine.start('gpt1');
        return engine;
      });
      loading.catch(() => { loading = null; });
      return loading;
    },

    async request(type, payload) {
      return (await session.ready()).request('gpt1', type, payload);
    },

    /**
     * Reads `files` (the Files picked or dropped; null: the kept copy) into the worker, telling
     * `progress(read, bytes)` as it goes; resolves with the model's sizes, or null when a newer read or `stop()`
     * ended it.
     */
    async read(files, progress) {
      const mine = ++reading;
      session.model = null;
      try {
        const { bytes } = await session.request('open', { files });
        progress(0, bytes);
        for (let read = 0; read < bytes;) {
          if (mine !== reading) return null;
          ({ read } = await session.request('feed', { bytes: STEP }));
          progress(read, bytes);
        }
        if (mine !== reading) return null;
        session.model = await session.request('finish');
        return session.model;
      } catch (error) {
        if (mine !== reading) return null; // stopped meanwhile: whatever failed was being dropped
        throw error;
      }
    },

    /** Ends a read under way (its partial copy is removed). */
    stop() {
      reading += 1;
      return session.request('cancel').catch(() => {});
    },
  };
  return session;
}
