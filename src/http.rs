//! One HTTP POST of a signed request and its bounded reply: how Tweevoud asks a
//! time-stamping authority for a token (RFC 3161 section 3.4) and an OCSP responder for a
//! certificate's status (RFC 6960 appendix A). Standard library only; plain `http://`, since
//! what is asked for is signed and checked on its own.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Why a POST failed; the caller says to whom it was made (a TSA, an OCSP responder) in its
/// own coded error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HttpError {
    /// The URL is not an `http://host[:port]/path` URL that can be used.
    Url {
        /// The URL as given.
        url: String,
        /// English words.
        reason: String,
    },
    /// No connection could be made, or it broke off.
    Unreachable {
        /// English words.
        reason: String,
    },
    /// No whole answer in time.
    Timeout {
        /// The time allowed, in whole seconds.
        seconds: u64,
    },
    /// An HTTP status other than 200.
    Status {
        /// The HTTP status code.
        status: u16,
    },
    /// The reply (or its headers) is larger than its bound.
    TooLarge {
        /// The bound, in bytes.
        max: usize,
    },
    /// The reply is not a readable HTTP reply of the media type asked for.
    BadReply {
        /// English words.
        reason: String,
    },
}

/// One POST: where, what, and its bounds.
pub(crate) struct Post<'a> {
    /// `http://host[:port]/path`.
    pub url: &'a str,
    /// The request's media type.
    pub content_type: &'static str,
    /// The media type the reply must have.
    pub accept: &'static str,
    /// The request's body.
    pub body: &'a [u8],
    /// Bounds connecting, each wait and the exchange as a whole.
    pub timeout: Duration,
    /// The largest reply read (headers and body), in bytes.
    pub max_reply: usize,
    /// The largest header section read, in bytes.
    pub max_header: usize,
}

/// Whether `url` is an address that can be posted to (`http://host[:port]/path`); the reason
/// when it is not.
pub(crate) fn check_url(url: &str) -> Result<(), String> {
    checked(Target::parse(url, false))
}

/// Whether `url` is an address a [`Request`] can be sent to (`http://` or `https://`); the
/// reason when it is not. Its host, when it is.
#[cfg(feature = "team")]
pub(crate) fn check_request_url(url: &str) -> Result<(String, bool), String> {
    let target = Target::parse(url, true);
    let found = target
        .as_ref()
        .map(|t| (t.host.clone(), t.tls))
        .unwrap_or_default();
    checked(target).map(|()| found)
}

fn checked(target: Result<Target, HttpError>) -> Result<(), String> {
    match target {
        Ok(_) => Ok(()),
        Err(HttpError::Url { reason, .. }) => Err(reason),
        Err(_) => Err("it cannot be used".to_string()),
    }
}

/// Where a server is: what to connect to, and what to put in the request line and `Host`.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    host: String,
    port: u16,
    authority: String,
    path: String,
    /// `https://`: over TLS.
    tls: bool,
}

impl Target {
    /// The target of `url`; `https` says whether an `https://` URL may be used.
    fn parse(url: &str, https: bool) -> Result<Target, HttpError> {
        let refuse = |reason: &str| HttpError::Url {
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
        if scheme == "https" && !https {
            return Err(refuse(
                "https is not supported; timestamps and OCSP answers are signed, so plain \
                 http:// is what time-stamping authorities and OCSP responders serve",
            ));
        }
        let tls = scheme == "https";
        if scheme != "http" && !tls {
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
            None if tls => 443,
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
            tls,
        })
    }
}

/// Posts `post.body` to `post.url` and returns the body of its 200 reply of media type
/// `post.accept`.
pub(crate) fn post(post: &Post) -> Result<Vec<u8>, HttpError> {
    let target = Target::parse(post.url, false)?;
    let headers = [
        ("content-type", post.content_type.to_string()),
        ("accept", post.accept.to_string()),
    ];
    let send = Send {
        method: "POST",
        headers: &headers,
        body: post.body,
        timeout: post.timeout,
        max_reply: post.max_reply,
        tls: None,
    };
    exchange(&target, &send, |reply, closed| {
        complete(reply, closed, post)
    })
}

