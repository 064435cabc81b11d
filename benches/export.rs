//! How long exporting the DPA's two exemplars takes: `cargo bench --bench export` (release
//! build). Prints the time per export of both exemplars (best and median of many), of
//! verifying one, of compressing one's streams as lopdf does (the floor of a re-rendering that
//! keeps the bytes), and their sizes. Not a test: it prints numbers and asserts only that the
//! two PDFs come out and verify.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use tweevoud::pdf;

fn main() {
    let agreement = common::dpa_complete();
    // The first export also parses the font; time it on its own.
    let start = Instant::now();
    let first = pdf::exemplars(&agreement).expect("the DPA exports");
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
            let pdfs = pdf::exemplars(&agreement).expect("the DPA exports");
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
    // The part of a re-rendering that no rendering change can remove while the bytes stay
    // the same: compressing the exemplar's streams as lopdf does (zlib, best compression),
    // one after the other on one thread.
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
    let mut deflate: Vec<Duration> = (0..runs.min(20))
        .map(|_| {
            let streams: Vec<lopdf::Stream> = plain
                .iter()
                .map(|p| lopdf::Stream::new(lopdf::Dictionary::new(), p.clone()))
                .collect();
            let start = Instant::now();
            for mut s in streams {
                s.compress().expect("compresses");
                std::hint::black_box(&s);
            }
            start.elapsed()
        })
        .collect();
    deflate.sort();

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
        "  of which compressing its {} streams ({plain_bytes} bytes) as lopdf does, one thread, median: {:.2} ms",
        plain.len(),
        ms(deflate[deflate.len() / 2])
    );
    for e in &first {
        println!("  {}: {} bytes", e.file_name, e.bytes.len());
    }
}
