//! Hostile PDFs through the real binary, each made here: cross-reference streams that made
//! the old reader (lopdf) abort or loop, name trees that fan out or repeat, nesting 100,000
//! deep, an object stream inside itself, a stream whose /Length lies, an attachment that
//! inflates to gigabytes. `verify`, `fill` and `archive add` run as child processes under a
//! 256 MB address-space limit and 5 s of CPU; each must end within 2 s with exit code 1 or 2
//! and words, never a signal, and write nothing.
//!
//! `TWEEVOUD_FUZZ_SEEDS=fuzz/seeds/pdf cargo test --test hostile_pdf write_fuzz_seeds` writes
//! the small ones as seeds of the PDF fuzz target (`scripts/harden.sh` does).

mod common;

use std::io::Write as _;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tweevoud::pdf::{self, PdfError};
use tweevoud::Agreement;

/// A PDF of `objects` (numbered from 1) with one cross-reference table, `trailer` added to
/// its trailer.
fn classic(objects: &[Vec<u8>], trailer: &str) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(b.len());
        b.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        b.extend(o);
        b.extend(b"\nendobj\n");
    }
    let xref = b.len();
    b.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        b.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    b.extend(
        format!(
            "trailer\n<</Size {}{trailer}>>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    b
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    [
        format!("<<{dict}>>stream\n").into_bytes(),
        data.to_vec(),
        b"\nendstream".to_vec(),
    ]
    .concat()
}

/// Tweevoud's layout (catalog, name tree, file specification, embedded file), with the
/// embedded file's stream dictionary and data given.
fn attached(dict: &str, data: &[u8]) -> Vec<u8> {
    classic(
        &[
            b"<</Type/Catalog/Names<</EmbeddedFiles<</Names[(a.tweevoud) 2 0 R]>>>>/AF[2 0 R]>>"
                .to_vec(),
            b"<</Type/Filespec/F(a.tweevoud)/UF(a.tweevoud)/EF<</F 3 0 R/UF 3 0 R>>>>".to_vec(),
            stream(dict, data),
        ],
        "/Root 1 0 R",
    )
}

/// A zlib stream of a single zero followed by `repeats` copies of the 258 bytes before,
/// in fixed Huffman codes: 13 bits for every 258 bytes, so a few megabytes inflate to
/// gigabytes. It ends properly (end of block, Adler-32).
fn zlib_bomb(repeats: usize) -> Vec<u8> {
    /// Bits, least significant first, as deflate packs them.
    #[derive(Default)]
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, n: u32) {
            self.acc |= value << self.n;
            self.n += n;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u64, n: u32) {
            let reversed = (0..n).fold(0, |r, i| r | ((code >> i) & 1) << (n - 1 - i));
            self.put(reversed, n);
        }
        /// Length 258 at distance 1: the 258 bytes before, again.
        fn again(&mut self) {
            self.code(0b1100_0101, 8);
            self.code(0, 5);
        }
    }
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        ..Bits::default()
    };
    bits.put(1, 1); // the last block
    bits.put(1, 2); // fixed Huffman codes
    bits.code(0b0011_0000, 8); // literal 0
    let mut done = 0;
    while bits.n != 0 && done < repeats {
        bits.again();
        done += 1;
    }
    // Eight codes are 104 bits, 13 whole bytes: make them once, then copy them.
    let mut unit = Bits::default();
    for _ in 0..8 {
        unit.again();
    }
    assert_eq!((unit.out.len(), unit.n), (13, 0));
    if bits.n == 0 {
        while done + 8 <= repeats {
            bits.out.extend_from_slice(&unit.out);
            done += 8;
        }
    }
    while done < repeats {
        bits.again();
        done += 1;
    }
    bits.code(0, 7); // end of block
    if bits.n > 0 {
        bits.put(0, 8 - bits.n);
    }
    let total = 1 + 258 * repeats as u64;
    let adler = ((total % 65521) << 16) | 1;
    bits.out.extend_from_slice(&(adler as u32).to_be_bytes());
    bits.out
}

