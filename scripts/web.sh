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

cargo build -q -p tweevoud-web --target wasm32-unknown-unknown --release
rm -rf "$target/web/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$target/web/pkg" \
  "$target/wasm32-unknown-unknown/release/tweevoud_web.wasm"
python3 scripts/web.py "$target/web/pkg" "$target/web"
