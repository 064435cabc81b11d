#!/usr/bin/env bash
# Installs what Tweevoud needs to build, run and test on Debian/Ubuntu, and nothing that is
# already there. Safe to run again and again: every step checks before it installs.
#
#   scripts/setup.sh          build + run + test prerequisites
#   scripts/setup.sh --bench  also the benchmark anchors (hyperfine, LibreOffice, minisign)
#   scripts/setup.sh PART...  only these parts, of: system (Debian packages and the Rust
#                             toolchain: what building needs), tools (tauri-driver and
#                             wasm-bindgen's command line, compiled from crates.io when missing),
#                             python (pyHanko's venv). `make test` installs the system first,
#                             and the tools and python while the first builds run.
set -euo pipefail

want_bench=0
parts=()
for arg in "$@"; do
  case "$arg" in
    --bench) want_bench=1 ;;
    system|tools|python) parts+=("$arg") ;;
    *) echo "setup: unknown argument $arg" >&2; exit 2 ;;
  esac
done
[ "${#parts[@]}" -gt 0 ] || parts=(system tools python)
want() { local p; for p in "${parts[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

say() { printf 'setup: %s\n' "$*" >&2; }

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

export PATH="$HOME/.cargo/bin:$PATH"

# The team archive's servers (#23; docs/archive-team.md), started by its tests on 127.0.0.1
# in temporary directories: PostgreSQL from Debian's packages (the tests run its initdb and
# pg_ctl from /usr/lib/postgresql/*/bin, as the postgres user when run as root), and moto's
# S3-compatible server from PyPI in the project's venv (target/pyenv/bin/moto_server).
#   team_servers system        PostgreSQL
#   team_servers python VENV   moto[server]
team_servers() {
  case "$1" in
    system)
      if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && id postgres >/dev/null 2>&1; then
        say "PostgreSQL present"
        return
      fi
      say "installing PostgreSQL (the team archive's tests)"
      $SUDO apt-get update -q
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends postgresql
      ;;
    python)
      if [ -x "$2/bin/moto_server" ]; then
        say "moto present"
        return
      fi
      say "installing moto[server] (the team archive's tests)"
      "$2/bin/python" -m pip install -q --disable-pip-version-check 'moto[server]'
      ;;
  esac
}

if want system; then
  # System packages: Tauri 2 (WebKitGTK 4.1, GTK 3 for native dialogs), the e2e stack (Xvfb,
  # WebKitWebDriver, xdotool for the native file dialogs), PDF tools no one here wrote, the
  # .deb's checkers, a real browser for the browser edition's test (Chromium, chromedriver), and
  # PKCS#11 test tokens laid out as the Belgian eID (SoftHSM2, OpenSC's pkcs11-tool) with NSS's
  # certutil for pdfsig's trust in the test root.
  pkgs=(
    build-essential pkg-config curl file
    libwebkit2gtk-4.1-dev libgtk-3-dev libssl-dev librsvg2-dev libxdo-dev libsoup-3.0-dev
    libjavascriptcoregtk-4.1-dev libayatana-appindicator3-dev
    xvfb xauth webkit2gtk-driver xdotool x11-apps imagemagick
    poppler-utils qpdf openssl
    time
    python3 python3-venv python3-pip
    fonts-dejavu-core dbus-x11 at-spi2-core
    librsvg2-bin
    desktop-file-utils shared-mime-info
    chromium chromium-driver
    softhsm2 opensc libnss3-tools
  )
  if [ "$want_bench" = 1 ]; then
    pkgs+=(hyperfine libreoffice-writer-nogui minisign)
  fi

  missing=()
  for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing system packages: ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    say "system packages present"
  fi

  team_servers system

  # Rust: the project needs a current stable toolchain (Debian's own cargo is too old).
  if ! command -v cargo >/dev/null 2>&1; then
    if ! command -v rustup >/dev/null 2>&1; then
      say "no Rust toolchain found; installing rustup from the distribution"
      $SUDO apt-get update -q && $SUDO apt-get install -y -q rustup || {
        say "rustup is not packaged here: install Rust with rustup (see https://rustup.rs), then run make again"
        exit 1
      }
    fi
    rustup default stable
  fi

  # Rust toolchain components used by `make test`, and the browser's target (`make lint` checks
  # that the core builds for it).
  if command -v rustup >/dev/null 2>&1; then
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
    rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  fi
fi

if want tools; then
  # Both are built in one folder, so the crates they share are compiled once, and unoptimised
  # without debug information (--debug, CARGO_PROFILE_DEV_DEBUG): built for release they cost
  # twice the CPU (wasm-bindgen-cli about 320 s against 150 s on a new machine, in the lane of
  # `make test` that builds the browser edition), for tools that run for seconds at most
  # (wasm-bindgen makes the same glue and the same WebAssembly, byte for byte, in 4 s of CPU
  # instead of 0.6 s).
  tools_build="$(cd "$(dirname "$0")/.." && pwd)/target/tools-build"
  # tauri-driver: the WebDriver bridge between the test and WebKitWebDriver.
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    say "installing tauri-driver"
    CARGO_PROFILE_DEV_DEBUG=false cargo install --debug tauri-driver --locked --target-dir "$tools_build"
  else
    say "tauri-driver present"
  fi

  # wasm-bindgen's command line, at exactly the version of the wasm-bindgen crate in Cargo.lock
  # (they must match): it makes the browser edition's glue (`make web`). Not --locked: one of
  # the locked dependencies of 0.2.130's own lock file was withdrawn from crates.io.
  root="$(cd "$(dirname "$0")/.." && pwd)"
  wb="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$root/Cargo.lock")"
  if [ -n "$wb" ] && ! wasm-bindgen --version 2>/dev/null | grep -q " $wb\b"; then
    say "installing wasm-bindgen-cli $wb"
    CARGO_PROFILE_DEV_DEBUG=false cargo install --debug wasm-bindgen-cli --version "$wb" --target-dir "$tools_build"
  else
    say "wasm-bindgen-cli present"
  fi
fi

if want python; then
  # Python tools for cross-checks done by a library no one here wrote, in a project-local venv
  # (Debian's system Python refuses pip installs).
  venv="${TWEEVOUD_VENV:-$(cd "$(dirname "$0")/.." && pwd)/target/pyenv}"
  # pyHanko validates the seals of exported PDFs in the tests (tests/seal.rs) and is the
  # benchmark's anchor. Current pyHanko releases ship the `pyhanko` command in a package of its
  # own, pyhanko-cli.
  pymods=(cryptography pyhanko pyhanko-certvalidator pyhanko-cli)
  if [ ! -x "$venv/bin/python" ]; then
    say "creating python venv at $venv"
    python3 -m venv "$venv"
  fi
  # One pip for every missing package: each start of pip costs a second.
  pymissing=()
  for m in "${pymods[@]}"; do
    [ -d "$venv/lib" ] && compgen -G "$venv/lib/python3*/site-packages/${m//-/_}-*.dist-info" >/dev/null ||
      pymissing+=("$m")
  done
  if [ "${#pymissing[@]}" -gt 0 ]; then
    say "installing python packages: ${pymissing[*]}"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "${pymissing[@]}"
  else
    say "python packages present"
  fi
  team_servers python "$venv"
fi

say "done: ${parts[*]}"
