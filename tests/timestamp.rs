//! Trusted timestamps against a real TSA: `scripts/tsa.py`, which answers with `openssl ts`.
//! The tests need python3 and openssl and fail, saying so, when either is missing.
#![cfg(feature = "fs")]

mod common;

use common::tsa::{start_tsa, Tsa};

use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::{Decode, Encode};
use tempfile::TempDir;
use tweevoud::timestamp::{
    ask, check_token, read_response, request, Anchor, TokenProblem, TsaError,
};
use tweevoud::Coded;

const STAMPED: &[u8] = b"the bytes of an agreement";
const TIMEOUT: Duration = Duration::from_secs(20);

/// Runs openssl in `dir`; a failure panics with its words.
fn openssl(dir: &Path, args: &[&str]) {
    let out = match Command::new("openssl").args(args).current_dir(dir).output() {
        Ok(out) => out,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            panic!("openssl is not installed; the timestamp tests need it")
        }
        Err(e) => panic!("cannot run openssl: {e}"),
    };
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn anchor(path: &Path) -> Anchor {
    Anchor::from_bytes(&fs::read(path).unwrap()).unwrap()
}

fn code(e: TokenProblem) -> &'static str {
    e.code()
}

/// The token's SignedData and the DER of its TSTInfo.
fn parts(token: &[u8]) -> (SignedData, Vec<u8>) {
    let info = ContentInfo::from_der(token).unwrap();
    let signed: SignedData = info.content.decode_as().unwrap();
    let tst = signed
        .encap_content_info
        .econtent
        .as_ref()
        .unwrap()
        .value()
        .to_vec();
    (signed, tst)
}

/// Where `needle` is in `hay`; it must be there exactly once.
fn offset(hay: &[u8], needle: &[u8]) -> usize {
    let at: Vec<usize> = hay
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 1, "found {} times", at.len());
    at[0]
}

/// A token over STAMPED made by `openssl ts -reply` with this signer and chain.
fn token_by(tsa: &Tsa, signer: &str, chain: &str) -> Vec<u8> {
    let d = &tsa.dir;
    fs::write(d.join("q.tsq"), request(STAMPED, 7)).unwrap();
    openssl(
        d,
        &[
            "ts",
            "-reply",
            "-queryfile",
            "q.tsq",
            "-config",
            "tsa.cnf",
            "-inkey",
            "tsa.key",
            "-signer",
            signer,
            "-chain",
            chain,
            "-token_out",
            "-out",
            "made.tok",
        ],
    );
    fs::read(d.join("made.tok")).unwrap()
}

