#!/usr/bin/env bash
# Builds the three kernel modules from the one `sasi-kernels` crate and copies them to $1:
#   kernels-scalar.wasm   no SIMD at all (simd128 off, so LLVM cannot auto-vectorise)
#   kernels-simd.wasm     +simd128
#   kernels-relaxed.wasm  +simd128,+relaxed-simd (fused multiply-add in dense and STDP)
# Each tier has its own target dir, so rebuilding one never invalidates another. Run by
# Trunk's pre_build hook (with $TRUNK_STAGING_DIR/kernels) and by `make test-js`.
set -euo pipefail
out=${1:?usage: build-modules.sh OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS
for spec in scalar:-simd128 simd:+simd128 relaxed:+simd128,+relaxed-simd; do
  tier=${spec%%:*}
  features=${spec#*:}
  RUSTFLAGS="-C target-feature=$features" cargo build --quiet --offline -p sasi-kernels --features ffi --lib \
    --release --target wasm32-unknown-unknown --target-dir "$root/target/kernels-$tier"
  built="$root/target/kernels-$tier/wasm32-unknown-unknown/release/sasi_kernels.wasm"
  # wasm-opt (Debian's binaryen 108) on the scalar and SIMD modules. Not on the relaxed one:
  # binaryen 108 predates the final relaxed-SIMD opcodes and cannot parse it.
  if [ "$tier" != relaxed ] && command -v wasm-opt >/dev/null; then
    simd_flag=""; [ "$tier" = simd ] && simd_flag=--enable-simd
    wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-multivalue --enable-reference-types $simd_flag \
      "$built" -o "$out/kernels-$tier.wasm"
  else
    cp "$built" "$out/kernels-$tier.wasm"
  fi
done
# The scalar tier must really be scalar: no v128 type and no lane-wise instruction anywhere.
if command -v wasm-dis >/dev/null; then
  text=$(mktemp)
  trap 'rm -f "$text"' EXIT
  wasm-dis "$out/kernels-scalar.wasm" > "$text"
  if grep -qE 'v128|[if](8|16|32|64)x[0-9]+\.' "$text"; then
    echo "build-modules.sh: kernels-scalar.wasm contains SIMD instructions" >&2
    exit 1
  fi
  wasm-dis "$out/kernels-simd.wasm" > "$text"
  if ! grep -qE 'f32x4\.' "$text"; then
    echo "build-modules.sh: kernels-simd.wasm contains no f32x4 instructions" >&2
    exit 1
  fi
fi
