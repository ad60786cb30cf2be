//! Every export of the kernel contract (`kernels/ABI.md`), declared once.
//!
//! [`for_each_export!`](crate::for_each_export) hands the list below to a macro of the caller's
//! (the way XNNPACK's `.inc` tables are expanded by tests, benchmarks and config):
//!
//! | expanded by | into |
//! |---|---|
//! | `abi.rs` | the `extern "C"` kernel and model exports of the wasm modules (each calls one hand-written function with its arguments by name) and a signature check of the memory exports |
//! | [`EXPORTS`] (here) | the table: names, argument names, kinds, element types, lengths |
//! | `src/tiers/bridge.rs` (the app) | the wasm-bindgen `KernelExports` methods every tier is called through |
//!
//! and from [`EXPORTS`], [`json`] writes what the JS tests read (`js_vectors` example): the JS
//! tier's argument signatures (`kernels/js/tier/abi.js`, `SIGNATURES`) and the calls of
//! `kernels/js/test/args.test.mjs` are checked against it. A test here fails when `ABI.md`'s
//! signature lines disagree with the table.
//!
//! One argument is `name: Kind`, `name: Kind<elem>` or `name: Kind<elem>[len]`:
//! - `U32`, `F32`: a plain number (a size, count, kind, seed; a float parameter);
//! - `In<e>`, `Out<e>`, `InOut<e>`: a buffer handle (a u32) whose elements of type `e` the
//!   kernel reads, writes, or both; `[len]` is its element count: the argument of that name,
//!   or a fixed number;
//! - `Handle`: a handle the export neither reads nor writes (`sasi_free`).
//!
//! Every kernel returns an `i32` (`>= 0` success, else an error code); the memory exports
//! return what ABI.md says.

