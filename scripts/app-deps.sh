#!/usr/bin/env bash
# The desktop app compiles none of the `tweevoud` CLI's own dependencies: the argument parser
# (clap), the terminal prompt (rpassword) and the binary's error type (anyhow). The app parses
# its two arguments itself (src-tauri/src/cli.rs) and takes the core without its `cli` feature.
# Tauri itself uses anyhow: that one may stay, as long as no part of Tweevoud brings it.
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
exit "$bad"
