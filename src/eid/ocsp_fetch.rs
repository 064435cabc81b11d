//! (feature "fs") Asking a certificate's OCSP responder (RFC 6960 appendix A): the responder
//! its Authority Information Access names ([`ocsp_url`]), one HTTP POST of the request
//! (`application/ocsp-request`), one reply (`application/ocsp-response`) of at most
//! [`MAX_OCSP_RESPONSE_BYTES`], all within a timeout (`src/http.rs`, the client timestamps
//! use too). What the answer says is checked by the caller with `eid::ocsp`. docs/eid.md.

use std::time::Duration;

use der::Decode;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::AuthorityInfoAccessSyntax;

use chrono::{DateTime, Utc};

use super::ocsp::{check_ocsp, ocsp_request, OcspAnswer, OcspProblem};
use super::pki::read as read_certificate;
use crate::error::{param, Coded, Params};
use crate::http::{self, HttpError, Post};

/// The largest OCSP answer read, in bytes.
pub const MAX_OCSP_RESPONSE_BYTES: usize = 16 << 10;

/// The largest header section of a responder's HTTP reply, in bytes.
const MAX_HEADER_BYTES: usize = 16 << 10;

/// How long a responder is given to answer.
pub const OCSP_TIMEOUT: Duration = Duration::from_secs(10);

/// id-pe-authorityInfoAccess.
const ID_PE_AUTHORITY_INFO_ACCESS: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
/// id-ad-ocsp.
const ID_AD_OCSP: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");

/// Why no OCSP answer was had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcspFetchError {
    /// The certificate names no OCSP responder (or cannot be read).
    #[error("the certificate names no OCSP responder: {reason}")]
    NoResponder {
        /// English words.
        reason: String,
    },
    /// The responder's address is not an `http://` URL that can be used.
    #[error("the OCSP responder's address {url:?} cannot be used: {reason}")]
    Url {
        /// The URL as the certificate gives it.
        url: String,
        /// English words.
        reason: String,
    },
    /// No connection could be made to the responder, or it broke off.
    #[error("the OCSP responder cannot be reached: {reason}")]
    Unreachable {
        /// English words.
        reason: String,
    },
    /// The responder did not answer in time.
    #[error("the OCSP responder did not answer within {seconds} seconds")]
    Timeout {
        /// The time allowed, in whole seconds.
        seconds: u64,
    },
    /// The responder answered with an HTTP status other than 200.
    #[error("the OCSP responder answered with HTTP status {status}")]
    HttpStatus {
        /// The HTTP status code.
        status: u16,
    },
    /// The reply is larger than its bound.
    #[error("the OCSP responder's reply is larger than {max} bytes")]
    TooLarge {
        /// The bound, in bytes.
        max: usize,
    },
    /// The reply is not an OCSP answer.
    #[error("the OCSP responder's reply is not usable: {reason}")]
    BadReply {
        /// English words.
        reason: String,
    },
}

impl OcspFetchError {
    /// Every code of [`OcspFetchError`].
    pub const CODES: &'static [&'static str] = &[
        "ocsp_no_responder",
        "ocsp_url",
        "ocsp_unreachable",
        "ocsp_timeout",
        "ocsp_http_status",
        "ocsp_too_large",
        "ocsp_bad_reply",
    ];
}

/// Parameters: `reason` (English words), `url`, `seconds`, `status`, `max` (bytes).
impl Coded for OcspFetchError {
    fn code(&self) -> &'static str {
        match self {
            OcspFetchError::NoResponder { .. } => "ocsp_no_responder",
            OcspFetchError::Url { .. } => "ocsp_url",
            OcspFetchError::Unreachable { .. } => "ocsp_unreachable",
            OcspFetchError::Timeout { .. } => "ocsp_timeout",
            OcspFetchError::HttpStatus { .. } => "ocsp_http_status",
            OcspFetchError::TooLarge { .. } => "ocsp_too_large",
            OcspFetchError::BadReply { .. } => "ocsp_bad_reply",
        }
    }

    fn params(&self) -> Params {
        match self {
            OcspFetchError::NoResponder { reason }
            | OcspFetchError::Unreachable { reason }
            | OcspFetchError::BadReply { reason } => vec![param("reason", reason)],
            OcspFetchError::Url { url, reason } => {
                vec![param("url", url), param("reason", reason)]
            }
            OcspFetchError::Timeout { seconds } => vec![param("seconds", seconds)],
            OcspFetchError::HttpStatus { status } => vec![param("status", status)],
            OcspFetchError::TooLarge { max } => vec![param("max", max)],
        }
    }
}

impl From<HttpError> for OcspFetchError {
    fn from(e: HttpError) -> OcspFetchError {
        match e {
            HttpError::Url { url, reason } => OcspFetchError::Url { url, reason },
            HttpError::Unreachable { reason } => OcspFetchError::Unreachable { reason },
            HttpError::Timeout { seconds } => OcspFetchError::Timeout { seconds },
            HttpError::Status { status } => OcspFetchError::HttpStatus { status },
            HttpError::TooLarge { max } => OcspFetchError::TooLarge { max },
            HttpError::BadReply { reason } => OcspFetchError::BadReply { reason },
        }
    }
}

