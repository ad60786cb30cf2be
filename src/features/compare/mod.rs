//! Comparisons across runs: a benchmark JSON exported by this page ("Download JSON",
//! `src/features/bench/panel.rs`) or written by `make bench` (`target/bench/latest.json`) is read into
//! plain types and set beside the page's own last run, kernel by kernel, size and tier.
//!
//! Both files carry `results: [{kernel, size, median_ns: {js, scalar, simd, relaxed, …}}]`;
//! the export adds `env` (user agent, date), `set` and `source_text`, `make bench` adds
//! `engine`, `engine_version` and `env.browser`. Anything else is refused with a reason.
//!
//! In the page the file never reaches this module whole: the import worker (`import.rs`,
//! `src/features/compare/import-worker.js`) reads and parses it off the main thread and hands over a compact
//! JSON text of its first `MAX_LINES` result lines, names clipped to `NAME_MAX_CHARS`, which
//! `parse_run` then validates exactly as it would the file itself.
pub mod import;
pub mod view;
use crate::features::bench::{self, ResultLine, TIERS};
use crate::util::fmt::fmt_thousands;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Files larger than this are refused before parsing (an export is a few hundred kB).
pub const MAX_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

/// Result lines read from a file; the rest are counted, not read. An export holds one line per
/// kernel and size (`FULL_SET_LINES` for the full set), so this leaves room for several runs
/// merged into one file while the page never holds more than this many lines (times four
/// tiers of rows and bars).
pub const MAX_LINES: usize = 270;

/// Result lines of the benchmark's full set (`cases('full')` in `kernels/js/bench/bench.js`), the
/// largest export the page or `make bench` writes; quoted beside the cap on screen.
/// `kernels/js/test/import-cap.test.mjs` checks it against the harness.
pub const FULL_SET_LINES: usize = 27;

// The cap leaves ample room over the largest real export.
const _: () = assert!(MAX_LINES >= 10 * FULL_SET_LINES);

/// Longest name kept (kernel, size, engine, set, file name, date): the full text shown in a
/// tooltip. Longer ones are clipped, so a hostile name costs no more than this.
pub const NAME_MAX_CHARS: usize = 200;

/// Longest name shown in the page's text (with "…" when cut); the rest is in the tooltip.
pub const SHOWN_CHARS: usize = 60;

/// An invalid file up to this many characters is handed back whole by the import worker, so
/// `invalid_json` can say where and how it is broken as `parse_run` words it; a larger one is
/// described from the browser's parser message (which still tells a cut-off file). Bounded so
/// that a broken file costs the app's wasm memory (which never shrinks) little.
pub const INVALID_TEXT_BACK_CHARS: usize = 256 * 1024;

#[derive(Deserialize)]
struct RawRun {
    #[serde(default)]
    env: Value,
    #[serde(default)]
    engine: Option<String>,
    #[serde(default)]
    engine_version: Option<String>,
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    source_text: Option<String>,
    results: Vec<RawResult>,
    /// How many result lines the file held, when the import worker kept only the first
    /// `MAX_LINES` (absent when the text is the file itself).
    #[serde(default)]
    results_total: Option<f64>,
}

#[derive(Deserialize)]
struct RawResult {
    kernel: String,
    size: String,
    median_ns: BTreeMap<String, Value>,
}

/// One kernel at one size in the imported run: each tier's median, ns (only those in
/// `bench::MEDIAN_RANGE_NS`). Names are at most `NAME_MAX_CHARS` long.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedLine {
    pub kernel: String,
    pub size: String,
    pub median_ns: BTreeMap<String, f64>,
}

/// An imported run: what it says about itself, and its medians.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedRun {
    /// File name as given by the browser.
    pub file: String,
    /// Engine, version and set, as far as the file says.
    pub label: String,
    pub date: Option<String>,
    /// At most `MAX_LINES`: the file's first result lines.
    pub lines: Vec<ImportedLine>,
    /// How many result lines the file held (more than `lines.len()` when it was capped).
    pub total_lines: usize,
    /// Medians given as something other than `null` that are not a time in
    /// `bench::MEDIAN_RANGE_NS` (out of range, zero, negative, text), left out.
    pub left_out: usize,
    /// The first of them, for the message: "dense 256x256 · js: 5e-324".
    pub left_out_example: Option<String>,
}

