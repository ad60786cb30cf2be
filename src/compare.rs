//! Comparisons across runs: a benchmark JSON exported by this page ("Download JSON",
//! `views/bench_panel.rs`) or written by `make bench` (`target/bench/latest.json`) is read into
//! plain types and set beside the page's own last run, kernel by kernel, size and tier.
//!
//! Both files carry `results: [{kernel, size, median_ns: {js, scalar, simd, relaxed, …}}]`;
//! the export adds `env` (user agent, date), `set` and `source_text`, `make bench` adds
//! `engine`, `engine_version` and `env.browser`. Anything else is refused with a reason.
use crate::bench::{ResultLine, TIERS};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Files larger than this are refused before parsing (an export is a few hundred kB).
pub const MAX_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

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
}

#[derive(Deserialize)]
struct RawResult {
    kernel: String,
    size: String,
    median_ns: BTreeMap<String, Value>,
}

/// One kernel at one size in the imported run: each tier's median, ns (only finite, > 0).
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
    pub lines: Vec<ImportedLine>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(200).collect())
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
    let mut lines = Vec::new();
    for r in raw.results {
        let median_ns: BTreeMap<String, f64> = r
            .median_ns
            .into_iter()
            .filter(|(t, _)| TIERS.contains(&t.as_str()))
            .filter_map(|(t, v)| {
                v.as_f64()
                    .filter(|x| x.is_finite() && *x > 0.0)
                    .map(|x| (t, x))
            })
            .collect();
        lines.push(ImportedLine {
            kernel: r.kernel,
            size: r.size,
            median_ns,
        });
    }
    if lines.iter().all(|l| l.median_ns.is_empty()) {
        return Err(
            "the file has no usable medians (no result with a finite, positive time)".into(),
        );
    }
    let engine = raw
        .engine
        .map(|e| match raw.engine_version.as_deref() {
            Some(v) => format!("{e} {v}"),
            None => e,
        })
        .or_else(|| text(&raw.env, "browser"))
        .or_else(|| text(&raw.env, "userAgent").and_then(|ua| engine_from_ua(&ua)))
        .unwrap_or_else(|| "unknown engine".into());
    let set = raw.set.or_else(|| text(&raw.env, "set"));
    let mut label = engine;
    if let Some(s) = set {
        label.push_str(&format!(" · {s} set"));
    }
    if let Some(s) = raw.source_text {
        label.push_str(&format!(" · {}", s.chars().take(120).collect::<String>()));
    }
    Ok(ImportedRun {
        file: file.chars().take(120).collect(),
        label,
        date: text(&raw.env, "date"),
        lines,
    })
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
    use crate::bench::{group, BenchRow};

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
        // Negative, zero, strings and objects are skipped; a huge but finite median is kept
        // and its ratio stays finite or is left out.
        let odd = r#"{"results": [{"kernel": "dense", "size": "256x256",
            "median_ns": {"js": 1.7e308, "scalar": -5, "simd": 0, "relaxed": "fast"}}]}"#;
        let run = parse_run("x.json", odd).unwrap();
        assert_eq!(run.lines[0].median_ns.len(), 1);
        assert_eq!(run.label, "unknown engine");
        let mut this = this_run();
        this[0].by_tier.get_mut("js").unwrap().median_ns = Some(1e-300);
        let rows = compare(&this, &run);
        assert_eq!(
            rows[0].ratio(),
            None,
            "1.7e308 / 1e-300 is not a finite ratio"
        );
    }
}
