# Guildhall: `make run` starts the app, `make test` runs every check. Both install what they
# need first (system packages via apt-get, node modules, the Python test venv, tauri-driver).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

APP_BIN      := target/debug/guildhall-app
VENV         := .venv
TOOLS        := .tools
TAURI_DRIVER := $(TOOLS)/bin/tauri-driver
XVFB         := xvfb-run -a --server-args="-screen 0 1280x860x24"
NPM_UI       := npm --prefix ui

# What building the app needs, and what the tests need on top (Debian 12 / Ubuntu names);
# dovecot-imapd is tests/servers/imap_server.py's IMAP server (its own config and port: the
# package's service, if it runs, is not used).
BUILD_PACKAGES := build-essential pkg-config file libwebkit2gtk-4.1-dev librsvg2-dev \
                  fonts-dejavu-core
TEST_PACKAGES  := xvfb xauth webkit2gtk-driver tzdata gnome-keyring dbus dovecot-imapd

.PHONY: help run test app ui lint fmt-check clippy ui-check bindings bindings-check \
        test-core test-rust test-ui test-interop test-mail e2e screenshot bench bundle clean \
        system-deps test-system-deps node-deps python-deps driver-deps interop-js-deps

help:
	@echo "make run         install what is missing and start Guildhall"
	@echo "make test        install what is missing and run every check and test"
	@echo "make e2e         only the end-to-end tests (real app under Xvfb)"
	@echo "make test-core   only the core's and the calendar crate's tests (fast)"
	@echo "make bench       the speed benchmarks (release builds; prints ratios)"
	@echo "make bindings    regenerate ui/src/lib/bindings.ts from the Rust commands"
	@echo "make screenshot  retake docs/screenshot.png and docs/members.png"
	@echo "make bundle      build a .deb (target/release/bundle/deb)"

# ---- set-up --------------------------------------------------------------------------------
system-deps:
	@scripts/ensure-packages.sh $(BUILD_PACKAGES)

test-system-deps: system-deps
	@scripts/ensure-packages.sh $(TEST_PACKAGES)
	@python3 -m venv --help >/dev/null 2>&1 || scripts/ensure-packages.sh python3-venv

node-deps: ui/node_modules/.installed
ui/node_modules/.installed: ui/package.json ui/package-lock.json
	$(NPM_UI) ci --no-audit --no-fund
	@touch $@

# Mozilla ical.js, one of the independent readers of the calendars we write (tests/interop).
interop-js-deps: tests/interop/js/node_modules/.installed
tests/interop/js/node_modules/.installed: tests/interop/js/package.json tests/interop/js/package-lock.json
	npm ci --prefix tests/interop/js --no-audit --no-fund
	@touch $@

python-deps: $(VENV)/.installed
$(VENV)/.installed: tests/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	@touch $@

driver-deps: $(TAURI_DRIVER)
$(TAURI_DRIVER):
	cargo install tauri-driver --version '^2' --locked --root $(TOOLS)

# ---- build ---------------------------------------------------------------------------------
# The binary embeds ui/dist, so the UI is built before any cargo step.
ui: node-deps
	$(NPM_UI) run build --silent

app: system-deps ui
	cargo build

run: app
	$(APP_BIN)

# ---- checks --------------------------------------------------------------------------------
test: test-system-deps node-deps python-deps driver-deps
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory bindings-check
	$(MAKE) --no-print-directory test-rust
	$(MAKE) --no-print-directory test-ui
	$(MAKE) --no-print-directory test-interop
	$(MAKE) --no-print-directory test-mail
	$(MAKE) --no-print-directory e2e
	@echo "make test: every check passed"

lint: fmt-check clippy ui-check

fmt-check:
	cargo fmt --all --check

clippy: ui
	cargo clippy --workspace --all-targets -- -D warnings

ui-check: node-deps
	cd ui && npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings
	cd ui && npx eslint .
	cd ui && npx prettier --check .

bindings: ui
	UPDATE_BINDINGS=1 cargo test --test bindings

bindings-check: ui
	cargo test --test bindings

test-core:
	cargo test -p guildhall-core -p guildhall-ical

# Every crate's tests, then the keychain's against a real Secret Service: a private session bus
# and gnome-keyring in a throw-away HOME (cargo's and rustup's homes kept: they default to HOME's).
test-rust: ui
	cargo test --workspace
	CARGO_HOME=$${CARGO_HOME:-$$HOME/.cargo} RUSTUP_HOME=$${RUSTUP_HOME:-$$HOME/.rustup} HOME=$$(mktemp -d) dbus-run-session -- sh -c 'printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; GUILDHALL_KEYCHAIN_TESTS=1 cargo test --workspace --test keychain'

test-ui: node-deps
	cd ui && npx vitest run

# Files we write, read back by parsers we did not write, and files those libraries write, read by
# our importer (tests/interop: Python, and ical.js under Node). The VTIMEZONE tests compare against /usr/share/zoneinfo (TEST_PACKAGES: tzdata).
test-interop: python-deps interop-js-deps
	INTEROP_OUT=target/interop cargo test -p guildhall-core --test vcard interop_vcard_file
	$(VENV)/bin/pytest tests/interop -p no:cacheprovider

# Invitations end to end: the CLI sends to tests/servers/smtp_server.py; what arrives is read by
# Python's email and icalendar and by ical.js (tests/mail). The IMAP tests use Dovecot
# (tests/servers/imap_server.py; TEST_PACKAGES: dovecot-imapd).
test-mail: test-system-deps python-deps interop-js-deps
	cargo build -p guildhall-cli
	$(VENV)/bin/pytest tests/mail -p no:cacheprovider

# The live-data test writes with the `guildhall` command line while the window is open.
e2e: test-system-deps python-deps driver-deps app
	cargo build -p guildhall-cli
	$(XVFB) $(VENV)/bin/pytest tests/e2e -p no:cacheprovider

screenshot: test-system-deps python-deps driver-deps app
	$(XVFB) $(VENV)/bin/python tests/e2e/screenshot.py docs/screenshot.png
	$(XVFB) $(VENV)/bin/python tests/e2e/screenshot.py docs/members.png --members

# Speed, measured against baselines run in the same session; prints ratios, asserts nothing.
bench: test-system-deps python-deps interop-js-deps node-deps
	@scripts/ensure-packages.sh sqlite3
	cargo build --release -p guildhall-cli
	$(VENV)/bin/python benches/import_bench.py target/release/guildhall 100000
	$(VENV)/bin/python tests/mail/bench_send.py target/release/guildhall 1000
	$(VENV)/bin/python tests/mail/bench_inbox.py target/release/guildhall 10000
	cargo bench -p guildhall-core --bench search
	cargo bench -p guildhall-core --bench change_feed
	cargo bench -p guildhall-core --bench calendar_upcoming
	cargo build --release -p guildhall-core --example calendar_bench
	$(VENV)/bin/python benches/calendar_bench.py target/release/examples/calendar_bench 10000
	cd ui && node_modules/.bin/vitest run --config bench/vitest.config.ts

bundle: system-deps node-deps
	ui/node_modules/.bin/tauri build --bundles deb

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules $(VENV) $(TOOLS) gen
