#!/usr/bin/env bash
# Builds the three kernel modules from the one `sasi-kernels` crate and copies them to $1:
#   kernels-scalar.wasm   no SIMD at all (simd128 off, so LLVM cannot auto-vectorise)
#   kernels-simd.wasm     +simd128
#   kernels-relaxed.wasm  +simd128,+relaxed-simd (fused multiply-add in activations, dense, STDP)
# Each tier has its own target dir, so rebuilding one never invalidates another. Every module
# goes through the same `wasm-opt -O3` (binaryen 132 from npm, tools/: it parses relaxed SIMD,
# which Debian's 108 cannot), so the tiers are built like for like. Then the build checks that
# each module holds the instructions its tier promises. Run by Trunk's pre_build hook (with
# $TRUNK_STAGING_DIR/kernels) and by `make test-js`.
set -euo pipefail
out=${1:?usage: build-modules.sh OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/tools/node_modules/.bin:$PATH"
mkdir -p "$out"
if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  echo "build-modules.sh: wasm-opt 132 is missing (run: make setup, or npm ci in tools/)" >&2
  exit 1
fi
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS
features_of() {
  case $1 in
    scalar) echo "-simd128" ;;
    simd) echo "+simd128" ;;
    relaxed) echo "+simd128,+relaxed-simd" ;;
  esac
}
for tier in scalar simd relaxed; do
  RUSTFLAGS="-C target-feature=$(features_of $tier)" cargo build --quiet --offline -p sasi-kernels --features ffi --lib \
    --release --target wasm32-unknown-unknown --target-dir "$root/target/kernels-$tier"
  built="$root/target/kernels-$tier/wasm32-unknown-unknown/release/sasi_kernels.wasm"
  enable=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals
    --enable-multivalue --enable-reference-types)
  case $tier in
    simd) enable+=(--enable-simd) ;;
    relaxed) enable+=(--enable-simd --enable-relaxed-simd) ;;
  esac
  wasm-opt -O3 "${enable[@]}" "$built" -o "$out/kernels-$tier.wasm"
done

# Each module holds what its tier promises: scalar has no v128 type and no lane-wise
# instruction; SIMD has f32x4 arithmetic and no relaxed instruction; relaxed has relaxed
# multiply-adds.
text=$(mktemp)
trap 'rm -f "$text"' EXIT
fail() { echo "build-modules.sh: $*" >&2; exit 1; }
wasm-dis "$out/kernels-scalar.wasm" > "$text"
! grep -qE 'v128|[if](8|16|32|64)x[0-9]+\.' "$text" || fail "kernels-scalar.wasm contains SIMD instructions"
wasm-dis --enable-simd "$out/kernels-simd.wasm" > "$text"
grep -qE 'f32x4\.(mul|add)' "$text" || fail "kernels-simd.wasm contains no f32x4 arithmetic"
! grep -q 'relaxed' "$text" || fail "kernels-simd.wasm contains relaxed-SIMD instructions"
wasm-dis --enable-simd --enable-relaxed-simd "$out/kernels-relaxed.wasm" > "$text"
grep -qE 'f32x4\.relaxed_madd' "$text" || fail "kernels-relaxed.wasm contains no f32x4.relaxed_madd"
