//! The safetensors format, read and written by hand: an 8-byte little-endian header length, a JSON header
//! (`{"name": {"dtype", "shape", "data_offsets"}, …, "__metadata__": {string: string}}`), then the tensors' raw
//! little-endian bytes, one after another.
//!
//! Reading never copies or allocates what the header claims: each tensor is a borrowed slice of the file, checked
//! against the file's real length before anything else looks at it. The header is read by the crate's one JSON
//! reader, [`crate::json`]. (A hand-written reader, not the `safetensors` crate: the crate and the serde/serde_json
//! it needs cost more of the module than this file, and its errors do not name the tensor at fault.)

use crate::error::{Error, Result};
use crate::json::{self, Json};

/// The element types a weights file may hold: the float ones are read into `f32`; `I8` holds the compact form's
/// weights ([`crate::gpt::int8`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dtype {
    /// IEEE single precision.
    F32,
    /// IEEE half precision.
    F16,
    /// bfloat16: the top half of an `f32`.
    BF16,
    /// IEEE double precision (rounded to `f32`).
    F64,
    /// Signed 8-bit integers.
    I8,
}

impl Dtype {
    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F16 | Dtype::BF16 => 2,
            Dtype::F64 => 8,
            Dtype::I8 => 1,
        }
    }

    fn parse(name: &str) -> Option<Dtype> {
        match name {
            "F32" => Some(Dtype::F32),
            "F16" => Some(Dtype::F16),
            "BF16" => Some(Dtype::BF16),
            "F64" => Some(Dtype::F64),
            "I8" => Some(Dtype::I8),
            _ => None,
        }
    }
}

/// One tensor of a file: its name, type, shape and bytes (borrowed from the file).
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor<'a> {
    /// The name as written in the file.
    pub name: String,
    /// The element type.
    pub dtype: Dtype,
    /// The shape (an empty shape is a scalar).
    pub shape: Vec<usize>,
    /// Where its bytes start in the data section (after the header).
    pub offset: usize,
    /// Exactly `shape`'s product × the type's size bytes (empty when only the header was read).
    pub data: &'a [u8],
}

impl Tensor<'_> {
    /// Converts the elements to `f32` into `out` (as many as it holds); a value that is not finite is an error
    /// naming the tensor and the element.
    pub fn read_into(&self, out: &mut [f32]) -> Result<()> {
        let size = self.dtype.size();
        for (i, (o, bytes)) in out.iter_mut().zip(self.data.chunks_exact(size)).enumerate() {
            *o = finite(&self.name, i, self.dtype.value(bytes))?;
        }
        Ok(())
    }
}

impl Dtype {
    /// One element from its little-endian bytes (`size()` of them), as `f32`.
    pub fn value(self, bytes: &[u8]) -> f32 {
        match self {
            Dtype::F32 => f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
            Dtype::F16 => f16_to_f32(u16::from_le_bytes([bytes[0], bytes[1]])),
            Dtype::BF16 => f32::from_bits(u32::from(u16::from_le_bytes([bytes[0], bytes[1]])) << 16),
            Dtype::F64 => {
                let mut b = [0; 8];
                b.copy_from_slice(&bytes[..8]);
                f64::from_le_bytes(b) as f32
            }
            Dtype::I8 => f32::from(bytes[0] as i8),
        }
    }
}

/// `value`, or an error naming the tensor and the element when it is NaN or infinite.
pub fn finite(tensor: &str, element: usize, value: f32) -> Result<f32> {
    if value.is_finite() {
        return Ok(value);
    }
    Err(bad(
        Some(tensor),
        format!(
            "element {element} is {value}: every weight must be a finite number (a NaN or infinite weight would poison every output)"
        ),
    ))
}

/// Half precision to single, exactly (every `f16` is an `f32`).
pub fn f16_to_f32(h: u16) -> f32 {
    let exponent = u32::from((h >> 10) & 0x1f);
    let mantissa = u32::from(h & 0x3ff);
    let magnitude = match exponent {
        // subnormal: mantissa · 2^-24
        0 => mantissa as f32 * f32::from_bits(0x3380_0000),
        0x1f if mantissa == 0 => f32::INFINITY,
        0x1f => f32::NAN,
        // rebias the exponent from 15 to 127
        e => f32::from_bits(((e + 112) << 23) | (mantissa << 13)),
    };
    if h >> 15 == 1 { -magnitude } else { magnitude }
}

/// A parsed file: its tensors in header order and its metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File<'a> {
    /// Every tensor.
    pub tensors: Vec<Tensor<'a>>,
    /// `__metadata__`'s entries, in the order written.
    pub metadata: Vec<(String, String)>,
}

