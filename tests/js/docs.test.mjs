// The documents a newcomer reads: the README stays short, and every link and every path they name is real. A link
// to another document must name a file of the repository, and an anchor a heading of that file (as GitHub makes
// its anchors); a path in backticks under src/, www/, tests/, scripts/, bench/, docs/ or fuzz/ must exist, or be one that git ignores
// (made by a build or the bench).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = ['README.md', 'SECURITY.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`)];
const read = (file) => readFileSync(join(ROOT, file), 'utf8');
/** Whether git ignores `path`: something a build or the bench makes (www/pkg/, bench/results.json), not a source. */
const generated = (path) => spawnSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: ROOT }).status === 0;
/** The text outside fenced code blocks. */
const prose = (text) => text.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped (hyphens and underscores kept), spaces → '-'. */
export const slug = (heading) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

/** The anchors of a Markdown file's headings. */
const anchors = (text) => new Set([...prose(text).matchAll(/^#{1,6}\s+(.+)$/gm)].map(([, h]) => slug(h)));

test('GitHub anchors as the documents use them', () => {
  assert.equal(slug('Parts A–C: the n-gram model, sampling, encoding, losses'), 'parts-ac-the-n-gram-model-sampling-encoding-losses');
  assert.equal(slug("GPT-1's tokenizer: `Gpt1Tokenizer`"), 'gpt-1s-tokenizer-gpt1tokenizer');
});

test('the README is for deciding and starting: at most 200 lines, and it links every document of docs/', () => {
  const readme = read('README.md');
  const lines = readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0);
  assert.ok(lines <= 200, `README.md has ${lines} lines`);
  for (const doc of DOCS.filter((d) => d.startsWith('docs/'))) assert.ok(readme.includes(`](${doc})`), `README links ${doc}`);
  assert.ok(readme.includes('](SECURITY.md)'));
  for (const command of ['npm start', 'npm test']) assert.ok(readme.includes(command), command);
});

test('every relative link of every document names a file of the repository, and its anchor a heading there', () => {
  const broken = [];
  for (const doc of DOCS) {
    for (const [, target] of prose(read(doc)).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // https: and the like: not ours to check offline
      const [path, anchor] = target.split('#');
      const file = path ? normalize(join(dirname(doc), path)) : doc;
      if (!existsSync(join(ROOT, file))) { broken.push(`${doc}: ${target} (no ${file})`); continue; }
      if (anchor && file.endsWith('.md') && !anchors(read(file)).has(anchor)) broken.push(`${doc}: ${target} (no heading)`);
    }
  }
  assert.deepEqual(broken, []);
});

test('every path the documents name in backticks exists', () => {
  const missing = [];
  for (const doc of DOCS) {
    for (const [, path] of read(doc).matchAll(/`((?:src|www|tests|scripts|bench|docs|fuzz)\/[^`\s<>*…]*)`/g)) {
      const bare = path.replace(/[:,.]$/, '');
      if (!existsSync(join(ROOT, bare)) && !generated(bare)) missing.push(`${doc}: ${path}`);
    }
  }
  assert.deepEqual(missing, []);
});
