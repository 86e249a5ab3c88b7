// Part E's download, the parts that are plain functions of values (www/kinds/gpt1/hub.js, parts/e/download.js):
// which hub a page may name, the URLs, what the hub's API and file host must answer before a byte is kept, and how
// the progress is said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerKind, apiUrl, contentRange, headerRecord, hubOrigin, readRecord, resolveUrl, unreachable } from '../../www/kinds/gpt1/hub.js';

const COMMIT = '1e1d1f3e3bb0bc6f3c1ff3b3b3a8c4f07e6a9c2d';
const SHA = 'ab'.repeat(32);
/** The API's answer as the hub gives it with ?blobs=true (its fields trimmed to those the page reads, and a few). */
const answer = (file = {}) => ({
  _id: '621ffdc036468d709f174362', id: 'openai-community/openai-gpt', sha: COMMIT, private: false, gated: false,
  siblings: [{ rfilename: 'config.json', blobId: 'c'.repeat(40), size: 656 },
    { rfilename: 'model.safetensors', blobId: 'd'.repeat(40), size: 478750579, lfs: { sha256: SHA, size: 478750579, pointerSize: 135 }, ...file }],
});

test('the hub is an https origin (http only on loopback), nothing else', () => {
  assert.equal(hubOrigin('https://huggingface.co'), 'https://huggingface.co');
  assert.equal(hubOrigin('https://huggingface.co/'), 'https://huggingface.co');
  assert.equal(hubOrigin('http://127.0.0.1:8123'), 'http://127.0.0.1:8123');
  for (const bad of ['http://huggingface.co', 'https://huggingface.co/openai-community', 'https://user:pw@huggingface.co',
    'https://huggingface.co/?x=1', 'javascript:alert(1)', 'data:text/plain,hi', 'ftp://huggingface.co']) {
    assert.throws(() => hubOrigin(bad), /must be an https origin such as https:\/\/huggingface\.co/, bad);
  }
  assert.throws(() => hubOrigin(undefined), /names no hub it may download from/);
  assert.throws(() => hubOrigin('not a url'), /names no hub/);
});

test('the URLs name the one model and file, at a commit or main', () => {
  assert.equal(apiUrl('https://huggingface.co'), 'https://huggingface.co/api/models/openai-community/openai-gpt?blobs=true');
  assert.equal(resolveUrl('https://huggingface.co', COMMIT), `https://huggingface.co/openai-community/openai-gpt/resolve/${COMMIT}/model.safetensors`);
  assert.equal(resolveUrl('https://huggingface.co', 'main'), 'https://huggingface.co/openai-community/openai-gpt/resolve/main/model.safetensors');
  for (const revision of ['../../other/model', 'dev', COMMIT.slice(1), `${COMMIT}/x`]) assert.throws(() => resolveUrl('https://huggingface.co', revision), /not a commit/);
});

test('the API\'s record: the commit, the size and the SHA-256, or what is missing', () => {
  assert.deepEqual(readRecord(answer()), { commit: COMMIT, size: 478750579, sha256: SHA });
  assert.deepEqual(readRecord(answer({ lfs: { sha256: SHA.toUpperCase(), size: 478750579 } })).sha256, SHA, 'hex in any case');
  assert.throws(() => readRecord({ ...answer(), sha: 'main' }), /names no commit/);
  assert.throws(() => readRecord({ ...answer(), siblings: [] }), /lists no model\.safetensors/);
  assert.throws(() => readRecord(answer({ lfs: undefined })), /gives model\.safetensors no SHA-256/);
  assert.throws(() => readRecord(answer({ lfs: { sha256: 'abc', size: 1 } })), /no SHA-256/);
  assert.throws(() => readRecord(answer({ size: undefined, lfs: { sha256: SHA } })), /no size in bytes/);
  assert.throws(() => readRecord(answer({ size: 10, lfs: { sha256: SHA, size: 11 } })), /two sizes, 10 and 11 bytes/);
  assert.throws(() => readRecord(null), /names no commit/);
});

