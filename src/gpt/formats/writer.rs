//! A model's weights file written a slice at a time: the header first, then the tensors' bytes in slices of at most
//! a given size, each made from the model's own memory when it is asked for. The file is never held whole: GPT-1's
//! compact file (125 MB) goes to the browser's storage with no more than one slice of it in wasm memory beside the
//! model. The bytes are exactly [`TinyGpt::to_safetensors`]'s.

use std::rc::Rc;

use crate::error::{Result, invalid_number};
use crate::gpt::formats::safetensors;
use crate::gpt::formats::weights::{Part, file_parts, outputs, score_rows, values};
use crate::gpt::model::TinyGpt;
use crate::gpt::net::Net;

/// The smallest slice asked for: one value of the widest type (F32).
pub const MIN_SLICE: usize = 4;

/// A weights file being written: [`FileWriter::next_slice`] gives the header, then the data, until
/// [`FileWriter::done`].
#[derive(Debug)]
pub struct FileWriter {
    /// The weights (shared with the model: writing copies nothing of them ahead of time).
    net: Rc<Net<f32>>,
    /// W_y as the file holds it (classes × d: small).
    score: Vec<f32>,
    parts: Vec<Part>,
    /// The header, until it is given.
    header: Option<Vec<u8>>,
    file_bytes: u64,
    written: u64,
    /// The part being written and its next value.
    part: usize,
    element: usize,
}

impl TinyGpt {
    /// A writer of [`TinyGpt::to_safetensors`]'s file, a slice at a time (in the int8 form, the compact file).
    pub fn safetensors_writer(&self) -> FileWriter {
        let net = Rc::clone(&self.net);
        let (parts, score) = (file_parts(&net), score_rows(&net));
        let tensors = outputs(&net, &score, &parts);
        let header = safetensors::header(&tensors, &self.metadata());
        let data: usize = tensors.iter().map(|t| t.values.len() * t.values.size()).sum();
        let file_bytes = (header.len() + data) as u64;
        drop(tensors);
        FileWriter { net, score, parts, header: Some(header), file_bytes, written: 0, part: 0, element: 0 }
    }
}

impl FileWriter {
    /// The whole file's size in bytes: header and data.
    pub fn file_bytes(&self) -> u64 {
        self.file_bytes
    }

    /// Bytes given so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Whether every byte was given.
    pub fn done(&self) -> bool {
        self.written == self.file_bytes
    }

    /// The next bytes of the file: the whole header first (8 + N bytes, whatever `max_bytes` is), then at most
    /// `max_bytes` of data at a time, whole values only; empty once [`FileWriter::done`].
    pub fn next_slice(&mut self, max_bytes: usize) -> Result<Vec<u8>> {
        if max_bytes < MIN_SLICE {
            return Err(invalid_number(
                "maxBytes",
                max_bytes as f64,
                format!("at least {MIN_SLICE} (a slice holds whole values, and a float32 takes 4 bytes)"),
            ));
        }
        if let Some(header) = self.header.take() {
            self.written += header.len() as u64;
            return Ok(header);
        }
        let left = (self.file_bytes - self.written) as usize;
        let mut out = Vec::with_capacity(max_bytes.min(left));
        while let Some(part) = self.parts.get(self.part) {
            let all = values(&self.net, &self.score, &part.source);
            // as many whole values as fit in the room left
            let take = ((max_bytes - out.len()) / all.size()).min(all.len() - self.element);
            if take == 0 && self.element < all.len() {
                break;
            }
            all.slice(self.element..self.element + take).append(&mut out);
            self.element += take;
            if self.element == all.len() {
                self.part += 1;
                self.element = 0;
            }
        }
        self.written += out.len() as u64;
        Ok(out)
    }
}