/// One request of any method, whatever the reply's status (see [`request`]).
#[cfg(feature = "team")]
pub(crate) struct Request<'a> {
    /// `GET`, `PUT`, `DELETE`...
    pub method: &'static str,
    /// `http://host[:port]/path[?query]`.
    pub url: &'a str,
    /// Headers besides `Host`, `Content-Length`, `Connection` and `User-Agent`.
    pub headers: &'a [(&'a str, String)],
    /// The request's body (empty: none).
    pub body: &'a [u8],
    /// Bounds connecting, each wait and the exchange as a whole.
    pub timeout: Duration,
    /// The largest reply read (headers and body), in bytes.
    pub max_reply: usize,
    /// The largest header section read, in bytes.
    pub max_header: usize,
    /// How an `https://` URL's server is checked (`None`: `https://` is refused).
    pub tls: Option<&'a std::sync::Arc<rustls::ClientConfig>>,
}

/// A reply to a [`Request`].
#[derive(Debug)]
#[cfg(feature = "team")]
pub(crate) struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// Sends a request and returns the reply, whatever its status, bounded as the request says.
#[cfg(feature = "team")]
pub(crate) fn request(request: &Request) -> Result<Reply, HttpError> {
    let target = Target::parse(request.url, request.tls.is_some())?;
    if request.tls.is_some() && !target.tls {
        // A request meant to go over TLS never goes in clear.
        return Err(HttpError::Url {
            url: request.url.to_string(),
            reason: "it is not an https:// URL, and this request goes over TLS only".into(),
        });
    }
    let send = Send {
        method: request.method,
        headers: request.headers,
        body: request.body,
        timeout: request.timeout,
        max_reply: request.max_reply,
        tls: request.tls,
    };
    exchange(&target, &send, |reply, closed| {
        let Some(head) = head_of(reply, closed, request.max_header)? else {
            return Ok(None);
        };
        if let Some(e) = head.problem {
            return Err(e);
        }
        Ok(
            body_of(reply, &head, closed, request.max_reply)?.map(|body| Reply {
                status: head.status,
                body,
            }),
        )
    })
}

/// A failure in English words, for a caller that says to whom the request was made.
#[cfg(feature = "team")]
pub(crate) fn describe(e: &HttpError) -> String {
    match e {
        HttpError::Url { url, reason } => format!("the address {url:?} cannot be used: {reason}"),
        HttpError::Unreachable { reason } => reason.clone(),
        HttpError::Timeout { seconds } => format!("no whole answer within {seconds} s"),
        HttpError::Status { status } => format!("HTTP status {status}"),
        HttpError::TooLarge { max } => format!("an answer larger than {max} bytes"),
        HttpError::BadReply { reason } => format!("an answer that cannot be read: {reason}"),
    }
}

/// What [`exchange`] writes.
struct Send<'a> {
    method: &'static str,
    headers: &'a [(&'a str, String)],
    body: &'a [u8],
    timeout: Duration,
    max_reply: usize,
    #[cfg(feature = "team")]
    tls: Option<&'a std::sync::Arc<rustls::ClientConfig>>,
    #[cfg(not(feature = "team"))]
    tls: Option<std::convert::Infallible>,
}

