//! Asking a TSA over HTTP (RFC 3161 section 3.4): one POST of the request, one bounded reply
//! ([`crate::http`]).

use std::time::Duration;

use rand_core::{OsRng, RngCore};

use super::request::{read_response, request};
use super::{TsaError, MAX_REPLY_BYTES, MAX_REPLY_HEADER_BYTES};
use crate::http::{self, HttpError, Post};

/// Whether `url` is an address a TSA can be asked at (`http://host[:port]/path`); the reason
/// when it is not.
pub fn check_url(url: &str) -> Result<(), String> {
    http::check_url(url)
}

impl From<HttpError> for TsaError {
    fn from(e: HttpError) -> TsaError {
        match e {
            HttpError::Url { url, reason } => TsaError::Url { url, reason },
            HttpError::Unreachable { reason } => TsaError::Unreachable { reason },
            HttpError::Timeout { seconds } => TsaError::Timeout { seconds },
            HttpError::Status { status } => TsaError::HttpStatus { status },
            HttpError::TooLarge { max } => TsaError::ReplyTooLarge { max },
            HttpError::BadReply { reason } => TsaError::BadReply { reason },
        }
    }
}

/// (feature "fs") Asks the TSA at `url` for a token over `stamped`: HTTP POST, Content-Type
/// application/timestamp-query, reply application/timestamp-reply, read as
/// [`read_response`] reads it. `timeout` bounds connecting and each wait for the TSA, and the
/// exchange as a whole. Returns the token's DER.
pub fn ask(url: &str, stamped: &[u8], timeout: Duration) -> Result<Vec<u8>, TsaError> {
    http::check_url(url).map_err(|reason| TsaError::Url {
        url: url.to_string(),
        reason,
    })?;
    let mut nonce = [0u8; 8];
    OsRng
        .try_fill_bytes(&mut nonce)
        .map_err(|e| TsaError::Randomness {
            reason: e.to_string(),
        })?;
    let nonce = u64::from_be_bytes(nonce);
    let query = request(stamped, nonce);
    let body = http::post(&Post {
        url,
        content_type: "application/timestamp-query",
        accept: "application/timestamp-reply",
        body: &query,
        timeout,
        max_reply: MAX_REPLY_BYTES,
        max_header: MAX_REPLY_HEADER_BYTES,
    })?;
    read_response(&body, stamped, nonce)
}
