//! The team archive's objects in an S3-compatible bucket (feature `team`;
//! `docs/archive-team.md`).
//!
//! Each object is stored under `objects/<first two hex digits>/<sha256>`, as in a local
//! archive's directory, written create-only (`If-None-Match: *`): a key that is already there
//! is never written again, and an object found there is read back and hashed before it is
//! taken for the one being stored. Requests are signed with AWS Signature Version 4 (the
//! `Authorization` header, `UNSIGNED-PAYLOAD` never: the body's SHA-256 is signed) and sent
//! by the core's own HTTP client (`crate::http`), bounded in time and size.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::backend::Objects;
use super::id::Sha256Hex;
use super::store::Found;
use super::tls;
use super::MAX_OBJECT_BYTES;
use crate::http::{self, HttpError, Request};

/// How long one request to the bucket may take, from connecting to the end of its reply.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest header section of a reply, in bytes.
const MAX_HEADER: usize = 32 << 10;

/// The largest listing page read, in bytes (a page holds at most 1000 keys, each under 200
/// bytes of XML).
const MAX_LIST_BYTES: usize = 1 << 20;

/// Most keys a scan lists: a bucket holding more is refused, not read without end.
const MAX_KEYS: usize = 4_000_000;

/// What signs the requests: an access key and its secret (never written anywhere, never in
/// an error), and the region the bucket is in.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub region: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// The objects of a team archive, in a bucket.
#[derive(Debug)]
pub(crate) struct Bucket {
    /// `http[s]://host[:port]/bucket`, path-style, without a trailing slash.
    base: String,
    /// `host[:port]`, as signed in the `Host` header.
    host: String,
    /// The bucket's name (the first segment of the path).
    path: String,
    credentials: Credentials,
    /// How the server is checked, for an `https://` bucket.
    tls: Option<Arc<rustls::ClientConfig>>,
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// RFC 3986 percent-encoding of everything but the unreserved characters, as Signature V4
/// encodes query names and values (and, with `/` kept, a path).
fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The `Authorization` header of a request, by AWS Signature Version 4: `headers` are every
/// header signed (lower-case names; `host`, `x-amz-date` and `x-amz-content-sha256` among
/// them), `query` the query's pairs, not encoded.
fn authorization(
    credentials: &Credentials,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, String)],
    amz_date: &str,
    payload_sha256: &str,
) -> String {
    let mut query: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (uri_encode(k, false), uri_encode(v, false)))
        .collect();
    query.sort();
    let canonical_query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    let signed_headers = signed_headers.join(";");
    let canonical_request = format!(
        "{method}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{payload_sha256}",
        uri_encode(path, true),
        canonical_query.join("&")
    );
    let date = &amz_date[..8.min(amz_date.len())];
    let scope = format!("{date}/{}/s3/aws4_request", credentials.region);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let k_date = hmac(
        format!("AWS4{}", credentials.secret_access_key).as_bytes(),
        date.as_bytes(),
    );
    let k_region = hmac(&k_date, credentials.region.as_bytes());
    let k_service = hmac(&k_region, b"s3");
    let k_signing = hmac(&k_service, b"aws4_request");
    let signature = hex::encode(hmac(&k_signing, string_to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        credentials.access_key_id
    )
}

/// An HTTP failure as an I/O error, saying where (never with credentials: none are in a URL).
fn http_err(place: &str, e: HttpError) -> io::Error {
    let kind = match e {
        HttpError::Timeout { .. } => io::ErrorKind::TimedOut,
        HttpError::Unreachable { .. } => io::ErrorKind::ConnectionRefused,
        HttpError::TooLarge { .. } => io::ErrorKind::FileTooLarge,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, format!("the bucket {place}: {}", http::describe(&e)))
}

/// A reply's status that is not what was asked for, as an I/O error.
fn status_err(place: &str, what: &str, status: u16) -> io::Error {
    io::Error::other(format!(
        "the bucket {place} answered {what} with HTTP status {status}"
    ))
}