/// A connection: in clear, or over TLS (feature `team`).
enum Conn {
    Plain(TcpStream),
    #[cfg(feature = "team")]
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Conn {
    /// The connection underneath, whose timeouts bound every wait.
    fn tcp(&self) -> &TcpStream {
        match self {
            Conn::Plain(s) => s,
            #[cfg(feature = "team")]
            Conn::Tls(s) => &s.sock,
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            #[cfg(feature = "team")]
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            #[cfg(feature = "team")]
            Conn::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            #[cfg(feature = "team")]
            Conn::Tls(s) => s.flush(),
        }
    }
}

fn unreachable(reason: impl Into<String>) -> HttpError {
    HttpError::Unreachable {
        reason: reason.into(),
    }
}

/// Sends `send` to `target` and reads the reply until `finish` makes something of it
/// (`None`: more bytes are needed; its second argument says the connection ended).
fn exchange<T>(
    target: &Target,
    send: &Send,
    finish: impl Fn(&[u8], bool) -> Result<Option<T>, HttpError>,
) -> Result<T, HttpError> {
    let timeout = send.timeout;
    let query = send.body;
    let deadline = Instant::now() + timeout;
    let timed_out = HttpError::Timeout {
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
    let tcp = stream.ok_or_else(|| unreachable(last))?;
    let io = |e: std::io::Error| match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => timed_out.clone(),
        // What rustls found wrong with the server's certificate or the handshake.
        ErrorKind::InvalidData => unreachable(format!("no secure connection: {e}")),
        _ => unreachable(format!("the connection broke: {e}")),
    };
    let mut stream = match (target.tls, send.tls) {
        (false, _) => Conn::Plain(tcp),
        #[cfg(feature = "team")]
        (true, Some(config)) => {
            let name = rustls::pki_types::ServerName::try_from(target.host.clone())
                .map_err(|_| unreachable(format!("{} is not a host name", target.host)))?;
            let connection = rustls::ClientConnection::new(config.clone(), name)
                .map_err(|e| unreachable(format!("no secure connection: {e}")))?;
            Conn::Tls(Box::new(rustls::StreamOwned::new(connection, tcp)))
        }
        (true, _) => return Err(unreachable("https:// without a TLS configuration")),
    };
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {}\r\n",
        send.method, target.path, target.authority
    );
    for (name, value) in send.headers {
        let name = capitalised(name);
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\nUser-Agent: tweevoud\r\n\r\n",
        query.len()
    ));
    let mut message = head.into_bytes();
    message.extend_from_slice(query);
    stream
        .tcp()
        .set_write_timeout(remaining().or(Some(Duration::from_millis(1))))
        .map_err(io)?;
    // Over TLS, the handshake is done here too, under the same bounds.
    stream.write_all(&message).map_err(io)?;
    stream.flush().map_err(io)?;
    let mut reply = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(done) = finish(&reply, false)? {
            return Ok(done);
        }
        let left = remaining().ok_or_else(|| timed_out.clone())?;
        stream.tcp().set_read_timeout(Some(left)).map_err(io)?;
        let n = match stream.read(&mut chunk) {
            Ok(n) => n,
            // A server that closes its side without TLS's close_notify: the end, as over a
            // plain connection; a reply cut short is then told by its length (`finish`).
            Err(e) if e.kind() == ErrorKind::UnexpectedEof && target.tls => 0,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        if n == 0 {
            return finish(&reply, true)?.ok_or_else(|| {
                unreachable("the server closed the connection before its reply ended")
            });
        }
        if reply.len() + n > send.max_reply {
            return Err(HttpError::TooLarge {
                max: send.max_reply,
            });
        }
        reply.extend_from_slice(&chunk[..n]);
    }
}

fn bad(reason: impl Into<String>) -> HttpError {
    HttpError::BadReply {
        reason: reason.into(),
    }
}

