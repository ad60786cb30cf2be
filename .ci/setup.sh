#!/usr/bin/env bash
# Idempotent set-up for `make serve` and `make test`: installs only what is missing.
# Everything comes from the package registries (crates.io, Debian, npm); nothing else is fetched.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

need_test_tools=${1:-test}   # "serve" skips the browser-test tools
say() { printf '[setup] %s\n' "$*" >&2; }

# wasm-bindgen version pinned in Cargo.toml (=x.y.z) and resolved in Cargo.lock.
wbg_version() {
  if [ -f Cargo.lock ]; then
    awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock
  else
    sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml
  fi
}

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  say "installing trunk 0.21 (takes several minutes, once)"
  cargo install trunk --version '^0.21' --locked
fi

want=$(wbg_version)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $want"; then
  say "installing wasm-bindgen-cli $want (matches Cargo.lock; takes a few minutes, once)"
  # Not --locked: the registry lacks one of the CLI's locked dependencies.
  cargo install wasm-bindgen-cli --version "$want" --force
fi

# binaryen 132 (wasm-opt, wasm-dis) from npm for every build: Debian's 108 cannot parse
# relaxed SIMD and breaks wasm-bindgen's externref table. npm ci only when node_modules is
# missing or older than the lockfile.
if [ ! -d tools/node_modules ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  say "installing build tools in tools/ (binaryen from npm)"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi
export PATH="$PWD/tools/node_modules/.bin:$PATH"

# The three browser engines the e2e tests and `make bench` drive, all Debian's: Chromium,
# Firefox ESR (WebDriver BiDi), WebKitGTK's WebKitWebDriver + MiniBrowser (classic WebDriver),
# and Xvfb for WebKitGTK, which needs a display. Each only when missing.
apt_pkgs=()
if [ "$need_test_tools" = test ]; then
  command -v chromium >/dev/null || apt_pkgs+=(chromium)
  command -v firefox-esr >/dev/null || apt_pkgs+=(firefox-esr)
  if ! command -v WebKitWebDriver >/dev/null || ! compgen -G '/usr/lib/*/webkit2gtk-4.1/MiniBrowser' >/dev/null; then
    apt_pkgs+=(webkit2gtk-driver)
  fi
  command -v Xvfb >/dev/null || apt_pkgs+=(xvfb)
fi
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  say "installing Debian packages: ${apt_pkgs[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
fi

if [ "$need_test_tools" = test ]; then
  # npm ci only when node_modules is missing or older than the lockfile.
  # puppeteer-core and selenium-webdriver drive the Debian browsers above; neither downloads
  # a browser or a driver (puppeteer-core has no install step; the tests hand selenium a
  # running WebKitWebDriver). The skip flags are belt and braces.
  if [ ! -d tests/node_modules ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
    say "installing npm packages in tests/"
    (cd tests && PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROME_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
say "tools ready: $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version | head -1)"