/// The current time as Signature V4 writes it: `20130524T000000Z`.
fn amz_now() -> String {
    chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

impl Bucket {
    /// The bucket at `url`: `http[s]://host[:port]/bucket` (path-style addressing; the bucket
    /// must exist). Nothing is asked of the server yet.
    pub(crate) fn new(url: &str, credentials: Credentials, ca: Option<&str>) -> io::Result<Bucket> {
        let refuse = |reason: &str| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the bucket's address {url:?} cannot be used: {reason}"),
            )
        };
        let (server, secure) = http::check_request_url(url).map_err(|r| refuse(&r))?;
        if !secure && !tls::is_local(&server) {
            return Err(refuse(
                "the bucket is not on this machine, so its address must be https:// (agreements would cross the network in clear)",
            ));
        }
        let tls = match secure {
            true => Some(tls::client_config(ca).map_err(|r| refuse(&r))?),
            false => None,
        };
        let rest = url
            .split_once("://")
            .map(|(_, r)| r)
            .ok_or_else(|| refuse("it is not an http:// URL"))?;
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let path = path.trim_end_matches('/');
        let valid = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
        if path.is_empty() || path.len() > 63 || !path.chars().all(valid) {
            return Err(refuse(
                "it must end in the bucket's name (lower-case letters, digits, '-' and '.')",
            ));
        }
        let scheme = if secure { "https" } else { "http" };
        Ok(Bucket {
            base: format!("{scheme}://{host}/{path}"),
            host: host.to_string(),
            path: format!("/{path}"),
            credentials,
            tls,
        })
    }

    /// The key of an object.
    fn key(sha256: &Sha256Hex) -> String {
        format!("objects/{}/{}", sha256.short(2), sha256.as_str())
    }

    /// One signed request; the reply's status and body.
    fn send(
        &self,
        method: &'static str,
        key: &str,
        query: &[(&str, &str)],
        extra: &[(&str, String)],
        body: &[u8],
        max_reply: usize,
    ) -> io::Result<http::Reply> {
        let path = if key.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{key}", self.path)
        };
        let amz_date = amz_now();
        let payload = hex::encode(Sha256::digest(body));
        let mut headers: Vec<(&str, String)> = vec![
            ("host", self.host.clone()),
            ("x-amz-date", amz_date.clone()),
            ("x-amz-content-sha256", payload.clone()),
        ];
        headers.extend(extra.iter().cloned());
        let auth = authorization(
            &self.credentials,
            method,
            &path,
            query,
            &headers,
            &amz_date,
            &payload,
        );
        // `host` is written by the client itself.
        headers.retain(|(k, _)| *k != "host");
        headers.push(("authorization", auth));
        let query: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{}={}", uri_encode(k, false), uri_encode(v, false)))
            .collect();
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        let url = if query.is_empty() {
            format!("{scheme}://{}{}", self.host, uri_encode(&path, true))
        } else {
            format!(
                "{scheme}://{}{}?{}",
                self.host,
                uri_encode(&path, true),
                query.join("&")
            )
        };
        http::request(&Request {
            method,
            url: &url,
            headers: &headers,
            body,
            timeout: REQUEST_TIMEOUT,
            max_reply,
            max_header: MAX_HEADER,
            tls: self.tls.as_ref(),
        })
        .map_err(|e| http_err(&self.base, e))
    }

    /// The keys of one page of the listing, and the token of the next page, if any.
    fn list_page(&self, token: Option<&str>) -> io::Result<(Vec<String>, Option<String>)> {
        let mut query = vec![("list-type", "2"), ("prefix", "objects/")];
        if let Some(t) = token {
            query.push(("continuation-token", t));
        }
        let reply = self.send("GET", "", &query, &[], b"", MAX_LIST_BYTES)?;
        if reply.status != 200 {
            return Err(status_err(&self.base, "a listing", reply.status));
        }
        let text = std::str::from_utf8(&reply.body).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the bucket {}: its listing is not UTF-8", self.base),
            )
        })?;
        let keys = elements(text, "Key").into_iter().map(unescape).collect();
        let truncated = elements(text, "IsTruncated").first() == Some(&"true");
        let next = elements(text, "NextContinuationToken")
            .first()
            .map(|t| unescape(t));
        Ok((keys, if truncated { next } else { None }))
    }
}

