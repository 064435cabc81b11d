//! The time-stamping authorities a profile names (`tsa.json` in the profile), and the tokens
//! it keeps for its PDFs' seals (`timestamps/`).
//!
//! A profile names TSAs in order, each with the certificate it trusts for it (the TSA's own,
//! or a CA's above it). Signing asks them, in order, for a token over the new signature until
//! one answers; a token whose chain reaches one of these certificates attests its time
//! (`crate::judgement`). Specified in docs/format.md ("Trusted timestamps").
//!
//! A seal's signature timestamp stamps the seal's ECDSA signature value, which is the same
//! every time the same PDF is sealed with the same key; the token cannot be kept in the
//! agreement file (the seal covers that file), so the profile keeps it, by the SHA-256 of the
//! signature value, and sealing again on the same profile gives the same bytes.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Profile;
use crate::canonical::sha256_hex;
use crate::error::{param, Coded, Params};
use crate::fsutil::{create_private_dir, read_limited, write_atomic};
use crate::timestamp::{self, Anchor, AnchorError, TsaError};

/// How long one TSA is given to answer.
pub const TSA_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest `tsa.json` read.
const MAX_LIST_BYTES: u64 = 1 << 20;
/// The most TSAs a profile names.
pub const MAX_TSAS: usize = 16;

/// A TSA the profile names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tsa {
    /// Where it answers (`http://...`).
    pub url: String,
    /// The certificate trusted for it, PEM.
    pub certificate: String,
}

impl Tsa {
    /// The certificate trusted for it.
    pub fn anchor(&self) -> Result<Anchor, AnchorError> {
        Anchor::from_bytes(self.certificate.as_bytes())
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListFile {
    tsas: Vec<Tsa>,
}

/// The profile's list of TSAs could not be read or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TsaListError {
    /// Reading or writing `tsa.json` failed.
    #[error("cannot use {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `tsa.json` is not a list of TSAs.
    #[error("{} is not a list of time-stamping authorities: {detail}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Why, in English.
        detail: String,
    },
    /// The URL is not one a TSA can be asked at.
    #[error("{url:?} is not a TSA address this program can use: {reason}")]
    Url {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The certificate cannot be read.
    #[error(transparent)]
    Anchor(#[from] AnchorError),
    /// No TSA of the profile has this URL.
    #[error("no time-stamping authority {0:?} in this profile")]
    NotFound(String),
    /// The profile names as many TSAs as it may.
    #[error("a profile names at most {MAX_TSAS} time-stamping authorities")]
    TooMany,
}

impl TsaListError {
    /// Every code of [`TsaListError`]'s own variants.
    pub const CODES: &'static [&'static str] = &[
        "tsa_list_io",
        "tsa_list_damaged",
        "tsa_url",
        "tsa_not_found",
        "tsa_too_many",
    ];
}

/// Parameters: `path`, `detail`, `url`, `reason`, `max`.
impl Coded for TsaListError {
    fn code(&self) -> &'static str {
        match self {
            TsaListError::Io { .. } => "tsa_list_io",
            TsaListError::Damaged { .. } => "tsa_list_damaged",
            TsaListError::Url { .. } => "tsa_url",
            TsaListError::Anchor(e) => e.code(),
            TsaListError::NotFound(_) => "tsa_not_found",
            TsaListError::TooMany => "tsa_too_many",
        }
    }

    fn params(&self) -> Params {
        match self {
            TsaListError::Io { path, source } => {
                vec![param("path", path.display()), param("detail", source)]
            }
            TsaListError::Damaged { path, detail } => {
                vec![param("path", path.display()), param("detail", detail)]
            }
            TsaListError::Url { url, reason } => vec![param("url", url), param("reason", reason)],
            TsaListError::Anchor(e) => e.params(),
            TsaListError::NotFound(url) => vec![param("url", url)],
            TsaListError::TooMany => vec![param("max", MAX_TSAS)],
        }
    }
}

/// The TSAs a profile names.
pub struct TsaList {
    path: PathBuf,
    cache: PathBuf,
}

impl TsaList {
    /// The profile's list (`tsa.json`; empty when the file does not exist).
    pub fn open(profile: &Profile) -> TsaList {
        TsaList {
            path: profile.root().join("tsa.json"),
            cache: profile.root().join("timestamps"),
        }
    }

