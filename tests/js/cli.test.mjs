// The tools of bench/ and scripts/ take --help and refuse what they do not take, before doing any work: run in an
// empty folder, `--help` prints the usage and exits 0, an unknown flag exits 2 naming it, and neither leaves a file
// behind (`node bench/gpt1_weights.mjs --help` once wrote a 466 MB file named --help).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, helpText } from '../../scripts/cli.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0;

/** Every tool that is run with arguments (or could be given some), and how. */
const TOOLS = {
  'bench/gpt.mjs': 'node', 'bench/gpt1.mjs': 'node', 'bench/gpt1_engine.mjs': 'node', 'bench/gpt1_int8.mjs': 'node', 'bench/gpt1_threads.mjs': 'node',
  'bench/gpt1_tuner.mjs': 'node', 'bench/gpt1_weights.mjs': 'node',
  'bench/gpt_child.mjs': 'node', 'bench/page.mjs': 'node', 'bench/peer.mjs': 'node', 'bench/run.mjs': 'node',
  'bench/tokenizer.mjs': 'node', 'bench/wasm_child.mjs': 'node',
  'bench/gpt1_numpy.py': 'python3', 'bench/lesson_numpy.py': 'python3', 'bench/tokenizer_original.py': 'python3',
  'scripts/dist.mjs': 'node', 'scripts/serve.mjs': 'node', 'scripts/single.mjs': 'node', 'scripts/size.mjs': 'node',
  'scripts/screenshot.mjs': 'node', 'scripts/gpt1_spacy_tables.py': 'python3',
  'scripts/build.sh': 'bash', 'scripts/fuzz.sh': 'bash', 'scripts/setup.sh': 'bash', 'scripts/test.sh': 'bash',
};

const SPEC = {
  usage: 'OUT [seed] [--quick] [--d N]', about: 'A tool.', args: [['OUT', 'a file'], ['[seed]', 'a number']],
  flags: { '--quick': 'shorter' }, options: { '--d': ['N', 'a width'] },
};

test('the command line is read as declared: flags, options with their values, required and optional arguments', () => {
  assert.deepEqual(parseCommandLine(SPEC, ['out', '--quick', '--d', '32', '7']),
    { flags: new Set(['--quick']), options: { '--d': '32' }, args: ['out', '7'] });
  assert.deepEqual(parseCommandLine(SPEC, ['out']), { flags: new Set(), options: {}, args: ['out'] });
  for (const argv of [['--help'], ['out', '-h'], ['--help', 'out']]) assert.deepEqual(parseCommandLine(SPEC, argv), { help: true });
  assert.equal(parseCommandLine(SPEC, ['out', '--bogus', '--help']).error, 'unknown flag --bogus', 'a mistake before --help');
  assert.equal(parseCommandLine(SPEC, []).error, 'OUT is missing');
  assert.equal(parseCommandLine(SPEC, ['a', 'b', 'c']).error, 'c: one argument too many');
  assert.equal(parseCommandLine(SPEC, ['out', '--d']).error, '--d needs a value (N)');
  assert.equal(parseCommandLine(SPEC, ['out', '--quick=1']).error, 'unknown flag --quick=1');
  const help = helpText('node bench/x.mjs', SPEC);
  assert.match(help, /^usage: node bench\/x\.mjs OUT \[seed\] \[--quick\] \[--d N\]\n\nA tool\.\n\n/);
  assert.match(help, /\n {2}--d N {4}a width\n {2}--help {3}print this and stop$/);
});

test('every tool that reads its command line is one of the tools checked below', () => {
  const reads = { mjs: /process\.argv/, py: /sys\.argv/, sh: /\$[1@#*]|\$\{1/ };
  for (const folder of ['bench', 'scripts']) {
    for (const name of readdirSync(join(ROOT, folder))) {
      const kind = name.split('.').pop();
      const path = `${folder}/${name}`;
      if (!reads[kind] || ['scripts/cli.mjs', 'bench/measure.mjs'].includes(path)) continue; // (cli.mjs reads for them)
      if (reads[kind].test(readFileSync(join(ROOT, path), 'utf8'))) assert.ok(TOOLS[path], `${path} reads its command line: check it here`);
    }
  }
});

for (const [tool, runner] of Object.entries(TOOLS)) {
  test(`${tool}: --help prints its usage, an unknown flag is refused, and neither leaves a file behind`, { skip: runner === 'python3' && !python }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    try {
      const run = (...args) => spawnSync(runner, [join(ROOT, tool), ...args], { cwd: dir, encoding: 'utf8', timeout: 60000 });
      const help = run('--help');
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /^usage: /);
      const wrong = run('--no-such-flag');
      assert.equal(wrong.status, 2, `${wrong.stdout}${wrong.stderr}`);
      assert.match(wrong.stderr, /--no-such-flag/);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