impl File<'_> {
    /// A metadata entry.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// The largest header read (the format's own limit): 100 MB.
pub const MAX_HEADER: usize = 100_000_000;

fn bad(tensor: Option<&str>, problem: impl Into<String>) -> Error {
    Error::BadWeights { tensor: tensor.map(str::to_string), problem: problem.into() }
}

/// The header's length N from a file's first 8 bytes.
fn claimed_header(first: &[u8]) -> Result<u64> {
    if first.len() < 8 {
        return Err(bad(
            None,
            format!("a safetensors file starts with an 8-byte header length; this one has only {} bytes", first.len()),
        ));
    }
    let mut length = [0; 8];
    length.copy_from_slice(&first[..8]);
    Ok(u64::from_le_bytes(length))
}

/// `header_len`, refused above the format's limit before anything is read.
fn within_limit(header_len: u64) -> Result<u64> {
    if header_len > MAX_HEADER as u64 {
        return Err(bad(None, format!("a header of {header_len} bytes is above the format's limit of 100 MB")));
    }
    Ok(header_len)
}

/// How many bytes come before the data: 8 + N, N read from the file's first 8 bytes.
pub fn header_length(first: &[u8]) -> Result<usize> {
    Ok(8 + within_limit(claimed_header(first)?)? as usize)
}

/// Reads a safetensors file, checking everything the header says against the bytes that are really there.
pub fn read(bytes: &[u8]) -> Result<File<'_>> {
    let header_len = claimed_header(bytes)?;
    let rest = bytes.len() - 8;
    if header_len > rest as u64 {
        return Err(bad(
            None,
            format!(
                "the first 8 bytes give a header of {header_len} bytes, but only {rest} bytes follow: the file is truncated or not a safetensors file"
            ),
        ));
    }
    let start = 8 + within_limit(header_len)? as usize;
    let data = &bytes[start..];
    let mut file = read_header(&bytes[..start], Some(data.len() as u64))?;
    for t in &mut file.tensors {
        let len = t.shape.iter().product::<usize>() * t.dtype.size();
        t.data = &data[t.offset..t.offset + len];
    }
    Ok(file)
}

/// Reads the header alone (`header`: the file's first 8 + N bytes) of a file whose data section holds
/// `data_len` bytes (`None`: as many as the tensors need), checking every claim against that length; the tensors
/// come back in data order, with their offsets and no bytes.
pub fn read_header(header: &[u8], data_len: Option<u64>) -> Result<File<'static>> {
    let header_len = within_limit(claimed_header(header)?)? as usize;
    if header.len() != 8 + header_len {
        return Err(bad(
            None,
            format!("the first 8 bytes give a header of {header_len} bytes, but {} were given", header.len() - 8),
        ));
    }
    let header = std::str::from_utf8(&header[8..])
        .map_err(|e| bad(None, format!("the header is not UTF-8 text (at byte {})", e.valid_up_to())))?;
    let Json::Object(entries) =
        json::parse(header).map_err(|e| bad(None, format!("the header is not valid JSON: {e}")))?
    else {
        return Err(bad(None, "the header must be a JSON object of tensors"));
    };
    let mut file = File::default();
    let mut spans = Vec::new();
    for (name, value) in entries {
        if name == "__metadata__" {
            let Json::Object(pairs) = value else {
                return Err(bad(None, "__metadata__ must be an object of strings"));
            };
            for (key, value) in pairs {
                match value {
                    Json::String(text) => file.metadata.push((key, text)),
                    _ => return Err(bad(None, format!("__metadata__ entry {key:?} must be a string"))),
                }
            }
            continue;
        }
        let (dtype, shape, (begin, end)) = tensor_entry(&name, value)?;
        // the claimed size, counted without overflow and checked against the span it says it occupies
        let elements = shape.iter().try_fold(1u64, |n, &s| n.checked_mul(s as u64));
        let needed = elements.and_then(|n| n.checked_mul(dtype.size() as u64));
        let span = end
            .checked_sub(begin)
            .ok_or_else(|| bad(Some(&name), format!("data_offsets [{begin}, {end}] end before they begin")))?;
        if needed != Some(span) {
            let needed = needed.map_or("more than 2^64".to_string(), |n| n.to_string());
            return Err(bad(
                Some(&name),
                format!(
                    "shape {shape:?} of {dtype:?} needs {needed} bytes, but data_offsets [{begin}, {end}] hold {span}"
                ),
            ));
        }
        if end > data_len.unwrap_or(isize::MAX as u64) {
            let data_len = data_len.map_or("what this platform can address".into(), |n| format!("{n} bytes"));
            return Err(bad(
                Some(&name),
                format!(
                    "data_offsets [{begin}, {end}] reach past the end of the data ({data_len}): the file is truncated or claims more than it holds"
                ),
            ));
        }
        spans.push((name, (begin as usize, end as usize), (dtype, shape)));
    }
    // each name once (sorted, so a header of many tensors is checked in n·log n)
    let mut names: Vec<&str> = spans.iter().map(|(name, _, _)| name.as_str()).collect();
    names.sort_unstable();
    if let Some(twice) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(bad(Some(twice[0]), "appears twice in the header"));
    }
    // the tensors must tile the data exactly: no gap, no overlap, nothing after the last
    spans.sort_by_key(|(_, (begin, end), _)| (*begin, *end));
    let mut at = 0;
    for (name, (begin, end), (dtype, shape)) in spans {
        if begin != at {
            return Err(bad(
                Some(&name),
                format!(
                    "starts at byte {begin} of the data, expected {at} (tensors follow each other with no gap or overlap)"
                ),
            ));
        }
        file.tensors.push(Tensor { name, dtype, shape, offset: begin, data: &[] });
        at = end;
    }
    if let Some(extra) = data_len.map(|n| n - at as u64).filter(|&n| n > 0) {
        return Err(bad(None, format!("{extra} bytes of data follow the last tensor (expected none)")));
    }
    Ok(file)
}

