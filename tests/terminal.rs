//! What reaches a terminal is clean, and what is not a file is not read: through the real
//! binary, a TSA whose refusal holds escape sequences and a fake line, file names, key and
//! contact names with control and bidirectional characters, and a named pipe, a device and a
//! directory given as files (each refused at once, with its words).
#![cfg(all(feature = "fs", unix))]

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

#[path = "common/cli.rs"]
mod cli;

const PASS: &str = "vier losse woorden zijn sterk";
/// Long enough for a debug build on a busy machine; a read that blocks never ends.
const QUICK: Duration = Duration::from_secs(20);

/// Runs the CLI with the profile `profile` and `args`, killing it past `QUICK`: a run that
/// had to be killed fails the test.
fn tv(profile: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tweevoud"))
        .args(args)
        .env("TWEEVOUD_DATA_DIR", profile)
        .env("TWEEVOUD_PASSPHRASE", PASS)
        .env_remove("TWEEVOUD_NOW")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > QUICK {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tweevoud {args:?} did not end within {QUICK:?}");
        }
        thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Nothing a terminal obeys or that hides: no C0 control but line feeds (and tabs), no DEL,
/// no C1, no bidirectional or invisible formatting character.
fn assert_clean(out: &Output) {
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| c != '\n' && c != '\t' && tweevoud::shown::is_hidden_or_control(c))
            .collect();
        assert!(bad.is_empty(), "{name} holds {bad:?}: {text}");
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A named pipe no one writes to, a device that never ends, a directory: every command that
/// reads a file refuses each at once, saying what it is, without opening it for reading.
#[test]
fn fail_what_is_not_a_regular_file_is_refused_at_once() {
    let dir = TempDir::new().unwrap();
    let profile = dir.path().join("profile");
    let fifo = dir.path().join("agreement.tweevoud");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let fifo = fifo.to_str().unwrap();
    let folder = dir.path().join("folder");
    fs::create_dir(&folder).unwrap();
    let folder = folder.to_str().unwrap();
    for (path, what) in [
        (fifo, "a named pipe (FIFO)"),
        ("/dev/zero", "a device"),
        ("/dev/urandom", "a device"),
        (folder, "a directory"),
    ] {
        let out = tv(&profile, &["verify", path]);
        assert_eq!(out.status.code(), Some(2), "verify {path}");
        let err = text(&out.stderr);
        assert_eq!(
            cli::error_code(&out.stderr).as_deref(),
            Some("not_a_file"),
            "{path}: {err}"
        );
        // What it is: the code does not say it, the words do.
        assert!(
            err.contains(&format!("it is {what}, not a regular file")),
            "{path}: {err}"
        );
    }
    for args in [
        vec!["verify", "--json", fifo],
        vec!["check", fifo],
        vec!["render", fifo],
        vec!["fill", fifo, "--set", "a=b"],
        vec!["sign", fifo, "--key", "x", "--as", "provider"],
        vec!["export", fifo],
        vec!["timestamp", fifo],
        vec!["archive", "add", fifo],
        vec!["template", "check", fifo],
        vec!["key", "import", fifo, "--name", "x"],
        vec!["contact", "add", fifo, "--name", "x", "--org", "y"],
        vec!["key", "new", "--name", "x", "--passphrase-file", fifo],
        vec!["tsa", "add", "http://127.0.0.1:9/", "--cert", fifo],
    ] {
        let out = tv(&profile, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("it is a named pipe (FIFO), not a regular file"),
            "{args:?}: {err}"
        );
    }
}

/// A DER length.
fn der_len(n: usize) -> Vec<u8> {
    match n {
        0..=0x7f => vec![n as u8],
        0x80..=0xff => vec![0x81, n as u8],
        _ => vec![0x82, (n >> 8) as u8, n as u8],
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(content.len()));
    out.extend_from_slice(content);
    out
}

/// A TSA that refuses every request (status 2, rejection) with `words` as its status text,
/// for as long as the test runs.
fn refusing_tsa(words: &str) -> String {
    let status_string = der(0x30, &der(0x0c, words.as_bytes()));
    let mut info = vec![0x02, 0x01, 0x02];
    info.extend(status_string);
    let body = der(0x30, &der(0x30, &info));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let body = body.clone();
            thread::spawn(move || {
                // The request's head and its small body.
                let mut buf = [0u8; 8192];
                let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                let _ = stream.read(&mut buf);
                let mut reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                reply.extend(&body);
                let _ = stream.write_all(&reply);
            });
        }
    });
    format!("http://127.0.0.1:{port}/tsa")
}

/// A self-signed certificate to name the TSA with (the refusal comes before any token).
fn certificate(dir: &Path) -> String {
    let out = dir.join("ca.pem");
    let status = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:P-256", "-nodes", "-days", "2"])
        .args(["-subj", "/CN=Test TSA CA", "-keyout"])
        .arg(dir.join("ca.key"))
        .arg("-out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl is needed to make a certificate");
    assert!(status.success());
    out.to_str().unwrap().to_string()
}