test('the file\'s own headers, where the API gave no record: only a 64-hex X-Linked-Etag is a SHA-256', () => {
  const headers = (h) => (name) => h[name] ?? null;
  assert.deepEqual(headerRecord(headers({ 'x-linked-etag': `"${SHA}"`, 'x-repo-commit': COMMIT, 'x-linked-size': '1000' }), 999),
    { sha256: SHA, commit: COMMIT, size: 1000 });
  assert.deepEqual(headerRecord(headers({ 'x-linked-etag': 'W/"10c66461e4c109db5a2196bff4bb59be30396ed8"' }), 999),
    { sha256: null, commit: null, size: 999 }, 'a git blob\'s SHA-1 is not the file\'s SHA-256');
  assert.deepEqual(headerRecord(headers({}), null), { sha256: null, commit: null, size: null });
});

test('a response is appended only when it is the rest asked for; a 200 is the whole file; anything else is refused', () => {
  assert.deepEqual(contentRange('bytes 100-199/1000'), { start: 100, end: 199, total: 1000 });
  assert.deepEqual(contentRange('bytes 0-0/*'), { start: 0, end: 0, total: null });
  for (const bad of ['bytes 5-4/10', 'bytes=0-9/10', 'bytes 0-9', '', null]) assert.equal(contentRange(bad), null, String(bad));

  assert.equal(answerKind({ status: 206, range: 'bytes 100-999/1000', length: 900 }, 100, 1000), 'rest');
  assert.equal(answerKind({ status: 200, range: null, length: 1000 }, 100, 1000), 'whole');
  assert.equal(answerKind({ status: 200, range: null, length: null }, 0, 1000), 'whole');
  assert.throws(() => answerKind({ status: 206, range: 'bytes 0-999/1000', length: 1000 }, 100, 1000), /sent bytes 0–999 of 1,000 when bytes from 100 of 1,000 were asked for/);
  assert.throws(() => answerKind({ status: 206, range: 'bytes 100-999/2000', length: 900 }, 100, 1000), /of 2,000 when/);
  assert.throws(() => answerKind({ status: 206, range: null, length: 900 }, 100, 1000), /a part it did not describe/);
  assert.throws(() => answerKind({ status: 200, range: null, length: 999 }, 0, 1000), /sent 999 bytes, but the hub's record of model\.safetensors says 1,000/);
  assert.throws(() => answerKind({ status: 416, range: 'bytes */900', length: 0 }, 1000, 1000), /no bytes from 1,000 \(HTTP 416\)/);
  assert.throws(() => answerKind({ status: 404, range: null, length: 15 }, 0, 1000), /answered HTTP 404/);
});

test('why the hub cannot be reached, in words', () => {
  assert.match(unreachable('https://huggingface.co', 'offline'), /^this browser is offline, so https:\/\/huggingface\.co cannot be reached$/);
  assert.match(unreachable('https://huggingface.co', 'csp'), /Content-Security-Policy does not allow requests to https:\/\/huggingface\.co \(its connect-src\)/);
  assert.match(unreachable('https://huggingface.co', 'cors'), /answered, but without the CORS headers/);
  assert.match(unreachable('https://huggingface.co', 'other'), /could not be reached: the network, a firewall or a filter blocks it/);
});

test('the download\'s progress: MB done of the total, the rate and the time left, as measured', async () => {
  const { progressText } = await import('../../www/parts/e/download.js');
  assert.equal(progressText({ read: 120e6, bytes: 478.75e6, stored: 0 }, 35.2e6), '120 MB of 479 MB · 35.2 MB/s · about 10 s left');
  assert.equal(progressText({ read: 10e6, bytes: 478.75e6, stored: 0 }, 1e6), '10 MB of 479 MB · 1.0 MB/s · about 8 min left');
  assert.equal(progressText({ read: 10e6, bytes: 478.75e6, stored: 0 }, 0.05e6), '10 MB of 479 MB · 0.1 MB/s · about 2.6 h left');
  assert.equal(progressText({ read: 150_000, bytes: 371_481, stored: 0 }, null), '0.2 MB of 0.4 MB (measuring the rate…)');
  assert.equal(progressText({ read: 120e6, bytes: 478.75e6, stored: 300e6 }, null), 'Checking the 300 MB kept from before: 120 MB of 300 MB read back and hashed');
});