type Entry = (Dtype, Vec<usize>, (u64, u64));

/// One tensor's header entry: `{"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}`.
fn tensor_entry(name: &str, value: Json) -> Result<Entry> {
    let expected = "an object {\"dtype\", \"shape\", \"data_offsets\"}";
    let Json::Object(fields) = value else {
        return Err(bad(Some(name), format!("expected {expected}")));
    };
    let (mut dtype, mut shape, mut offsets) = (None, None, None);
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("dtype", Json::String(t)) => {
                dtype = Some(Dtype::parse(&t).ok_or_else(|| {
                    bad(Some(name), format!("dtype {t:?} is not supported: expected F32, F16, BF16, F64 or I8"))
                })?);
            }
            ("shape", Json::Array(items)) => {
                let dims = items.iter().map(|i| i.whole().and_then(|n| usize::try_from(n).ok()));
                shape = Some(
                    dims.collect::<Option<Vec<usize>>>()
                        .ok_or_else(|| bad(Some(name), "shape must be an array of whole numbers"))?,
                );
            }
            ("data_offsets", Json::Array(items)) => match items.as_slice() {
                [a, b] => {
                    offsets = Some((a.whole(), b.whole()));
                }
                _ => return Err(bad(Some(name), "data_offsets must be [begin, end]")),
            },
            (key, _) => {
                return Err(bad(Some(name), format!("unexpected or malformed field {key:?}: expected {expected}")));
            }
        }
    }
    let missing = |what: &str| bad(Some(name), format!("has no {what}: expected {expected}"));
    let dtype = dtype.ok_or_else(|| missing("dtype"))?;
    let shape = shape.ok_or_else(|| missing("shape"))?;
    let offsets = match offsets.ok_or_else(|| missing("data_offsets"))? {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(bad(Some(name), "data_offsets must be two whole numbers")),
    };
    Ok((dtype, shape, offsets))
}

/// One tensor to write: its name, shape and values.
#[derive(Debug, Clone)]
pub struct Output<'a> {
    /// The tensor's name.
    pub name: String,
    /// Its shape; the product must equal the number of values.
    pub shape: Vec<usize>,
    /// Its values, and the type they are written as.
    pub values: Values<'a>,
}

