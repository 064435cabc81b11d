#!/usr/bin/env bash
# Rasterizes icon.svg into the PNG/ICO sizes Tauri's bundler wants, and copies it to
# ui/icon.svg for the window's header. The outputs are committed, so no build depends on
# this; run it by hand after editing icon.svg.
# Needs rsvg-convert (Debian: librsvg2-bin) and ImageMagick's convert.
set -euo pipefail
cd "$(dirname "$0")"
png() { rsvg-convert --width "$1" --height "$1" icon.svg -o "$2"; }
png 32 32x32.png
png 128 128x128.png
png 256 128x128@2x.png
png 512 icon.png
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in 16 24 32 48 64 256; do png "$s" "$tmp/$s.png"; done
convert "$tmp"/16.png "$tmp"/24.png "$tmp"/32.png "$tmp"/48.png "$tmp"/64.png "$tmp"/256.png icon.ico
cp icon.svg ../ui/icon.svg
