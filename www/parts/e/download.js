// Part E's download button: before anything is fetched it says what will happen (which model and file, from which
// hub, how large, under which licence, kept where); while the worker downloads (kinds/gpt1/download.js) it shows MB
// done of the total, the rate and the time left as measured, and what happened on the way (a dropped connection
// taken up, a start over); where the hub cannot be reached, it says why beside the button. The hub's base URL is
// read once, from the page's <meta name="gpt1-hub">: nothing a link, a URL parameter or a field holds can change it.
import { $, el, setError } from '../../drawing/dom.js';
import { FILE, REPO, hubOrigin, unreachable } from '../../kinds/gpt1/hub.js';

const MB = 1e6;
const WINDOW = 5000; // ms of transfer the rate is measured over
const megabytes = (bytes) => `${(bytes / MB).toLocaleString('en-US', { maximumFractionDigits: bytes < 10 * MB ? 1 : 0 })} MB`;
const short = (commit) => (/^[0-9a-f]{40}$/.test(commit) ? commit.slice(0, 7) : commit);

/** The hub the page names, `{ origin }`, or why it names none, `{ problem }`. */
function readHub(doc) {
  const content = doc.querySelector('meta[name="gpt1-hub"]')?.getAttribute('content');
  try {
    return { origin: hubOrigin(content) };
  } catch (error) {
    return { problem: error.message };
  }
}

/** About how long `seconds` is, in words. */
function duration(seconds) {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * The rate of a transfer, measured over its last few seconds: `note(read)` as bytes arrive; `rate()` in bytes per
 * second (null until a second of transfer is measured).
 */
function meter() {
  let samples = [];
  return {
    note(read, at = performance.now()) {
      samples.push([at, read]);
      samples = samples.filter(([t]) => at - t <= WINDOW);
    },
    rate() {
      if (samples.length < 2) return null;
      const [[t0, r0], [t1, r1]] = [samples[0], samples.at(-1)];
      return t1 - t0 >= 1000 ? ((r1 - r0) * 1000) / (t1 - t0) : null;
    },
    reset() { samples = []; },
  };
}

/** What a download's progress says: MB done of the total, the rate and the time left; storage's part first. */
export function progressText({ read, bytes, stored }, rate) {
  if (read < stored) return `Checking the ${megabytes(stored)} kept from before: ${megabytes(read)} of ${megabytes(stored)} read back and hashed`;
  const done = `${megabytes(read)} of ${megabytes(bytes)}`;
  if (rate === null) return `${done} (measuring the rate…)`;
  return `${done} · ${(rate / MB).toFixed(1)} MB/s · about ${duration((bytes - read) / rate)} left`;
}

/**
 * The line that says where the loaded weights came from: the model, the commit, and the SHA-256 checked (and, for a
 * compact file kept, that it was made from that file).
 */
export function sourceLine(provenance) {
  if (!provenance) return [];
  const how = provenance.checkedWith === 'headers' ? 'the SHA-256 its host announced' : 'the hub’s record of the file';
  const compact = provenance.form === 'int8' ? ' Kept in this browser as the compact int8 form made from it.' : '';
  return [`${provenance.repo}, ${provenance.file} at commit `, el('code', { class: 'gpt1-hash', text: provenance.commit }),
    ` from ${provenance.hub}. SHA-256 `, el('code', { class: 'gpt1-hash', text: provenance.sha256 }), `, checked against ${how}.${compact}`];
}

/**
 * Part E's download. `session`: kinds/gpt1/session.js. `status(text)` says where the download is (the panel's live
 * status line). `run()` downloads (or takes up the download kept) and resolves with the model, or null when it was
 * stopped; `offer(partial)` says what a press will do now.
 */
export function createDownload(session, doc, status) {
  const ui = { button: $('gpt1-download'), hub: $('gpt1-hub-name'), numbers: $('gpt1-download-numbers'), log: $('gpt1-download-log'),
    progress: $('gpt1-progress') };
  const hub = readHub(doc);
  const rate = meter();
  ui.hub.textContent = hub.origin ?? 'no hub (see the message below)';

  /** Why a press cannot download here, before anything is asked for; '' when it may. */
  function cannot() {
    if (hub.problem) return hub.problem;
    if (doc.location?.protocol === 'file:') {
      return 'this copy of the page is opened from a file on your disk (file://), and such a page may fetch nothing from other sites: use the page from its web address (or npm start) to download, or pick or drop the file below';
    }
    if (globalThis.navigator?.onLine === false) return unreachable(hub.origin, 'offline');
    return '';
  }

  function shown(step) {
    ui.progress.value = step.bytes ? step.read / step.bytes : 0;
    if (step.read >= step.stored) rate.note(step.read);
    ui.numbers.textContent = progressText(step, rate.rate());
    for (const note of step.notes ?? []) ui.log.append(el('li', { text: note }));
  }

  return {
    /** Downloads (or takes up the download kept) into a model in `form`: the model, or null when stopped; throws what went wrong. */
    async run(form) {
      const why = cannot();
      if (why) throw new Error(why);
      rate.reset();
      ui.log.replaceChildren();
      ui.numbers.hidden = false;
      let first = true;
      try {
        return await session.download(hub.origin, (step) => {
          if (first) {
            first = false;
            const at = step.stored ? `; ${megabytes(step.stored)} of it kept from before` : '';
            status(`Downloading ${FILE} of ${REPO} (commit ${short(step.commit)}, ${megabytes(step.bytes)}${at}) from ${hub.origin}…`);
            if (step.problem) ui.log.append(el('li', { text: `This download is ${step.problem}.` }));
          }
          shown(step);
        }, form);
      } finally {
        ui.numbers.hidden = true;
      }
    },

    /**
     * The button's words for what a press does now (`partial`: a download kept, `{ bytes, size }`); what to say of
     * a download kept ('' when there is none).
     */
    offer(partial) {
      ui.button.textContent = partial ? `Resume the download (${megabytes(partial.bytes)} of ${megabytes(partial.size)} kept)` : 'Download GPT-1 from Hugging Face';
      return partial ? `${megabytes(partial.bytes)} of GPT-1's ${megabytes(partial.size)} are kept in this browser from a download that stopped: Resume the download goes on from there.` : '';
    },

    /** Whether the button may be pressed. */
    enable(on) { ui.button.disabled = !on; },

    /** Shows (or clears) the reason a download failed, beside the button. */
    error(message) { setError('gpt1-download', message); },

    button: ui.button,
  };
}
