//! A weights file's SHA-256, computed as its bytes arrive in chunks of any size, so that a download can be
//! compared with the hub's record of the file (Hugging Face lists `lfs.sha256` for every large file) without
//! the file ever being held whole. The hashing itself is the `sha2` crate's.

use sha2::{Digest, Sha256};

/// The SHA-256 of the bytes written so far.
#[derive(Clone, Default)]
pub struct FileHash {
    hasher: Sha256,
    bytes: u64,
}

impl FileHash {
    /// The hash of nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next bytes of the file (right after the previous ones).
    pub fn update(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
        self.bytes += chunk.len() as u64;
    }

    /// How many bytes were hashed.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The digest of every byte written, as 64 lowercase hex digits (the form the hub writes); the hash then
    /// starts again from nothing.
    pub fn finish(&mut self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let digest = self.hasher.finalize_reset();
        self.bytes = 0;
        let mut hex = String::with_capacity(64);
        for byte in digest {
            hex.push(HEX[usize::from(byte >> 4)] as char);
            hex.push(HEX[usize::from(byte & 15)] as char);
        }
        hex
    }
}
