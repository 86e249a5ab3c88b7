// The book the benchmarks read: the King James Bible from Debian's bible-kjv, one verse a line, as printed.
import { execFileSync } from 'node:child_process';

function installed(pkg) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).includes('install ok installed');
  } catch {
    return false;
  }
}

/**
 * Every verse of the King James Bible, its reference removed: `bible -f` turns pretty-printing off (one verse per
 * line, after its reference) and `Gen1:1-Rev22:21` is the whole text. Installs bible-kjv when it is missing (root).
 */
export function bibleVerses(say, run) {
  if (!installed('bible-kjv')) {
    if (process.getuid?.() !== 0) throw new Error('the book needs Debian\'s bible-kjv: sudo apt-get install bible-kjv');
    say('installing bible-kjv from Debian\'s packages');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'bible-kjv'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  const raw = execFileSync('bible', ['-f', 'Gen1:1-Rev22:21'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return raw
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => line.replace(/^\S+\d+:\d+ /, '')); // the reference, e.g. "Ge1:1 "
}