    /// The TSAs, in the order they are asked.
    pub fn list(&self) -> Result<Vec<Tsa>, TsaListError> {
        let bytes = match read_limited(&self.path, MAX_LIST_BYTES) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(TsaListError::Io {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        let damaged = |detail: String| TsaListError::Damaged {
            path: self.path.clone(),
            detail,
        };
        let file: ListFile = serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
        if file.tsas.len() > MAX_TSAS {
            return Err(damaged(format!("it names more than {MAX_TSAS}")));
        }
        Ok(file.tsas)
    }

    fn save(&self, tsas: Vec<Tsa>) -> Result<(), TsaListError> {
        let mut text = serde_json::to_string_pretty(&ListFile { tsas }).unwrap_or_default();
        text.push('\n');
        if let Some(dir) = self.path.parent() {
            create_private_dir(dir).map_err(|source| TsaListError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        write_atomic(&self.path, text.as_bytes()).map_err(|source| TsaListError::Io {
            path: self.path.clone(),
            source,
        })
    }

    /// Adds a TSA at `url` (an `http://` address), trusted through `certificate` (PEM or DER:
    /// the TSA's certificate or a CA's above it), last in order; a TSA of the same URL is
    /// replaced in place.
    pub fn add(&self, url: &str, certificate: &[u8]) -> Result<Tsa, TsaListError> {
        timestamp::check_url(url).map_err(|reason| TsaListError::Url {
            url: url.to_string(),
            reason,
        })?;
        let anchor = Anchor::from_bytes(certificate)?;
        let tsa = Tsa {
            url: url.to_string(),
            certificate: anchor.to_pem(),
        };
        let mut tsas = self.list()?;
        match tsas.iter().position(|t| t.url == url) {
            Some(i) => tsas[i] = tsa.clone(),
            None if tsas.len() >= MAX_TSAS => return Err(TsaListError::TooMany),
            None => tsas.push(tsa.clone()),
        }
        self.save(tsas)?;
        Ok(tsa)
    }

    /// Removes the TSA at `url`.
    pub fn remove(&self, url: &str) -> Result<(), TsaListError> {
        let mut tsas = self.list()?;
        let before = tsas.len();
        tsas.retain(|t| t.url != url);
        if tsas.len() == before {
            return Err(TsaListError::NotFound(url.to_string()));
        }
        self.save(tsas)
    }

    /// The certificates trusted for the TSAs (an unreadable list or certificate trusts
    /// nothing of it).
    pub fn anchors(&self) -> Vec<Anchor> {
        self.list()
            .unwrap_or_default()
            .iter()
            .filter_map(|t| t.anchor().ok())
            .collect()
    }

    /// A token over `stamped` from the first TSA that gives one, in order; or why each TSA
    /// did not (empty: the profile names none).
    pub fn stamp(&self, stamped: &[u8]) -> Result<Vec<u8>, Vec<(String, TsaError)>> {
        let mut failures = Vec::new();
        for tsa in self.list().unwrap_or_default() {
            match timestamp::ask(&tsa.url, stamped, TSA_TIMEOUT) {
                Ok(token) => return Ok(token),
                Err(e) => failures.push((tsa.url, e)),
            }
        }
        Err(failures)
    }

    /// The seal's signature timestamp over `signature` this profile keeps, if it holds.
    pub fn kept_seal_stamp(&self, signature: &[u8]) -> Option<Vec<u8>> {
        let path = self.cache.join(format!("{}.tsr", sha256_hex(signature)));
        let token = read_limited(&path, timestamp::MAX_TOKEN_BYTES as u64).ok()?;
        timestamp::check_token(&token, signature, &[])
            .is_ok()
            .then_some(token)
    }

    /// A seal's signature timestamp over `signature` (a seal's signature value): the one this
    /// profile keeps for it, or a new one from its TSAs, then kept. `None` when no TSA gives
    /// one.
    pub fn seal_stamp(&self, signature: &[u8]) -> Option<Vec<u8>> {
        if let Some(token) = self.kept_seal_stamp(signature) {
            return Some(token);
        }
        let path = self.cache.join(format!("{}.tsr", sha256_hex(signature)));
        let token = self.stamp(signature).ok()?;
        // Not kept, the seal still has its timestamp; sealing again asks a TSA again.
        if create_private_dir(&self.cache).is_ok() {
            let _ = write_atomic(&path, &token);
        }
        Some(token)
    }
}
