#!/usr/bin/env bash
# Checks an app binary for the end-to-end test's hooks (the `e2e-hooks` feature of
# tweevoud-app): the names of their IPC commands and of their environment variables.
#
#   scripts/hooks-check.sh absent  BINARY   fails if BINARY contains any of the names
#   scripts/hooks-check.sh present BINARY   fails unless BINARY contains every one of them
#
# `absent` guards the app people run (make test) and the package (src-tauri/bundle/deb.sh);
# `present`, on the e2e build, shows that the search would find them.
set -euo pipefail

names=(e2e_drop e2e_answer_dialog TWEEVOUD_E2E_HOOKS TWEEVOUD_PDF_VIEWER)

want="${1:-}"
bin="${2:-}"
if [ "$want" != absent ] && [ "$want" != present ] || [ -z "$bin" ]; then
  echo "usage: $0 absent|present BINARY" >&2
  exit 2
fi
if [ ! -f "$bin" ]; then
  echo "hooks-check: no binary at $bin" >&2
  exit 2
fi

found=()
missing=()
for name in "${names[@]}"; do
  # -a: search the binary as text; -F: the name literally; -c would count lines, -q suffices.
  if LC_ALL=C grep -aqF -- "$name" "$bin"; then found+=("$name"); else missing+=("$name"); fi
done

if [ "$want" = absent ] && [ "${#found[@]}" -gt 0 ]; then
  echo "hooks-check: $bin contains test hooks: ${found[*]} (built with --features e2e-hooks?)" >&2
  exit 1
fi
if [ "$want" = present ] && [ "${#missing[@]}" -gt 0 ]; then
  echo "hooks-check: $bin lacks test hooks it was built with: ${missing[*]}" >&2
  exit 1
fi
echo "hooks-check: $bin: test hooks $want" >&2
