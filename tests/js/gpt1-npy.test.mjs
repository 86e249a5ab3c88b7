// OpenAI's release of GPT-1 read as one safetensors file (www/kinds/gpt1/npy.js): .npy headers as numpy writes them (the
// fixtures are numpy's own output, tests/fixtures/gpt1_release_reference.py), hostile headers and sets of files,
// and the synthesized file streamed through the core's loader giving the very logits of the same weights in
// Hugging Face's layout (written by the generator, tokens first: the synthesized file has the positions first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { File } from 'node:buffer';
import {
  npyOf, readNpyHeader, npyHeaderLength, sortRelease, tensorsOfShapes, releaseTensors, safetensorsHeader,
  releaseAsSafetensors, weightsSource,
} from '../../www/kinds/gpt1/npy.js';
import { GPT1 } from '../../www/kinds/gpt1/shape.js';

const api = await import(new URL('../../www/gpt-api.js', import.meta.url));
api.initSync({ module: readFileSync(new URL('../../www/pkg/gpt1_playground_gpt_bg.wasm', import.meta.url)) });
const { TinyGpt } = api;

const FIXTURES = new URL('../fixtures/gpt1_release/', import.meta.url);
const fixture = (name) => new File([readFileSync(new URL(name, FIXTURES))], name.split('/').pop());
const RELEASE = readdirSync(FIXTURES).filter((name) => /^params_/.test(name)).map(fixture);
const PIECES = RELEASE.filter((file) => file.name.endsWith('.npy'));
const SHAPES = RELEASE.find((file) => file.name === 'params_shapes.json');
const shuffled = (files) => [...files].sort((a, b) => (a.name.charCodeAt(7) * 7) % 11 - (b.name.charCodeAt(7) * 7) % 11);

