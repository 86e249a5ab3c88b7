// A Python with numpy for the tests that run the page's numpy, found as the bench finds one: PYTHON, then
// bench/.venv (which `npm run bench` makes), then python3. npm test must not need Python: without one, the tests
// that would run it skip that part and print why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** `{ python }`, a command that imports numpy, or `{ why }` there is none. */
export function findPython() {
  const candidates = [process.env.PYTHON, new URL('../../bench/.venv/bin/python', import.meta.url).pathname, 'python3']
    .filter((p) => p && (!p.includes('/') || existsSync(p)));
  for (const python of candidates) {
    if (spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0) return { python };
  }
  return { why: `no Python with numpy (tried ${candidates.join(', ')}; \`npm run bench\` makes bench/.venv)` };
}

/** Runs Python `code` with `python` (in `cwd`); returns `{ status, lines, stderr }`, the printed lines trimmed. */
export function runPython(python, code, cwd) {
  const run = spawnSync(python, ['-'], { input: code, cwd, encoding: 'utf8', env: { ...process.env, PYTHONIOENCODING: 'utf-8' } });
  return { status: run.status, lines: run.stdout.trim().split('\n'), stderr: run.stderr };
}
