// Part E's model as the section knows it: GPT-1's lane in the page's engine (kind.js: a worker of its own), and what
// was loaded (sizes, where from). Reading a file or downloading it goes request by request — open (or download),
// then feed a few chunks at a time, then finish — so the progress bar moves and the reading can be stopped between
// any two requests (a download's feed also stops at once: the worker aborts its request).
import { addGpt1Lane } from './kind.js';

const STEP = 32 * 1024 * 1024; // bytes each feed request reads (in chunks of 8 MB)
const TICK = 250; // ms a download's feed request runs at most: how often its progress is told

/** The section's session over `engine` (the page's: GPT-1's lane is added to it at the first request). */
export function createSession(engine) {
  let reading = 0; // counts reads: a newer one (or Stop) ends an older one's loop
  const listeners = { crash: [] };

  /** Opens (`[type, payload]`), feeds `step` at a time and finishes a reading; see `read`. */
  async function pull([type, payload], step, progress) {
    const mine = ++reading;
    session.model = null;
    try {
      const begun = await session.request(type, payload);
      progress({ read: 0, ...begun });
      for (let read = 0; read < begun.bytes;) {
        if (mine !== reading) return null;
        const fed = await session.request('feed', step);
        ({ read } = fed);
        progress(fed);
      }
      if (mine !== reading) return null;
      session.model = await session.request('finish');
      return session.model;
    } catch (error) {
      if (mine !== reading) return null; // stopped meanwhile: whatever failed was being dropped
      throw error;
    }
  }

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
     * Reads `files` (the Files picked or dropped; null: the kept copy) into the worker as a model in `form`
     * ('float32' or 'int8'), telling `progress(step)` (`{ read, bytes }`) as it goes; resolves with the model's
     * sizes (and the file's provenance), or null when a newer read or `stop()` ended it.
     */
    read: (files, progress, form) => pull(['open', { files, form }], { bytes: STEP }, progress),

    /**
     * Downloads GPT-1 from `hub` (the page's meta tag), or takes up the download kept, as `read` reads a file;
     * `progress` is told about every `TICK` ms, with what happened on the way (`notes`).
     */
    download: (hub, progress, form) => pull(['download', { hub, form }], { bytes: STEP, ms: TICK }, progress),

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