fn scenario(key: &str) {
    let tmp = TempDir::new().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let tsa = start_tsa(&a, key);
    let other = start_tsa(&b, key);

    // A token, trusted through the CA, the time now, the TSA named.
    let token = ask(&tsa.url, STAMPED, TIMEOUT).expect("a token");
    let ca = anchor(&a.join("ca.pem"));
    assert_eq!(ca.subject(), "Tweevoud Test CA, Tweevoud Tests");
    let got = check_token(&token, STAMPED, std::slice::from_ref(&ca)).expect("it holds");
    assert!(got.trusted);
    let now = chrono::Utc::now();
    assert!(
        (now - got.time).num_seconds().abs() < 60,
        "{} is not now",
        got.time
    );
    assert_eq!(got.tsa, "Tweevoud Test TSA, Tweevoud Tests");
    assert_eq!(got.policy, "1.3.6.1.4.1.99999.1");
    let tsa_cert = anchor(&a.join("tsa.pem"));
    assert_eq!(got.tsa_certificate_sha256, tsa_cert.sha256());
    assert!(!got.serial.is_empty());
    // The TSA's own certificate as the anchor.
    assert!(check_token(&token, STAMPED, &[tsa_cert]).unwrap().trusted);
    // A second token gets another serial.
    let again = ask(&tsa.url, STAMPED, TIMEOUT).unwrap();
    assert_ne!(
        check_token(&again, STAMPED, &[]).unwrap().serial,
        got.serial
    );

    // No anchors, or another CA (of the same name): it holds, from a TSA not trusted.
    assert!(!check_token(&token, STAMPED, &[]).unwrap().trusted);
    let ca_b = anchor(&b.join("ca.pem"));
    assert_eq!(ca_b.subject(), ca.subject());
    assert!(
        !check_token(&token, STAMPED, std::slice::from_ref(&ca_b))
            .unwrap()
            .trusted
    );

    // Other bytes.
    let e = check_token(&token, b"other bytes", &[]).unwrap_err();
    assert_eq!(code(e), "timestamp_imprint");

    // A byte of the signature flipped.
    let (signed, tst_der) = parts(&token);
    let signer = signed.signer_infos.0.iter().next().unwrap();
    let sig = signer.signature.as_bytes();
    let at = offset(&token, sig) + sig.len() - 1;
    let mut broken = token.clone();
    broken[at] ^= 0x01;
    let e = check_token(&broken, STAMPED, std::slice::from_ref(&ca)).unwrap_err();
    assert_eq!(code(e), "timestamp_signature");

    // A digit of the genTime changed: the message digest no longer matches.
    let tst = x509_tsp::TstInfo::from_der(&tst_der).unwrap();
    let gen_time = tst.gen_time.to_der().unwrap();
    let seconds_digit = offset(&token, &gen_time) + gen_time.len() - 2;
    let mut changed = token.clone();
    changed[seconds_digit] = if changed[seconds_digit] == b'0' {
        b'1'
    } else {
        b'0'
    };
    let e = check_token(&changed, STAMPED, std::slice::from_ref(&ca)).unwrap_err();
    assert_eq!(e.code(), "timestamp_signature");
    assert!(e.to_string().contains("message-digest"), "{e}");

    // Truncated, garbage, too large: unreadable, no panic.
    for bad in [
        token[..token.len() / 2].to_vec(),
        token[..token.len() - 1].to_vec(),
        b"not a token at all".to_vec(),
        vec![0x30; 10],
        [token.clone(), vec![0; 70 << 10]].concat(),
        [token.clone(), vec![0]].concat(),
    ] {
        let e = check_token(&bad, STAMPED, &[]).unwrap_err();
        assert_eq!(code(e), "timestamp_unreadable");
    }

    // A TSA certificate signed by another CA of the same name: with the CA the token carries
    // as anchor, that CA's key does not verify it: the chain is broken. With the CA that did
    // sign it as anchor, it is trusted.
    openssl(
        &a,
        &[
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "../b/ca.pem",
            "-CAkey",
            "../b/ca.key",
            "-set_serial",
            "2",
            "-days",
            "30",
            "-extfile",
            "ext.cnf",
            "-extensions",
            "tsa",
            "-out",
            "tsa-other-ca.pem",
        ],
    );
    let resigned = token_by(&tsa, "tsa-other-ca.pem", "ca.pem");
    let e = check_token(&resigned, STAMPED, std::slice::from_ref(&ca)).unwrap_err();
    assert_eq!(e.code(), "timestamp_chain", "{e}");
    assert!(
        check_token(&resigned, STAMPED, std::slice::from_ref(&ca_b))
            .unwrap()
            .trusted
    );
    // With no anchor the walk stops at the carried CA, which did not sign it: broken too.
    assert_eq!(
        check_token(&resigned, STAMPED, &[]).unwrap_err().code(),
        "timestamp_chain"
    );

    // The same TSTInfo signed with `openssl cms -cades` (ESS signing-certificate v2, and a
    // signing-time attribute): by the TSA's certificate it holds; by a certificate without
    // the time-stamping purpose it does not.
    fs::write(a.join("tst.der"), &tst_der).unwrap();
    let cms_sign = |signer: &str, signer_key: &str, out: &str| {
        openssl(
            &a,
            &[
                "cms",
                "-sign",
                "-binary",
                "-nodetach",
                "-in",
                "tst.der",
                "-econtent_type",
                "1.2.840.113549.1.9.16.1.4",
                "-signer",
                signer,
                "-inkey",
                signer_key,
                "-certfile",
                "ca.pem",
                "-md",
                "sha256",
                "-cades",
                "-nosmimecap",
                "-outform",
                "DER",
                "-out",
                out,
            ],
        );
        fs::read(a.join(out)).unwrap()
    };
    let cades = cms_sign("tsa.pem", "tsa.key", "cades.tok");
    assert!(
        check_token(&cades, STAMPED, std::slice::from_ref(&ca))
            .unwrap()
            .trusted
    );
    let new_key = if key == "rsa" {
        vec!["-newkey", "rsa:2048"]
    } else {
        vec!["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    };
    let mut req = vec!["req", "-new"];
    req.extend(new_key);
    req.extend([
        "-nodes",
        "-keyout",
        "plain.key",
        "-out",
        "plain.csr",
        "-config",
        "ext.cnf",
        "-subj",
        "/CN=Tweevoud Plain Signer/O=Tweevoud Tests",
    ]);
    openssl(&a, &req);
    fs::write(
        a.join("plain.cnf"),
        "basicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature\n",
    )
    .unwrap();
    openssl(
        &a,
        &[
            "x509",
            "-req",
            "-in",
            "plain.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "3",
            "-days",
            "30",
            "-out",
            "plain.pem",
            "-extfile",
            "plain.cnf",
        ],
    );
    let plain = cms_sign("plain.pem", "plain.key", "plain.tok");
    let e = check_token(&plain, STAMPED, std::slice::from_ref(&ca)).unwrap_err();
    assert_eq!(e.code(), "timestamp_certificate", "{e}");
    assert!(e.to_string().contains("extended key usage"), "{e}");

    // A reply read for another nonce, or over other bytes: not usable.
    let d = &tsa.dir;
    openssl(
        d,
        &[
            "ts",
            "-reply",
            "-queryfile",
            "q.tsq",
            "-config",
            "tsa.cnf",
            "-inkey",
            "tsa.key",
            "-signer",
            "tsa.pem",
            "-chain",
            "ca.pem",
            "-out",
            "made.tsr",
        ],
    );
    let reply = fs::read(d.join("made.tsr")).unwrap();
    let token7 = read_response(&reply, STAMPED, 7).unwrap();
    assert!(
        check_token(&token7, STAMPED, std::slice::from_ref(&ca))
            .unwrap()
            .trusted
    );
    let e = read_response(&reply, STAMPED, 8).unwrap_err();
    assert_eq!(e.code(), "tsa_bad_reply");
    assert!(e.to_string().contains("nonce"), "{e}");
    let e = read_response(&reply, b"other", 7).unwrap_err();
    assert_eq!(e.code(), "tsa_bad_reply");
    drop(other);
}

#[test]
fn rsa_tsa() {
    scenario("rsa");
}

#[test]
fn ec_tsa() {
    scenario("ec");
}

#[test]
fn anchors_are_certificates() {
    for bad in [
        &b""[..],
        b"hello",
        b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
        &[0x30, 0x03, 0x02, 0x01, 0x01],
    ] {
        let e = Anchor::from_bytes(bad).unwrap_err();
        assert_eq!(e.code(), "timestamp_anchor_unreadable");
    }
}

/// A one-connection HTTP server that reads the request's head and answers with `answer`.
fn one_reply(answer: impl FnOnce(&mut std::net::TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            answer(&mut stream);
        }
    });
    format!("http://127.0.0.1:{port}/tsa")
}

