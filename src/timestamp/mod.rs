//! Trusted timestamps (RFC 3161): asking a time-stamping authority (TSA) for a token over some
//! bytes, and checking such a token.
//!
//! A token is the DER of a CMS `ContentInfo` holding `SignedData` whose content is a
//! `TSTInfo`: the TSA's signed statement that the hash of the stamped bytes existed at its
//! `genTime`. [`check_token`] checks one strictly (its structure, its message imprint, its
//! signature, its signing certificate and the chain up to an [`Anchor`] the caller trusts);
//! [`request`] writes a `TimeStampReq` and [`read_response`] reads the TSA's answer; [`ask`]
//! (feature `fs`) does both over HTTP. Exactly what a token must satisfy is specified in
//! `docs/timestamps.md`.
//!
//! Everything is read with bounds ([`MAX_TOKEN_BYTES`], [`MAX_CERTIFICATES`], [`MAX_CHAIN`])
//! and every failure is a coded error: nothing here panics on input.

mod chain;
#[cfg(feature = "fs")]
mod http;
mod request;
mod token;

use std::fmt;

use crate::error::{param, Coded, Params};
use crate::x509::{self, Cert};

pub use chain::TokenChain;
#[cfg(feature = "fs")]
pub use http::{ask, check_url};
pub use request::{read_response, request};
pub use token::check_token;

/// Largest token read, in bytes. A token with a TSA certificate and its CA is a few kilobytes.
pub const MAX_TOKEN_BYTES: usize = 64 << 10;

/// Most certificates a token may carry.
pub const MAX_CERTIFICATES: usize = 16;

/// Most certificates in a chain, from the TSA's signing certificate up to an anchor.
pub const MAX_CHAIN: usize = 6;

/// Largest TSA reply read over HTTP (headers and body), in bytes.
pub const MAX_REPLY_BYTES: usize = 256 << 10;

/// Largest header section of a TSA's HTTP reply, in bytes.
pub const MAX_REPLY_HEADER_BYTES: usize = 16 << 10;

/// A TSA the profile trusts: its certificate or a CA certificate above it (an anchor).
#[derive(Clone)]
pub struct Anchor {
    cert: Cert,
}

impl fmt::Debug for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Anchor")
            .field("subject", &self.subject())
            .field("sha256", &self.sha256())
            .finish()
    }
}

impl Anchor {
    /// From PEM (one `-----BEGIN CERTIFICATE-----` block, text around it allowed) or DER
    /// bytes; refuses anything else, and a certificate not in DER.
    pub fn from_bytes(bytes: &[u8]) -> Result<Anchor, AnchorError> {
        let unreadable = |reason: String| AnchorError::Unreadable { reason };
        if bytes.len() > MAX_TOKEN_BYTES {
            return Err(unreadable(format!(
                "larger than {MAX_TOKEN_BYTES} bytes; a certificate is far smaller"
            )));
        }
        let der = if bytes.first() == Some(&0x30) {
            bytes.to_vec()
        } else {
            x509::pem_certificate(bytes).map_err(unreadable)?
        };
        let cert = x509::parse_certificate(&der).map_err(unreadable)?;
        Ok(Anchor {
            cert: Cert { der, cert },
        })
    }

    /// The certificate's DER.
    pub fn der(&self) -> &[u8] {
        &self.cert.der
    }

    /// The certificate as PEM.
    pub fn to_pem(&self) -> String {
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, self.der());
        let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
        for line in b64.as_bytes().chunks(64) {
            pem.push_str(&String::from_utf8_lossy(line));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
        pem
    }

    /// The SHA-256 of the certificate's DER, in lower-case hex.
    pub fn sha256(&self) -> String {
        self.cert.sha256()
    }

    /// The certificate's subject, readable: its common name and organization
    /// ("Tweevoud Test TSA, Tweevoud Tests"), or the whole name when it has neither.
    pub fn subject(&self) -> String {
        self.cert.subject()
    }
}

/// What a valid token attests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attested {
    /// The TSTInfo's `genTime`, fractions of a second dropped.
    pub time: chrono::DateTime<chrono::Utc>,
    /// The TSA signing certificate's subject, readable (its common name and organization).
    pub tsa: String,
    /// The SHA-256 of the TSA signing certificate's DER, in lower-case hex.
    pub tsa_certificate_sha256: String,
    /// The TSTInfo's `serialNumber`, in lower-case hex.
    pub serial: String,
    /// The TSTInfo's policy OID, dotted.
    pub policy: String,
    /// Whether the chain from the signing certificate reached one of the anchors given. A
    /// token that holds but whose chain reaches none is from a TSA the caller does not trust.
    pub trusted: bool,
    /// The token's certificates, to decide later whether other anchors vouch for it
    /// ([`TokenChain::trusted_by`]) without checking the token again.
    pub chain: TokenChain,
}

/// Why a certificate given as an anchor cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    /// Neither a PEM certificate nor a DER one.
    #[error("not a certificate: {reason}")]
    Unreadable {
        /// English words.
        reason: String,
    },
}

impl AnchorError {
    /// Every code of [`AnchorError`], so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &["timestamp_anchor_unreadable"];
}

/// Parameters: `reason` (English words).
impl Coded for AnchorError {
    fn code(&self) -> &'static str {
        match self {
            AnchorError::Unreadable { .. } => "timestamp_anchor_unreadable",
        }
    }

    fn params(&self) -> Params {
        match self {
            AnchorError::Unreadable { reason } => vec![param("reason", reason)],
        }
    }
}