/// A header name as it is written (`content-type` as `Content-Type`).
fn capitalised(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The head of a reply: its status and what its headers say of the body.
struct Head {
    status: u16,
    /// Where the body starts.
    body_start: usize,
    length: Option<usize>,
    chunked: bool,
    content_type: Option<String>,
    /// A header line that cannot be read (reported after the status, which was read).
    problem: Option<HttpError>,
}

/// The head of `reply`, None when more bytes are needed; `closed` says the connection ended
/// after these bytes.
fn head_of(reply: &[u8], closed: bool, max_header: usize) -> Result<Option<Head>, HttpError> {
    let window = &reply[..reply.len().min(max_header)];
    let Some(end) = window.windows(4).position(|w| w == b"\r\n\r\n") else {
        if reply.len() >= max_header {
            return Err(HttpError::TooLarge { max: max_header });
        }
        return if closed && !reply.is_empty() {
            Err(bad("the reply's headers are cut off"))
        } else {
            Ok(None)
        };
    };
    let head =
        std::str::from_utf8(&reply[..end]).map_err(|_| bad("the reply's headers are not text"))?;
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
    let mut h = Head {
        status,
        body_start: end + 4,
        length: None,
        chunked: false,
        content_type: None,
        problem: None,
    };
    if let Err(e) = read_headers(lines, &mut h) {
        h.problem = Some(e);
    }
    Ok(Some(h))
}

/// What the header lines say of the body.
fn read_headers<'a>(lines: impl Iterator<Item = &'a str>, h: &mut Head) -> Result<(), HttpError> {
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
                if h.length.is_some_and(|l| l != n) {
                    return Err(bad("two different content lengths"));
                }
                h.length = Some(n);
            }
            "transfer-encoding" => {
                if !value.eq_ignore_ascii_case("chunked") {
                    return Err(bad(format!(
                        "the transfer encoding {value:?} is not supported"
                    )));
                }
                h.chunked = true;
            }
            "content-type" => h.content_type = Some(value.to_string()),
            _ => {}
        }
    }
    Ok(())
}

/// The body of `reply` whose head is `h`, None when more bytes are needed.
fn body_of(
    reply: &[u8],
    h: &Head,
    closed: bool,
    max_reply: usize,
) -> Result<Option<Vec<u8>>, HttpError> {
    let body = &reply[h.body_start..];
    if h.chunked {
        return match dechunk(body, max_reply)? {
            Some(data) => Ok(Some(data)),
            None if closed => Err(bad("the chunked reply is cut off")),
            None => Ok(None),
        };
    }
    match h.length {
        Some(n) if n > max_reply => Err(HttpError::TooLarge { max: max_reply }),
        Some(n) if body.len() >= n => Ok(Some(body[..n].to_vec())),
        Some(_) if closed => Err(bad("the reply is shorter than its content length")),
        Some(_) => Ok(None),
        None if closed => Ok(Some(body.to_vec())),
        None => Ok(None),
    }
}

