#!/usr/bin/env bash
# make harden: try hard to make Tweevoud accept a forgery, crash on a hostile file, or lose an
# archived agreement, and print the counts.
#
#   TWEEVOUD_TAMPER_TRIALS  tamper trials (default 10000)
#   FUZZ_SECONDS            seconds of fuzzing per target (default 180)
#   TWEEVOUD_CRASH_TRIALS   kills of `archive add` (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

tamper=${TWEEVOUD_TAMPER_TRIALS:-10000}
fuzz_seconds=${FUZZ_SECONDS:-180}
crash=${TWEEVOUD_CRASH_TRIALS:-100}
log=target/harden
mkdir -p "$log"
say() { printf 'harden: %s\n' "$*" >&2; }

# 1. Tamper trials, in release (the same harness `make test` runs a few hundred of). A failing
#    run is not the end of the script: its line (or its absence) is judged at the end.
say "tamper trials: $tamper"
TWEEVOUD_TAMPER_TRIALS=$tamper cargo test --release -q --test tamper -- --nocapture \
  2>&1 | tee "$log/tamper.log" >&2 || true
tamper_line=$({ grep -o 'tamper trials [0-9]*, accepted [0-9]*' "$log/tamper.log" || true; } | tail -1)

# 2. Fuzzing: cargo fuzz (libFuzzer) on every parser of outside input. cargo-fuzz needs a
#    nightly compiler for its instrumentation; without one, stable is asked to accept the
#    nightly flags (RUSTC_BOOTSTRAP=1), which works for libFuzzer without a sanitizer.
#    Each run is held to 512 MB an input, and to the time docs/format.md ("Limits") allows:
#    any file within the caps is verified in 1 s of CPU in a release build, 2 s in a debug
#    build; the fuzz build (release, instrumented) is no slower than a debug build, and its
#    inputs (at most 256 KiB) are far below the caps, so an input that takes 2 s is slow
#    (-report_slow_units: a slow-unit- artifact) and one that takes 5 s hangs (-timeout: a
#    timeout- artifact). An allocation bomb, a slow input or a hang is a finding (an oom-,
#    slow-unit-, timeout- or crash- artifact under fuzz/artifacts/TARGET), as a panic is. A
#    target that did not run (it did not build, or libFuzzer printed no final statistics)
#    fails the script as a finding would. After fuzzing, each target's corpus is run once more,
#    input by input, and the slowest input is printed with its time.
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
  sanitizer=address
  # ASan's quarantine of freed memory (256 MB by default) would count against the 512 MB.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=32}
else
  fuzz=(env RUSTC_BOOTSTRAP=1 cargo fuzz)
  sanitizer=none
fi
targets=(template agreement pdf key contact log_line index_row seal timestamp)
artifacts() { find "fuzz/artifacts/$1" -type f 2>/dev/null | sort || true; }
# Seeds made by the tests, written again in case they changed: the hostile PDFs of
# tests/hostile_pdf.rs (cross-reference and object streams, name trees, lying lengths) for
# the PDF target; a real archive's log lines and index rows, and forged ones
# (tests/archive_hostile.rs), for the log_line and index_row targets.
TWEEVOUD_FUZZ_SEEDS=fuzz/seeds/pdf cargo test -q --test hostile_pdf write_fuzz_seeds >&2
TWEEVOUD_FUZZ_SEEDS=fuzz/seeds cargo test -q --test archive_hostile write_fuzz_seeds >&2
slow_unit=2
slow_timeout=5
findings_total=0
not_run=0
fuzz_lines=()
for target in "${targets[@]}"; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus"
  cp -n fuzz/seeds/$target/* "$corpus/" 2>/dev/null || true
  say "fuzzing $target for ${fuzz_seconds}s (sanitizer: $sanitizer)"
  before=$(artifacts "$target")
  # The fuzz crate builds in its own fuzz/target (instrumented), whatever the workspace uses.
  (cd fuzz && env -u CARGO_TARGET_DIR "${fuzz[@]}" run --sanitizer "$sanitizer" "$target" "corpus/$target" -- \
      -max_total_time="$fuzz_seconds" -timeout="$slow_timeout" -report_slow_units="$slow_unit" \
      -rss_limit_mb=512 -max_len=262144 -print_final_stats=1) >"$log/fuzz-$target.log" 2>&1 || true
  new=$(comm -13 <(printf '%s\n' "$before") <(artifacts "$target") | sed '/^$/d')
  findings=$(printf '%s' "$new" | grep -c . || true)
  runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' \
    "$log/fuzz-$target.log" | tail -1)
  if [ -z "$runs" ]; then
    say "fuzzing $target did not run: see $log/fuzz-$target.log"
    tail -20 "$log/fuzz-$target.log" >&2
    not_run=$((not_run + 1))
    fuzz_lines+=("fuzz $target: DID NOT RUN, findings $findings")
  else
    fuzz_lines+=("fuzz $target: ${fuzz_seconds} s, $runs runs, findings $findings")
    # The slowest input of the corpus: libFuzzer given files runs each once and says
    # "Executed FILE in N ms".
    bin=fuzz/target/x86_64-unknown-linux-gnu/release/$target
    slowest=$(find "$corpus" -type f -print0 | xargs -0 -r -n 256 "$bin" -runs=1 \
        -timeout="$slow_timeout" -rss_limit_mb=512 2>&1 |
      sed -n 's/^Executed \(.*\) in \([0-9][0-9]*\) ms$/\2 \1/p' | sort -n | tail -1 || true)
    if [ -n "$slowest" ]; then
      fuzz_lines+=("  slowest input: ${slowest%% *} ms, ${slowest#* }")
    else
      fuzz_lines+=("  slowest input: none (the corpus did not run)")
    fi
  fi
  while IFS= read -r a; do
    [ -n "$a" ] && fuzz_lines+=("  finding: $a (log: $log/fuzz-$target.log)")
  done <<<"$new"
  findings_total=$((findings_total + findings))
done

# 3. Crash trials: `archive add` killed at random moments, then `archive verify`.
say "crash trials: $crash"
TWEEVOUD_CRASH_TRIALS=$crash cargo test --release -q --test archive adds_killed -- --nocapture \
  2>&1 | tee "$log/crash.log" >&2 || true
crash_line=$({ grep -o 'crash trials [0-9]*, killed [0-9]*, completed [0-9]*, lost [0-9]*' "$log/crash.log" || true; } | tail -1)

echo
echo "${tamper_line:-tamper trials: DID NOT FINISH (see $log/tamper.log)}"
printf '%s\n' "${fuzz_lines[@]}"
echo "fuzz targets ${#targets[@]}, seconds per target $fuzz_seconds, not run $not_run, findings $findings_total"
echo "${crash_line:-crash trials: DID NOT FINISH (see $log/crash.log)}"
# Sound: every part ran, no forgery accepted, no finding, no agreement lost.
[[ $tamper_line =~ accepted\ 0$ ]] && [[ $crash_line =~ lost\ 0$ ]] &&
  [ "$not_run" -eq 0 ] && [ "$findings_total" -eq 0 ]
