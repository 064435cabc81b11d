#!/usr/bin/env bash
# make web: the browser edition, delivered two ways (see scripts/web.py):
#   <target>/web/site/          a static folder for any web host
#   <target>/web/tweevoud.html  one self-contained file that works opened from disk, offline
# <target> is $CARGO_TARGET_DIR or target/. Prints both paths.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac

# The WebAssembly profile (Cargo.toml [profile.wasm]: built for size), linked without the
# exports of dependencies' own APIs (scripts/wasm-ld.sh, named in .cargo/config.toml); the
# page needs no debugging names.
# It is built in a folder of its own, <target>/wasm: nothing in it is shared with the native
# builds, and cargo builds in one folder at a time, so `make test` builds it while they run.
build="$target/wasm"
CARGO_TARGET_DIR="$build" cargo build -q -p tweevoud-web --target wasm32-unknown-unknown --profile wasm
# `web.sh --wasm-only`: the WebAssembly alone (make test builds it before wasm-bindgen's command
# line is installed, beside it).
[ "${1:-}" = "--wasm-only" ] && exit 0
rm -rf "$target/web/pkg"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir "$target/web/pkg" \
  "$build/wasm32-unknown-unknown/wasm/tweevoud_web.wasm"
python3 scripts/web.py "$target/web/pkg" "$target/web"
