# SASI Lab — the two commands: `make serve` and `make test`.
# Each first runs an idempotent set-up that installs only what is missing.
SHELL := /bin/bash
ROOT := $(abspath .)
# Build tools from the registries only: cargo's bin (trunk, wasm-bindgen) and binaryen 132 from
# npm (tools/), ahead of anything older on the system.
export PATH := $(ROOT)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
WASM_TEST_ENV := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner WASM_BINDGEN_TEST_TIMEOUT=300

.PHONY: lint serve test setup setup-serve build dist test-native test-plasticity test-wasm test-js test-e2e bench frames soak clean

serve: setup-serve
	trunk serve --release --offline --address 127.0.0.1 --port 8080

# Every test layer: native Rust, kernels as WebAssembly in Node, the JS tier, the page in Chromium.
test: setup
	@echo "== lint: cargo fmt --check and clippy -D warnings for every target"
	$(MAKE) --no-print-directory lint
	@echo "== layer 1: native Rust (cargo test --workspace)"
	cargo test --workspace --quiet
	@echo "== layer 1b: the network's dynamics over 600 s of simulated time at N = 1024 and 2048 (native, optimised)"
	$(MAKE) --no-print-directory test-plasticity
	@echo "== layer 2: kernels compiled to wasm32, run by wasm-bindgen-test-runner in Node"
	$(MAKE) --no-print-directory test-wasm
	@echo "== layer 2b: the JS tier (node --test) against vectors from the Rust side"
	$(MAKE) --no-print-directory test-js
	@echo "== layer 3: end-to-end in Chromium (playwright-core), Firefox ESR (puppeteer-core, BiDi), WebKitGTK (selenium-webdriver, Xvfb)"
	$(MAKE) --no-print-directory test-e2e

# Formatting, and clippy with warnings denied for every target the code is built for: native
# (all targets, tests and examples included), the app as wasm32, and the kernel library in each
# of the three kernel-module builds (their cfgs differ: simd128, relaxed SIMD, the C ABI).
lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	cargo clippy -p sasi-lab --target wasm32-unknown-unknown --quiet -- -D warnings
	@set -e; for spec in $(WASM_BUILDS); do tier=$${spec%%:*}; feat=$${spec#*:}; \
	  echo "-- clippy: kernel module, $$tier build"; \
	  RUSTFLAGS="-C target-feature=$$feat" cargo clippy -p sasi-kernels --features ffi --lib --quiet \
	    --target wasm32-unknown-unknown --target-dir target/clippy-$$tier -- -D warnings; \
	done

setup:
	@bash .ci/setup.sh test

setup-serve:
	@bash .ci/setup.sh serve

build:
	trunk build --release --offline

# The release build in dist/, complete on its own for any static host (no trunk at run time):
# relative URLs (it runs under a sub-path such as https://host/sasi-lab/), _headers for the hosts
# that read headers from a file (Netlify, Cloudflare Pages), and sw.js, the service worker that
# isolates the page where no headers can be sent (GitHub Pages) and keeps it for offline use.
dist: setup-serve
	trunk build --release --offline
	@echo "dist/ is ready: copy it to any static host (README: 'A link, not a toolchain')"

test-native:
	cargo test --workspace --quiet

# The plasticity rule's 600 s runs (kernels/tests/plasticity.rs): firing rate, live and clipped
# synapses and the mesh's efficiency in every 10 s window, printed; unoptimised they take too
# long, so `cargo test` skips them in debug builds and this runs them in release.
test-plasticity:
	cargo test --release -p sasi-kernels --test plasticity ten_minutes -- --nocapture

# The one conformance suite (kernels/tests/conformance.rs) as wasm in Node, in the three builds
# the kernel modules are: no simd128, simd128, simd128 + relaxed SIMD (Node 20 needs a flag for
# relaxed SIMD; wasm-bindgen-test-runner passes NODE_ARGS to node).
WASM_BUILDS := scalar:-simd128 simd:+simd128 relaxed:+simd128,+relaxed-simd
test-wasm:
	@set -e; for spec in $(WASM_BUILDS); do tier=$${spec%%:*}; feat=$${spec#*:}; \
	  echo "-- conformance suite as wasm32, $$tier build (target-feature=$$feat)"; \
	  $(WASM_TEST_ENV) NODE_ARGS=--experimental-wasm-relaxed-simd RUSTFLAGS="-C target-feature=$$feat" \
	    cargo test -p sasi-kernels --release --target wasm32-unknown-unknown --target-dir target/wasm-test-$$tier \
	    --test conformance; \
	done

test-js:
	cargo run -q -p sasi-kernels --example js_vectors -- target/js-vectors.json
	bash kernels/build-modules.sh target/kernel-modules
	SASI_JS_VECTORS=$(ROOT)/target/js-vectors.json SASI_KERNEL_DIR=$(ROOT)/target/kernel-modules \
	  node --experimental-wasm-relaxed-simd --test kernels/js/test/

# engines.test.mjs runs in all three engines (SASI_ENGINES=firefox,webkit to choose); WebKitGTK
# gets an Xvfb display that the test starts itself, so no display is needed.
test-e2e: build
	cd tests && node --test --test-concurrency=1 e2e/

# Every kernel in every tier, plus the native ceiling (not part of `make test`), in one engine
# or all: make bench BROWSER=chromium|firefox|webkit|all (SET=quick for the short set).
BROWSER ?= chromium
bench: setup build
	cd tests && BROWSER=$(BROWSER) node bench/run.mjs

# Where a frame's time goes at N = 2048, per engine (BROWSER=…, default all); with
# SASI_DIST_BEFORE=<an older built dist/> both builds, interleaved (not part of `make test`).
frames: setup build
	cd tests && BROWSER=$${BROWSER:-all} node bench/frames.mjs

# Five minutes (DURATION=3600 for the hour-long demo) of animation with tier switches, N changes
# and benchmark runs; fails if memory keeps growing or leaves its bounds, or the firing rate its
# band (not part of `make test`). Writes target/soak/latest.json.
DURATION ?= 300
soak: setup build
	cd tests && DURATION=$(DURATION) node bench/soak.mjs

clean:
	rm -rf dist target/e2e target/bench
