//! Loading a weights file as it streams in (Part E): the header first, checked whole; then the parameters are
//! allocated once; then the data section arrives in consecutive chunks of any size, each converted straight
//! into place. A 479 MB file is never held twice: the page reads it in slices and hands each one over. Loaded into
//! the int8 form, a float32 file's matrices are quantized as they arrive ([`Streaming`]), so its float32 weights
//! are never all in memory either: GPT-1 takes about 133 MB.

use crate::error::{Error, Result};
use crate::gpt::formats::safetensors::{self, Dtype, f16_to_f32, finite};
use crate::gpt::formats::weights::{Place, Plan};
use crate::gpt::int8::Int8Weights;
use crate::gpt::int8::storage::Streaming;
use crate::gpt::model::TinyGpt;
use crate::gpt::params::Form;

/// One tensor of the file in data order: its name, type, element count and destination.
#[derive(Debug, Clone)]
struct Incoming {
    name: String,
    dtype: Dtype,
    elements: usize,
    place: Place,
}

/// A weights file being read: [`Loader::new`] with the header, [`Loader::write`] with each chunk of the data
/// that follows it, then [`Loader::finish`].
#[derive(Debug)]
pub struct Loader {
    plan: Plan,
    tensors: Vec<Incoming>,
    params: Vec<f32>,
    /// The int8 form's matrices, filled as they arrive.
    int8: Option<Int8Weights>,
    /// The float32 values of the matrix being quantized that wait for their blocks to be whole.
    streaming: Streaming,
    header_bytes: usize,
    data_bytes: u64,
    received: u64,
    /// The tensor being filled and its next element.
    current: usize,
    element: usize,
    /// The bytes of an element split between two chunks.
    carry: Vec<u8>,
    /// Set by the first error: the file is bad, so no later chunk is read.
    failed: bool,
}

impl Loader {
    /// Reads the header (`header`: the file's first 8 + N bytes, N the little-endian u64 they start with), checks
    /// every tensor's name, type, shape and offsets (against the whole file's size `file_bytes` when it is
    /// known, so that a header cannot claim more than the file holds), and allocates the parameters once, for a
    /// model in `form` (`None`: the form the file holds).
    pub fn new(header: &[u8], heads: Option<usize>, file_bytes: Option<u64>, form: Option<Form>) -> Result<Loader> {
        let data_bytes = match file_bytes {
            Some(total) => Some(total.checked_sub(header.len() as u64).ok_or_else(|| {
                bad(None, format!("the file has {total} bytes, fewer than its {}-byte header", header.len()))
            })?),
            None => None,
        };
        let file = safetensors::read_header(header, data_bytes)?;
        let plan = Plan::new(&file, heads, form)?;
        let params = plan.allocate()?;
        let int8 = plan.allocate_int8()?;
        let tensors: Vec<Incoming> = file
            .tensors
            .iter()
            .zip(&plan.places)
            .map(|(t, place)| Incoming {
                name: t.name.clone(),
                dtype: t.dtype,
                elements: t.shape.iter().product(),
                place: place.clone(),
            })
            .collect();
        let data_bytes = tensors.iter().map(|t| (t.elements * t.dtype.size()) as u64).sum();
        let mut loader = Loader {
            plan,
            tensors,
            params,
            int8,
            streaming: Streaming::default(),
            header_bytes: header.len(),
            data_bytes,
            received: 0,
            current: 0,
            element: 0,
            carry: Vec::with_capacity(8),
            failed: false,
        };
        loader.advance();
        Ok(loader)
    }

    /// The whole file's size as its header describes it: 8 + N + the data section.
    pub fn expect_bytes(&self) -> u64 {
        self.header_bytes as u64 + self.data_bytes
    }

    /// The share of the data received, 0 to 1.
    pub fn progress(&self) -> f64 {
        if self.data_bytes == 0 { 1.0 } else { self.received as f64 / self.data_bytes as f64 }
    }

    /// Takes the next `chunk` of the data section (the bytes right after the last chunk, or after the header).
    pub fn write(&mut self, chunk: &[u8]) -> Result<()> {
        if self.failed {
            return Err(bad(None, "an earlier chunk was refused, so this file cannot be read further"));
        }
        if chunk.len() as u64 > self.data_bytes - self.received {
            self.failed = true;
            return Err(bad(
                None,
                format!(
                    "more bytes than the header describes: it has {} bytes of data, and {} more arrived after {}",
                    self.data_bytes,
                    chunk.len(),
                    self.received
                ),
            ));
        }
        self.received += chunk.len() as u64;
        let result = self.take(chunk);
        self.failed = result.is_err();
        result
    }

