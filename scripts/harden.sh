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

# 1. Tamper trials, in release (the same harness `make test` runs a few hundred of).
say "tamper trials: $tamper"
TWEEVOUD_TAMPER_TRIALS=$tamper cargo test --release -q --test tamper -- --nocapture \
  2>&1 | tee "$log/tamper.log" >&2
tamper_line=$(grep -o 'tamper trials [0-9]*, accepted [0-9]*' "$log/tamper.log" | tail -1)

# 2. Fuzzing: cargo fuzz (libFuzzer) on every parser of outside input. cargo-fuzz needs a
#    nightly compiler for its instrumentation; without one, stable is asked to accept the
#    nightly flags (RUSTC_BOOTSTRAP=1), which works for libFuzzer without a sanitizer.
#    Each run is held to 512 MB and 10 s an input: an allocation bomb or a hang is a finding
#    (libFuzzer writes an oom-/timeout-/crash- artifact), as a panic is.
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
  sanitizer=address
else
  fuzz=(env RUSTC_BOOTSTRAP=1 cargo fuzz)
  sanitizer=none
fi
artifacts() { { find "fuzz/artifacts/$1" -type f 2>/dev/null || true; } | wc -l; }
# The PDF target's seeds include the hostile PDFs tests/hostile_pdf.rs makes (cross-reference
# and object streams, name trees, lying lengths): written again, in case they changed.
TWEEVOUD_FUZZ_SEEDS=fuzz/seeds/pdf cargo test -q --test hostile_pdf write_fuzz_seeds >&2
crashes_total=0
fuzz_lines=()
for target in template agreement pdf key contact; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus"
  cp -n fuzz/seeds/$target/* "$corpus/" 2>/dev/null || true
  say "fuzzing $target for ${fuzz_seconds}s (sanitizer: $sanitizer)"
  before=$(artifacts "$target")
  (cd fuzz && "${fuzz[@]}" run --sanitizer "$sanitizer" "$target" "corpus/$target" -- \
      -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=512 -max_len=262144 \
      -print_final_stats=1) >"$log/fuzz-$target.log" 2>&1 || true
  after=$(artifacts "$target")
  crashes=$((after - before))
  runs=$({ grep -o 'stat::number_of_executed_units: *[0-9]*' "$log/fuzz-$target.log" || true; } | grep -o '[0-9]*$' || true)
  if ! grep -q 'stat::number_of_executed_units' "$log/fuzz-$target.log"; then
    say "fuzzing $target did not run: see $log/fuzz-$target.log"
    tail -20 "$log/fuzz-$target.log" >&2
    crashes=$((crashes + 1))
  fi
  crashes_total=$((crashes_total + crashes))
  fuzz_lines+=("fuzz $target: $((fuzz_seconds / 60)) min, $runs runs, findings $crashes")
done

# 3. Crash trials: `archive add` killed at random moments, then `archive verify`.
say "crash trials: $crash"
TWEEVOUD_CRASH_TRIALS=$crash cargo test --release -q --test archive adds_killed -- --nocapture \
  2>&1 | tee "$log/crash.log" >&2
crash_line=$(grep -o 'crash trials [0-9]*, killed [0-9]*, completed [0-9]*, lost [0-9]*' "$log/crash.log" | tail -1)

echo
echo "$tamper_line"
printf '%s\n' "${fuzz_lines[@]}"
echo "fuzz minutes per target $((fuzz_seconds / 60)), findings $crashes_total"
echo "$crash_line"
[ -n "$tamper_line" ] && [ -n "$crash_line" ] && [ "$crashes_total" -eq 0 ]
