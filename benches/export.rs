//! How long exporting the DPA's two exemplars takes: `cargo bench --bench export` (release
//! build). Prints the time per export of both exemplars (best and median of many), of
//! verifying one (made by the current renderer, and by renderer 1), of compressing one's streams at the zlib levels a renderer version may use
//! (level 9 is renderer 1's, 3 renderer 2's: the floor of a re-rendering that keeps the
//! bytes), and their sizes. Not a test: it prints numbers and asserts only that the two PDFs
//! come out and verify.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use tweevoud::pdf;

fn main() {
    let agreement = common::dpa_complete();
    // The first export also parses the font; time it on its own.
    let start = Instant::now();
    // Sealed by the customer who countersigned the vector (seed 2).
    let customer = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
    let sealer = pdf::Sealer::new(&agreement, &customer, None).expect("the customer signed");
    let first = pdf::exemplars(&agreement, &sealer).expect("the DPA exports");
    let cold = start.elapsed();
    assert_eq!(first.len(), 2);
    for e in &first {
        let check = pdf::verify_exemplar(&e.bytes).expect("an exemplar");
        assert!(check.visible_document_matches, "{}", e.file_name);
    }

    let runs: usize = std::env::var("TWEEVOUD_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50);
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let pdfs = pdf::exemplars(&agreement, &sealer).expect("the DPA exports");
            let t = start.elapsed();
            assert_eq!(pdfs[0].bytes, first[0].bytes, "deterministic");
            t
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut verify: Vec<Duration> = (0..runs.min(20))
        .map(|_| {
            let start = Instant::now();
            pdf::verify_exemplar(&first[0].bytes).expect("an exemplar");
            start.elapsed()
        })
        .collect();
    verify.sort();
    // An exemplar renderer 1 made (streams at level 9), verified by re-rendering it with
    // renderer 1: what verifying cost before renderer 2, and still costs for old exemplars.
    let old = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/dpa-complete.renderer-1.exemplar-1.pdf"
    ))
    .expect("the renderer 1 test vector");
    let mut verify_old: Vec<Duration> = (0..runs.min(20))
        .map(|_| {
            let start = Instant::now();
            let check = pdf::verify_exemplar(&old).expect("an exemplar");
            let t = start.elapsed();
            assert!(check.visible_document_matches, "renderer 1's exemplar");
            t
        })
        .collect();
    verify_old.sort();
    // The part of a re-rendering that no rendering change can remove while the bytes stay
    // the same: compressing the exemplar's streams (zlib, as the renderer does: a stream
    // stays as it is unless compression makes it 20 bytes smaller), one after the other on
    // one thread, at each level.
    let doc = lopdf::Document::load_mem(&first[0].bytes).expect("the exemplar parses");
    let plain: Vec<Vec<u8>> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .map(|s| {
            s.decompressed_content()
                .unwrap_or_else(|_| s.content.clone())
        })
        .collect();
    let plain_bytes: usize = plain.iter().map(Vec::len).sum();
    let levels: Vec<(u32, Duration, usize)> = [9u32, 3, 2, 1]
        .into_iter()
        .map(|level| {
            let mut bytes = 0;
            let mut times: Vec<Duration> = (0..runs.min(20))
                .map(|_| {
                    let start = Instant::now();
                    bytes = plain.iter().map(|p| deflated_len(p, level)).sum();
                    start.elapsed()
                })
                .collect();
            times.sort();
            (level, times[times.len() / 2], bytes)
        })
        .collect();

    println!("export of both exemplars of the DPA ({runs} runs):");
    println!("  first (parses the font): {:8.2} ms", ms(cold));
    println!("  best:                    {:8.2} ms", ms(times[0]));
    println!("  median:                  {:8.2} ms", ms(times[runs / 2]));
    println!("  worst:                   {:8.2} ms", ms(times[runs - 1]));
    println!(
        "verify of one exemplar (read, verify, re-render, compare), median: {:.2} ms",
        ms(verify[verify.len() / 2])
    );
    println!(
        "verify of renderer 1's exemplar 1 (re-rendered with renderer 1), median: {:.2} ms",
        ms(verify_old[verify_old.len() / 2])
    );
    println!(
        "compressing one exemplar's {} streams ({plain_bytes} bytes), one thread, median:",
        plain.len()
    );
    for (level, time, bytes) in levels {
        println!(
            "  zlib level {level}: {:6.2} ms, {bytes} bytes of streams",
            ms(time)
        );
    }
    for e in &first {
        println!("  {}: {} bytes", e.file_name, e.bytes.len());
    }
}

/// The bytes a stream of `content` takes once compressed at `level` as the renderer does
/// (uncompressed unless that makes it at least 20 bytes smaller).
fn deflated_len(content: &[u8], level: u32) -> usize {
    use std::io::Write as _;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
    e.write_all(content).expect("writes to memory");
    let packed = e.finish().expect("writes to memory").len();
    if packed + 19 < content.len() {
        packed
    } else {
        content.len()
    }
}