/// The texts of every `<name>…</name>` element of an XML document, in order (the listing's
/// elements hold text only).
fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        out.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    out
}

/// The five predefined XML entities, decoded (a key of the archive holds none of them; a
/// stray key is only reported).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

impl Objects for Bucket {
    fn put(&self, bytes: &[u8]) -> io::Result<Sha256Hex> {
        let sha256 = Sha256Hex::of(bytes);
        let reply = self.send(
            "PUT",
            &Bucket::key(&sha256),
            &[],
            &[("if-none-match", "*".to_string())],
            bytes,
            MAX_HEADER,
        )?;
        match reply.status {
            200 => Ok(sha256),
            // Already there: it is taken only if it is these bytes.
            412 | 409 => {
                let held = self.get(&sha256)?;
                if Sha256Hex::of(&held) == sha256 {
                    Ok(sha256)
                } else {
                    Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        format!(
                            "the bucket {} holds other bytes under the name of object {sha256}; they were not replaced",
                            self.base
                        ),
                    ))
                }
            }
            s => Err(status_err(&self.base, "a write", s)),
        }
    }

    fn get(&self, sha256: &Sha256Hex) -> io::Result<Vec<u8>> {
        let reply = self.send(
            "GET",
            &Bucket::key(sha256),
            &[],
            &[],
            b"",
            MAX_OBJECT_BYTES as usize + MAX_HEADER,
        )?;
        match reply.status {
            200 if reply.body.len() as u64 > MAX_OBJECT_BYTES => Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!("it is larger than {MAX_OBJECT_BYTES} bytes, more than the archive holds in one file"),
            )),
            200 => Ok(reply.body),
            404 => Err(io::Error::new(io::ErrorKind::NotFound, "not in the bucket")),
            s => Err(status_err(&self.base, "a read", s)),
        }
    }

    fn remove(&self, sha256: &Sha256Hex) -> io::Result<()> {
        let reply = self.send("DELETE", &Bucket::key(sha256), &[], &[], b"", MAX_HEADER)?;
        match reply.status {
            200 | 204 | 404 => Ok(()),
            s => Err(status_err(&self.base, "an erasure", s)),
        }
    }

    fn scan(&self) -> io::Result<Vec<Found>> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let (page, next) = self.list_page(token.as_deref())?;
            keys.extend(page);
            if keys.len() > MAX_KEYS {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the bucket {} holds more than {MAX_KEYS} keys", self.base),
                ));
            }
            match next {
                Some(t) if Some(&t) != token.as_ref() => token = Some(t),
                _ => break,
            }
        }
        keys.sort();
        Ok(keys
            .into_iter()
            .map(|key| {
                let object = key.strip_prefix("objects/").and_then(|rest| {
                    let (prefix, name) = rest.split_once('/')?;
                    Sha256Hex::parse(name).ok().filter(|h| h.short(2) == prefix)
                });
                match object {
                    Some(h) => Found::Object(h),
                    None => Found::Stray(PathBuf::from(format!("{}/{key}", self.base))),
                }
            })
            .collect())
    }

    fn place(&self) -> PathBuf {
        PathBuf::from(format!("{}/objects", self.base))
    }

    fn place_of(&self, sha256: &Sha256Hex) -> PathBuf {
        PathBuf::from(format!("{}/{}", self.base, Bucket::key(sha256)))
    }
}

#[cfg(test)]
mod tests {
    //! Against a real S3-compatible server (moto's, from PyPI, in `target/pyenv`), started by
    //! the test on 127.0.0.1 and stopped after it.

    use super::*;
    use crate::archive::servers::{free_port, S3Server};

    /// AWS's published example of a signed `GET` (Signature Version 4, "GET Object").
    #[test]
    fn signature_v4_matches_the_published_example() {
        let credentials = Credentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            region: "us-east-1".into(),
        };
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let auth = authorization(
            &credentials,
            "GET",
            "/test.txt",
            &[],
            &[
                ("host", "examplebucket.s3.amazonaws.com".into()),
                ("range", "bytes=0-9".into()),
                ("x-amz-content-sha256", empty.into()),
                ("x-amz-date", "20130524T000000Z".into()),
            ],
            "20130524T000000Z",
            empty,
        );
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    fn credentials() -> Credentials {
        Credentials {
            access_key_id: "tweevoud".into(),
            secret_access_key: "secret-of-the-test".into(),
            region: "us-east-1".into(),
        }
    }

