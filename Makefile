# Tweevoud: `make run` starts the desktop app, `make test` runs every check and test.
# Both install what is missing first (scripts/setup.sh, idempotent).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo
# The app's profile (keys, archive); empty = the platform data dir.
DATA_DIR ?=

.PHONY: all setup build run test lint fmt-check clippy doc unit e2e bundle clean harden

all: build

setup:
	@bash scripts/setup.sh

build: setup
	$(CARGO) build -p tweevoud -p tweevoud-app

## Start the desktop app with the built-in templates and the default profile.
run: build
	./target/debug/tweevoud-app $(if $(DATA_DIR),--data-dir "$(DATA_DIR)")

## Every check and test, the end-to-end test of the real app included.
test: setup lint unit e2e

lint: fmt-check clippy doc

fmt-check:
	$(CARGO) fmt --all --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --quiet

## The core, the CLI and the app crate's tests (everything but the end-to-end test).
unit:
	$(CARGO) test --workspace --exclude tweevoud-e2e

## The real app in a real window, driven by tauri-driver + WebKitWebDriver (own Xvfb when
## there is no display). Screenshots go to target/e2e-shots/.
e2e: setup
	$(CARGO) build -p tweevoud -p tweevoud-app
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