/// The OCSP responder `certificate` (DER) names in its Authority Information Access: the
/// first `id-ad-ocsp` location that is a URI.
pub fn ocsp_url(certificate: &[u8]) -> Result<String, OcspFetchError> {
    let none = |reason: &str| OcspFetchError::NoResponder {
        reason: reason.to_string(),
    };
    let cert = read_certificate(certificate)
        .map_err(|e| none(e.reason()))?
        .cert;
    let (value, _) = crate::x509::extension(&cert, ID_PE_AUTHORITY_INFO_ACCESS)
        .map_err(|e| none(&e))?
        .ok_or_else(|| none("it has no Authority Information Access"))?;
    let access = AuthorityInfoAccessSyntax::from_der(value).map_err(|e| {
        none(&format!(
            "its Authority Information Access cannot be read: {e}"
        ))
    })?;
    access
        .0
        .iter()
        .filter(|a| a.access_method == ID_AD_OCSP)
        .find_map(|a| match &a.access_location {
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.as_str().to_string()),
            _ => None,
        })
        .ok_or_else(|| none("its Authority Information Access names no OCSP responder"))
}

/// Posts the OCSP `request` (DER) to `url` and returns the answer's DER (an `OCSPResponse`,
/// not yet checked), within `timeout`.
pub fn fetch(url: &str, request: &[u8], timeout: Duration) -> Result<Vec<u8>, OcspFetchError> {
    Ok(http::post(&Post {
        url,
        content_type: "application/ocsp-request",
        accept: "application/ocsp-response",
        body: request,
        timeout,
        max_reply: MAX_OCSP_RESPONSE_BYTES + MAX_HEADER_BYTES,
        max_header: MAX_HEADER_BYTES,
    })?)
    .and_then(|body: Vec<u8>| {
        if body.len() > MAX_OCSP_RESPONSE_BYTES {
            Err(OcspFetchError::TooLarge {
                max: MAX_OCSP_RESPONSE_BYTES,
            })
        } else {
            Ok(body)
        }
    })
}

/// What asking about a certificate's revocation gave.
#[derive(Debug)]
pub enum Asked {
    /// The responder said the certificate was not revoked: its answer (DER, to keep) and what
    /// it says.
    Good {
        /// The `OCSPResponse`, DER.
        answer: Vec<u8>,
        /// What it says.
        said: OcspAnswer,
    },
    /// No answer that holds was had (no responder named, none reachable, an answer that does
    /// not hold): revocation is not checked, and why, in English words.
    NotChecked(String),
}

/// Asks the OCSP responder that `certificate` (DER) names whether it is revoked now, and
/// checks the answer against its `issuer` (DER). A certificate the answer says is revoked, or
/// unknown, is the answer's problem (the caller refuses to go on); anything else that stops
/// the asking leaves revocation not checked (the caller goes on and says so). The one place
/// binding and sealing (the CLI's and the app's) ask.
pub fn ask_status(
    certificate: &[u8],
    issuer: &[u8],
    now: DateTime<Utc>,
) -> Result<Asked, OcspProblem> {
    let asked = ocsp_url(certificate)
        .map_err(|e| e.to_string())
        .and_then(|url| {
            let request = ocsp_request(certificate, issuer).map_err(|e| e.to_string())?;
            fetch(&url, &request, OCSP_TIMEOUT).map_err(|e| e.to_string())
        });
    let answer = match asked {
        Ok(answer) => answer,
        Err(e) => return Ok(Asked::NotChecked(e)),
    };
    let said = match check_ocsp(&answer, certificate, issuer, now) {
        Ok(said) => said,
        Err(e) => return Ok(Asked::NotChecked(e.to_string())),
    };
    match said.problem_at(now) {
        Some(problem) => Err(problem),
        None => Ok(Asked::Good { answer, said }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_responder_is_the_certificates() {
        let sign = include_bytes!("../../tests/fixtures/eid/rsa-sign.der");
        assert_eq!(ocsp_url(sign).unwrap(), "http://127.0.0.1:1");
        let root = include_bytes!("../../tests/fixtures/eid/root.der");
        assert_eq!(ocsp_url(root).unwrap_err().code(), "ocsp_no_responder");
        assert_eq!(ocsp_url(b"junk").unwrap_err().code(), "ocsp_no_responder");
    }

    #[test]
    fn a_responder_that_does_not_answer_is_said() {
        let e = fetch("http://127.0.0.1:1", b"x", Duration::from_secs(2)).unwrap_err();
        assert_eq!(e.code(), "ocsp_unreachable");
        let e = fetch("https://ocsp.example/", b"x", Duration::from_secs(2)).unwrap_err();
        assert_eq!(e.code(), "ocsp_url");
    }
}
