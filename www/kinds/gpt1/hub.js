// The released GPT-1 on Hugging Face's hub, as Part E's download asks for it: which model and file (written here
// and nowhere else: no link, URL parameter or typed text reaches them), the two URLs, and what the hub's answers
// must say before a byte is kept. Plain functions of values; the fetching is download.js's.

export const REPO = 'openai-community/openai-gpt';
export const FILE = 'model.safetensors';

const COMMIT = /^[0-9a-f]{40}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const count = (n) => n.toLocaleString('en-US');

/**
 * The hub's origin from the page's `<meta name="gpt1-hub" content="…">`: an https origin (http only on this
 * machine's loopback, for a local mirror or the tests' fake hub) with no path, query or credentials.
 */
export function hubOrigin(content) {
  let url;
  try {
    url = new URL(String(content ?? ''));
  } catch {
    throw new Error(`the page names no hub it may download from (its gpt1-hub meta tag holds “${content ?? ''}”, not a URL)`);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure || url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`the page's gpt1-hub meta tag must be an https origin such as https://huggingface.co, not “${content}”`);
  }
  return url.origin;
}

/** The hub's API answer for the model: each file's size and SHA-256, and the commit it describes. */
export const apiUrl = (hub) => `${hub}/api/models/${REPO}?blobs=true`;

/** The file at `revision` (a commit, or 'main' where the API could not be read). */
export function resolveUrl(hub, revision) {
  if (revision !== 'main' && !COMMIT.test(revision)) throw new Error(`not a commit: ${revision}`);
  return `${hub}/${REPO}/resolve/${revision}/${FILE}`;
}

/** A whole number of bytes the hub gave, or null. */
const bytesOf = (value) => (Number.isSafeInteger(value) && value >= 0 ? value : null);

/**
 * What the hub's API says of the file, from its JSON: `{ commit, size, sha256 }`; an answer without them (or
 * with two sizes that disagree) is an error that says what is missing.
 */
export function readRecord(json) {
  const what = `the hub's record of ${REPO}`;
  const commit = typeof json?.sha === 'string' ? json.sha.toLowerCase() : '';
  if (!COMMIT.test(commit)) throw new Error(`${what} names no commit (its "sha" is not 40 hex digits)`);
  const file = Array.isArray(json.siblings) ? json.siblings.find((s) => s?.rfilename === FILE) : null;
  if (!file) throw new Error(`${what} lists no ${FILE}`);
  const sha256 = typeof file.lfs?.sha256 === 'string' ? file.lfs.sha256.toLowerCase() : '';
  if (!SHA256.test(sha256)) throw new Error(`${what} gives ${FILE} no SHA-256 (its lfs.sha256 is not 64 hex digits)`);
  const size = bytesOf(file.size) ?? bytesOf(file.lfs.size);
  if (size === null || size < 8) throw new Error(`${what} gives ${FILE} no size in bytes`);
  if (bytesOf(file.lfs.size) !== null && file.lfs.size !== size) {
    throw new Error(`${what} gives ${FILE} two sizes, ${count(size)} and ${count(file.lfs.size)} bytes`);
  }
  return { commit, size, sha256 };
}

/**
 * What a resolve response's own headers say of the file, where the API could not be read: the SHA-256 (its
 * `X-Linked-Etag`, when the host exposes it), the commit (`X-Repo-Commit`) and the size. `get(name)` reads a
 * header (null when absent or not exposed to the page).
 */
export function headerRecord(get, size) {
  const etag = (get('x-linked-etag') ?? '').replace(/^W\//, '').replace(/"/g, '').toLowerCase();
  const commit = (get('x-repo-commit') ?? '').toLowerCase();
  const linked = Number(get('x-linked-size'));
  return {
    sha256: SHA256.test(etag) ? etag : null,
    commit: COMMIT.test(commit) ? commit : null,
    size: Number.isSafeInteger(linked) && linked > 0 ? linked : size,
  };
}

/** `Content-Range: bytes a-b/total` as `{ start, end, total }` (total null for `*`), or null. */
export function contentRange(header) {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(header ?? '').trim());
  if (!match) return null;
  const [start, end, total] = [Number(match[1]), Number(match[2]), match[3] === '*' ? null : Number(match[3])];
  return start <= end ? { start, end, total } : null;
}

/**
 * What a response to a request for the file from byte `offset` of `size` brings: 'rest' (a 206 whose range
 * starts at `offset`: append it), 'whole' (a 200: the file from its first byte, so whatever is kept must be
 * started over). Anything else is an error saying what came instead; nothing of it may be appended.
 */
export function answerKind({ status, range, length }, offset, size) {
  if (status === 206) {
    const part = contentRange(range);
    if (!part) throw new Error(`the file host answered the request for bytes from ${count(offset)} with a part it did not describe (Content-Range “${range ?? ''}”)`);
    if (part.start !== offset || (part.total !== null && part.total !== size)) {
      throw new Error(`the file host sent bytes ${count(part.start)}–${count(part.end)} of ${part.total === null ? 'a file of unknown size' : count(part.total)} when bytes from ${count(offset)} of ${count(size)} were asked for`);
    }
    return 'rest';
  }
  if (status === 200) {
    if (length !== null && length !== size) {
      throw new Error(`the file host sent ${count(length)} bytes, but the hub's record of ${FILE} says ${count(size)}`);
    }
    return 'whole';
  }
  if (status === 416) throw new Error(`the file host has no bytes from ${count(offset)} (HTTP 416): the file there is not the one the hub describes`);
  throw new Error(`the file host answered HTTP ${status}`);
}

/** Why the hub (at `origin`) could not be reached, in words, from what the browser let the page find out. */
export function unreachable(origin, cause) {
  switch (cause) {
    case 'offline': return `this browser is offline, so ${origin} cannot be reached`;
    case 'csp': return `this page's Content-Security-Policy does not allow requests to ${origin} (its connect-src): the site serving the page blocks the hub`;
    case 'cors': return `${origin} answered, but without the CORS headers that let this page read the answer (a proxy or filter on the way may remove them)`;
    default: return `${origin} could not be reached: the network, a firewall or a filter blocks it, or its name does not resolve`;
  }
}
