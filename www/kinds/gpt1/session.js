// Part E's model as the section knows it: GPT-1's lane in the page's engine (kind.js: a worker of its own), and what
// was loaded (sizes, where from). Reading a file goes request by request — open, then feed a few chunks at a time,
// then finish — so the progress bar moves and the reading can be stopped between any two requests.
import { addGpt1Lane } from './kind.js';

const STEP = 32 * 1024 * 1024; // bytes each feed request reads (in chunks of 8 MB)

/** The section's session over `engine` (the page's: GPT-1's lane is added to it at the first request). */
export function createSession(engine) {
  let reading = 0; // counts reads: a newer one (or Stop) ends an older one's loop
  const listeners = { crash: [] };
  const session = {
    model: null, // the loaded model's sizes, or null
    on(event, fn) { listeners[event].push(fn); },

    /** The engine, once GPT-1's lane is in it (a failure: the next call tries again). */
    async ready() {
      await addGpt1Lane(engine);
      return engine;
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
  // the lane's worker died (its memory refused?) or trapped: the model is gone with it
  engine.onCrash((crash) => {
    if (crash.lane !== 'gpt1') return;
    session.model = null;
    for (const fn of listeners.crash) fn(crash);
  });
  return session;
}
