// The download's requests to the hub (in Part E's worker): the API's record of the file and the file itself, with
// the same options every time (no cookies, no referrer, no HTTP cache: storage keeps the file), and, when a request
// fails, why the hub could not be reached, as far as the browser lets a page find out.
import { FILE, apiUrl, readRecord, resolveUrl, unreachable } from './hub.js';
import { Stopped } from './reader.js';

const FETCH = { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' };

/** Requests the page's Content-Security-Policy refused, { origin, at }: the browser reports each in an event. */
const refusals = [];
globalThis.addEventListener?.('securitypolicyviolation', (event) => {
  try {
    refusals.push({ origin: new URL(event.blockedURI).origin, at: performance.now() });
  } catch {
    // (not a URL: an inline script or style, nothing of the download's)
  }
});

const stopped = () => new Stopped('the download was stopped');

/** Waits `ms` milliseconds, or until `signal` stops the download (Stopped). */
export const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); reject(stopped()); }, { once: true });
});

/**
 * The error for a fetch of `url` (begun at `started`) that failed with `error`: Stopped when it was stopped, else
 * why `label` could not be reached — offline, refused by the page's policy, answering without the CORS headers (a
 * no-cors request of the same URL gets through), or not at all.
 */
async function why(error, url, label, started, signal) {
  if (signal.aborted) return stopped();
  if (!(error instanceof TypeError)) return error;
  if (globalThis.navigator?.onLine === false) return new Error(unreachable(label, 'offline'));
  await new Promise((resolve) => setTimeout(resolve, 50)); // (a refusal is reported in a task of its own)
  const refused = () => refusals.find((r) => r.at >= started);
  if (refused()) return new Error(unreachable(refused().origin, 'csp'));
  try {
    await fetch(url, { ...FETCH, method: 'HEAD', mode: 'no-cors', signal });
    return new Error(unreachable(label, 'cors'));
  } catch {
    if (signal.aborted) return stopped();
    return new Error(refused() ? unreachable(refused().origin, 'csp') : unreachable(label, 'unreachable'));
  }
}

/**
 * The hub's record of the file, `{ record }`, or why its API gave none, `{ problem }` (it answered, but not with
 * the record); throws when the hub cannot be reached at all.
 */
export async function askApi(hub, signal) {
  const url = apiUrl(hub);
  const started = performance.now();
  let response;
  try {
    response = await fetch(url, { ...FETCH, signal });
  } catch (error) {
    throw await why(error, url, hub, started, signal);
  }
  try {
    if (!response.ok) throw new Error(`it answered HTTP ${response.status}`);
    const json = await response.json().catch(() => { throw new Error('its answer is not JSON'); });
    return { record: readRecord(json) };
  } catch (error) {
    if (signal.aborted) throw stopped();
    return { problem: error.message };
  }
}

/** Asks for the file at `revision` from byte `offset` (a Range request past 0); the response, whatever its status. */
export async function askFile(hub, revision, offset, signal) {
  const url = resolveUrl(hub, revision);
  const started = performance.now();
  try {
    return await fetch(url, { ...FETCH, signal, headers: offset ? { range: `bytes=${offset}-` } : {} });
  } catch (error) {
    throw await why(error, url, `${hub} (or the host it sends the page to for ${FILE})`, started, signal);
  }
}

/** What `hub.answerKind` reads of a response: its status, Content-Range and Content-Length. */
export const described = (response) => ({ status: response.status, range: response.headers.get('content-range'),
  length: response.headers.has('content-length') ? Number(response.headers.get('content-length')) : null });
