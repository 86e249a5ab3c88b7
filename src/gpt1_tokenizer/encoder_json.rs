//! Reads `encoder_bpe_40000.json`: one JSON object from token to id, read by the crate's one JSON reader
//! ([`crate::json`]) and strict about everything else.

use crate::error::{Error, Result};
use crate::json::{self, Json};

/// What the file must be, for every message.
const ALLOWED: &str = "the text of encoder_bpe_40000.json (one JSON object from token to id)";

fn bad(value: String) -> Error {
    Error::InvalidParameter { name: "encoderJson", value: value.into(), allowed: ALLOWED.into() }
}

/// The (token, id) entries of the JSON object in `text`, in file order.
pub fn parse(text: &str) -> Result<Vec<(String, u32)>> {
    let value = json::parse(text).map_err(|e| bad(format!("text that is not valid JSON: {e}")))?;
    let Json::Object(entries) = value else {
        return Err(bad("JSON that is not an object".into()));
    };
    entries
        .into_iter()
        .map(|(token, id)| match id.whole().and_then(|id| u32::try_from(id).ok()) {
            Some(id) => Ok((token, id)),
            None => {
                let shown = match id {
                    Json::Number(text) => text,
                    Json::String(text) => format!("the string {text:?}"),
                    _ => "a value that is not a number".into(),
                };
                Err(bad(format!("{token:?} mapped to {shown}, not a token id (a whole number from 0 to 4294967295)")))
            }
        })
        .collect()
}