fn ask_code(url: &str, timeout: Duration) -> (&'static str, Duration) {
    let started = Instant::now();
    let e: TsaError = ask(url, STAMPED, timeout).unwrap_err();
    (e.code(), started.elapsed())
}

#[test]
fn tsas_that_fail() {
    let t = Duration::from_secs(3);
    // Nothing listens.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, _) = ask_code(&format!("http://127.0.0.1:{port}/"), t);
    assert_eq!(code, "tsa_unreachable");
    // Not an http:// URL.
    assert_eq!(ask_code("https://127.0.0.1/", t).0, "tsa_url");

    // A server error.
    let url = one_reply(|s| {
        let _ = s.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
    });
    assert_eq!(ask_code(&url, t).0, "tsa_http_status");

    // A web page.
    let url = one_reply(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n<html></html>",
        );
    });
    assert_eq!(ask_code(&url, t).0, "tsa_bad_reply");

    // The right type, but not a timestamp reply.
    let url = one_reply(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\n\
              Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        );
    });
    assert_eq!(ask_code(&url, t).0, "tsa_bad_reply");

    // A body that never ends.
    let url = one_reply(|s| {
        let _ =
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\n\r\n");
        let chunk = [0x41u8; 8192];
        while s.write_all(&chunk).is_ok() {}
    });
    let (code, took) = ask_code(&url, t);
    assert_eq!(code, "tsa_reply_too_large");
    assert!(took < t + Duration::from_secs(1), "{took:?}");

    // A server that accepts and never answers, or answers a drop at a time.
    let url = one_reply(|_| thread::sleep(Duration::from_secs(10)));
    let (code, took) = ask_code(&url, Duration::from_secs(1));
    assert_eq!(code, "tsa_timeout");
    assert!(took < Duration::from_secs(3), "{took:?}");
    let url = one_reply(|s| {
        let _ =
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\n\r\n");
        for _ in 0..100 {
            if s.write_all(b"x").is_err() {
                break;
            }
            thread::sleep(Duration::from_millis(100));
        }
    });
    let (code, took) = ask_code(&url, Duration::from_secs(1));
    assert_eq!(code, "tsa_timeout");
    assert!(took < Duration::from_secs(3), "{took:?}");
}
