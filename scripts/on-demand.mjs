// Which modules a page loads on demand, found by following its imports rather than listed by hand: the targets of
// `import('./x.js')` and the workers it starts (`new URL('./x.js', import.meta.url)`), then the ones those load in
// turn, until no new one appears. scripts/dist.mjs bundles each on its own (a module loaded on demand that was not
// would name modules only the first bundle holds); scripts/size.mjs follows the same workers to price the first load.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { build } from 'esbuild';

/**
 * The relative URLs of the scripts `text` names to start them (its workers): `new URL('./x.js', import.meta.url)`.
 * A glue module named so (pkg/) is not one: it is imported again only after a trap, for a fresh wasm instance.
 */
export const workers = (text) => [...text.matchAll(
  /new URL\(\s*(['"])(\.{1,2}\/(?!pkg\/)[^'"]+\.js)\1\s*,\s*import\.meta\.url\s*\)/g)].map(([, , spec]) => spec);

/** An esbuild plugin: every relative `import('./x.js')` stays an import of that file, not joined to the bundle. */
export const keepDynamicImports = {
  name: 'keep-dynamic-imports',
  setup(on) {
    on.onResolve({ filter: /^\.{1,2}\// }, ({ path, kind }) => (kind === 'dynamic-import' ? { path, external: true } : null));
  },
};

/**
 * The modules that `entries` (paths under the folder `root`, '/'-separated) load on demand, directly or through
 * other modules loaded on demand, as sorted paths under `root`; the entries themselves are not listed. A target
 * that does not exist is an error naming the module that asks for it.
 */
export async function onDemand(entries, root) {
  const seen = new Set(entries);
  const found = [];
  for (let next = entries; next.length;) {
    const { metafile } = await build({
      absWorkingDir: root, entryPoints: next, bundle: true, write: false, metafile: true, format: 'esm',
      outdir: 'out', logLevel: 'silent', plugins: [keepDynamicImports],
    });
    next = [];
    for (const [file, { imports }] of Object.entries(metafile.inputs)) {
      const lazy = imports.filter((i) => i.kind === 'dynamic-import' && /^\.{1,2}\//.test(i.path)).map((i) => i.path);
      for (const spec of [...lazy, ...workers(readFileSync(join(root, file), 'utf8'))]) {
        const target = posix.normalize(posix.join(posix.dirname(file), spec));
        if (seen.has(target)) continue;
        if (!existsSync(join(root, target))) throw new Error(`${file} loads ${spec} on demand, which does not exist`);
        seen.add(target);
        next.push(target);
      }
    }
    found.push(...next);
  }
  return found.sort();
}