/** An .npy file as numpy lays one out: magic, version, header length, the dict padded to 64 bytes, the data. */
function npy(dict, data = new Uint8Array(0), { version = 1 } = {}) {
  const field = version === 1 ? 10 : 12;
  let text = `${dict} `;
  text += `${' '.repeat((64 - ((field + text.length + 1) % 64)) % 64)}\n`;
  const out = new Uint8Array(field + text.length + data.length);
  out.set([0x93, ...Buffer.from('NUMPY'), version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(Buffer.from(text, 'latin1'), field);
  out.set(data, field + text.length);
  return out;
}
const f4 = (n) => new Uint8Array(new Float32Array(n).fill(0.5).buffer);
const parse = (bytes, name = 'x.npy') => readNpyHeader(bytes, bytes.length, name);

test('numpy\'s .npy files are read: format 1.0 (np.save), 2.0 and 3.0', async () => {
  for (const [name, elements] of [['params_0.npy', 410], ['params_9.npy', 409], ['odd/v2.npy', 6], ['odd/v3.npy', 6]]) {
    const file = fixture(name);
    const { headerBytes, elements: n } = await npyOf(file);
    assert.equal(n, elements, name);
    assert.equal(file.size - headerBytes, 4 * elements, name);
    assert.equal(headerBytes % 64, 0, `${name}: numpy aligns the data to 64 bytes`);
  }
  // the data starts where the header says: numpy wrote 0/4, 1/4, … into v3.npy
  const v3 = fixture('odd/v3.npy');
  const { headerBytes } = await npyOf(v3);
  assert.deepEqual([...new Float32Array(await v3.slice(headerBytes).arrayBuffer())], [0, 0.25, 0.5, 0.75, 1, 1.25]);
});

test('numpy\'s files the release never holds are refused, each saying what it is and what is allowed', async () => {
  const cases = [
    ['odd/f8.npy', /f8\.npy: its numbers are "<f8"; the release's are little-endian float32, '<f4'/],
    ['odd/big_endian.npy', /big_endian\.npy: its numbers are ">f4"/],
    ['odd/fortran.npy', /fortran\.npy: it is stored in Fortran order; the release's pieces are in C order/],
    ['odd/two_d.npy', /two_d\.npy: its shape is \(2, 3\); each piece of the release is one-dimensional/],
  ];
  for (const [name, message] of cases) await assert.rejects(npyOf(fixture(name)), message, name);
});

test('hostile .npy headers: a clear error naming the file, never a hang or a wrong count', () => {
  const good = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  assert.equal(parse(npy(good, f4(3))).elements, 3);
  assert.equal(parse(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3L,)}", f4(3))).elements, 3, 'Python 2 wrote 3L');
  const bad = (bytes, message) => assert.throws(() => parse(bytes, 'params_4.npy'), (error) => {
    assert.match(error.message, /^params_4\.npy/);
    assert.match(error.message, message);
    return true;
  });
  bad(Buffer.from('PK\x03\x04 a zip, not numpy'), /does not start with numpy's mark/);
  bad(npy(good, f4(3)).subarray(0, 7), /does not start with numpy's mark .*7 bytes read/);
  const v4 = npy(good, f4(3));
  v4[6] = 4;
  bad(v4, /format version 4\.0; versions 1\.0, 2\.0 and 3\.0 are read/);
  const huge = npy(good, f4(3), { version: 2 });
  new DataView(huge.buffer).setUint32(8, 2 ** 31, true);
  bad(huge, /header claims 2,147,483,648 bytes; numpy writes a few hundred/);
  bad(npy(good, f4(3)).subarray(0, 40), /ends inside its 128-byte header .* cut short/);
  bad(npy(good, f4(2)), /says 3 float32 numbers \(12 bytes\), but 8 bytes follow it: it is cut short/);
  bad(npy(good, f4(4)), /16 bytes follow it: it has bytes after its data/);
  bad(npy("{'descr': '<f4', 'shape': (3,)}", f4(3)), /its header has no 'fortran_order'/);
  bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'extra': 1}", f4(3)), /the key 'extra': numpy writes only/);
  bad(npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", f4(3)), /the key 'descr' twice/);
  bad(npy("{'descr': '<f4, 'fortran_order': False, 'shape': (3,)}", f4(3)), /not the dictionary numpy writes/);
  bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} junk", f4(3)), /text after the dictionary/);
  bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", f4(3)), /too large/);
  bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': 3}", f4(3)), /its shape is 3; each piece .* one-dimensional/);
  bad(npy("{'descr': '<f4', 'fortran_order': 0, 'shape': (3,)}", f4(3)), /Fortran order/);
  bad(npy("[1, 2]", f4(3)), /not the dictionary numpy writes \(unexpected "\[1, 2\]/);
  bad(npy("{'descr': '<f4', 'fortran_order': False, 'shape': ((3,),)}", f4(3)), /its shape is \(\(3,\),\); each piece/);
  // the length field alone: the dict's length and where the data starts
  assert.deepEqual(npyHeaderLength(npy(good, f4(3)).subarray(0, 10), 'x.npy'), { bytes: 128, version: 1 });
  assert.deepEqual(npyHeaderLength(npy(good, f4(3), { version: 3 }).subarray(0, 12), 'x.npy'), { bytes: 128, version: 3 });
});

test('the set of files: every piece once, named as released, in any order; anything else is named', () => {
  const named = (name) => new File([new Uint8Array(0)], name);
  const ten = Array.from({ length: 10 }, (_, i) => named(`params_${i}.npy`));
  const { pieces, shapes } = sortRelease([...ten].reverse());
  assert.deepEqual(pieces.map((f) => f.name), ten.map((f) => f.name));
  assert.equal(shapes, null);
  assert.equal(sortRelease([named('params_shapes.json'), ...ten]).shapes.name, 'params_shapes.json');
  const refused = (files, message) => assert.throws(() => sortRelease(files), message);
  refused(ten.slice(1), /^Error: params_0\.npy is missing: OpenAI's release is ten files, params_0\.npy … params_9\.npy/);
  refused([ten[0], ten[5]], /params_1\.npy, params_2\.npy, params_3\.npy, params_4\.npy, params_6\.npy, .* are missing/);
  refused([...ten, named('params_3.npy')], /params_3\.npy was given twice/);
  refused([...ten, named('params_shapes.json'), named('params_shapes.json')], /params_shapes\.json was given twice/);
  for (const name of ['params_10.npy', 'params_01.npy', 'params_3 (1).npy', 'shapes.json', 'notes.npy']) {
    refused([...ten, named(name)], new RegExp(`^Error: ${name.replace(/[().]/g, '\\$&')} is not one of the release's files: give one model\\.safetensors by itself, or OpenAI's release`));
  }
});

test('the shapes: GPT-1\'s derived from its sizes; a params_shapes.json checked entry by entry', () => {
  const gpt1 = releaseTensors(GPT1);
  assert.equal(gpt1.length, 2 + 12 * 12);
  assert.deepEqual(gpt1.slice(0, 4), [{ name: 'positions_embed.weight', shape: [512, 768] }, { name: 'tokens_embed.weight', shape: [40478, 768] },
    { name: 'h.0.attn.c_attn.weight', shape: [1, 768, 2304] }, { name: 'h.0.attn.c_attn.bias', shape: [2304] }]);
  assert.deepEqual(gpt1.at(-1), { name: 'h.11.ln_2.bias', shape: [768] });
  assert.equal(gpt1.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0), 116534784);
  // a params_shapes.json of GPT-1's shapes gives the same tensors; numpy's tiny one gives its sizes
  assert.deepEqual(tensorsOfShapes(gpt1.map((t) => t.shape)), gpt1);
  const tiny = JSON.parse(readFileSync(new URL('params_shapes.json', FIXTURES), 'utf8'));
  assert.deepEqual(tensorsOfShapes(tiny), releaseTensors({ dModel: 12, layers: 2, context: 6, rows: 21 }));
  const refused = (shapes, message) => assert.throws(() => tensorsOfShapes(shapes), message);
  refused({ shapes: [] }, /must be a list of shapes/);
  refused([[512, 768], [40478, -1]], /must be a list of shapes, each a list of whole numbers above 0/);
  refused(tiny.slice(0, 20), /has 20 shapes; the release's layout is positions, tokens, then 12 per layer \(146 for GPT-1's 12 layers\)/);
  refused([[6, 12, 1], ...tiny.slice(1)], /starts \[6, 12, 1\], \[21, 12\]; the release starts with the positions/);
  const swapped = [...tiny];
  [swapped[2], swapped[3]] = [swapped[3], swapped[2]];
  refused(swapped, /entry 2 is \[36\]; for h\.0\.attn\.c_attn\.weight the release's layout has \[1, 12, 36\]/);
  const wrong = [...tiny];
  wrong[14] = [1, 12, 37];
  refused(wrong, /entry 14 is \[1, 12, 37\]; for h\.1\.attn\.c_attn\.weight the release's layout has \[1, 12, 36\] \(d = 12/);
});

/** A model streamed through the core's loader from `blob`, in chunks that split elements. */
async function load(blob) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const length = TinyGpt.safetensorsHeaderLength(bytes.subarray(0, 8));
  const loader = TinyGpt.loadSafetensors(bytes.subarray(0, length), { fileBytes: bytes.length });
  assert.equal(loader.expectBytes, bytes.length);
  for (let at = length; at < bytes.length; at += 1001) loader.write(bytes.subarray(at, Math.min(bytes.length, at + 1001)));
  return loader.finish();
}

test('the ten pieces (any order) read as one safetensors file give the logits of the same weights in Hugging Face\'s layout', async () => {
  const blob = await releaseAsSafetensors(shuffled(RELEASE));
  // the data section is the pieces' data, in piece order: nothing else
  const header = safetensorsHeader(tensorsOfShapes(JSON.parse(await SHAPES.text())));
  assert.equal(blob.size, header.length + 4 * 4092);
  assert.deepEqual(new Uint8Array(await blob.slice(0, header.length).arrayBuffer()), header);
  assert.equal(header.length % 8, 0);
  const data = new Float32Array(await blob.slice(header.length).arrayBuffer());
  let at = 0;
  for (const file of PIECES.sort((a, b) => a.name.localeCompare(b.name))) {
    const { headerBytes, elements } = await npyOf(file);
    assert.deepEqual(data.subarray(at, at + elements), new Float32Array(await file.slice(headerBytes).arrayBuffer()));
    at += elements;
  }
  const fromRelease = await load(blob);
  const fromHf = await load(fixture('model.safetensors'));
  const { dModel, layers, heads, context, rows } = fromRelease.shape;
  assert.deepEqual({ dModel, layers, heads, context, rows }, { dModel: 12, layers: 2, heads: 12, context: 6, rows: 21 });
  for (const ids of [[0], [3, 1, 4, 1, 5], [20, 19, 0, 7, 2, 11]]) {
    const a = fromRelease.logits(Uint32Array.from(ids));
    assert.equal(a.length, ids.length * 21);
    assert.deepEqual(a, fromHf.logits(Uint32Array.from(ids)), `${ids}`);
  }
  assert.deepEqual(fromRelease.continue([1, 2], 3, { seed: 5 }), fromHf.continue([1, 2], 3, { seed: 5 }));
  fromRelease.free();
  fromHf.free();
});

test('the synthesized header at GPT-1\'s full size is what the core\'s loader expects of the released model', () => {
  const header = safetensorsHeader(releaseTensors(GPT1));
  const loader = TinyGpt.loadSafetensors(header, { fileBytes: header.length + 4 * 116534784 });
  assert.equal(loader.expectBytes, header.length + 4 * 116534784);
  loader.free();
});

test('a set that disagrees with its shapes, or lacks them for a model other than GPT-1, is refused', async () => {
  await assert.rejects(releaseAsSafetensors(PIECES), /^Error: the ten \.npy files hold 4,092 numbers, but GPT-1's shapes \(for another model, give its params_shapes\.json with them\) need 116,534,784$/);
  const fewer = JSON.parse(await SHAPES.text());
  fewer[1] = [20, 12];
  await assert.rejects(releaseAsSafetensors([...PIECES, new File([JSON.stringify(fewer)], 'params_shapes.json')]),
    /hold 4,092 numbers, but the shapes in params_shapes\.json need 4,080/);
  await assert.rejects(releaseAsSafetensors([...PIECES, new File(['[[6, 12], [21'], 'params_shapes.json')]), /params_shapes\.json is not JSON/);
  // a piece that is not .npy at all, or cut short, is named
  const cut = PIECES.map((f) => (f.name === 'params_7.npy' ? new File([f.slice(0, f.size - 6)], f.name) : f));
  await assert.rejects(releaseAsSafetensors([...cut, SHAPES]), /^Error: params_7\.npy: its header says 409 float32 numbers \(1,636 bytes\), but 1,630 bytes follow it: it is cut short$/);
  const odd = PIECES.map((f) => (f.name === 'params_2.npy' ? fixture('odd/f8.npy') : f)).map((f) => new File([f], f.name === 'f8.npy' ? 'params_2.npy' : f.name));
  await assert.rejects(releaseAsSafetensors([...odd, SHAPES]), /^Error: params_2\.npy: its numbers are "<f8"/);
});

test('what was given: one safetensors file as it is, the release as one file, not a mixture', async () => {
  const model = fixture('model.safetensors');
  assert.equal(await weightsSource([model]), model);
  assert.equal((await weightsSource(RELEASE)).size, (await releaseAsSafetensors(RELEASE)).size);
  await assert.rejects(weightsSource([model, ...RELEASE]), /^Error: model\.safetensors is not one of the release's files: give one model\.safetensors by itself, or OpenAI's release/);
  await assert.rejects(weightsSource([model, new File([model], 'other.safetensors')]), /^Error: 2 files were given \(model\.safetensors, other\.safetensors\): give one model\.safetensors by itself/);
  await assert.rejects(weightsSource([SHAPES]), /params_0\.npy, .* params_9\.npy are missing/);
  await assert.rejects(weightsSource([]), /no file was given/);
});
