// A small static server for the page: index.html and www/ from this checkout, on localhost only.
// `node scripts/serve.mjs` serves on $PORT (default 8000, or the next free port); tests import `serve()`.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readArgs } from './cli.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * The Content-Security-Policy an index.html declares in its `<meta http-equiv>`: its own scripts and wasm only, no
 * inline script, no plugins, no <base>, no requests beyond its own files and the hub Part E downloads GPT-1 from.
 * The page's markup is the one place it is written.
 */
export function pagePolicy(html) {
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  if (!meta) throw new Error('index.html declares no Content-Security-Policy');
  return meta[1];
}

/** The policy sent as a header: the page's own, and any site may frame it (the embed use; only a header can say so). */
export const headerPolicy = (html) => `${pagePolicy(html)}; frame-ancestors *`;

/** The header this checkout's page is served with. */
export const CSP = headerPolicy(readFileSync(join(ROOT, 'index.html'), 'utf8'));

/** Maps a URL path under `base` to a file under the root, or null when it is not one of the page's files. */
function resolve(root, urlPath, base) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split(/[?#]/)[0]);
  } catch {
    return null;
  }
  if (!path.startsWith(base)) return null;
  path = `/${path.slice(base.length)}`;
  if (path === '/' || path === '/index.html') return join(root, 'index.html');
  const file = normalize(join(root, path));
  const www = join(root, 'www') + sep;
  return file.startsWith(www) ? file : null;
}

/**
 * Starts serving `root` (this checkout, or a built dist/) at the URL path `base` (e.g. '/courses/gpt1/', as a
 * static host serving the site from a sub-path would); resolves to { server, url } once listening, `url` ending in
 * `base`. Port 0 picks a free port.
 */
export function serve({ root = ROOT, base = '/', port = 8000, host = '127.0.0.1', tries = 20 } = {}) {
  if (!base.startsWith('/') || !base.endsWith('/')) throw new Error(`base must start and end with /: ${base}`);
  const server = createServer(async (req, res) => {
    const file = resolve(root, req.url ?? '/', base);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    try {
      const body = await readFile(file);
      const csp = headerPolicy(await readFile(join(root, 'index.html'), 'utf8')); // (edits show on the next request)
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': csp,
        'referrer-policy': 'no-referrer',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  return new Promise((ok, fail) => {
    let attempt = 0;
    server.on('error', (error) => {
      if (error.code === 'EADDRINUSE' && port !== 0 && ++attempt < tries) {
        server.listen(port + attempt, host);
      } else {
        fail(error);
      }
    });
    server.on('listening', () => {
      const { port: bound } = server.address();
      ok({ server, url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${bound}${base}` });
    });
    server.listen(port, host);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  // `node scripts/serve.mjs dist /courses/gpt1/` serves the built site from a sub-path
  const { args: [dir, base = '/'] } = readArgs('node scripts/serve.mjs', {
    usage: '[DIR] [BASE]',
    about: 'Serves the page on localhost (port $PORT, default 8000) with its Content-Security-Policy.',
    args: [['[DIR]', 'what to serve (default: this checkout, www/ unbuilt)'], ['[BASE]', 'the sub-path to serve it from (default /)']],
  });
  const root = dir ? `${normalize(join(process.cwd(), dir))}${sep}` : ROOT;
  const { url } = await serve({ root, base, port: Number(process.env.PORT ?? 8000) });
  console.log(`gpt1-playground is served at ${url}  (Ctrl+C stops it)`);
}