/// At most `max` characters of `s`.
pub fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// `s` for the page's text: at most `max` characters, the last one "…" when it was cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().nth(max).is_none() {
        s.to_string()
    } else {
        let mut out = clip(s, max.saturating_sub(1));
        out.push('…');
        out
    }
}

/// `bench::MEDIAN_RANGE_NS` in words: "0.01 ns and 100 s".
pub fn range_text() -> String {
    let r = bench::MEDIAN_RANGE_NS;
    format!("{} ns and {} s", r.start(), r.end() / 1e9)
}

impl ImportedRun {
    /// The cap, when it applied: "showing the first 270 of 183,567 result lines …".
    pub fn cap_note(&self) -> Option<String> {
        (self.total_lines > self.lines.len()).then(|| {
            format!(
                "showing the first {} of {} result lines: an export holds one line per kernel and size ({} for the full set), so the page reads at most {}",
                fmt_thousands(self.lines.len()),
                fmt_thousands(self.total_lines),
                FULL_SET_LINES,
                fmt_thousands(MAX_LINES)
            )
        })
    }

    /// The medians left out, when there were any, naming one of them.
    pub fn left_out_note(&self) -> Option<String> {
        (self.left_out > 0).then(|| {
            let example = self.left_out_example.as_deref().unwrap_or("?");
            if self.left_out == 1 {
                format!(
                    "1 imported median is not a time between {} and is left out: {example}",
                    range_text()
                )
            } else {
                format!(
                    "{} imported medians are not times between {} and are left out, e.g. {example}",
                    fmt_thousands(self.left_out),
                    range_text()
                )
            }
        })
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| clip(s, NAME_MAX_CHARS))
}

/// A short engine name from a user agent ("Chrome 130", "Firefox 128", "Safari 18").
fn engine_from_ua(ua: &str) -> Option<String> {
    for (token, name) in [
        ("Firefox/", "Firefox"),
        ("Edg/", "Edge"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
    ] {
        if let Some(rest) = ua.split(token).nth(1) {
            let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
            return Some(format!("{name} {major}"));
        }
    }
    None
}

/// Reads an exported run. The error says what is wrong, in words for the page.
pub fn parse_run(file: &str, json: &str) -> Result<ImportedRun, String> {
    if json.trim().is_empty() {
        return Err("the file is empty".into());
    }
    let raw: RawRun = serde_json::from_str(json).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Eof => format!("the file ends too early (truncated JSON at line {})", e.line()),
            Category::Syntax => format!("not valid JSON: {e}"),
            Category::Data => format!(
                "not a SASI Lab benchmark export (expected `results: [{{kernel, size, median_ns}}]`): {e}"
            ),
            Category::Io => format!("could not read the file: {e}"),
        }
    })?;
    let total_lines = raw.results.len().max(
        raw.results_total
            .filter(|t| t.is_finite() && *t >= 0.0)
            .map_or(0, |t| t as usize),
    );
    let mut lines = Vec::new();
    let (mut left_out, mut left_out_example) = (0usize, None);
    for r in raw.results.into_iter().take(MAX_LINES) {
        let kernel = clip(&r.kernel, NAME_MAX_CHARS);
        let size = clip(&r.size, NAME_MAX_CHARS);
        let mut median_ns = BTreeMap::new();
        for (t, v) in r.median_ns {
            // Other keys (`plain`, `native`, …) are not tiers of this table; `null` is a tier
            // that did not run.
            if !TIERS.contains(&t.as_str()) || v.is_null() {
                continue;
            }
            match v.as_f64().filter(|x| bench::median_in_range(*x)) {
                Some(x) => {
                    median_ns.insert(t, x);
                }
                None => {
                    left_out += 1;
                    if left_out_example.is_none() {
                        left_out_example = Some(format!(
                            "{} {} · {t}: {}",
                            shorten(&kernel, 40),
                            shorten(&size, 20),
                            shorten(&v.to_string(), 40)
                        ));
                    }
                }
            }
        }
        lines.push(ImportedLine {
            kernel,
            size,
            median_ns,
        });
    }
    if lines.iter().all(|l| l.median_ns.is_empty()) {
        let why = match &left_out_example {
            Some(e) => format!(
                "; {} left out as not times between {}, e.g. {e}",
                fmt_thousands(left_out),
                range_text()
            ),
            None => String::new(),
        };
        return Err(format!(
            "the file has no usable medians (no result with a time between {}){why}",
            range_text()
        ));
    }
    let engine = raw
        .engine
        .map(|e| match raw.engine_version.as_deref() {
            Some(v) => format!("{} {}", clip(&e, NAME_MAX_CHARS), clip(v, NAME_MAX_CHARS)),
            None => clip(&e, NAME_MAX_CHARS),
        })
        .or_else(|| text(&raw.env, "browser"))
        .or_else(|| text(&raw.env, "userAgent").and_then(|ua| engine_from_ua(&ua)))
        .unwrap_or_else(|| "unknown engine".into());
    let set = raw
        .set
        .map(|s| clip(&s, NAME_MAX_CHARS))
        .or_else(|| text(&raw.env, "set"));
    let mut label = engine;
    if let Some(s) = set {
        label.push_str(&format!(" · {s} set"));
    }
    if let Some(s) = raw.source_text {
        label.push_str(&format!(" · {}", clip(&s, 120)));
    }
    Ok(ImportedRun {
        file: clip(file, NAME_MAX_CHARS),
        label,
        date: text(&raw.env, "date"),
        lines,
        total_lines,
        left_out,
        left_out_example,
    })
}

