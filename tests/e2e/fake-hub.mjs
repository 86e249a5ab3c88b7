// A stand-in for Hugging Face's hub on 127.0.0.1, for the page tests (no network): two origins, as the real hub has.
// - The hub answers `/api/models/openai-community/openai-gpt?blobs=true` with the file's record (the commit, each
//   file's size and lfs.sha256) and `/openai-community/openai-gpt/resolve/<rev>/model.safetensors` with a 302 to
//   the file host, carrying X-Repo-Commit, X-Linked-Size and X-Linked-Etag. Its CORS headers are the hub's as seen
//   from outside: the request's Origin echoed, `Vary: Origin`, its list of exposed headers, preflights answered.
// - The file host sends the file, whole (200) or from a Range (206), with the CORS headers the hub's CDN sends
//   (`Access-Control-Allow-Origin: *`, `Access-Control-Expose-Headers: *`) and an ETag that is not the SHA-256.
// Each can be told, through `hub.set(…)`, to cut the connection after given bytes of the file, to hold it open
// without sending more, to ignore Range, to announce a wrong SHA-256, to fail or delay its API, or to send no CORS
// headers.
// Every request is logged in `hub.log`.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

export const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const REPO = 'openai-community/openai-gpt';
const EXPOSED = 'X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash';

/** The SHA-256 of a file on disk, streamed. */
export async function sha256Of(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));

/** The hub's CORS headers for a request: its Origin echoed (the hub's own origin when there is none). */
const hubCors = (req) => ({ 'access-control-allow-origin': req.headers.origin ?? 'https://huggingface.co', vary: 'Origin',
  'access-control-expose-headers': EXPOSED, 'access-control-max-age': '86400' });

/** Answers a CORS preflight as the hub and its file host do. */
function preflight(req, res, cors) {
  res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, HEAD, OPTIONS',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '' }).end();
}

/** What the fake hub does unless told otherwise. */
const PLAIN = { cuts: [], hold: null, ignoreRange: false, wrongHash: false, apiStatus: 200, apiDelay: 0, noCors: false };

/**
 * Starts the fake hub; resolves with `{ hub, files, log, set, release, close }`: the two origins, the requests seen,
 * and `set(options)`: `path` and `sha256` (the file served and its SHA-256), `cuts` (file offsets at which a
 * response is cut, once each), `hold` (an offset after which the file host sends nothing more but keeps the
 * connection open, until `release()`), `ignoreRange`, `wrongHash`, `apiStatus`, `apiDelay` (ms before the API
 * answers), `noCors`; `set({ plain: true })`
 * goes back to behaving.
 */
export async function fakeHub() {
  const options = { ...PLAIN, path: null, sha256: null };
  const log = [];
  const held = new Set();
  const announced = () => (options.wrongHash ? createHash('sha256').update('another file').digest('hex') : options.sha256);
  const sizeOf = () => statSync(options.path).size;
  let files = '';

  const hubServer = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://hub');
    log.push({ at: 'hub', method: req.method, path: url.pathname + url.search, range: req.headers.range ?? null,
      referer: req.headers.referer ?? null, cookie: req.headers.cookie ?? null });
    const size = sizeOf();
    if (req.method === 'OPTIONS') return preflight(req, res, hubCors(req));
    if (url.pathname === `/api/models/${REPO}` && url.searchParams.get('blobs') === 'true') {
      await new Promise((resolve) => setTimeout(resolve, options.apiDelay));
      if (options.apiStatus !== 200) return res.writeHead(options.apiStatus, { ...hubCors(req), 'content-type': 'application/json' }).end('{"error":"Internal Error"}');
      const record = { _id: '621ffdc036468d709f174362', id: REPO, modelId: REPO, author: 'openai-community', sha: COMMIT,
        private: false, gated: false, disabled: false, pipeline_tag: 'text-generation', library_name: 'transformers',
        siblings: [{ rfilename: '.gitattributes', blobId: 'b'.repeat(40), size: 1477 },
          { rfilename: 'config.json', blobId: 'c'.repeat(40), size: 656 },
          { rfilename: 'model.safetensors', blobId: 'd'.repeat(40), size, lfs: { sha256: announced(), size, pointerSize: 135 } }] };
      return res.writeHead(200, { ...hubCors(req), 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(record));
    }
    const resolve = new RegExp(`^/${REPO}/resolve/(main|${COMMIT})/model\\.safetensors$`).exec(url.pathname);
    if (!resolve) return res.writeHead(404, { ...hubCors(req), 'x-error-code': 'EntryNotFound' }).end('Entry not found');
    const body = `Found. Redirecting to ${files}/xet-bridge-us/${options.sha256}`;
    return res.writeHead(302, { ...hubCors(req), location: `${files}/xet-bridge-us/${options.sha256}?X-Xet-Cas-Uid=public&Expires=1999999999`,
      'x-repo-commit': COMMIT, 'x-linked-size': String(size), 'x-linked-etag': `"${announced()}"`, 'accept-ranges': 'bytes',
      'cache-control': 'no-store', 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) })
      .end(req.method === 'HEAD' ? undefined : body);
  });

  const fileServer = createServer((req, res) => {
    const cors = options.noCors ? {} : { 'access-control-allow-origin': '*', 'access-control-expose-headers': '*' };
    log.push({ at: 'files', method: req.method, path: new URL(req.url, 'http://files').pathname, range: req.headers.range ?? null,
      origin: req.headers.origin ?? null, referer: req.headers.referer ?? null, cookie: req.headers.cookie ?? null });
    if (req.method === 'OPTIONS') return preflight(req, res, cors);
    const size = sizeOf();
    const asked = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = asked && !options.ignoreRange ? Number(asked[1]) : 0;
    if (start >= size) return res.writeHead(416, { ...cors, 'content-range': `bytes */${size}` }).end();
    const headers = { ...cors, 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', etag: '"63bed80836ee0758"',
      'content-length': String(size - start), ...(start ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}) };
    res.writeHead(start ? 206 : 200, headers);
    if (req.method === 'HEAD') return res.end();
    // the first cut (or hold) past `start`: the bytes up to it are sent, then the connection is cut (or held)
    const cut = options.cuts.find((c) => c > start && c < size);
    const end = Math.min(cut ?? size, options.hold !== null && options.hold > start ? options.hold : size);
    const stream = createReadStream(options.path, { start, end: end - 1 });
    stream.pipe(res, { end: end === size });
    return stream.on('end', () => {
      if (end === size) return;
      if (end === cut) {
        options.cuts.splice(options.cuts.indexOf(cut), 1);
        res.socket.end(); // (after the bytes up to the cut: fewer than the Content-Length promised)
      } else held.add(res.socket);
    });
  });

  const hub = await listen(hubServer);
  files = await listen(fileServer);
  return {
    hub,
    files,
    log,
    set({ plain, ...changes }) {
      Object.assign(options, plain ? PLAIN : {}, changes, { cuts: [...(changes.cuts ?? (plain ? [] : options.cuts))] });
    },
    /** Releases connections held open (they are cut). */
    release() {
      for (const socket of held) socket.destroy();
      held.clear();
    },
    async close() {
      for (const socket of held) socket.destroy();
      hubServer.closeAllConnections();
      fileServer.closeAllConnections();
      await Promise.all([hubServer, fileServer].map((s) => new Promise((done) => s.close(done))));
    },
  };
}