/// Why a token does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenProblem {
    /// The token is not a well-formed RFC 3161 token within the bounds.
    #[error("the timestamp token cannot be read: {reason}")]
    Unreadable {
        /// English words.
        reason: String,
    },
    /// The token's message imprint is not the hash of the stamped bytes.
    #[error("the timestamp is over other bytes: {reason}")]
    Imprint {
        /// English words.
        reason: String,
    },
    /// The TSA's signature (or what it signs: the signed attributes) does not hold.
    #[error("the timestamp's signature does not hold: {reason}")]
    Signature {
        /// English words.
        reason: String,
    },
    /// The TSA's signing certificate is missing, not for time-stamping, or not valid at the
    /// token's time.
    #[error("the timestamp's signing certificate is not acceptable: {reason}")]
    Certificate {
        /// English words.
        reason: String,
    },
    /// A certificate of the chain above the signing certificate does not hold.
    #[error("the timestamp's certificate chain does not hold: {reason}")]
    Chain {
        /// English words.
        reason: String,
    },
}

impl TokenProblem {
    /// Every code of [`TokenProblem`], so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "timestamp_unreadable",
        "timestamp_imprint",
        "timestamp_signature",
        "timestamp_certificate",
        "timestamp_chain",
    ];

    /// The English reason, without the sentence around it.
    pub fn reason(&self) -> &str {
        match self {
            TokenProblem::Unreadable { reason }
            | TokenProblem::Imprint { reason }
            | TokenProblem::Signature { reason }
            | TokenProblem::Certificate { reason }
            | TokenProblem::Chain { reason } => reason,
        }
    }
}

/// Parameters: `reason` (English words).
impl Coded for TokenProblem {
    fn code(&self) -> &'static str {
        match self {
            TokenProblem::Unreadable { .. } => "timestamp_unreadable",
            TokenProblem::Imprint { .. } => "timestamp_imprint",
            TokenProblem::Signature { .. } => "timestamp_signature",
            TokenProblem::Certificate { .. } => "timestamp_certificate",
            TokenProblem::Chain { .. } => "timestamp_chain",
        }
    }

    fn params(&self) -> Params {
        vec![param("reason", self.reason())]
    }
}

/// Why asking a TSA for a token failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TsaError {
    /// The URL is not an `http://host[:port]/path` URL that can be used.
    #[error("the TSA address {url:?} cannot be used: {reason}")]
    Url {
        /// The URL as given.
        url: String,
        /// English words.
        reason: String,
    },
    /// No connection could be made to the TSA, or it broke off.
    #[error("the TSA cannot be reached: {reason}")]
    Unreachable {
        /// English words.
        reason: String,
    },
    /// The TSA did not answer in time.
    #[error("the TSA did not answer within {seconds} seconds")]
    Timeout {
        /// The time allowed, in whole seconds.
        seconds: u64,
    },
    /// The TSA answered with an HTTP status other than 200.
    #[error("the TSA answered with HTTP status {status}")]
    HttpStatus {
        /// The HTTP status code.
        status: u16,
    },
    /// The reply is larger than [`MAX_REPLY_BYTES`] (or its headers than
    /// [`MAX_REPLY_HEADER_BYTES`]).
    #[error("the TSA's reply is larger than {max} bytes")]
    ReplyTooLarge {
        /// The bound, in bytes.
        max: usize,
    },
    /// The TSA refused: its status is neither granted nor granted with modifications.
    #[error("the TSA refused to stamp (status {status}): {text}")]
    Refused {
        /// The PKIStatus the TSA gave.
        status: u64,
        /// The TSA's status text, or "no reason given".
        text: String,
    },
    /// The reply is not a timestamp reply, or its token is unreadable, over other bytes, or
    /// for another request (another nonce).
    #[error("the TSA's reply is not usable: {reason}")]
    BadReply {
        /// English words.
        reason: String,
    },
    /// No random nonce could be drawn from the operating system.
    #[error("no randomness for the request's nonce: {reason}")]
    Randomness {
        /// English words.
        reason: String,
    },
}

impl TsaError {
    /// Every code of [`TsaError`], so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "tsa_url",
        "tsa_unreachable",
        "tsa_timeout",
        "tsa_http_status",
        "tsa_reply_too_large",
        "tsa_refused",
        "tsa_bad_reply",
        "tsa_randomness",
    ];
}

/// Parameters: `url`, `reason` (English words), `seconds`, `status`, `max` (bytes), `text`
/// (the TSA's own words).
impl Coded for TsaError {
    fn code(&self) -> &'static str {
        match self {
            TsaError::Url { .. } => "tsa_url",
            TsaError::Unreachable { .. } => "tsa_unreachable",
            TsaError::Timeout { .. } => "tsa_timeout",
            TsaError::HttpStatus { .. } => "tsa_http_status",
            TsaError::ReplyTooLarge { .. } => "tsa_reply_too_large",
            TsaError::Refused { .. } => "tsa_refused",
            TsaError::BadReply { .. } => "tsa_bad_reply",
            TsaError::Randomness { .. } => "tsa_randomness",
        }
    }

    fn params(&self) -> Params {
        match self {
            TsaError::Url { url, reason } => vec![param("url", url), param("reason", reason)],
            TsaError::Unreachable { reason }
            | TsaError::BadReply { reason }
            | TsaError::Randomness { reason } => vec![param("reason", reason)],
            TsaError::Timeout { seconds } => vec![param("seconds", seconds)],
            TsaError::HttpStatus { status } => vec![param("status", status)],
            TsaError::ReplyTooLarge { max } => vec![param("max", max)],
            TsaError::Refused { status, text } => {
                vec![param("status", status), param("text", text)]
            }
        }
    }
}
