#!/usr/bin/env bash
# The desktop app compiles none of the `tweevoud` CLI's own dependencies: the argument parser
# (clap), the terminal prompt (rpassword) and the binary's error type (anyhow). The app parses
# its two arguments itself (src-tauri/src/cli.rs) and takes the core without its `cli` feature.
# Tauri itself uses anyhow: that one may stay, as long as no part of Tweevoud brings it.
# The app takes the team archive (the core's `team`: PostgreSQL's client, tokio); the browser
# edition never does, so its WebAssembly build names none of them (docs/archive-team.md).
set -euo pipefail

cargo="${CARGO:-cargo}"
tree="$("$cargo" tree -p tweevoud-app -e normal --prefix none)"

bad=0
for crate in clap rpassword; do
  if grep -qE "^$crate v" <<<"$tree"; then
    echo "app-deps: the app's dependencies hold $crate again:" >&2
    "$cargo" tree -p tweevoud-app -e normal -i "$crate" >&2
    bad=1
  fi
done
if grep -qE '^anyhow v' <<<"$tree"; then
  users="$("$cargo" tree -p tweevoud-app -e normal -i anyhow --depth 1 --prefix none)"
  if grep -qE '^tweevoud(-[a-z]+)? v' <<<"$users"; then
    echo "app-deps: a part of Tweevoud brings anyhow into the app:" >&2
    "$cargo" tree -p tweevoud-app -e normal -i anyhow >&2
    bad=1
  fi
fi
web="$("$cargo" tree -p tweevoud-web --target wasm32-unknown-unknown -e normal --prefix none)"
for crate in postgres tokio-postgres tokio; do
  if grep -qE "^$crate v" <<<"$web"; then
    echo "app-deps: the browser edition's dependencies hold $crate (the team archive is the desktop's):" >&2
    "$cargo" tree -p tweevoud-web --target wasm32-unknown-unknown -e normal -i "$crate" >&2
    bad=1
  fi
done
exit "$bad"
