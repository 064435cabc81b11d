# Tweevoud: `make run` starts the desktop app, `make test` runs every check and test.
# Both install what is missing first (scripts/setup.sh, idempotent).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo
# The app's profile (keys, archive); empty = the platform data dir.
DATA_DIR ?=
# Where cargo builds (cargo's own default unless CARGO_TARGET_DIR says otherwise).
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# The desktop app as `cargo build -p tweevoud-app` leaves it. Built without the e2e-hooks
# feature for `make run` and with it for `make e2e`: each rebuilds it as it needs it first
# (both builds stay in cargo's cache, so switching costs a link at most).
APP := $(TARGET_DIR)/debug/tweevoud-app

.PHONY: all setup build run test lint fmt-check clippy clippy-wasm doc app-deps unit hooks-check web web-check e2e bundle clean harden

all: build

setup:
	@bash scripts/setup.sh

## The CLI and the desktop app, as people run them: without the end-to-end test's hooks.
build: setup
	$(CARGO) build -p tweevoud -p tweevoud-app

## Start the desktop app with the built-in templates and the default profile.
run: build
	"$(APP)" $(if $(DATA_DIR),--data-dir "$(DATA_DIR)")

## Every check and test, the end-to-end test of the real app included.
test: setup lint unit hooks-check e2e

lint: fmt-check clippy clippy-wasm doc app-deps

fmt-check:
	$(CARGO) fmt --all --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p tweevoud-app --all-targets --features e2e-hooks -- -D warnings

## The core as the browser edition builds it: no file system, no operating system, wasm32.
clippy-wasm:
	$(CARGO) clippy -p tweevoud --lib -p tweevoud-desk -p tweevoud-web --no-default-features --target wasm32-unknown-unknown -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --quiet

## The desktop app compiles none of the CLI's dependencies (clap, rpassword, anyhow).
app-deps:
	CARGO="$(CARGO)" bash scripts/app-deps.sh

## The core, the CLI and the app crate's tests (everything but the end-to-end test), and the
## core's own tests without the file system (as the browser edition builds it).
unit:
	$(CARGO) test --workspace --exclude tweevoud-e2e
	$(CARGO) test -p tweevoud --lib --no-default-features

## The browser edition's WebAssembly (release) run in Node through its Desk class: two parties
## sign and countersign, and its exemplar PDFs must be the native CLI's of the same agreement
## file, byte for byte.
web-check: setup
	$(CARGO) build -p tweevoud
	$(CARGO) build -p tweevoud-web --target wasm32-unknown-unknown --release
	wasm-bindgen --target nodejs --out-dir "$(TARGET_DIR)/web-node" "$(TARGET_DIR)/wasm32-unknown-unknown/release/tweevoud_web.wasm"
	rm -rf "$(TARGET_DIR)/web-check" && mkdir -p "$(TARGET_DIR)/web-check/native"
	node web/scripts/wasm-flow.cjs "$(TARGET_DIR)/web-node" "$(TARGET_DIR)/web-check"
	# The exemplars are sealed by the customer's key, which the page saved as its key file.
	TWEEVOUD_DATA_DIR="$(TARGET_DIR)/web-check/profile" TWEEVOUD_PASSPHRASE="correct horse battery staple" \
	  "$(TARGET_DIR)/debug/tweevoud" key import "$(TARGET_DIR)/web-check/"*.secret.pem --name "Anne-Marie D'Hondt"
	TWEEVOUD_DATA_DIR="$(TARGET_DIR)/web-check/profile" TWEEVOUD_PASSPHRASE="correct horse battery staple" \
	  "$(TARGET_DIR)/debug/tweevoud" export -o "$(TARGET_DIR)/web-check/native" "$(TARGET_DIR)/web-check/"*.tweevoud
	cd "$(TARGET_DIR)/web-check" && for f in native/*.pdf; do cmp "$$f" "$${f#native/}" || exit 1; done

## The test hooks are not in the app people run: built as `make run` builds it, the binary
## holds none of their names; built with the e2e-hooks feature, it holds them all (so the
## search would find them). `make bundle` makes the same check on the release binary.
hooks-check:
	$(CARGO) build -p tweevoud-app
	bash scripts/hooks-check.sh absent "$(APP)"
	$(CARGO) build -p tweevoud -p tweevoud-app --features e2e-hooks
	bash scripts/hooks-check.sh present "$(APP)"

## The browser edition, delivered two ways: $(TARGET_DIR)/web/site/ (a static folder for any web
## host) and $(TARGET_DIR)/web/tweevoud.html (one file that works opened from disk, offline).
web: setup
	bash scripts/web.sh

## The real app in a real window, driven by tauri-driver + WebKitWebDriver (own Xvfb when
## there is no display). Screenshots go to target/e2e-shots/. The app is built with the
## e2e-hooks feature: the test stands in for file drops, some dialogs and the PDF viewer.
## The browser edition (make web) is driven the same way in headless Chromium (chromedriver).
e2e: setup web
	$(CARGO) build -p tweevoud -p tweevoud-app --features e2e-hooks
	$(CARGO) test -p tweevoud-e2e -- --test-threads=1

## The Debian package of the desktop app (release build, binary, desktop entry, icons):
## target/release/bundle/deb/tweevoud_<version>_<arch>.deb.
bundle: setup
	dpkg-deb --info "$$(bash src-tauri/bundle/deb.sh)"

## Tamper trials (10,000), fuzzing of every parser of outside input, crash trials (100).
harden: setup
	bash scripts/harden.sh

clean:
	$(CARGO) clean

## Tweevoud next to the tools people use today (pyHanko, LibreOffice, minisign, a bare Tauri
## window), installed first and measured in one run: prints a Markdown table, also written to
## target/bench.md. About 15 minutes.
.PHONY: bench
bench:
	@bash scripts/bench.sh
