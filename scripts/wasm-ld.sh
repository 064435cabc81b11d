#!/usr/bin/env bash
# The linker of every WebAssembly build (.cargo/config.toml names it for wasm32-unknown-unknown):
# rust-lld, less the exports that dependencies make for APIs of their own.
#
# printpdf exports its JavaScript API (Pdf_HtmlToDocumentSync, Pdf_BytesToDocumentSync, ...:
# HTML to PDF, PDF parsing, SVG rendering) and azul-core its C entry points (Az...) from any
# WebAssembly they are linked into. An export is a root the linker keeps with all it reaches,
# code and data: most of printpdf, its PDF parser and deserializer, and what their vtables
# name. The page calls only the Desk class (web/src); without these exports the linker drops
# what nothing else reaches. wasm-bindgen makes glue only for the exports it finds.
set -euo pipefail

host="$(rustc -vV | sed -n 's/^host: //p')"
lld="$(rustc --print sysroot)/lib/rustlib/$host/bin/rust-lld"

dropped() {
  case "$1" in
    Pdf_* | __wbindgen_describe_Pdf_* | Az[A-Z]*) return 0 ;;
    *) return 1 ;;
  esac
}

filter() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --export)
        if [ $# -ge 2 ] && dropped "$2"; then shift 2; continue; fi ;;
      --export=*)
        if dropped "${1#--export=}"; then shift; continue; fi ;;
    esac
    printf '%s\0' "$1"
    shift
  done
}

args=()
for a in "$@"; do
  case "$a" in
    # A response file (rustc writes one when the command line is too long): its lines are
    # arguments; filtered the same way.
    @*)
      mapfile -t lines < "${a#@}"
      while IFS= read -r -d '' x; do args+=("$x"); done < <(filter "${lines[@]}") ;;
    *) args+=("$a") ;;
  esac
done
mapfile -d '' -t args < <(filter "${args[@]}")
exec "$lld" "${args[@]}"
