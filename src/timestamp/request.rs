//! The request to a TSA (a `TimeStampReq`) and the reading of its reply (a `TimeStampResp`).

use der::asn1::BitString;
use der::{Reader, SliceReader};
use sha2::{Digest, Sha256};

use super::token::{self, check_token};
use super::{TokenProblem, TsaError, MAX_REPLY_BYTES};
use crate::x509::{oid_name, ID_SHA256};

/// The DER of the AlgorithmIdentifier of SHA-256, with NULL parameters (as `openssl ts`
/// writes it).
const SHA256_ALGORITHM: [u8; 15] = [
    0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
];

/// The content bytes of the DER INTEGER `n`: big-endian, minimal, with a leading zero byte when
/// the high bit is set (it is positive).
fn integer_bytes(n: u64) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let start = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len() - 1);
    let mut out = Vec::with_capacity(9);
    if bytes[start] & 0x80 != 0 {
        out.push(0);
    }
    out.extend_from_slice(&bytes[start..]);
    out
}

/// The DER of a TimeStampReq (version 1) over SHA-256(stamped), with this nonce, certReq TRUE.
pub fn request(stamped: &[u8], nonce: u64) -> Vec<u8> {
    let nonce = integer_bytes(nonce);
    let mut imprint = SHA256_ALGORITHM.to_vec();
    imprint.extend_from_slice(&[0x04, 0x20]);
    imprint.extend_from_slice(&Sha256::digest(stamped));
    // Every length below is under 128, so each is one byte (DER's short form): the imprint is
    // 49 bytes, the nonce at most 9, the whole at most 70.
    let mut body = vec![0x02, 0x01, 0x01, 0x30, imprint.len() as u8];
    body.extend_from_slice(&imprint);
    body.extend_from_slice(&[0x02, nonce.len() as u8]);
    body.extend_from_slice(&nonce);
    body.extend_from_slice(&[0x01, 0x01, 0xff]);
    let mut out = vec![0x30, body.len() as u8];
    out.extend_from_slice(&body);
    out
}

/// Reads a TSA's TimeStampResp: status granted (0) or grantedWithMods (1), a token whose
/// imprint is SHA-256(stamped) and whose nonce is `nonce`, and which holds (its signature and
/// its signing certificate, as [`check_token`] checks them; trust in the TSA is the caller's
/// to judge). Returns the token's DER (the ContentInfo), as the TSA wrote it.
pub fn read_response(resp: &[u8], stamped: &[u8], nonce: u64) -> Result<Vec<u8>, TsaError> {
    let bad = |reason: String| TsaError::BadReply { reason };
    if resp.len() > MAX_REPLY_BYTES {
        return Err(TsaError::ReplyTooLarge {
            max: MAX_REPLY_BYTES,
        });
    }
    crate::der_scan::scan(resp).map_err(|e| bad(format!("not a timestamp reply: not DER: {e}")))?;
    let unreadable = |e: der::Error| bad(format!("not a timestamp reply: {e}"));
    let mut reader = SliceReader::new(resp).map_err(unreadable)?;
    let (status, text, token) = reader
        .sequence(|r| {
            let (status, text) = r.sequence(|s| {
                let status: u64 = s.decode()?;
                let text: Option<Vec<String>> = s.decode()?;
                let fail_info: Option<BitString> = s.decode()?;
                let text = match (text, fail_info) {
                    (Some(words), _) if !words.is_empty() => words.join("; "),
                    (_, Some(bits)) => failure_text(&bits),
                    _ => "no reason given".to_string(),
                };
                Ok((status, text))
            })?;
            let token = if r.is_finished() {
                None
            } else {
                Some(r.tlv_bytes()?)
            };
            Ok((status, text, token))
        })
        .map_err(unreadable)?;
    if !reader.is_finished() {
        return Err(bad("the reply is followed by other bytes".into()));
    }
    if status > 1 {
        return Err(TsaError::Refused { status, text });
    }
    let token = token.ok_or_else(|| bad("the TSA granted the request but sent no token".into()))?;
    let read = token::read(token).map_err(|e| bad(e.to_string()))?;
    if read.tst.imprint_hash != ID_SHA256 {
        return Err(bad(format!(
            "the token's imprint is made with {}, not the SHA-256 asked for",
            oid_name(&read.tst.imprint_hash)
        )));
    }
    if read.tst.nonce.as_deref() != Some(integer_bytes(nonce).as_slice()) {
        return Err(bad(
            "the token answers another request (its nonce differs)".into()
        ));
    }
    match check_token(token, stamped, &[]) {
        Ok(_) => Ok(token.to_vec()),
        Err(e @ TokenProblem::Imprint { .. }) => Err(bad(format!(
            "the token is over other bytes ({})",
            e.reason()
        ))),
        Err(e) => Err(bad(e.to_string())),
    }
}

