// Part E's download of GPT-1 from the hub, in its worker: a reader of the same shape as a file's (reader.js). The
// hub's API gives the file's record (its commit, size and SHA-256); the file is then asked for at that commit, and
// its bytes go as they arrive into the core's streaming loader, the SHA-256 and storage (partial.js): nothing of it
// is held in JavaScript. A dropped connection is taken up with a Range request for the rest; a host that sends the
// whole file instead starts the download over; after a reload the bytes storage kept are read back into the loader
// and the hash first, then the rest is asked for. The hash is compared with the hub's before the model is made: a
// file that does not match is refused, and nothing of it is kept. Into the compact form, the bytes are quantized as
// they arrive; what arrived is still kept to take the download up, and once the file is checked the compact file is
// kept in its place (compact.js).
//
// One download is one state object `d`; the functions below each do one step of it.
import { FILE, REPO, answerKind, headerRecord, hubOrigin, unreachable } from './hub.js';
import { askApi, askFile, described, sleep } from './hub-fetch.js';
import { Stopped, count, loaderFor, megabytes } from './reader.js';
import { failure, noRoomFor } from './storage.js';

const WAITS = [1000, 2000, 4000]; // ms before asking again after a dropped connection, while nothing arrives between
const STALL = 30000; // ms without a byte after which a connection counts as dropped
const REPLAY = 8 * 1024 * 1024; // bytes read back from storage at a time
const short = (commit) => commit.slice(0, 7);

/**
 * The bytes of a safetensors file of `size` bytes, in order, into the core's streaming loader for a model in `form`:
 * the header's 8 + N bytes are gathered first (its length checked against `size`), then the data follows.
 */
function intake(TinyGpt, size, form) {
  let head = new Uint8Array(8); // the length's 8 bytes, then the whole header once its length is known
  let filled = 0;
  let sized = false;
  let loader = null;
  const made = { holds: 'float32', quantizing: false }; // (known once the header is read)
  return {
    made,
    write(chunk) {
      while (!loader && chunk.length) {
        const used = Math.min(head.length - filled, chunk.length);
        head.set(chunk.subarray(0, used), filled);
        filled += used;
        chunk = chunk.subarray(used);
        if (filled < head.length) return;
        if (!sized) {
          const length = Number(TinyGpt.safetensorsHeaderLength(head));
          if (length > size) throw new Error(`the file says its header is ${count(length)} bytes long, but the hub's record gives the whole file as ${count(size)} bytes`);
          const whole = new Uint8Array(length);
          whole.set(head);
          [head, sized] = [whole, true];
        } else {
          let holds;
          ({ loader, holds, quantizing: made.quantizing } = loaderFor(TinyGpt, head, size, form));
          made.holds = holds;
          head = null;
          const described = Number(loader.expectBytes);
          if (described !== size) throw new Error(`the file's header describes ${count(described)} bytes in all, but the hub's record gives ${count(size)}: they are not one file`);
        }
      }
      if (chunk.length) loader.write(chunk);
    },
    finish: () => loader.finish(),
    free: () => loader?.free?.(),
  };
}

/**
 * What the download must bring, `{ expected, checkedWith, same, first }`: the hub's record, or the record of the
 * download storage kept when it is the same file (or the API gave none); where the API gave none and nothing is
 * kept, the SHA-256 the file's own response announces (`first`: that response, to be read on).
 */
async function plan(d, kept) {
  const api = await askApi(d.hub, d.signal);
  const same = Boolean(kept) && (!api.record || (kept.record.sha256 === api.record.sha256 && kept.record.size === api.record.size));
  if (kept && !same) d.notes.push(`The file on the hub changed since the download kept here began (commit ${short(kept.record.commit)}, now ${short(api.record.commit)}): starting over.`);
  if (same) return { expected: kept.record, checkedWith: kept.record.checkedWith, same, first: null };
  if (api.record) return { expected: api.record, checkedWith: 'api', same, first: null };
  const first = await askFile(d.hub, 'main', 0, d.signal);
  const told = headerRecord((name) => first.headers.get(name), described(first).length);
  if (first.status !== 200 || !told.sha256 || !told.size) {
    first.body?.cancel().catch(() => {});
    if (first.status !== 200) answerKind(described(first), 0, 0); // (throws, saying what came instead)
    throw new Error(`the hub's API gave no record of ${FILE} (${api.problem}), and its file host does not tell this page the file's SHA-256: the download could not be checked, so it was not started`);
  }
  d.notes.push(`The hub's API gave no record of ${FILE} (${api.problem}): the file is checked against the SHA-256 its host announced.`);
  return { expected: { commit: told.commit ?? 'main', size: told.size, sha256: told.sha256 }, checkedWith: 'headers', same, first };
}

