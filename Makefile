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

.PHONY: all setup build run test lint fmt-check clippy clippy-wasm doc doc-core app-deps unit unit-run unit-core doc-tests test-build hooks-check hooks-absent hooks-present app-e2e e2e-build web web-wasm web-check e2e bundle clean harden

all: build

setup:
	@bash scripts/setup.sh

## The CLI and the desktop app, as people run them: without the end-to-end test's hooks.
build: setup
	$(CARGO) build -p tweevoud -p tweevoud-app

## Start the desktop app with the built-in templates and the default profile.
run: build
	"$(APP)" $(if $(DATA_DIR),--data-dir "$(DATA_DIR)")

# Every build of `make test` but the end-to-end test's own selects the same packages (the
# workspace but the bare Tauri app of the benchmark and the end-to-end test) with the same
# features, so that cargo resolves the same features for the crates they share and compiles
# each of them once: selecting fewer packages (`-p`, `--exclude`) would resolve other features
# and compile hundreds of crates again. What runs is chosen afterwards (scripts/tests.py). The
# app with the test hooks adds one feature of the app, which only the app's own crate depends
# on. The end-to-end test is built on its own (`-p tweevoud-e2e`, a hundred crates of its
# own): its WebDriver client turns on serde_json's `preserve_order`, which the product is
# never built with, and the tests of the product must run as the product is built.
WS := --workspace --exclude bare-tauri --exclude tweevoud-e2e
HOOKS := --features tweevoud-app/e2e-hooks
# The test binaries of the two builds (scripts/tests.py lists them).
UNIT_TESTS := $(TARGET_DIR)/tests-unit.json
E2E_TESTS := $(TARGET_DIR)/tests-e2e.json
# The WebAssembly is built in a folder of its own, so that its builds (which share nothing with
# the native ones) run while the native ones do: cargo locks one folder for one build at a time.
WASM_TARGET_DIR := $(TARGET_DIR)/wasm
# Each stage prints its lines prefixed by its name, and its time (scripts/stage.sh).
STAGE := bash scripts/stage.sh
export STAGES := $(TARGET_DIR)/stages.tsv
# A cold build (CI) gains nothing from incremental compilation, which costs time and disk.
ifneq ($(CI),)
export CARGO_INCREMENTAL := 0
endif

## Every check and test, the end-to-end test of the real app included: the system packages
## first, then two lanes side by side (the native builds, which are also the lint, and the
## tests, the end-to-end test among them; the tools, pyHanko and the WebAssembly). Prints how
## long each stage took.
test:
	@rm -f "$(STAGES)"; export TEST_STARTED=$$(date +%s.%N); \
	  $(STAGE) setup bash scripts/setup.sh system && \
	  $(MAKE) --no-print-directory -j4 IN_TEST=1 fmt-check doc-core app-deps unit hooks-check web e2e; \
	  rc=$$?; $(STAGE) --summary; exit $$rc

# Inside `make test`, the native stages take turns (they share one build folder) in the order
# that lets the tests start soonest: the test build (which is also the lint: see LINTED), the app
# with the hooks and the end-to-end test's build, so that the end-to-end test runs while the
# other tests do; then the documentation, the core without the file system and the doc tests.
# The setup's tools and pyHanko come before what needs them, beside the native stages.
ifeq ($(IN_TEST),1)
test-build: | fmt-check
app-deps: | test-build
e2e-build: | app-e2e
doc-core: | e2e-build
unit-core: | doc-core
doc-tests: | unit-core
unit-run: | setup-python
web: web-wasm | setup-tools
# The end-to-end test of the team archive's screen (tests/e2e/tests/team.rs) runs moto's
# server from the venv.
e2e: | setup-tools setup-python
else
# Alone, each installs what is missing first.
fmt-check clippy clippy-wasm doc doc-core app-deps test-build unit-run unit-core doc-tests e2e-build web-wasm web e2e: | setup
endif

.PHONY: setup-tools setup-python
setup-tools:
	@$(STAGE) setup-tools bash scripts/setup.sh tools
setup-python:
	@$(STAGE) setup-python bash scripts/setup.sh python

lint: fmt-check clippy clippy-wasm doc app-deps

fmt-check:
	@$(STAGE) fmt $(CARGO) fmt --all --check

clippy:
	@$(STAGE) clippy $(CARGO) clippy --workspace --all-targets -- -D warnings
	@$(STAGE) clippy-hooks $(CARGO) clippy --workspace --all-targets $(HOOKS) -- -D warnings

## The core as the browser edition builds it: no file system, no operating system, wasm32.
clippy-wasm:
	@CARGO_TARGET_DIR="$(WASM_TARGET_DIR)" $(STAGE) clippy-wasm $(CARGO) clippy -p tweevoud --lib -p tweevoud-desk -p tweevoud-web --no-default-features --target wasm32-unknown-unknown -- -D warnings

doc:
	@RUSTDOCFLAGS="-D warnings" $(STAGE) doc $(CARGO) doc --workspace --no-deps --quiet

## The documentation of the core, the desk and the browser edition's crate (with the features
## the app builds them with): what `make test` documents. The whole workspace's (`make doc`)
## checks every dependency of the app (Tauri, GTK) once more in a mode of its own, for the few
## public items of the app's crate.
doc-core:
	@RUSTDOCFLAGS="-D warnings" $(LINT) $(STAGE) doc $(CARGO) doc -p tweevoud -p tweevoud-p11 -p tweevoud-desk -p tweevoud-web --features tweevoud-desk/fs --no-deps --quiet