/// The hostile PDFs, by name.
fn hostile() -> Vec<(&'static str, Vec<u8>)> {
    let mut all: Vec<(&'static str, Vec<u8>)> = Vec::new();
    // Field widths of 64 bytes: lopdf 0.44 asks for 64 TiB and aborts.
    all.push((
        "xref-w-overflow",
        b"%PDF-1.5\n1 0 obj\n<</Type/XRef/Size 2/W[64 64 64]/Root 1 0 R/Length 0>>stream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n"
            .to_vec(),
    ));
    // Field widths of nothing and two billion entries: lopdf 0.44 loops for minutes.
    all.push((
        "xref-w-zero-huge-size",
        b"%PDF-1.5\n1 0 obj\n<</Type/XRef/Size 2147483647/W[0 0 0]/Root 1 0 R/Length 0>>stream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n"
            .to_vec(),
    ));
    // A cross-reference table that claims two billion objects.
    all.push((
        "xref-table-huge-count",
        b"%PDF-1.7\nxref\n0 2147483647\n0000000000 65535 f \ntrailer\n<</Size 2147483647/Root 1 0 R>>\nstartxref\n9\n%%EOF\n"
            .to_vec(),
    ));
    // A name tree of 5 levels of 100 kids, each level the same object: 10^10 nodes.
    let mut objects = vec![b"<</Type/Catalog/Names<</EmbeddedFiles 2 0 R>>>>".to_vec()];
    for level in 0..5u32 {
        let kid = format!("{} 0 R ", level + 3);
        objects.push(format!("<</Kids[{}]>>", kid.repeat(100)).into_bytes());
    }
    objects.push(b"<</Names[(a.tweevoud) 8 0 R]>>".to_vec());
    objects.push(b"<</Type/Filespec/F(a.tweevoud)/EF<</F 9 0 R>>>>".to_vec());
    objects.push(stream("/Length 2", b"{}"));
    all.push(("name-tree-fan-out", classic(&objects, "/Root 1 0 R")));
    // 2 MB of /Names pairs, all naming one file specification.
    let pairs = b"(a.tweevoud) 3 0 R ".repeat(2_000_000 / 19);
    all.push((
        "names-amplification",
        classic(
            &[
                b"<</Type/Catalog/Names<</EmbeddedFiles 2 0 R>>>>".to_vec(),
                [b"<</Names[".to_vec(), pairs, b"]>>".to_vec()].concat(),
                b"<</Type/Filespec/F(a.tweevoud)/EF<</F 4 0 R>>>>".to_vec(),
                stream("/Length 2", b"{}"),
            ],
            "/Root 1 0 R",
        ),
    ));
    // Arrays and dictionaries 100,000 deep.
    let depth = 100_000;
    let arrays = ["[".repeat(depth), "]".repeat(depth)].concat();
    all.push((
        "deep-arrays",
        classic(
            &[format!("<</Type/Catalog/Names {arrays}>>").into_bytes()],
            "/Root 1 0 R",
        ),
    ));
    let dicts = ["<</A".repeat(depth), ">>".repeat(depth)].concat();
    all.push((
        "deep-dictionaries",
        classic(
            &[format!("<</Type/Catalog/Names {dicts}>>").into_bytes()],
            "/Root 1 0 R",
        ),
    ));
    // An object stream holding the catalog and, by its cross-reference stream, itself.
    let mut b = b"%PDF-1.7\n1 0 obj\n".to_vec();
    let inner = b"1 0 2 0 <</Type/Catalog>> <</Type/ObjStm>>";
    b.extend(stream(
        &format!("/Type/ObjStm/N 2/First 8/Length {}", inner.len()),
        inner,
    ));
    b.extend(b"\nendobj\n");
    let xref = b.len();
    let entries = [[0u8, 0, 0, 0], [2, 0, 1, 0], [2, 0, 1, 1], [1, 0, 9, 0]];
    let entries: Vec<u8> = entries.concat();
    b.extend(
        format!(
            "3 0 obj\n<</Type/XRef/Size 4/W[1 2 1]/Root 1 0 R/Length {}>>stream\n",
            entries.len()
        )
        .as_bytes(),
    );
    b.extend(&entries);
    b.extend(format!("\nendstream\nendobj\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    all.push(("object-stream-in-itself", b));
    // Streams whose /Length says more or less than there is.
    all.push((
        "length-too-long",
        attached(
            "/Length 999999999",
            b"{\"format\": \"tweevoud-agreement/1\"}",
        ),
    ));
    all.push((
        "length-too-short",
        attached("/Length 5", b"{\"format\": \"tweevoud-agreement/1\"}"),
    ));
    all.push((
        "length-negative",
        attached("/Length -40", b"{\"format\": \"tweevoud-agreement/1\"}"),
    ));
    all.push((
        "length-refers-to-itself",
        attached("/Length 3 0 R", b"{\"format\": \"tweevoud-agreement/1\"}"),
    ));
    // The attachment inflates to 2 GiB.
    let bomb = zlib_bomb((2u64 << 30).div_ceil(258) as usize);
    all.push((
        "zip-bomb",
        attached(&format!("/Length {}/Filter/FlateDecode", bomb.len()), &bomb),
    ));
    // References in a circle, and a /Prev that goes round.
    all.push((
        "reference-loop",
        classic(&[b"2 0 R".to_vec(), b"1 0 R".to_vec()], "/Root 1 0 R"),
    ));
    let mut looped = classic(&[b"<</Type/Catalog>>".to_vec()], "/Root 1 0 R");
    let xref = looped.len();
    looped.extend(
        format!("xref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 2/Root 1 0 R/Prev {xref}>>\nstartxref\n{xref}\n%%EOF\n")
            .as_bytes(),
    );
    all.push(("prev-loop", looped));
    all
}

/// What a limited run of the binary did.
struct Run {
    code: Option<i32>,
    signal: Option<i32>,
    output: String,
    took: Duration,
}

/// Runs `tweevoud args` with 256 MB of address space and 5 s of CPU, killed after 10 s of
/// wall-clock time.
fn run_limited(dir: &Path, args: &[&str]) -> Run {
    let out = dir.join("stdout");
    let err = dir.join("stderr");
    let start = Instant::now();
    let mut child = Command::new("prlimit")
        .args(["--as=268435456", "--cpu=5", "--"])
        .arg(env!("CARGO_BIN_EXE_tweevoud"))
        .args(args)
        .env("TWEEVOUD_DATA_DIR", dir.join("profile"))
        .env("TWEEVOUD_PASSPHRASE", "a passphrase for hostile tests")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("prlimit (util-linux) runs");
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = start.elapsed();
    let output = format!(
        "{}{}",
        std::fs::read_to_string(out).unwrap(),
        std::fs::read_to_string(err).unwrap()
    );
    Run {
        code: status.code(),
        signal: status.signal(),
        output,
        took,
    }
}

/// The files under `dir`, all levels down.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn fail_hostile_pdfs_are_refused_in_bounded_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = Vec::new();
    for (name, bytes) in hostile() {
        // The library refuses each, in words.
        let refused = pdf::embedded_agreement(&bytes).expect_err(name);
        assert!(
            matches!(
                refused,
                PdfError::Malformed(_) | PdfError::Attachment(_) | PdfError::NoAgreement
            ),
            "{name}: {refused:?}"
        );
        let case = dir.path().join(name);
        std::fs::create_dir(&case).unwrap();
        let file = case.join(format!("{name}.pdf"));
        std::fs::write(&file, &bytes).unwrap();
        let data_dir = case.join("data");
        let f = file.to_str().unwrap();
        for args in [
            vec!["verify", f],
            vec!["fill", f, "--set", "x=y"],
            vec![
                "archive",
                "add",
                f,
                "--data-dir",
                data_dir.to_str().unwrap(),
            ],
        ] {
            let run = run_limited(&case, &args);
            let command: Vec<&str> = args.iter().copied().filter(|a| !a.contains('/')).collect();
            let what = format!("{name}: tweevoud {}", command.join(" "));
            assert_eq!(run.signal, None, "{what} was killed: {}", run.output);
            assert!(
                matches!(run.code, Some(1 | 2)),
                "{what}: exit {:?}: {}",
                run.code,
                run.output
            );
            assert!(
                run.output.contains("PDF") || run.output.contains("agreement file"),
                "{what} says why: {}",
                run.output
            );
            assert!(!run.output.contains("panicked"), "{what}: {}", run.output);
            assert!(
                run.took < Duration::from_secs(2),
                "{what} took {:?}",
                run.took
            );
            report.push(format!(
                "{what}: {:?}, exit {:?}: {}",
                run.took,
                run.code,
                run.output.lines().next().unwrap_or_default()
            ));
        }
        // Nothing written: no agreement file beside the PDF, nothing archived.
        assert!(!case.join(format!("{name}.tweevoud")).exists(), "{name}");
        let written: Vec<PathBuf> = files(&data_dir)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "tweevoud" || e == "pdf"))
            .collect();
        assert!(written.is_empty(), "{name}: archived {written:?}");
    }
    println!("{}", report.join("\n"));
}