/** Opens storage's download (the kept one, or a new one) when there is room for the rest; else says why not. */
async function keeping(d, storage, same) {
  try {
    if (!storage) throw new Error('this browser offers this page no storage, so a reload starts the download again');
    d.part = await storage.partial.open(same ? null : { hub: d.hub, repo: REPO, file: FILE, ...d.expected, checkedWith: d.checkedWith });
    if (!d.part) throw new Error('the download kept in this browser is gone');
    if (d.part.bytes > d.expected.size) await d.part.restart();
    const full = await noRoomFor(d.expected.size - d.part.bytes);
    if (full) throw new Error(full);
  } catch (error) {
    await unkeep(d, failure(error));
  }
  d.stored = d.part?.bytes ?? 0;
}

/** Stops keeping the download (`why`: the message), removing what storage holds of it. */
async function unkeep(d, why) {
  d.problem ||= why;
  const part = d.part;
  d.part = null;
  await part?.drop().catch(() => {});
}

/** The bytes are not the file the hub describes: nothing of them is kept. */
async function wrong(d, error) {
  await unkeep(d, '');
  throw error;
}

/** The next bytes, into the loader and the hash, and (`fresh`: from the network) into storage. */
async function accept(d, chunk, fresh) {
  if (d.stopped) throw new Stopped('the download was stopped');
  if (d.offset + chunk.length > d.expected.size) return wrong(d, new Error(`the file host sent more than the ${count(d.expected.size)} bytes the hub's record gives`));
  try {
    d.intake.write(chunk);
  } catch (error) {
    return wrong(d, error);
  }
  d.hash.update(chunk);
  d.offset += chunk.length;
  if (!fresh || !d.part) return undefined;
  try {
    return await d.part.write(chunk);
  } catch (error) {
    return unkeep(d, failure(error));
  }
}

/** The next bytes storage kept from before; if it gives back fewer, the rest comes from the network. */
async function replay(d) {
  const chunk = d.part ? await d.part.read(d.offset, Math.min(REPLAY, d.stored - d.offset)) : new Uint8Array(0);
  if (chunk.length) return accept(d, chunk, false);
  d.stored = d.offset;
  return unkeep(d, 'not kept for the next visit: the browser\'s storage gave back fewer bytes than it had kept');
}

/** Everything so far is dropped: a fresh loader and hash, and storage's download emptied. */
async function startOver(d) {
  d.intake.free();
  d.intake = intake(d.TinyGpt, d.expected.size, d.form);
  d.hash.free?.();
  d.hash = new d.FileHash();
  d.offset = 0;
  d.stored = 0;
  try {
    await d.part?.restart();
  } catch (error) {
    await unkeep(d, failure(error));
  }
}

/** Asks for the rest (all of it at first); a host that ignores the Range request starts the download over. */
async function connect(d, said) {
  const response = await askFile(d.hub, d.expected.commit, d.offset, d.signal);
  let kind;
  try {
    kind = answerKind(described(response), d.offset, d.expected.size);
  } catch (error) {
    response.body?.cancel().catch(() => {});
    throw error;
  }
  if (kind === 'whole' && d.offset > 0) {
    said.push(`The file host sent the whole file instead of the rest (it ignored the request for the bytes from ${megabytes(d.offset)}): starting over from 0 MB.`);
    await startOver(d);
  } else if (d.offset > 0) said.push(`Resuming at ${megabytes(d.offset)}: the file host sends the rest.`);
  d.body = response.body.getReader();
  d.heard = performance.now();
}

/** A dropped connection: asked for again after a wait, unless the browser is offline or it keeps dropping. */
async function dropped(d, error, said) {
  d.body?.cancel().catch(() => {});
  d.body = null;
  d.reading = null;
  const at = megabytes(d.offset);
  if (globalThis.navigator?.onLine === false) throw new Error(`the connection was lost at ${at}: ${unreachable(d.hub, 'offline')}`);
  if (d.waits >= WAITS.length) {
    throw new Error(`the connection to the file host was lost ${d.waits + 1} times at ${at} with nothing arriving in between${error ? ` (${error.message})` : ''}`);
  }
  said.push(`The connection was lost at ${at}.`);
  await sleep(WAITS[d.waits++], d.signal);
}

/**
 * The next bytes from the network, waiting for them until `until` at most (a read still pending is taken up by
 * the next call); a connection silent for `STALL` counts as dropped.
 */