    /// Converts `chunk`'s elements into place, tensor after tensor (the caller checked that it fits the data).
    fn take(&mut self, mut chunk: &[u8]) -> Result<()> {
        while !chunk.is_empty() {
            let t = &self.tensors[self.current];
            let size = t.dtype.size();
            if !self.carry.is_empty() || chunk.len() < size {
                // an element split between chunks: gather its bytes first
                let need = (size - self.carry.len()).min(chunk.len());
                self.carry.extend_from_slice(&chunk[..need]);
                chunk = &chunk[need..];
                if self.carry.len() == size {
                    let bytes = std::mem::take(&mut self.carry);
                    self.put(&bytes)?;
                }
                continue;
            }
            // every whole element of this tensor that the chunk holds
            let whole = ((t.elements - self.element) * size).min(chunk.len() / size * size);
            let (now, rest) = chunk.split_at(whole);
            self.put(now)?;
            chunk = rest;
        }
        Ok(())
    }

    /// Converts whole elements of the current tensor (`bytes` holds a whole number of them, not past its end).
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        let t = &self.tensors[self.current];
        let size = t.dtype.size();
        let count = bytes.len() / size;
        match &t.place {
            Place::Params(range) => {
                let out = &mut self.params[range.start + self.element..][..count];
                for (i, (o, b)) in out.iter_mut().zip(bytes.chunks_exact(size)).enumerate() {
                    *o = finite(&t.name, self.element + i, t.dtype.value(b))?;
                }
            }
            Place::Score => {
                for (i, b) in bytes.chunks_exact(size).enumerate() {
                    let value = finite(&t.name, self.element + i, t.dtype.value(b))?;
                    self.params[self.plan.score_index(self.element + i)] = value;
                }
            }
            Place::Skip => {}
            Place::Quantize(id) => {
                let matrix = self.int8.as_mut().expect("an int8 plan").matrix_mut(*id);
                let values = bytes.chunks_exact(size).enumerate();
                let values = values.map(|(i, b)| finite(&t.name, self.element + i, t.dtype.value(b)));
                self.streaming.take(matrix, *id, &t.name, values)?;
            }
            Place::Int8(id) => {
                let matrix = self.int8.as_mut().expect("an int8 plan").matrix_mut(*id);
                let out = &mut matrix.weights[self.element..][..count];
                for (o, &b) in out.iter_mut().zip(bytes) {
                    *o = b as i8;
                }
            }
            Place::Scales(id) => {
                let matrix = self.int8.as_mut().expect("an int8 plan").matrix_mut(*id);
                let out = &mut matrix.scales[self.element..][..count];
                for (i, (o, b)) in out.iter_mut().zip(bytes.chunks_exact(2)).enumerate() {
                    *o = finite(&t.name, self.element + i, f16_to_f32(u16::from_le_bytes([b[0], b[1]])))?;
                }
            }
        }
        self.element += count;
        self.advance();
        Ok(())
    }

    /// Moves to the next tensor once the current one is full (skipping empty ones).
    fn advance(&mut self) {
        while self.current < self.tensors.len() && self.element == self.tensors[self.current].elements {
            self.current += 1;
            self.element = 0;
        }
    }

    /// The model, once every byte arrived.
    pub fn finish(self) -> Result<TinyGpt> {
        if self.failed {
            return Err(bad(None, "an earlier chunk was refused, so this file cannot be read further"));
        }
        if self.received < self.data_bytes {
            let missing = self.tensors.get(self.current).map(|t| t.name.as_str());
            return Err(bad(
                missing,
                format!(
                    "the file ended early: {} of its {} bytes of data arrived (is it truncated?)",
                    self.received, self.data_bytes
                ),
            ));
        }
        Ok(self.plan.into_model(self.params, self.int8))
    }
}

fn bad(tensor: Option<&str>, problem: impl Into<String>) -> Error {
    Error::BadWeights { tensor: tensor.map(str::to_string), problem: problem.into() }
}

impl TinyGpt {
    /// A streaming loader for a safetensors file, for a model in the form the file holds: see [`Loader::new`].
    pub fn load_safetensors(header: &[u8], heads: Option<usize>, file_bytes: Option<u64>) -> Result<Loader> {
        Loader::new(header, heads, file_bytes, None)
    }

    /// A streaming loader for a model in `form` (`None`: the form the file holds): a float32 file loaded into the
    /// int8 form is quantized as its bytes arrive. See [`Loader::new`].
    pub fn load_safetensors_as(
        header: &[u8],
        heads: Option<usize>,
        file_bytes: Option<u64>,
        form: Option<Form>,
    ) -> Result<Loader> {
        Loader::new(header, heads, file_bytes, form)
    }

    /// How many bytes of a safetensors file come before its data (8 + N), from its first 8 bytes.
    pub fn safetensors_header_length(first: &[u8]) -> Result<usize> {
        safetensors::header_length(first)
    }
}