/// A tensor's values as they are written.
#[derive(Debug, Clone, Copy)]
pub enum Values<'a> {
    /// As F32.
    F32(&'a [f32]),
    /// As F16: numbers that half precision holds exactly (each is rounded to the nearest one).
    F16(&'a [f32]),
    /// As I8.
    I8(&'a [i8]),
}

impl Values<'_> {
    fn dtype(&self) -> (&'static str, usize) {
        match self {
            Values::F32(v) => ("F32", 4 * v.len()),
            Values::F16(v) => ("F16", 2 * v.len()),
            Values::I8(v) => ("I8", v.len()),
        }
    }

    /// How many values.
    pub fn len(&self) -> usize {
        match self {
            Values::F32(v) | Values::F16(v) => v.len(),
            Values::I8(v) => v.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes each value takes in the file.
    pub fn size(&self) -> usize {
        match self {
            Values::F32(_) => 4,
            Values::F16(_) => 2,
            Values::I8(_) => 1,
        }
    }

    /// Values `range` of these, of the same type.
    pub fn slice(&self, range: std::ops::Range<usize>) -> Values<'_> {
        match self {
            Values::F32(v) => Values::F32(&v[range]),
            Values::F16(v) => Values::F16(&v[range]),
            Values::I8(v) => Values::I8(&v[range]),
        }
    }

    /// Appends the values' little-endian bytes to `out`.
    pub fn append(&self, out: &mut Vec<u8>) {
        match self {
            Values::F32(v) => v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
            Values::F16(v) => v.iter().for_each(|&x| out.extend_from_slice(&f32_to_f16(x).to_le_bytes())),
            Values::I8(v) => out.extend(v.iter().map(|&x| x as u8)),
        }
    }
}

/// Single precision to half, rounded to the nearest (ties to even), as numpy's `astype(np.float16)` rounds:
/// too large a number becomes infinity, too small a signed zero.
pub fn f32_to_f16(x: f32) -> u16 {
    let bits = x.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exponent = ((bits >> 23) & 0xff) as i32;
    let mantissa = bits & 0x7f_ffff;
    if exponent == 0xff {
        // infinity stays infinity; NaN stays a (quiet) NaN
        return sign | 0x7c00 | if mantissa != 0 { 0x200 } else { 0 };
    }
    // the exponent rebiased from 127 to 15
    let e = exponent - 112;
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    if e > 0 {
        // a normal half: the top 10 mantissa bits, the 13 below rounded away (a carry may move into the exponent,
        // or up to infinity, as it should)
        let value = (e as u32) << 10 | mantissa >> 13;
        let rest = mantissa & 0x1fff;
        let up = rest > 0x1000 || (rest == 0x1000 && value & 1 == 1);
        return sign | (value + u32::from(up)) as u16;
    }
    if e < -10 {
        // below half the smallest subnormal half (f32's own subnormals included): zero
        return sign;
    }
    // a subnormal half, kept · 2^-24: the 24-bit mantissa (its leading one restored) shifted right by 14 − e
    let full = mantissa | 0x80_0000;
    let shift = (14 - e) as u32;
    let (kept, rest, half) = (full >> shift, full & ((1 << shift) - 1), 1 << (shift - 1));
    let up = rest > half || (rest == half && kept & 1 == 1);
    sign | (kept + u32::from(up)) as u16
}

/// Writes a safetensors file of tensors (in the order given) and string metadata: [`header`], then each tensor's
/// values.
pub fn write(tensors: &[Output<'_>], metadata: &[(&str, String)]) -> Vec<u8> {
    let header = header(tensors, metadata);
    let data: usize = tensors.iter().map(|t| t.values.dtype().1).sum();
    let mut out = Vec::with_capacity(header.len() + data);
    out.extend_from_slice(&header);
    for t in tensors {
        t.values.append(&mut out);
    }
    out
}

/// The first 8 + N bytes of a safetensors file of `tensors` (in the order given) and string metadata: the header's
/// length N, then the JSON header, padded with spaces to a multiple of 8 bytes, as the reference writer does, so
/// the data starts aligned.
pub fn header(tensors: &[Output<'_>], metadata: &[(&str, String)]) -> Vec<u8> {
    let mut header = String::from("{");
    if !metadata.is_empty() {
        header.push_str("\"__metadata__\":{");
        for (i, (key, value)) in metadata.iter().enumerate() {
            if i > 0 {
                header.push(',');
            }
            json::write_string(key, &mut header);
            header.push(':');
            json::write_string(value, &mut header);
        }
        header.push('}');
    }
    let mut at = 0;
    for (i, t) in tensors.iter().enumerate() {
        debug_assert_eq!(t.shape.iter().product::<usize>(), t.values.len(), "{}", t.name);
        if i > 0 || !metadata.is_empty() {
            header.push(',');
        }
        json::write_string(&t.name, &mut header);
        let shape: Vec<String> = t.shape.iter().map(usize::to_string).collect();
        let (dtype, bytes) = t.values.dtype();
        let end = at + bytes;
        header.push_str(&format!(
            ":{{\"dtype\":\"{dtype}\",\"shape\":[{}],\"data_offsets\":[{at},{end}]}}",
            shape.join(",")
        ));
        at = end;
    }
    header.push('}');
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut out = Vec::with_capacity(8 + header.len());
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out
}