async function receive(d, said, until) {
  d.reading ??= d.body.read().then((next) => ({ next }), (error) => ({ error }));
  let timer;
  const tick = new Promise((resolve) => { timer = setTimeout(resolve, Math.max(0, until - performance.now()), null); });
  const got = await Promise.race([d.reading, tick]);
  clearTimeout(timer);
  if (!got) return performance.now() - d.heard > STALL ? dropped(d, new Error(`nothing arrived for ${STALL / 1000} s`), said) : undefined;
  d.reading = null;
  if (got.error) {
    if (d.signal.aborted) throw new Stopped('the download was stopped');
    return dropped(d, got.error, said);
  }
  if (got.next.done) return dropped(d, null, said);
  d.waits = 0;
  d.heard = performance.now();
  return accept(d, got.next.value, true);
}

/** Reads up to `bytes` more (stopping after `ms`): storage's first, then the network's. */
async function pump(d, { bytes, ms = Infinity }) {
  const end = Math.min(d.expected.size, d.offset + bytes);
  const until = performance.now() + ms;
  const said = d.notes.splice(0);
  while (d.offset < end && performance.now() < until) {
    if (d.offset < d.stored) await replay(d);
    else if (!d.body) await connect(d, said);
    else await receive(d, said, until);
    if (d.stopped) throw new Stopped('the download was stopped');
  }
  return { read: d.offset, bytes: d.expected.size, stored: d.stored, notes: said };
}

/** The model, once every byte arrived and the SHA-256 matched the hub's record; where the file came from. */
async function finish(d) {
  const { size, sha256: recorded, commit } = d.expected;
  if (d.offset < size) throw new Error(`the download is not complete: ${count(d.offset)} of ${count(size)} bytes`);
  d.body?.cancel().catch(() => {});
  d.body = null;
  const sha256 = d.hash.hex();
  if (sha256 !== recorded) {
    return wrong(d, new Error(`the downloaded file's SHA-256 is ${sha256}, but the hub's record of ${FILE} says ${recorded}: it is not the file the hub describes, so nothing of it is kept`));
  }
  let gpt;
  try {
    gpt = d.intake.finish();
  } catch (error) {
    return wrong(d, error);
  }
  d.provenance = { hub: d.hub, repo: REPO, file: FILE, commit, sha256, size, checkedWith: d.checkedWith };
  return { gpt, provenance: d.provenance };
}

/** Makes the finished download the kept file: whether it is kept. */
async function keep(d) {
  if (!d.part || !d.provenance) return false;
  try {
    await d.part.commit(d.provenance);
    d.part = null;
    return true;
  } catch (error) {
    await unkeep(d, failure(error));
    return false;
  }
}

/** Stops at once: the request is aborted; what storage holds stays, to be taken up later. */
async function stop(d) {
  d.stopped = true;
  d.control.abort();
  d.intake.free();
  d.hash.free?.();
  await leave(d);
}

/** Closes storage's download, keeping what it holds. */
async function leave(d) {
  const part = d.part;
  d.part = null;
  await part?.close();
}

/**
 * Starts the download from the hub `named` by the page (its meta tag), or takes up the one kept in `storage`, for
 * a model in `form` ('int8': quantized as it arrives): the hub's record is read and, where needed, the first
 * request made now; the bytes come with `pump`. `TinyGpt` and `FileHash` are the transformer module's.
 */
export async function openDownload({ hub: named, storage, TinyGpt, FileHash, form }) {
  const control = new AbortController();
  const d = { hub: hubOrigin(named), control, signal: control.signal, TinyGpt, FileHash, notes: [], part: null,
    problem: '', stored: 0, offset: 0, body: null, reading: null, heard: performance.now(), waits: 0, stopped: false,
    provenance: null, form };
  const kept = (await storage?.partial?.inspect().catch(() => null)) ?? null;
  const { expected, checkedWith, same, first } = await plan(d, kept);
  Object.assign(d, { expected, checkedWith, body: first?.body?.getReader() ?? null });
  await keeping(d, storage, same);
  d.intake = intake(TinyGpt, expected.size, form);
  d.hash = new FileHash();
  return {
    bytes: expected.size,
    summary: { bytes: expected.size, stored: d.stored, commit: expected.commit, sha256: expected.sha256, checkedWith,
      notes: d.notes.splice(0), problem: d.problem },
    pump: (request) => pump(d, request),
    finish: () => finish(d),
    copy: { get problem() { return d.problem; }, keep: () => keep(d), drop: () => leave(d), discard: () => unkeep(d, '') },
    stop: () => stop(d),
    get holds() { return d.intake.made.holds; },
    get quantizing() { return d.intake.made.quantizing; },
  };
}
