//! Asking a TSA over HTTP (RFC 3161 section 3.4): one POST of the request, one bounded reply.
//! Standard library only; plain `http://`, since the token is signed.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use rand_core::{OsRng, RngCore};

use super::request::{read_response, request};
use super::{TsaError, MAX_REPLY_BYTES, MAX_REPLY_HEADER_BYTES};

/// Whether `url` is an address a TSA can be asked at (`http://host[:port]/path`); the reason
/// when it is not.
pub fn check_url(url: &str) -> Result<(), String> {
    match Target::parse(url) {
        Ok(_) => Ok(()),
        Err(TsaError::Url { reason, .. }) => Err(reason),
        Err(e) => Err(e.to_string()),
    }
}

/// Where a TSA is: what to connect to, and what to put in the request line and `Host`.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    host: String,
    port: u16,
    authority: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target, TsaError> {
        let refuse = |reason: &str| TsaError::Url {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(refuse("it contains spaces or control characters"));
        }
        let scheme_end = url
            .find("://")
            .ok_or_else(|| refuse("it is not an http:// URL"))?;
        let scheme = url[..scheme_end].to_ascii_lowercase();
        if scheme == "https" {
            return Err(refuse(
                "https is not supported; RFC 3161 tokens are signed, so plain http:// is what \
                 time-stamping authorities serve",
            ));
        }
        if scheme != "http" {
            return Err(refuse("it is not an http:// URL"));
        }
        let rest = &url[scheme_end + 3..];
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if path.contains('#') {
            return Err(refuse("it has a fragment (#)"));
        }
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        if authority.contains('@') {
            return Err(refuse(
                "user names and passwords in the URL are not supported",
            ));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let end = v6
                .find(']')
                .ok_or_else(|| refuse("its IPv6 address has no ]"))?;
            let after = &v6[end + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err(refuse("it has text after its IPv6 address")),
            };
            (&v6[..end], port)
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(refuse("it names no host"));
        }
        let port = match port {
            None => 80,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => n,
                _ => return Err(refuse("its port is not a number from 1 to 65535")),
            },
        };
        Ok(Target {
            host: host.to_string(),
            port,
            authority: authority.to_string(),
            path,
        })
    }
}

/// (feature "fs") Asks the TSA at `url` for a token over `stamped`: HTTP POST, Content-Type
/// application/timestamp-query, reply application/timestamp-reply, read as
/// [`read_response`] reads it. `timeout` bounds connecting and each wait for the TSA, and the
/// exchange as a whole. Returns the token's DER.
pub fn ask(url: &str, stamped: &[u8], timeout: Duration) -> Result<Vec<u8>, TsaError> {
    let target = Target::parse(url)?;
    let mut nonce = [0u8; 8];
    OsRng
        .try_fill_bytes(&mut nonce)
        .map_err(|e| TsaError::Randomness {
            reason: e.to_string(),
        })?;
    let nonce = u64::from_be_bytes(nonce);
    let query = request(stamped, nonce);
    let body = exchange(&target, &query, timeout)?;
    read_response(&body, stamped, nonce)
}

fn unreachable(reason: impl Into<String>) -> TsaError {
    TsaError::Unreachable {
        reason: reason.into(),
    }
}

/// Posts `query` to `target` and returns the body of its 200 reply.
fn exchange(target: &Target, query: &[u8], timeout: Duration) -> Result<Vec<u8>, TsaError> {
    let deadline = Instant::now() + timeout;
    let timed_out = TsaError::Timeout {
        seconds: timeout.as_secs(),
    };
    let remaining = || {
        deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
    };
    let addrs: Vec<SocketAddr> = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|e| unreachable(format!("the host {} cannot be resolved: {e}", target.host)))?
        .collect();
    let mut last = format!("the host {} has no address", target.host);
    let mut stream = None;
    for addr in addrs {
        let Some(left) = remaining() else {
            return Err(timed_out);
        };
        match TcpStream::connect_timeout(&addr, left) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = format!("no connection to {addr}: {e}"),
        }
    }
    let mut stream = stream.ok_or_else(|| unreachable(last))?;
    let io = |e: std::io::Error| match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => timed_out.clone(),
        _ => unreachable(format!("the connection broke: {e}")),
    };
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/timestamp-query\r\n\
         Accept: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\
         User-Agent: tweevoud\r\n\r\n",
        target.path,
        target.authority,
        query.len()
    );
    let mut message = head.into_bytes();
    message.extend_from_slice(query);
    stream
        .set_write_timeout(remaining().or(Some(Duration::from_millis(1))))
        .map_err(io)?;
    stream.write_all(&message).map_err(io)?;
    let mut reply = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(body) = complete(&reply, false)? {
            return Ok(body);
        }
        let left = remaining().ok_or_else(|| timed_out.clone())?;
        stream.set_read_timeout(Some(left)).map_err(io)?;
        let n = match stream.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        if n == 0 {
            return complete(&reply, true)?.ok_or_else(|| {
                unreachable("the TSA closed the connection before its reply ended")
            });
        }
        if reply.len() + n > MAX_REPLY_BYTES {
            return Err(TsaError::ReplyTooLarge {
                max: MAX_REPLY_BYTES,
            });
        }
        reply.extend_from_slice(&chunk[..n]);
    }
}