/// The body of `reply` when it is a whole HTTP reply (status 200, of the media type
/// `post.accept`), None when more bytes are needed; `closed` says the connection ended after
/// these bytes.
fn complete(reply: &[u8], closed: bool, post: &Post) -> Result<Option<Vec<u8>>, HttpError> {
    let Some(h) = head_of(reply, closed, post.max_header)? else {
        return Ok(None);
    };
    if h.status != 200 {
        return Err(HttpError::Status { status: h.status });
    }
    if let Some(e) = h.problem {
        return Err(e);
    }
    let media = h.content_type.as_deref().map(|t| {
        t.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if media.as_deref() != Some(post.accept) {
        return Err(bad(format!(
            "its content type is {}, not {}",
            h.content_type.as_deref().unwrap_or("not given"),
            post.accept
        )));
    }
    body_of(reply, &h, closed, post.max_reply)
}

/// The data of a whole chunked body (RFC 9112 section 7.1), None when more bytes are needed.
/// Chunk extensions and trailers are read past; the data is at most `max` bytes.
fn dechunk(mut body: &[u8], max: usize) -> Result<Option<Vec<u8>>, HttpError> {
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
        if size > max || data.len() + size > max {
            return Err(HttpError::TooLarge { max });
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

    /// The variant of `e`, by name.
    fn kind(e: &HttpError) -> &'static str {
        match e {
            HttpError::Url { .. } => "url",
            HttpError::Unreachable { .. } => "unreachable",
            HttpError::Timeout { .. } => "timeout",
            HttpError::Status { .. } => "status",
            HttpError::TooLarge { .. } => "too_large",
            HttpError::BadReply { .. } => "bad_reply",
        }
    }

    const MAX: usize = 256 << 10;
    const MAX_HEADER: usize = 16 << 10;

    fn timestamp_post() -> Post<'static> {
        Post {
            url: "http://tsa.example/",
            content_type: "application/timestamp-query",
            accept: "application/timestamp-reply",
            body: b"",
            timeout: Duration::from_secs(1),
            max_reply: MAX,
            max_header: MAX_HEADER,
        }
    }

    #[test]
    fn urls() {
        let t = Target::parse("http://tsa.example:8080/ts?x=1", false).unwrap();
        assert_eq!(
            t,
            Target {
                host: "tsa.example".into(),
                port: 8080,
                authority: "tsa.example:8080".into(),
                path: "/ts?x=1".into(),
                tls: false,
            }
        );
        let t = Target::parse("HTTP://tsa.example", false).unwrap();
        assert_eq!((t.port, t.path.as_str()), (80, "/"));
        let t = Target::parse("http://[::1]:318/", false).unwrap();
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
            let e = Target::parse(bad, false).unwrap_err();
            assert_eq!(kind(&e), "url", "{bad}");
        }
        let e = check_url("https://tsa.example/").unwrap_err();
        assert!(e.contains("https is not supported"), "{e}");
        // A request (the team archive's bucket) may go to https://, on port 443 unless one
        // is given.
        let t = Target::parse("https://s3.example/bucket", true).unwrap();
        assert_eq!(
            (t.port, t.tls, t.authority.as_str()),
            (443, true, "s3.example")
        );
        let t = Target::parse("HTTPS://s3.example:9000/b", true).unwrap();
        assert_eq!((t.port, t.tls), (9000, true));
        assert!(!Target::parse("http://s3.example/b", true).unwrap().tls);
        assert_eq!(
            kind(&Target::parse("ftp://s3.example/b", true).unwrap_err()),
            "url"
        );
    }

    #[test]
    fn chunked_bodies() {
        let whole = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: y\r\n\r\n";
        assert_eq!(dechunk(whole, MAX).unwrap().unwrap(), b"Wikipedia");
        for cut in 0..whole.len() {
            assert_eq!(dechunk(&whole[..cut], MAX).unwrap(), None, "{cut}");
        }
        for bad_body in [&b"zz\r\n"[..], b"\r\n", b"4\r\nWikiXX", b"123456789\r\n"] {
            assert!(dechunk(bad_body, MAX).is_err(), "{bad_body:?}");
        }
        let e = dechunk(b"fffff\r\n", MAX).unwrap_err();
        assert_eq!(kind(&e), "too_large");
        assert!(dechunk(&[b'1'; 2000], MAX).is_err());
    }

    #[test]
    fn replies() {
        let post = timestamp_post();
        let complete = |reply: &[u8], closed| complete(reply, closed, &post);
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
        let code = |reply: &str, closed| kind(&complete(reply.as_bytes(), closed).unwrap_err());
        assert_eq!(
            code(
                "HTTP/1.1 500 Oops\r\nContent-Type: text/html\r\n\r\n<html>",
                false
            ),
            "status"
        );
        assert_eq!(
            code(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>",
                false
            ),
            "bad_reply"
        );
        assert_eq!(code("SSH-2.0-OpenSSH\r\n\r\n", false), "bad_reply");
        assert_eq!(code("HTTP/1.1 200", true), "bad_reply");
        assert_eq!(
            code(&ok("Content-Length: 999999999\r\n", ""), false),
            "too_large"
        );
        let long = format!("HTTP/1.1 200 OK\r\nX: {}", "a".repeat(MAX_HEADER));
        assert_eq!(code(&long, false), "too_large");
        assert_eq!(complete(b"HTTP/1.1 200 OK\r\n", false).unwrap(), None);
        // Another media type is asked for: a timestamp reply is not an OCSP answer.
        let ocsp = Post {
            accept: "application/ocsp-response",
            ..timestamp_post()
        };
        let e = super::complete(ok("", "abc").as_bytes(), true, &ocsp).unwrap_err();
        assert_eq!(kind(&e), "bad_reply");
    }
}