## The desktop app compiles none of the CLI's dependencies (clap, rpassword, anyhow), and the
## browser edition none of the team archive's (postgres, tokio).
app-deps:
	@CARGO="$(CARGO)" $(STAGE) app-deps bash scripts/app-deps.sh

## The test binaries of the core, the CLI, the desk, the browser edition and the app crate
## (everything but the end-to-end test), built once and listed for scripts/tests.py.
test-build:
	@$(LINT) $(STAGE) test-build python3 scripts/tests.py build "$(UNIT_TESTS)" -- $(WS) --all-targets

## The core, the CLI, the desk, the browser edition and the app crate's tests (everything but
## the end-to-end test), their binaries side by side; then the doc tests, and the core's own
## tests without the file system (as the browser edition builds it).
unit: unit-run unit-core doc-tests

unit-run: test-build
	@$(STAGE) unit python3 scripts/tests.py run "$(UNIT_TESTS)"

doc-tests:
	@$(LINT) MAKEFLAGS= $(STAGE) doc-tests $(CARGO) test $(WS) --doc

unit-core:
	@$(LINT) $(STAGE) unit-core $(CARGO) test -p tweevoud --lib --no-default-features

## The test hooks are not in the app people run: built without the e2e-hooks feature (the
## test build), the binary holds none of their names; built with it, it holds them all (so the
## search would find them). `make bundle` makes the same check on the release binary.
hooks-check: hooks-absent hooks-present

hooks-absent: test-build
	@$(STAGE) hooks-absent bash scripts/hooks-check.sh absent "$(APP)"

hooks-present: app-e2e
	@$(STAGE) hooks-present bash scripts/hooks-check.sh present "$(APP)"

# The app with the hooks, and the end-to-end test's binaries. After hooks-absent: both builds
# of the app write it to the same file.
app-e2e: | hooks-absent
	@$(LINT) $(STAGE) app-e2e $(CARGO) test $(WS) $(HOOKS) --all-targets --no-run

e2e-build:
	@$(LINT) $(STAGE) e2e-build python3 scripts/tests.py build "$(E2E_TESTS)" -- -p tweevoud-e2e --all-targets

## The browser edition's WebAssembly (release) run in Node through its Desk class: two parties
## sign and countersign, and its exemplar PDFs must be the native CLI's of the same agreement
## file, byte for byte.
web-check: setup
	$(CARGO) build -p tweevoud
	CARGO_TARGET_DIR="$(WASM_TARGET_DIR)" $(CARGO) build -p tweevoud-web --target wasm32-unknown-unknown --profile wasm
	wasm-bindgen --target nodejs --out-dir "$(TARGET_DIR)/web-node" "$(WASM_TARGET_DIR)/wasm32-unknown-unknown/wasm/tweevoud_web.wasm"
	rm -rf "$(TARGET_DIR)/web-check" && mkdir -p "$(TARGET_DIR)/web-check/native"
	node web/scripts/wasm-flow.cjs "$(TARGET_DIR)/web-node" "$(TARGET_DIR)/web-check"
	# The exemplars are sealed by the customer's key, which the page saved as its key file.
	TWEEVOUD_DATA_DIR="$(TARGET_DIR)/web-check/profile" TWEEVOUD_PASSPHRASE="correct horse battery staple" \
	  "$(TARGET_DIR)/debug/tweevoud" key import "$(TARGET_DIR)/web-check/"*.secret.pem --name "Anne-Marie D'Hondt"
	TWEEVOUD_DATA_DIR="$(TARGET_DIR)/web-check/profile" TWEEVOUD_PASSPHRASE="correct horse battery staple" \
	  "$(TARGET_DIR)/debug/tweevoud" export -o "$(TARGET_DIR)/web-check/native" "$(TARGET_DIR)/web-check/"*.tweevoud
	cd "$(TARGET_DIR)/web-check" && for f in native/*.pdf; do cmp "$$f" "$${f#native/}" || exit 1; done

## The browser edition, delivered two ways: $(TARGET_DIR)/web/site/ (a static folder for any web
## host) and $(TARGET_DIR)/web/tweevoud.html (one file that works opened from disk, offline).
web:
	@$(LINT) $(STAGE) web bash scripts/web.sh

# In `make test`, the browser edition's WebAssembly is built first, on its own, while the setup
# installs wasm-bindgen's command line (which only the rest of `web` needs): a new machine
# builds both at once instead of one after the other.
web-wasm:
	@$(LINT) $(STAGE) web-wasm bash scripts/web.sh --wasm-only

# In `make test` every workspace crate is compiled by clippy's driver, warnings denied, the way
# `cargo clippy --all-targets -- -D warnings` runs it (the builds take every target: tests,
# benches), and the driver compiles them for real: the test builds and the browser edition's
# build are the lint, and the dependencies are not checked a second time in a mode of their own.
# (Built this way, the workspace's crates are compiled again by a later build without it, such
# as `make run`; the dependencies are not.) `make lint` runs `cargo clippy` itself, and the
# clippy of the bench's bare Tauri app, which `make test` does not build.
LINTED := RUSTC_WORKSPACE_WRAPPER=clippy-driver CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
LINT := $(if $(filter 1,$(IN_TEST)),$(LINTED))

## The real app in a real window, driven by tauri-driver + WebKitWebDriver (own Xvfb when
## there is no display). Screenshots go to target/e2e-shots/. The app is built with the
## e2e-hooks feature: the test stands in for file drops, some dialogs and the PDF viewer.
## The browser edition (make web) is driven the same way in headless Chromium (chromedriver).
e2e: web hooks-present e2e-build
	@$(STAGE) e2e python3 scripts/tests.py run "$(E2E_TESTS)" --jobs 1 -- --test-threads=1

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