/// The PKIFailureInfo bits a TSA may set (RFC 3161 section 2.4.2), in words.
fn failure_text(bits: &BitString) -> String {
    const NAMES: [(usize, &str); 8] = [
        (0, "unrecognized or unsupported algorithm"),
        (2, "bad request"),
        (5, "bad data format"),
        (14, "time source not available"),
        (15, "policy not supported"),
        (16, "extension not supported"),
        (17, "additional information not available"),
        (25, "system failure"),
    ];
    let set: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| bits.bits().nth(*bit) == Some(true))
        .map(|(_, name)| *name)
        .collect();
    if set.is_empty() {
        "no reason given".into()
    } else {
        set.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Coded;

    #[test]
    fn request_is_der() {
        // The request `openssl ts -query -sha256` writes for "abc" with this nonce.
        let expected = hex::decode(
            "30400201013031300d060960864801650304020105000420\
             ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\
             0208314cfce4e0651827",
        )
        .unwrap();
        let mut with_cert_req = expected.clone();
        with_cert_req.extend_from_slice(&[0x01, 0x01, 0xff]);
        with_cert_req[1] += 3;
        assert_eq!(request(b"abc", 0x314c_fce4_e065_1827), with_cert_req);
        // It reads back as a TimeStampReq, and re-encodes to the same bytes.
        use der::{Decode, Encode};
        let req = x509_tsp::TimeStampReq::from_der(&with_cert_req).unwrap();
        assert!(req.cert_req);
        assert_eq!(req.to_der().unwrap(), with_cert_req);
    }

    #[test]
    fn nonces_are_minimal_positive_integers() {
        assert_eq!(integer_bytes(0), [0]);
        assert_eq!(integer_bytes(0x7f), [0x7f]);
        assert_eq!(integer_bytes(0x80), [0, 0x80]);
        assert_eq!(integer_bytes(0x0100), [1, 0]);
        assert_eq!(
            integer_bytes(u64::MAX),
            [0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
        use der::Decode;
        for n in [0, 1, 0x7f, 0x80, 0xffff, u64::MAX] {
            let req = request(b"", n);
            let back = x509_tsp::TimeStampReq::from_der(&req).unwrap();
            assert_eq!(back.nonce.unwrap().as_bytes(), integer_bytes(n));
        }
    }

    #[test]
    fn refusals_and_garbage() {
        // status rejection (2) with a text.
        let refused = [
            0x30, 0x0e, 0x30, 0x0c, 0x02, 0x01, 0x02, 0x30, 0x07, 0x0c, 0x05, b'b', b'u', b's',
            b'y', b'!',
        ];
        let e = read_response(&refused, b"x", 1).unwrap_err();
        assert_eq!(e.code(), "tsa_refused");
        assert_eq!(
            e,
            TsaError::Refused {
                status: 2,
                text: "busy!".into()
            }
        );
        // Granted, but no token.
        let granted = [0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x00];
        assert_eq!(
            read_response(&granted, b"x", 1).unwrap_err().code(),
            "tsa_bad_reply"
        );
        for garbage in [&b""[..], b"<html>", &[0x30, 0x00], &[0x30, 0x82, 0xff]] {
            assert_eq!(
                read_response(garbage, b"x", 1).unwrap_err().code(),
                "tsa_bad_reply"
            );
        }
        assert_eq!(
            read_response(&vec![0; MAX_REPLY_BYTES + 1], b"x", 1)
                .unwrap_err()
                .code(),
            "tsa_reply_too_large"
        );
    }
}