fn dpa_exemplar() -> (Agreement, Vec<u8>) {
    let agreement = Agreement::from_json(include_str!("vectors/dpa-complete.tweevoud")).unwrap();
    let bytes = pdf::exemplars(&agreement, &common::sealer(&agreement))
        .unwrap()
        .remove(0)
        .bytes;
    (agreement, bytes)
}

/// An update another program appends (here: page 1 replaced by an empty page) is not read:
/// the agreement Tweevoud wrote is taken out, and verify reports that the visible document
/// differs.
#[test]
fn an_appended_update_is_not_read_and_verify_says_the_pdf_was_changed() {
    let (agreement, original) = dpa_exemplar();
    let updated = common::with_page_1_replaced(&original);
    let embedded = pdf::embedded_agreement(&updated).unwrap();
    assert_eq!(embedded.json, agreement.to_json());
    assert_eq!(embedded.exemplar.as_deref(), Some("1"));
    let check = pdf::verify_exemplar(&updated).unwrap();
    assert!(!check.visible_document_matches);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("updated.pdf");
    std::fs::write(&file, &updated).unwrap();
    let run = run_limited(dir.path(), &["verify", file.to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}", run.output);
    // A sealed exemplar (renderer 3) takes no update but the other party's seal.
    assert!(
        run.output
            .contains("it holds an update that is not a Tweevoud seal"),
        "{}",
        run.output
    );
}

/// The hostile PDFs small enough to be fuzzing seeds (all of them with
/// `TWEEVOUD_HOSTILE_ALL=1`, to measure them), written where `TWEEVOUD_FUZZ_SEEDS` says
/// (nothing is written without it).
#[test]
fn write_fuzz_seeds() {
    let Some(to) = std::env::var_os("TWEEVOUD_FUZZ_SEEDS") else {
        return;
    };
    let to = PathBuf::from(to);
    std::fs::create_dir_all(&to).unwrap();
    for (name, bytes) in hostile() {
        if bytes.len() <= 64 << 10 || std::env::var_os("TWEEVOUD_HOSTILE_ALL").is_some() {
            let mut f = std::fs::File::create(to.join(format!("fail_{name}.pdf"))).unwrap();
            f.write_all(&bytes).unwrap();
        }
    }
}

/// The zip bomb is a true zlib stream: a small one inflates to what it says.
#[test]
fn the_zip_bomb_is_a_true_zlib_stream() {
    use std::io::Read as _;
    let mut plain = Vec::new();
    flate2::read::ZlibDecoder::new(&zlib_bomb(1000)[..])
        .read_to_end(&mut plain)
        .unwrap();
    assert_eq!(plain, vec![0u8; 1 + 258 * 1000]);
}