/// The export list, expanded by `$m!`. Five groups: `memory` (allocation and identity, written
/// by hand in each tier), `kernels` (each a checked call of one kernel), `model` (the app's
/// model set-up in Rust, checked like a kernel; in the wasm modules only: the app seeds every
/// tier, the JS tier included, from this same Rust code, so the JS tier carries no copy) and
/// `forms` (which form a kernel runs in, `dispatch::with_form`; wasm modules only, the JS tier
/// has one form of each) and `parts` (LIF, STDP, the seeded network and the block sums of one
/// part of the population, for threads that each own their columns, with f32 or bfloat16
/// weights; wasm modules only: the JS tier runs on one thread).
#[macro_export]
macro_rules! for_each_export {
    ($m:ident) => {
        $m! {
            memory {
                sasi_alloc(bytes: U32) -> u32;
                sasi_free(ptr: Handle, bytes: U32) -> i32;
                sasi_tier() -> u32;
                sasi_abi_version() -> u32;
                sasi_allocated_bytes() -> u32;
                mesh_words_per_row(n: U32) -> u32;
            }
            kernels {
                rng_fill_uniform(seed: U32, out: Out<f32>[out_len], out_len: U32, lo: F32, hi: F32) -> i32;
                act_apply(kind: U32, x: InOut<f32>[len], len: U32) -> i32;
                dense_forward(
                    w: In<f32>[w_len], w_len: U32, x: In<f32>[x_len], x_len: U32,
                    b: In<f32>[b_len], b_len: U32, y: Out<f32>[y_len], y_len: U32,
                    m: U32, n: U32, act: U32
                ) -> i32;
                dense_batch_forward(
                    w: In<f32>[w_len], w_len: U32, xs: In<f32>[xs_len], xs_len: U32,
                    b: In<f32>[b_len], b_len: U32, ys: Out<f32>[ys_len], ys_len: U32,
                    m: U32, n: U32, batch: U32, act: U32
                ) -> i32;
                lif_step(
                    params: In<f32>[params_len], params_len: U32,
                    v: InOut<f32>[n], refr: InOut<f32>[n], trace: InOut<f32>[n], syn: Out<f32>[n],
                    n: U32, w: In<f32>[w_len], w_len: U32, prev: In<u32>[n_prev], n_prev: U32,
                    rng: InOut<u32>[4], out: Out<u32>[out_len], out_len: U32
                ) -> i32;
                stdp_update(
                    w: InOut<f32>[w_len], w_len: U32, n: U32, trace: In<f32>[trace_len],
                    trace_len: U32, spikes: In<u32>[n_spikes], n_spikes: U32,
                    params: In<f32>[params_len], params_len: U32
                ) -> i32;
                mesh_efficiency(
                    adj: In<u32>[adj_len], adj_len: U32, n: U32, words_per_row: U32,
                    out: Out<f64>[1]
                ) -> i32;
                block_sums(
                    w: In<f32>[w_len], w_len: U32, n: U32, block: U32, first: U32, count: U32,
                    out: Out<f32>[out_len], out_len: U32
                ) -> i32;
                dense_forward_bf16(
                    w: In<u16>[w_len], w_len: U32, x: In<f32>[x_len], x_len: U32,
                    b: In<f32>[b_len], b_len: U32, y: Out<f32>[y_len], y_len: U32,
                    m: U32, n: U32, act: U32
                ) -> i32;
                lif_step_bf16(
                    params: In<f32>[params_len], params_len: U32,
                    v: InOut<f32>[n], refr: InOut<f32>[n], trace: InOut<f32>[n], syn: Out<f32>[n],
                    n: U32, w: In<u16>[w_len], w_len: U32, prev: In<u32>[n_prev], n_prev: U32,
                    rng: InOut<u32>[4], out: Out<u32>[out_len], out_len: U32
                ) -> i32;
                stdp_update_bf16(
                    w: InOut<u16>[w_len], w_len: U32, n: U32, trace: In<f32>[trace_len],
                    trace_len: U32, spikes: In<u32>[n_spikes], n_spikes: U32,
                    params: In<f32>[params_len], params_len: U32
                ) -> i32;
                block_sums_bf16(
                    w: In<u16>[w_len], w_len: U32, n: U32, block: U32, first: U32, count: U32,
                    out: Out<f32>[out_len], out_len: U32
                ) -> i32;
                weights_to_bf16(x: In<f32>[len], len: U32, out: Out<u16>[len]) -> i32;
                probe_read(x: In<f32>[len], len: U32, out: Out<f32>[1]) -> i32;
                probe_mul_add(iters: U32, a: F32, b: F32, acc: Out<f32>[48]) -> i32;
            }
            model {
                model_network(
                    n: U32, per: U32, seed: U32, w: Out<f32>[w_len], w_len: U32,
                    v: Out<f32>[n], lanes: Out<u32>[4]
                ) -> i32;
                model_params(drive_hz: F32, lif: Out<f32>[9], stdp: Out<f32>[5]) -> i32;
            }
            forms {
                variant_select(kernel: U32, form: U32) -> i32;
                variant_form(kernel: U32) -> i32;
            }
            parts {
                lif_step_part(
                    params: In<f32>[params_len], params_len: U32,
                    v: InOut<f32>[width], refr: InOut<f32>[width], trace: InOut<f32>[width],
                    syn: Out<f32>[width], width: U32, n: U32, first: U32,
                    w: In<f32>[w_len], w_len: U32, prev: In<u32>[n_prev], n_prev: U32,
                    rng: InOut<u32>[4], out: Out<u32>[out_len], out_len: U32
                ) -> i32;
                stdp_update_part(
                    w: InOut<f32>[w_len], w_len: U32, n: U32, first: U32, width: U32,
                    trace: In<f32>[trace_len], trace_len: U32, spikes: In<u32>[n_spikes],
                    n_spikes: U32, params: In<f32>[params_len], params_len: U32
                ) -> i32;
                model_network_part(
                    n: U32, per: U32, seed: U32, first: U32, width: U32,
                    w: Out<f32>[w_len], w_len: U32, v: Out<f32>[n], lanes: Out<u32>[4]
                ) -> i32;
                block_sums_part(
                    w: In<f32>[w_len], w_len: U32, n: U32, first: U32, width: U32, block: U32,
                    src_first: U32, src_count: U32, out: Out<f32>[out_len], out_len: U32
                ) -> i32;
                lif_step_part_bf16(
                    params: In<f32>[params_len], params_len: U32,
                    v: InOut<f32>[width], refr: InOut<f32>[width], trace: InOut<f32>[width],
                    syn: Out<f32>[width], width: U32, n: U32, first: U32,
                    w: In<u16>[w_len], w_len: U32, prev: In<u32>[n_prev], n_prev: U32,
                    rng: InOut<u32>[4], out: Out<u32>[out_len], out_len: U32
                ) -> i32;
                stdp_update_part_bf16(
                    w: InOut<u16>[w_len], w_len: U32, n: U32, first: U32, width: U32,
                    trace: In<f32>[trace_len], trace_len: U32, spikes: In<u32>[n_spikes],
                    n_spikes: U32, params: In<f32>[params_len], params_len: U32
                ) -> i32;
                model_network_part_bf16(
                    n: U32, per: U32, seed: U32, first: U32, width: U32,
                    w: Out<u16>[w_len], w_len: U32, v: Out<f32>[n], lanes: Out<u32>[4]
                ) -> i32;
                block_sums_part_bf16(
                    w: In<u16>[w_len], w_len: U32, n: U32, first: U32, width: U32, block: U32,
                    src_first: U32, src_count: U32, out: Out<f32>[out_len], out_len: U32
                ) -> i32;
            }
        }
    };
}