/// A TSA's refusal that clears the screen and prints a line of its own reaches the terminal
/// escaped: the words are there, no escape byte, no line that seems the program's.
#[test]
fn fail_a_tsas_refusal_is_shown_escaped() {
    let dir = TempDir::new().unwrap();
    let profile = dir.path().join("profile");
    let words = "busy\x1b[2J\x1b[H\r\ntweevoud: timestamped the signature of Tom Hendrix by \
                 Trusted TSA\u{9b}0m\u{202e}";
    let url = refusing_tsa(words);
    let cert = certificate(dir.path());
    let key = tv(
        &profile,
        &["key", "new", "--name", "Tom Hendrix", "--org", "XIS"],
    );
    assert!(key.status.success(), "{}", text(&key.stderr));
    let add = tv(&profile, &["tsa", "add", &url, "--cert", &cert]);
    assert!(add.status.success(), "{}", text(&add.stderr));
    let draft = dir.path().join("dpa.tweevoud");
    let draft = draft.to_str().unwrap();
    let new = tv(
        &profile,
        &[
            "new",
            "--template",
            "xis-verwerkersovereenkomst",
            "-o",
            draft,
        ],
    );
    assert!(new.status.success(), "{}", text(&new.stderr));
    let sign = tv(
        &profile,
        &[
            "sign",
            draft,
            "--key",
            "Tom Hendrix",
            "--as",
            "provider",
            "--leave-open-for",
            "customer",
        ],
    );
    assert!(sign.status.success(), "{}", text(&sign.stderr));
    let stamp = tv(&profile, &["timestamp", draft]);
    assert_eq!(stamp.status.code(), Some(1));
    for out in [&sign, &stamp] {
        assert_clean(out);
        let err = text(&out.stderr);
        assert!(
            err.contains("the TSA refused to stamp (status 2): busy\\x1b[2J\\x1b[H\\r\\ntweevoud: timestamped"),
            "{err}"
        );
        assert!(err.contains("Trusted TSA\\u{9b}0m\\u{202e}"), "{err}");
        for line in err.lines().chain(text(&out.stdout).lines()) {
            assert!(!line.starts_with("tweevoud: timestamped"), "{line}");
        }
    }
}

/// File names, key names and contact names with control and bidirectional characters are
/// shown escaped, in words and in JSON (which reads back as the same value).
#[test]
fn fail_outside_names_are_shown_escaped() {
    let dir = TempDir::new().unwrap();
    let profile = dir.path().join("profile");
    // A file whose name clears the screen and adds a line; its content is not an agreement.
    let name = "x\x1b[2J\nd.tweevoud: authentic, signed by both parties\u{202e}fdp.tweevoud";
    let file = dir.path().join(name);
    fs::write(&file, "not an agreement").unwrap();
    let file = file.to_str().unwrap();
    for args in [
        vec!["verify", file],
        vec!["check", file],
        vec!["render", file],
        vec!["verify", &file[..file.len() - 1]],
    ] {
        let out = tv(&profile, &args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert_clean(&out);
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(
            all.contains("x\\x1b[2J\\nd.tweevoud: authentic"),
            "{args:?}: {all}"
        );
    }
    let json = tv(&profile, &["verify", "--json", file]);
    assert_clean(&json);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(v["file"].as_str().unwrap().ends_with(name), "{v}");

    // An agreement whose value holds an escape sequence, a fake line and an override.
    let draft = dir.path().join("dpa.tweevoud");
    let draft = draft.to_str().unwrap();
    let new = tv(
        &profile,
        &[
            "new",
            "--template",
            "xis-verwerkersovereenkomst",
            "-o",
            draft,
            "--set",
            "customer_name=Brouwerij Zwarte Kat",
        ],
    );
    assert!(new.status.success(), "{}", text(&new.stderr));
    let json = fs::read_to_string(draft).unwrap();
    assert!(json.contains("Brouwerij Zwarte Kat"));
    fs::write(
        draft,
        json.replace(
            "Brouwerij Zwarte Kat",
            "Brouwerij\\u001b[2J\\n\\u001b[32mauthentic\\u202e Zwarte Kat",
        ),
    )
    .unwrap();
    for args in [
        vec!["verify", draft],
        vec!["verify", "--json", draft],
        vec!["check", draft],
        vec!["render", draft],
    ] {
        let out = tv(&profile, &args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert_clean(&out);
    }

    // A key and a contact named with escape sequences and an override.
    let hostile = "Eve\x1b]0;owned\x07\x1b[2J\nkey: verified\u{202e}";
    let key = tv(&profile, &["key", "new", "--name", hostile, "--org", "X"]);
    let export = dir.path().join("eve.pem");
    let export = export.to_str().unwrap();
    let mut outs = vec![key];
    if outs[0].status.success() {
        outs.push(tv(&profile, &["key", "list"]));
        outs.push(tv(&profile, &["key", "list", "--json"]));
        outs.push(tv(&profile, &["key", "export", hostile, "-o", export]));
        let contacts = dir.path().join("contacts");
        outs.push(tv(
            &contacts,
            &["contact", "add", export, "--name", hostile, "--org", "X"],
        ));
        outs.push(tv(&contacts, &["contact", "list"]));
        outs.push(tv(&contacts, &["contact", "list", "--json"]));
    }
    for out in &outs {
        assert_clean(out);
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(
            !all.contains("\nkey: verified"),
            "a line of the name's own: {all}"
        );
    }
    let listed = tv(&profile, &["key", "list", "--json"]);
    if listed.status.success() {
        let v: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
        assert!(v.to_string().contains("\\u001b[2J"), "{v}");
        assert!(
            v.as_array()
                .unwrap()
                .iter()
                .any(|k| k["name"].as_str() == Some(hostile)),
            "{v}"
        );
    }
}
