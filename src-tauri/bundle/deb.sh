#!/usr/bin/env bash
# Builds the Debian package of the desktop app from a release build, without tauri-cli:
# the binary, the desktop entry (offered for agreement files and PDFs), the agreement file's
# MIME type and the icons, laid out as a .deb and packed by dpkg-deb.
#
#   src-tauri/bundle/deb.sh [TARGET_DIR]    (default: $CARGO_TARGET_DIR or target/)
#
# Writes <target>/release/bundle/deb/tweevoud_<version>_<arch>.deb and prints its path.
# Refuses to package a binary that holds the end-to-end test's hooks (the e2e-hooks feature).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${1:-${CARGO_TARGET_DIR:-$root/target}}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
cd "$root"

# Never with the e2e-hooks feature: the package is the app people run. TWEEVOUD_DEB_BINARY
# packages a binary built elsewhere instead (the package's own test lays one out this way).
if [ -n "${TWEEVOUD_DEB_BINARY:-}" ]; then
  bin="$TWEEVOUD_DEB_BINARY"
else
  cargo build --release -p tweevoud-app --target-dir "$target"
  bin="$target/release/tweevoud-app"
fi
bash scripts/hooks-check.sh absent "$bin"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
arch="$(dpkg --print-architecture)"
out="$target/release/bundle/deb"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/tweevoud_${version}_${arch}"

install -Dm755 "$bin" "$pkg/usr/bin/tweevoud-app"
# The release binary keeps its symbol table; the package does not need it.
strip --strip-unneeded "$pkg/usr/bin/tweevoud-app"
install -Dm644 src-tauri/bundle/tweevoud.desktop "$pkg/usr/share/applications/tweevoud.desktop"
install -Dm644 icons/32x32.png "$pkg/usr/share/icons/hicolor/32x32/apps/tweevoud.png"
install -Dm644 icons/128x128.png "$pkg/usr/share/icons/hicolor/128x128/apps/tweevoud.png"
install -Dm644 icons/128x128@2x.png "$pkg/usr/share/icons/hicolor/256x256/apps/tweevoud.png"
install -Dm644 icons/icon.png "$pkg/usr/share/icons/hicolor/512x512/apps/tweevoud.png"
install -Dm644 icons/icon.svg "$pkg/usr/share/icons/hicolor/scalable/apps/tweevoud.svg"
# The agreement file's type (*.tweevoud), with the app's icon; dpkg's triggers of
# shared-mime-info and desktop-file-utils update the system's databases.
install -Dm644 src-tauri/bundle/tweevoud-mime.xml "$pkg/usr/share/mime/packages/tweevoud.xml"
for size in 32x32:32x32 128x128:128x128 256x256:128x128@2x 512x512:icon; do
  install -Dm644 "icons/${size#*:}.png" \
    "$pkg/usr/share/icons/hicolor/${size%%:*}/mimetypes/application-x-tweevoud.png"
done
install -Dm644 icons/icon.svg "$pkg/usr/share/icons/hicolor/scalable/mimetypes/application-x-tweevoud.svg"

size="$(du -sk "$pkg/usr" | cut -f1)"
mkdir -p "$pkg/DEBIAN"
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: tweevoud
Version: $version
Architecture: $arch
Maintainer: Tweevoud maintainers <maintainers@tweevoud.invalid>
Installed-Size: $size
Depends: libwebkit2gtk-4.1-0, libgtk-3-0, xdg-utils
Section: office
Priority: optional
Description: Fill in, sign and verify agreements
 Tweevoud fills in, signs, countersigns, archives and verifies agreements,
 made in duplicate: one exemplar for each party. Signatures are Ed25519; the
 exemplar PDFs carry the agreement file, so either one verifies on its own.
CONTROL

mkdir -p "$out"
dpkg-deb --root-owner-group --build "$pkg" "$out/tweevoud_${version}_${arch}.deb" >/dev/null
echo "$out/tweevoud_${version}_${arch}.deb"