    #[test]
    fn objects_are_stored_create_only_under_their_hash() {
        let server = S3Server::start();
        let bucket = Bucket::new(&server.url, credentials(), None).unwrap();
        assert!(bucket.scan().unwrap().is_empty());
        let a = bucket.put(b"agreement").unwrap();
        assert_eq!(a, Sha256Hex::of(b"agreement"));
        // Again: already there, the same bytes.
        assert_eq!(bucket.put(b"agreement").unwrap(), a);
        assert_eq!(bucket.get(&a).unwrap(), b"agreement");
        let b = bucket.put(&[7u8; 100_000]).unwrap();
        let found: Vec<String> = bucket
            .scan()
            .unwrap()
            .into_iter()
            .map(|f| match f {
                Found::Object(h) => h.into_string(),
                other => panic!("{other:?}"),
            })
            .collect();
        let mut want = vec![a.to_string(), b.to_string()];
        want.sort();
        assert_eq!(found, want);
        assert!(bucket
            .place_of(&a)
            .ends_with(format!("objects/{}/{a}", a.short(2))));
        bucket.remove(&a).unwrap();
        bucket.remove(&a).unwrap();
        let e = bucket.get(&a).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn fail_replaced_object_is_never_taken_nor_overwritten() {
        let server = S3Server::start();
        let bucket = Bucket::new(&server.url, credentials(), None).unwrap();
        let a = Sha256Hex::of(b"the real bytes");
        // Someone with the bucket's keys writes other bytes under its name, and a stray key.
        let forged = bucket
            .send("PUT", &Bucket::key(&a), &[], &[], b"forged", MAX_HEADER)
            .unwrap();
        assert_eq!(forged.status, 200);
        bucket
            .send(
                "PUT",
                "objects/zz/not-an-object",
                &[],
                &[],
                b"x",
                MAX_HEADER,
            )
            .unwrap();
        // The bucket hands back the forged bytes: the archive, which hashes what it reads,
        // finds them corrupt; a put of the real bytes refuses rather than trusting the name.
        assert_eq!(bucket.get(&a).unwrap(), b"forged");
        let e = bucket.put(b"the real bytes").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists, "{e}");
        assert_eq!(bucket.get(&a).unwrap(), b"forged");
        let found = bucket.scan().unwrap();
        assert!(matches!(&found[0], Found::Object(h) if *h == a));
        assert!(
            matches!(&found[1], Found::Stray(p) if p.ends_with("objects/zz/not-an-object")),
            "{found:?}"
        );
    }

    #[test]
    fn fail_unreachable_bucket_and_bad_addresses() {
        let port = free_port();
        let bucket =
            Bucket::new(&format!("http://127.0.0.1:{port}/b"), credentials(), None).unwrap();
        let e = bucket.put(b"x").unwrap_err();
        assert!(!e.to_string().contains("secret-of-the-test"), "{e}");
        for bad in [
            "ftp://s3.example/b",
            "https://s3.example/",
            "https://s3.example/Upper",
            "https://user:pw@s3.example/b",
        ] {
            assert!(Bucket::new(bad, credentials(), None).is_err(), "{bad}");
        }
        // Elsewhere than on this machine, only over TLS.
        for far in [
            "http://s3.example/b",
            "http://10.0.0.7:9000/b",
            "http://[fe80::1]/b",
        ] {
            let e = Bucket::new(far, credentials(), None)
                .unwrap_err()
                .to_string();
            assert!(e.contains("must be https://"), "{far}: {e}");
        }
        for near in [
            "http://localhost:9000/b",
            "http://[::1]:9000/b",
            "https://s3.example/b",
        ] {
            Bucket::new(near, credentials(), None).unwrap();
        }
        let e = Bucket::new("https://s3.example/b", credentials(), Some("not a CA"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("holds no certificate"), "{e}");
    }
}