/// Why a file the browser's JSON parser refused is not valid, in words for the page.
/// `text`: the file when it is at most `INVALID_TEXT_BACK_CHARS` long (then `parse_run`'s own
/// reading says where: "ends too early … at line 3"); `parser`: the browser's message.
pub fn invalid_json(text: Option<&str>, parser: &str) -> String {
    if let Some(Err(e)) = text.map(|t| parse_run("", t)) {
        return e;
    }
    let said = shorten(parser.trim(), NAME_MAX_CHARS);
    let lower = said.to_lowercase();
    if ["end of", "eof", "unterminated"]
        .iter()
        .any(|w| lower.contains(w))
    {
        format!("the file ends too early (truncated JSON: {said})")
    } else {
        format!("not valid JSON: {said}")
    }
}

/// One row of the comparison: a kernel, size and tier in this run and in the imported one.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub kernel: String,
    pub size: String,
    pub tier: String,
    pub this_ns: Option<f64>,
    pub imported_ns: Option<f64>,
}

impl Row {
    /// Imported time ÷ this run's time: above 1, this run is faster.
    pub fn ratio(&self) -> Option<f64> {
        let r = self.imported_ns? / self.this_ns?;
        r.is_finite().then_some(r)
    }
}

/// Every kernel × size × tier in either run, in the imported run's order, then the lines
/// only this run has.
pub fn compare(this: &[ResultLine], imported: &ImportedRun) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut add =
        |kernel: &str, size: &str, this_line: Option<&ResultLine>, imp: Option<&ImportedLine>| {
            for t in TIERS {
                let this_ns = this_line.and_then(|l| l.median(t));
                let imported_ns = imp.and_then(|l| l.median_ns.get(t).copied());
                if this_ns.is_some() || imported_ns.is_some() {
                    rows.push(Row {
                        kernel: kernel.to_string(),
                        size: size.to_string(),
                        tier: t.to_string(),
                        this_ns,
                        imported_ns,
                    });
                }
            }
        };
    let find = |k: &str, s: &str| this.iter().find(|l| l.kernel == k && l.size == s);
    for l in &imported.lines {
        add(&l.kernel, &l.size, find(&l.kernel, &l.size), Some(l));
    }
    for l in this {
        if !imported
            .lines
            .iter()
            .any(|i| i.kernel == l.kernel && i.size == l.size)
        {
            add(&l.kernel, &l.size, Some(l), None);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::bench::{group, BenchRow};

    const EXPORT: &str = r#"{
      "env": {"userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
              "set": "quick", "date": "2026-12-03T10:00:00.000Z"},
      "set": "quick", "source_text": "quick set, animation running",
      "tiers": {}, "rows": [],
      "results": [
        {"kernel": "dense", "size": "256x256", "median_ns": {"js": 80000, "scalar": 40000, "simd": 10000, "relaxed": null}},
        {"kernel": "stdp", "size": "1024", "median_ns": {"js": 9000, "scalar": null, "simd": 4500, "relaxed": null}}
      ]}"#;

    fn this_run() -> Vec<ResultLine> {
        let row = |k: &str, s: &str, t: &str, ns: f64| BenchRow {
            kernel: k.into(),
            size: s.into(),
            tier: t.into(),
            median_ns: Some(ns),
            agrees: Some(true),
            ..BenchRow::default()
        };
        group(&[
            row("dense", "256x256", "js", 40000.0),
            row("dense", "256x256", "simd", 10000.0),
            row("lif_step", "1024", "js", 3000.0),
        ])
    }

    #[test]
    fn a_page_export_is_read_and_compared() {
        let run = parse_run("sasi-bench.json", EXPORT).expect("a good export parses");
        assert_eq!(
            run.label,
            "Chrome 130 · quick set · quick set, animation running"
        );
        assert_eq!(run.date.as_deref(), Some("2026-12-03T10:00:00.000Z"));
        assert_eq!(run.lines.len(), 2);
        assert_eq!(run.lines[0].median_ns.len(), 3, "null medians are left out");
        let rows = compare(&this_run(), &run);
        let key = |r: &Row| format!("{} {} {}", r.kernel, r.size, r.tier);
        assert_eq!(
            rows.iter().map(key).collect::<Vec<_>>(),
            [
                "dense 256x256 js",
                "dense 256x256 scalar",
                "dense 256x256 simd",
                "stdp 1024 js",
                "stdp 1024 simd",
                "lif_step 1024 js"
            ]
        );
        assert_eq!(
            rows[0].ratio(),
            Some(2.0),
            "imported JS 80 µs vs this run's 40 µs"
        );
        assert_eq!(rows[1].ratio(), None, "scalar only in the imported run");
        assert_eq!(rows[2].ratio(), Some(1.0));
        assert_eq!((rows[5].this_ns, rows[5].imported_ns), (Some(3000.0), None));
    }

    #[test]
    fn make_bench_latest_json_is_accepted() {
        let latest = r#"{"engine": "firefox", "engine_version": "128.5", "automation": "puppeteer",
          "env": {"browser": "Firefox ESR", "set": "full", "date": "2026-12-01"},
          "results": [{"kernel": "dense", "size": "256x256",
             "median_ns": {"js": 1, "plain": 2, "scalar": 3, "simd": 4, "relaxed": null, "native": 5, "tfjs_wasm": 6},
             "speedup": {}, "stats": {}}],
          "live": [], "notes": [], "runs": []}"#;
        let run = parse_run("latest.json", latest).unwrap();
        assert_eq!(run.label, "firefox 128.5 · full set");
        assert_eq!(
            run.lines[0].median_ns.keys().collect::<Vec<_>>(),
            ["js", "scalar", "simd"],
            "only the four tiers"
        );
    }

    #[test]
    fn a_truncated_file_says_so() {
        let cut = &EXPORT[..EXPORT.len() / 2];
        let e = parse_run("x.json", cut).unwrap_err();
        assert!(e.contains("truncated"), "{e}");
        assert!(parse_run("x.json", "  ").unwrap_err().contains("empty"));
    }

    #[test]
    fn a_wrong_schema_is_refused_with_the_reason() {
        for bad in [
            r#"{"rows": []}"#,
            r#"[1, 2, 3]"#,
            r#"{"results": {"kernel": "dense"}}"#,
            r#"{"results": [{"kernel": "dense", "size": 256, "median_ns": {}}]}"#,
            r#""just a string""#,
        ] {
            let e = parse_run("x.json", bad).unwrap_err();
            assert!(e.contains("not a SASI Lab benchmark export"), "{bad}: {e}");
        }
        let e = parse_run("x.json", "<html>not json</html>").unwrap_err();
        assert!(e.contains("not valid JSON"), "{e}");
        let e = parse_run("x.json", r#"{"results": []}"#).unwrap_err();
        assert!(e.contains("no usable medians"), "{e}");
    }

    #[test]
    fn huge_numbers_nan_and_junk_are_not_medians() {
        // NaN is not JSON; 1e400 overflows f64: both refused as invalid, never a panic.
        let nan = r#"{"results": [{"kernel": "a", "size": "1", "median_ns": {"js": NaN}}]}"#;
        assert!(parse_run("x.json", nan)
            .unwrap_err()
            .contains("not valid JSON"));
        let huge = r#"{"results": [{"kernel": "a", "size": "1", "median_ns": {"js": 1e400}}]}"#;
        assert!(parse_run("x.json", huge).is_err());
        // Out of range, negative, zero and text: none usable, so the file is refused, naming
        // how many and the first.
        let odd = r#"{"results": [{"kernel": "dense", "size": "256x256",
            "median_ns": {"js": 1.7e308, "scalar": -5, "simd": 0, "relaxed": "fast"}}]}"#;
        let e = parse_run("x.json", odd).unwrap_err();
        assert!(e.contains("no usable medians"), "{e}");
        assert!(e.contains("4 left out"), "{e}");
        assert!(e.contains("between 0.01 ns and 100 s"), "{e}");
        assert!(e.contains("dense 256x256 · js: 1.7e+308"), "{e}");
    }

    #[test]
    fn out_of_range_medians_are_left_out_with_a_message() {
        let json = r#"{"results": [
            {"kernel": "dense", "size": "64x64", "median_ns": {"js": 5e-324, "simd": 1200, "relaxed": null}},
            {"kernel": "lif_step", "size": "1024", "median_ns": {"js": 1.7e308, "scalar": 0.01, "simd": 1e11}}]}"#;
        let run = parse_run("x.json", json).unwrap();
        assert_eq!(run.lines[0].median_ns.keys().collect::<Vec<_>>(), ["simd"]);
        assert_eq!(
            run.lines[1].median_ns.keys().collect::<Vec<_>>(),
            ["scalar", "simd"],
            "the range's bounds are in it"
        );
        assert_eq!(run.left_out, 2, "null is a tier not run, not a bad median");
        let note = run.left_out_note().unwrap();
        assert_eq!(
            note,
            "2 imported medians are not times between 0.01 ns and 100 s and are left out, e.g. dense 64x64 · js: 5e-324"
        );
        // The measured side uses the same bounds: a ratio is always finite and printable.
        let rows = compare(&[], &run);
        assert!(rows
            .iter()
            .all(|r| r.imported_ns.is_some_and(bench::median_in_range)));
        let one =
            r#"{"results": [{"kernel": "a", "size": "1", "median_ns": {"js": 2e11, "simd": 5}}]}"#;
        let note = parse_run("x.json", one).unwrap().left_out_note().unwrap();
        assert!(
            note.starts_with("1 imported median is not a time between"),
            "{note}"
        );
        assert!(note.ends_with("a 1 · js: 200000000000.0"), "{note}");
        assert_eq!(parse_run("x.json", EXPORT).unwrap().left_out_note(), None);
    }

    fn lines_json(n: usize, total: Option<usize>) -> String {
        let line = r#"{"kernel": "dense", "size": "8", "median_ns": {"js": 100}}"#;
        let lines = vec![line; n].join(",");
        let total = total
            .map(|t| format!(r#", "results_total": {t}"#))
            .unwrap_or_default();
        format!(r#"{{"results": [{lines}]{total}}}"#)
    }

    #[test]
    fn at_most_max_lines_are_read_and_the_cap_is_stated() {
        let run = parse_run("x.json", &lines_json(MAX_LINES, None)).unwrap();
        assert_eq!((run.lines.len(), run.total_lines), (MAX_LINES, MAX_LINES));
        assert_eq!(run.cap_note(), None, "nothing left out");
        let run = parse_run("x.json", &lines_json(MAX_LINES + 50, None)).unwrap();
        assert_eq!(run.lines.len(), MAX_LINES);
        assert_eq!(run.total_lines, MAX_LINES + 50);
        let note = run.cap_note().unwrap();
        assert!(
            note.starts_with("showing the first 270 of 320 result lines"),
            "{note}"
        );
        // What the import worker hands over: the first lines, and how many the file held.
        let run = parse_run("x.json", &lines_json(MAX_LINES, Some(183_567))).unwrap();
        let note = run.cap_note().unwrap();
        assert!(
            note.starts_with("showing the first 270 of 183,567 result lines"),
            "{note}"
        );
        assert!(
            note.contains(&format!("({FULL_SET_LINES} for the full set)")),
            "{note}"
        );
        // A count smaller than the lines present is not believed.
        let run = parse_run("x.json", &lines_json(3, Some(1))).unwrap();
        assert_eq!((run.total_lines, run.cap_note()), (3, None));
    }

    #[test]
    fn long_names_are_clipped_and_shortened_for_display() {
        let long = "k".repeat(200_000);
        let json = format!(
            r#"{{"engine": "{long}", "set": "{long}", "env": {{"date": "{long}"}},
                "results": [{{"kernel": "{long}", "size": "{long}", "median_ns": {{"js": 5}}}}]}}"#
        );
        let run = parse_run(&long, &json).unwrap();
        assert_eq!(run.file.chars().count(), NAME_MAX_CHARS);
        assert_eq!(run.lines[0].kernel.chars().count(), NAME_MAX_CHARS);
        assert_eq!(run.lines[0].size.chars().count(), NAME_MAX_CHARS);
        assert_eq!(
            run.date.as_ref().map(|d| d.chars().count()),
            Some(NAME_MAX_CHARS)
        );
        assert!(
            run.label.chars().count() <= 2 * NAME_MAX_CHARS + 10,
            "{}",
            run.label.len()
        );
        let shown = shorten(&run.lines[0].kernel, SHOWN_CHARS);
        assert_eq!(shown.chars().count(), SHOWN_CHARS);
        assert!(shown.ends_with('…'));
        assert_eq!(
            shorten("dense", SHOWN_CHARS),
            "dense",
            "short names unchanged"
        );
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdefg", 6), "abcde…");
        assert_eq!(shorten("ééééééé", 3), "éé…", "characters, not bytes");
    }

    #[test]
    fn invalid_json_is_described_from_the_text_or_the_parser() {
        let cut = &EXPORT[..200];
        assert!(
            invalid_json(Some(cut), "Unterminated string in JSON at position 200")
                .starts_with("the file ends too early (truncated JSON at line")
        );
        // Too long to hand back: the browser's words, truncation recognised in each engine's.
        for msg in [
            "Unexpected end of JSON input",
            "JSON.parse: unexpected end of data at line 1 column 201 of the JSON data",
            "JSON Parse error: Unexpected EOF",
            "Unterminated string in JSON at position 16777000",
        ] {
            let e = invalid_json(None, msg);
            assert!(e.starts_with("the file ends too early"), "{msg}: {e}");
        }
        let e = invalid_json(None, "Unexpected token '<', \"<html>\" is not valid JSON");
        assert!(e.starts_with("not valid JSON: Unexpected token"), "{e}");
        let e = invalid_json(None, &"x".repeat(100_000));
        assert!(
            e.chars().count() < NAME_MAX_CHARS + 40,
            "the message is bounded"
        );
    }

    #[test]
    fn the_import_workers_stand_ins_keep_the_reason() {
        // The worker replaces arrays and objects the page does not read with empty ones.
        for bad in [
            r#"{"results": {}}"#,
            r#"{"results": [{"kernel": {}, "size": "8", "median_ns": {}}]}"#,
            r#"{"results": [[]]}"#,
            r#"[]"#,
        ] {
            let e = parse_run("x.json", bad).unwrap_err();
            assert!(e.contains("not a SASI Lab benchmark export"), "{bad}: {e}");
        }
        // ±Infinity (a number over f64's range) comes as text: left out, named.
        let inf = r#"{"results": [{"kernel": "a", "size": "1", "median_ns": {"js": "Infinity", "simd": 9}}]}"#;
        let note = parse_run("x.json", inf).unwrap().left_out_note().unwrap();
        assert!(note.ends_with(r#"a 1 · js: "Infinity""#), "{note}");
    }
}
