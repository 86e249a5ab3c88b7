//! Any bytes as a weights file: the safetensors reader and the openai-gpt loader must answer with a model or an
//! error, never a panic, a hang or an allocation the file does not back. Half the inputs are a real file (the
//! numpy reference's tiny GPT-1) with bytes overwritten, cut or appended, so the fuzzer starts near valid files.
//! The streaming loader (header first, then chunks of a size the input chooses) must agree with the whole-file
//! reader on every input: the same model or an error.
#![no_main]

use gpt1_playground::gpt::TinyGpt;
use gpt1_playground::gpt::formats::safetensors;
use libfuzzer_sys::fuzz_target;

const VALID: &[u8] = include_bytes!("../../tests/fixtures/gpt1_tiny.safetensors");

/// `data` read as edits of the valid file: (position, byte) pairs, then a cut or an extension.
fn edited(data: &[u8]) -> Vec<u8> {
    let mut file = VALID.to_vec();
    let (edits, tail) = data.split_at(data.len() - data.len() % 3);
    for e in edits.chunks_exact(3) {
        let at = usize::from(u16::from_le_bytes([e[0], e[1]])) % file.len();
        file[at] = e[2];
    }
    match tail {
        [n] => file.truncate(usize::from(*n) * file.len() / 256),
        [a, b] => file.extend_from_slice(&[*a, *b]),
        _ => {}
    }
    file
}

/// The streaming loader fed `bytes` in chunks of `chunk` bytes, told the file's size as the page tells it.
fn stream(bytes: &[u8], heads: Option<usize>, chunk: usize) -> gpt1_playground::Result<TinyGpt> {
    let header = TinyGpt::safetensors_header_length(bytes)?;
    if header > bytes.len() {
        return TinyGpt::from_safetensors(bytes, heads); // the same error: the header reaches past the end
    }
    let mut loader = TinyGpt::load_safetensors(&bytes[..header], heads, Some(bytes.len() as u64))?;
    for piece in bytes[header..].chunks(chunk) {
        loader.write(piece)?;
    }
    loader.finish()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let bytes = if mode % 2 == 0 { rest.to_vec() } else { edited(rest) };
    if let Ok(file) = safetensors::read(&bytes) {
        // every tensor lies inside the file and holds exactly what its shape says
        for t in &file.tensors {
            assert_eq!(t.data.len(), t.shape.iter().product::<usize>() * t.dtype.size());
        }
    }
    let heads = (mode >= 128).then_some(usize::from(mode % 8));
    let whole = TinyGpt::from_safetensors(&bytes, heads);
    let streamed = stream(&bytes, heads, 1 + usize::from(mode) % 13);
    match (&whole, &streamed) {
        (Ok(a), Ok(b)) => assert_eq!(a.weights(), b.weights()),
        (Err(_), Err(_)) => {}
        _ => panic!("the loaders disagree: whole file {:?}, streamed {:?}", whole.is_ok(), streamed.is_ok()),
    }
    if let Ok(model) = whole {
        let config = *model.config();
        let ids: Vec<u32> = (0..config.context.min(4)).map(|i| (i % config.embeddings) as u32).collect();
        let logits = model.logits(&ids).expect("valid ids");
        assert_eq!(logits.len(), ids.len() * config.embeddings);
        // what loads, writes back and loads the same
        let again = TinyGpt::from_safetensors(&model.to_safetensors(), None).expect("a written file loads");
        assert_eq!(again.weights(), model.weights());
    }
});