fn bad(reason: impl Into<String>) -> TsaError {
    TsaError::BadReply {
        reason: reason.into(),
    }
}

/// The body of `reply` when it is a whole HTTP reply (status 200, a timestamp reply), None
/// when more bytes are needed; `closed` says the connection ended after these bytes.
fn complete(reply: &[u8], closed: bool) -> Result<Option<Vec<u8>>, TsaError> {
    let window = &reply[..reply.len().min(MAX_REPLY_HEADER_BYTES)];
    let Some(end) = window.windows(4).position(|w| w == b"\r\n\r\n") else {
        if reply.len() >= MAX_REPLY_HEADER_BYTES {
            return Err(TsaError::ReplyTooLarge {
                max: MAX_REPLY_HEADER_BYTES,
            });
        }
        return if closed && !reply.is_empty() {
            Err(bad("the reply's headers are cut off"))
        } else {
            Ok(None)
        };
    };
    let head =
        std::str::from_utf8(&reply[..end]).map_err(|_| bad("the reply's headers are not text"))?;
    let body = &reply[end + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let (version, status) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    if !version.starts_with("HTTP/1.") {
        return Err(bad(format!("not an HTTP/1 reply: {status_line:?}")));
    }
    let status: u16 = match status.parse() {
        Ok(s) if status.len() == 3 => s,
        _ => {
            return Err(bad(format!(
                "the status line {status_line:?} cannot be read"
            )))
        }
    };
    if status != 200 {
        return Err(TsaError::HttpStatus { status });
    }
    let (mut length, mut chunked, mut content_type) = (None, false, None);
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| bad(format!("the header line {line:?} cannot be read")))?;
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => {
                let n: usize = value
                    .parse()
                    .map_err(|_| bad(format!("the content length {value:?} is not a number")))?;
                if length.is_some_and(|l| l != n) {
                    return Err(bad("two different content lengths"));
                }
                length = Some(n);
            }
            "transfer-encoding" => {
                if !value.eq_ignore_ascii_case("chunked") {
                    return Err(bad(format!(
                        "the transfer encoding {value:?} is not supported"
                    )));
                }
                chunked = true;
            }
            "content-type" => content_type = Some(value.to_string()),
            _ => {}
        }
    }
    let media = content_type.as_deref().map(|t| {
        t.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if media.as_deref() != Some("application/timestamp-reply") {
        return Err(bad(format!(
            "its content type is {}, not application/timestamp-reply",
            content_type.as_deref().unwrap_or("not given")
        )));
    }
    if chunked {
        return match dechunk(body)? {
            Some(data) => Ok(Some(data)),
            None if closed => Err(bad("the chunked reply is cut off")),
            None => Ok(None),
        };
    }
    match length {
        Some(n) if n > MAX_REPLY_BYTES => Err(TsaError::ReplyTooLarge {
            max: MAX_REPLY_BYTES,
        }),
        Some(n) if body.len() >= n => Ok(Some(body[..n].to_vec())),
        Some(_) if closed => Err(bad("the reply is shorter than its content length")),
        Some(_) => Ok(None),
        None if closed => Ok(Some(body.to_vec())),
        None => Ok(None),
    }
}

/// The data of a whole chunked body (RFC 9112 section 7.1), None when more bytes are needed.
/// Chunk extensions and trailers are read past.
fn dechunk(mut body: &[u8]) -> Result<Option<Vec<u8>>, TsaError> {
    let mut data = Vec::new();
    loop {
        let Some(line_end) = body.windows(2).position(|w| w == b"\r\n") else {
            return if body.len() > 1024 {
                Err(bad("a chunk size line is too long"))
            } else {
                Ok(None)
            };
        };
        let line =
            std::str::from_utf8(&body[..line_end]).map_err(|_| bad("a chunk size is not text"))?;
        let size = line.split(';').next().unwrap_or_default().trim();
        if size.is_empty() || size.len() > 8 {
            return Err(bad(format!("the chunk size {size:?} cannot be read")));
        }
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| bad(format!("the chunk size {size:?} cannot be read")))?;
        if size > MAX_REPLY_BYTES || data.len() + size > MAX_REPLY_BYTES {
            return Err(TsaError::ReplyTooLarge {
                max: MAX_REPLY_BYTES,
            });
        }
        body = &body[line_end + 2..];
        if size == 0 {
            // Trailers, each a line, up to an empty line.
            loop {
                let Some(end) = body.windows(2).position(|w| w == b"\r\n") else {
                    return Ok(None);
                };
                if end == 0 {
                    return Ok(Some(data));
                }
                body = &body[end + 2..];
            }
        }
        if body.len() < size + 2 {
            return Ok(None);
        }
        if &body[size..size + 2] != b"\r\n" {
            return Err(bad("a chunk does not end where its size says"));
        }
        data.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Coded;

    #[test]
    fn urls() {
        let t = Target::parse("http://tsa.example:8080/ts?x=1").unwrap();
        assert_eq!(
            t,
            Target {
                host: "tsa.example".into(),
                port: 8080,
                authority: "tsa.example:8080".into(),
                path: "/ts?x=1".into()
            }
        );
        let t = Target::parse("HTTP://tsa.example").unwrap();
        assert_eq!((t.port, t.path.as_str()), (80, "/"));
        let t = Target::parse("http://[::1]:318/").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 318));
        for bad in [
            "https://tsa.example/",
            "ftp://tsa.example/",
            "tsa.example",
            "http://",
            "http:///path",
            "http://user@tsa.example/",
            "http://tsa.example:0/",
            "http://tsa.example:99999/",
            "http://tsa.example:x/",
            "http://tsa.example/a b",
            "http://tsa.example/#frag",
            "http://[::1/",
        ] {
            let e = Target::parse(bad).unwrap_err();
            assert_eq!(e.code(), "tsa_url", "{bad}");
        }
        let e = Target::parse("https://tsa.example/").unwrap_err();
        assert!(e.to_string().contains("https is not supported"), "{e}");
    }

    #[test]
    fn chunked_bodies() {
        let whole = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: y\r\n\r\n";
        assert_eq!(dechunk(whole).unwrap().unwrap(), b"Wikipedia");
        for cut in 0..whole.len() {
            assert_eq!(dechunk(&whole[..cut]).unwrap(), None, "{cut}");
        }
        for bad_body in [&b"zz\r\n"[..], b"\r\n", b"4\r\nWikiXX", b"123456789\r\n"] {
            assert!(dechunk(bad_body).is_err(), "{bad_body:?}");
        }
        let e = dechunk(b"fffff\r\n").unwrap_err();
        assert_eq!(e.code(), "tsa_reply_too_large");
        assert!(dechunk(&[b'1'; 2000]).is_err());
    }

    #[test]
    fn replies() {
        let ok = |extra: &str, body: &str| {
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/Timestamp-Reply; x=1\r\n{extra}\r\n{body}")
        };
        assert_eq!(
            complete(ok("Content-Length: 3\r\n", "abcdef").as_bytes(), false).unwrap(),
            Some(b"abc".to_vec())
        );
        assert_eq!(
            complete(ok("Content-Length: 3\r\n", "ab").as_bytes(), false).unwrap(),
            None
        );
        assert_eq!(
            complete(ok("", "abc").as_bytes(), true).unwrap(),
            Some(b"abc".to_vec())
        );
        assert_eq!(
            complete(
                ok("Transfer-Encoding: chunked\r\n", "3\r\nabc\r\n0\r\n\r\n").as_bytes(),
                false
            )
            .unwrap(),
            Some(b"abc".to_vec())
        );
        let code = |reply: &str, closed| complete(reply.as_bytes(), closed).unwrap_err().code();
        assert_eq!(
            code(
                "HTTP/1.1 500 Oops\r\nContent-Type: text/html\r\n\r\n<html>",
                false
            ),
            "tsa_http_status"
        );
        assert_eq!(
            code(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>",
                false
            ),
            "tsa_bad_reply"
        );
        assert_eq!(code("SSH-2.0-OpenSSH\r\n\r\n", false), "tsa_bad_reply");
        assert_eq!(code("HTTP/1.1 200", true), "tsa_bad_reply");
        assert_eq!(
            code(&ok("Content-Length: 999999999\r\n", ""), false),
            "tsa_reply_too_large"
        );
        let long = format!(
            "HTTP/1.1 200 OK\r\nX: {}",
            "a".repeat(MAX_REPLY_HEADER_BYTES)
        );
        assert_eq!(code(&long, false), "tsa_reply_too_large");
        assert_eq!(complete(b"HTTP/1.1 200 OK\r\n", false).unwrap(), None);
    }
}