/// The wasm-level type of each argument kind (every handle is a u32 byte address in a module,
/// a small integer in the JS tier): `wasm::In` is `u32`, `wasm::F32` is `f32`.
pub mod wasm {
    pub type U32 = u32;
    pub type F32 = f32;
    pub type In = u32;
    pub type Out = u32;
    pub type InOut = u32;
    pub type Handle = u32;
}

/// What an argument is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    U32,
    F32,
    In,
    Out,
    InOut,
    Handle,
}

impl Kind {
    /// Whether the argument is a buffer handle (JS tier: `BadHandle` unless a u32).
    pub fn is_handle(self) -> bool {
        matches!(self, Kind::In | Kind::Out | Kind::InOut | Kind::Handle)
    }
    /// The letter of the JS tier's signature strings: `h` handle, `u` other u32, `f` float.
    pub fn letter(self) -> char {
        match self {
            Kind::F32 => 'f',
            k if k.is_handle() => 'h',
            _ => 'u',
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Kind::U32 => "u32",
            Kind::F32 => "f32",
            Kind::In => "in",
            Kind::Out => "out",
            Kind::InOut => "inout",
            Kind::Handle => "handle",
        }
    }
}

/// A buffer's element count: another argument's value, or a fixed number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Len {
    Arg(&'static str),
    Fixed(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arg {
    pub name: &'static str,
    pub kind: Kind,
    /// The element type of a buffer (`"f32"`, `"u32"`, `"f64"`, `"u16"`: bfloat16 weights).
    pub elem: Option<&'static str>,
    pub len: Option<Len>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Export {
    pub name: &'static str,
    pub args: &'static [Arg],
    /// `"i32"` (a kernel: a count or an error code) or `"u32"`.
    pub ret: &'static str,
    /// A kernel (checked call, error codes), not an allocation or identity export.
    pub kernel: bool,
    /// In the wasm modules only (the `model` group), not in the JS tier.
    pub wasm_only: bool,
}

impl Export {
    /// The JS tier's signature string, one letter per argument (see [`Kind::letter`]).
    pub fn signature(&self) -> String {
        self.args.iter().map(|a| a.kind.letter()).collect()
    }
}

#[doc(hidden)]
#[macro_export]
macro_rules! __export_len {
    () => {
        None
    };
    ($n:ident) => {
        Some($crate::exports::Len::Arg(stringify!($n)))
    };
    ($n:literal) => {
        Some($crate::exports::Len::Fixed($n))
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __export_elem {
    () => {
        None
    };
    ($t:ident) => {
        Some(stringify!($t))
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __export_group {
    (memory) => {
        (false, false)
    };
    (kernels) => {
        (true, false)
    };
    (model) => {
        (false, true)
    };
    (forms) => {
        (false, true)
    };
    (parts) => {
        (false, true)
    };
}

macro_rules! export_table {
    ($(
        $group:ident { $(
            $name:ident ( $( $arg:ident : $kind:ident $(<$elem:ident>)? $([$len:tt])? ),* $(,)? ) -> $ret:ident;
        )* }
    )*) => {
        /// Every export of the contract, in the order of [`for_each_export!`](crate::for_each_export).
        pub const EXPORTS: &[Export] = &[$($(
            Export {
                name: stringify!($name),
                args: &[$(Arg {
                    name: stringify!($arg),
                    kind: Kind::$kind,
                    elem: $crate::__export_elem!($($elem)?),
                    len: $crate::__export_len!($($len)?),
                }),*],
                ret: stringify!($ret),
                kernel: $crate::__export_group!($group).0,
                wasm_only: $crate::__export_group!($group).1,
            },
        )*)*];
    };
}
crate::for_each_export!(export_table);

/// The export of that name.
pub fn export(name: &str) -> Option<&'static Export> {
    EXPORTS.iter().find(|e| e.name == name)
}

/// The table and the contract's constants as JSON, for the JS tests (`js_vectors` writes it
/// into `target/js-vectors.json` as `"abi"`): `{"version", "lif_params_len",
/// "stdp_params_len", "activations", "exports": [{"name", "ret", "kernel", "wasm_only", "sig", "args":
/// [{"name", "kind", "elem", "len"}]}]}`.
pub fn json() -> String {
    let exports: Vec<String> = EXPORTS
        .iter()
        .map(|e| {
            let args: Vec<String> = e
                .args
                .iter()
                .map(|a| {
                    let elem = a.elem.map_or("null".into(), |t| format!("\"{t}\""));
                    let len = match a.len {
                        None => "null".into(),
                        Some(Len::Arg(n)) => format!("\"{n}\""),
                        Some(Len::Fixed(k)) => k.to_string(),
                    };
                    format!(
                        "{{\"name\":\"{}\",\"kind\":\"{}\",\"elem\":{elem},\"len\":{len}}}",
                        a.name,
                        a.kind.name()
                    )
                })
                .collect();
            format!(
                "{{\"name\":\"{}\",\"ret\":\"{}\",\"kernel\":{},\"wasm_only\":{},\"sig\":\"{}\",\"args\":[{}]}}",
                e.name,
                e.ret,
                e.kernel,
                e.wasm_only,
                e.signature(),
                args.join(",")
            )
        })
        .collect();
    format!(
        "{{\"version\":{},\"lif_params_len\":{},\"stdp_params_len\":{},\"activations\":{},\"exports\":[{}]}}",
        crate::ABI_VERSION,
        crate::ops::lif::PARAMS_LEN,
        crate::ops::stdp::PARAMS_LEN,
        crate::ops::activation::Activation::ALL.len(),
        exports.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_consistent() {
        let mut names: Vec<&str> = EXPORTS.iter().map(|e| e.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EXPORTS.len(), "an export is declared twice");
        for e in EXPORTS {
            assert!(
                !(e.kernel || e.wasm_only) || e.ret == "i32",
                "{}: a kernel or model export returns i32",
                e.name
            );
            for a in e.args {
                assert_eq!(
                    e.args.iter().filter(|b| b.name == a.name).count(),
                    1,
                    "{}: argument {} twice",
                    e.name,
                    a.name
                );
                let buffer = matches!(a.kind, Kind::In | Kind::Out | Kind::InOut);
                assert_eq!(
                    buffer,
                    a.elem.is_some(),
                    "{}.{}: element type",
                    e.name,
                    a.name
                );
                assert_eq!(buffer, a.len.is_some(), "{}.{}: length", e.name, a.name);
                if let Some(t) = a.elem {
                    assert!(
                        ["f32", "u32", "f64", "u16"].contains(&t),
                        "{}.{}",
                        e.name,
                        a.name
                    );
                }
                if let Some(Len::Arg(n)) = a.len {
                    let l = e.args.iter().find(|b| b.name == n);
                    assert_eq!(
                        l.map(|b| b.kind),
                        Some(Kind::U32),
                        "{}.{}: its length {n} is a u32 argument",
                        e.name,
                        a.name
                    );
                }
            }
        }
        assert_eq!(
            export("block_sums").map(Export::signature),
            Some("huuuuuhu".into())
        );
    }

    /// One signature line of ABI.md: the export, its arguments (name, type if written) and
    /// its return type.
    type Line = (String, Vec<(String, Option<String>)>, String);

    /// Every signature in ABI.md's code spans: `name(a: t, b) -> r`, or a table row
    /// `` | `name` | `(a: t) -> r` | ``.
    fn abi_md_signatures(md: &str) -> Vec<Line> {
        let mut out = Vec::new();
        for line in md.lines() {
            let spans: Vec<&str> = line.split('`').skip(1).step_by(2).collect();
            // A table row of the memory exports: the name in one span, `(…) -> r` in the next.
            if line.starts_with('|') && spans.len() >= 2 && spans[1].starts_with('(') {
                if let Some(s) = parse(&format!("{}{}", spans[0], spans[1])) {
                    out.push(s);
                }
                continue;
            }
            out.extend(spans.iter().filter_map(|s| parse(s)));
        }
        out
    }

    fn parse(span: &str) -> Option<Line> {
        let (head, ret) = span.split_once(")")?;
        let ret = ret.trim().strip_prefix("->")?.trim();
        let (name, args) = head.split_once('(')?;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        let args = args
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| match a.split_once(':') {
                Some((n, t)) => (n.trim().to_string(), Some(t.trim().to_string())),
                None => (a.to_string(), None),
            })
            .collect();
        Some((name.to_string(), args, ret.to_string()))
    }

    /// How ABI.md writes an argument's type: `u32`, `f32`, or `f32*` for a buffer of f32.
    fn md_type(a: &Arg) -> String {
        match (a.kind, a.elem) {
            (_, Some(t)) => format!("{t}*"),
            (Kind::F32, None) => "f32".into(),
            _ => "u32".into(),
        }
    }

    #[test]
    fn abi_md_agrees_with_the_table() {
        let md = include_str!("../ABI.md");
        let lines = abi_md_signatures(md);
        let mut problems = Vec::new();
        for (name, _, _) in &lines {
            if export(name).is_none() {
                problems.push(format!(
                    "ABI.md has `{name}`, the table (exports.rs) has not"
                ));
            }
        }
        for e in EXPORTS {
            let found: Vec<&Line> = lines.iter().filter(|l| l.0 == e.name).collect();
            let [(_, args, ret)] = found.as_slice() else {
                problems.push(format!(
                    "ABI.md has {} signature lines for `{}`, not one",
                    found.len(),
                    e.name
                ));
                continue;
            };
            let names: Vec<&str> = args.iter().map(|a| a.0.as_str()).collect();
            let want: Vec<&str> = e.args.iter().map(|a| a.name).collect();
            if names != want {
                problems.push(format!("`{}`: ABI.md {names:?}, table {want:?}", e.name));
            }
            for ((n, t), a) in args.iter().zip(e.args) {
                if let Some(t) = t {
                    if *t != md_type(a) {
                        problems.push(format!(
                            "`{}({n})`: ABI.md says {t}, the table {}",
                            e.name,
                            md_type(a)
                        ));
                    }
                }
            }
            if ret != e.ret {
                problems.push(format!("`{}`: returns {ret} in ABI.md, {}", e.name, e.ret));
            }
        }
        // The version: `sasi_abi_version`'s row says the number first.
        let version = md
            .lines()
            .find(|l| l.starts_with("| `sasi_abi_version`"))
            .and_then(|l| l.split('|').nth(3))
            .and_then(|c| c.split_whitespace().next())
            .and_then(|v| v.parse::<u32>().ok());
        if version != Some(crate::ABI_VERSION) {
            problems.push(format!(
                "ABI.md gives version {version:?}, ABI_VERSION is {}",
                crate::ABI_VERSION
            ));
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn json_names_every_export() {
        let j = json();
        for e in EXPORTS {
            assert!(j.contains(&format!("\"name\":\"{}\"", e.name)));
        }
        assert!(j.starts_with(&format!("{{\"version\":{}", crate::ABI_VERSION)));
    }
}
