// The builds' versions of the page's asset modules (www/assets/core.js, www/assets/gpt.js): the same exports, each file's
// URL pointing at the build's copy. The module is imported here, in Node, to read its URLs (relative to www/); no
// source text is rewritten.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ASSET_MODULES = ['www/assets/core.js', 'www/assets/gpt.js'];
const WWW = fileURLToPath(new URL('../www/', import.meta.url));

/**
 * The source of the build's version of `file` (a path in the checkout): `locate(path)` is the JavaScript expression
 * of the URL for a file at `path` (relative to www/, e.g. './pkg/x.wasm'); `overrides` replaces plain values.
 */
export async function assetModule(file, locate, overrides = {}) {
  const source = await import(new URL(`../${file}`, import.meta.url));
  const expression = (value) => {
    if (value instanceof URL) {
      const path = relative(WWW, fileURLToPath(value)).split('\\').join('/');
      return locate(path.startsWith('../') ? path : `./${path}`);
    }
    if (value && typeof value === 'object') {
      return `{ ${Object.entries(value).map(([key, part]) => `${JSON.stringify(key)}: ${expression(part)}`).join(', ')} }`;
    }
    return JSON.stringify(value);
  };
  return Object.entries(source).map(([name, value]) => `export const ${name} = ${
    Object.hasOwn(overrides, name) ? JSON.stringify(overrides[name]) : expression(value)};`).join('\n');
}
