//! Comparisons across runs: a file input takes a benchmark JSON (this page's "Download JSON",
//! or `make bench`'s `target/bench/latest.json`) and shows it beside this page's last
//! benchmark run: a table per kernel, size and tier with both medians and their ratio, and the
//! ratios as HTML bars.
use crate::features::bench;
use crate::features::bench::run::BenchState;
use crate::features::compare::import::{self, ImportEvent};
use crate::features::compare::{self, ImportedRun, NAME_MAX_CHARS, SHOWN_CHARS};
use crate::util::fmt::fmt_ns;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// The first chosen file of the input, if any.
fn chosen_file(input: &web_sys::HtmlInputElement) -> Option<JsValue> {
    let files = js_sys::Reflect::get(input, &"files".into()).ok()?;
    let file = js_sys::Reflect::get(&files, &JsValue::from(0)).ok()?;
    (!file.is_undefined() && !file.is_null()).then_some(file)
}

fn ns(x: Option<f64>) -> String {
    x.map(fmt_ns).unwrap_or_else(|| "–".into())
}

/// A ratio as "2.00×"; far from 1 (medians are in range, so at most 1e13 either way) in
/// scientific notation, so the cell stays narrow.
fn ratio_text(x: f64) -> String {
    if (0.01..1000.0).contains(&x) {
        format!("{x:.2}×")
    } else {
        format!("{x:.1e}×")
    }
}

/// Longest imported label (engine · set · source) shown in the page's text.
const LABEL_CHARS: usize = 80;

/// A row's "kernel size" as shown (each name shortened) and in full (for its tooltip).
fn names(row: &compare::Row) -> (String, String) {
    (
        format!(
            "{} {}",
            compare::shorten(&row.kernel, SHOWN_CHARS),
            compare::shorten(&row.size, SHOWN_CHARS / 3)
        ),
        compare::clip(
            &format!("{} {}", row.kernel, row.size),
            2 * NAME_MAX_CHARS + 1,
        ),
    )
}

#[component]
pub fn CompareView(bench: RwSignal<BenchState>) -> impl IntoView {
    let imported = RwSignal::new(None::<ImportedRun>);
    let error = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = chosen_file(&input) else {
            import::stop();
            progress.set(None);
            error.set(Some("no file chosen".into()));
            return;
        };
        let on_event = move |ev: ImportEvent| match ev {
            ImportEvent::Progress(p) => progress.set(Some(p)),
            ImportEvent::Done(result) => {
                progress.set(None);
                match result {
                    Ok(run) => {
                        error.set(None);
                        imported.set(Some(run));
                    }
                    Err(e) => {
                        imported.set(None);
                        error.set(Some(e));
                    }
                }
            }
        };
        if let Err(e) = import::start(&file, on_event) {
            progress.set(None);
            imported.set(None);
            error.set(Some(e));
        }
    };
    let rows = Memo::new(move |_| {
        imported.with(|imp| {
            imp.as_ref()
                .map(|run| bench.with(|b| compare::compare(&bench::group(&b.rows), run)))
                .unwrap_or_default()
        })
    });
    let this_label = move || {
        bench.with(|b| {
            if b.rows.is_empty() {
                "this page: no benchmark run yet (Run benchmark in the performance lab, then the ratios fill in)".to_string()
            } else {
                let ua = b.env.get("userAgent").and_then(|v| v.as_str()).unwrap_or("this browser");
                format!("this page: {} · {}", b.set, ua.chars().take(90).collect::<String>())
            }
        })
    };
    view! {
        <section class="import-run" data-testid="import-run" aria-label="compare with an imported run">
            <h2>"Compare with another run"</h2>
            <label class="import-file">"Import a benchmark JSON (this page's Download JSON, or make bench's latest.json): "
                <input type="file" accept=".json,application/json" data-testid="import-file" on:change=on_change />
            </label>
            {move || progress.get().map(|p| view! { <p class="import-note" data-testid="import-progress" role="status">{p}</p> })}
            {move || error.get().map(|e| view! { <p class="import-error" data-testid="import-error" role="alert">{e}</p> })}
            {move || imported.get().map(|run| {
                let date = run.date.as_deref().map(|d| format!(" · {}", compare::shorten(d, SHOWN_CHARS))).unwrap_or_default();
                view! {
                    <p class="import-label" data-testid="import-label">
                        "imported: "
                        <span title=run.file.clone()>{compare::shorten(&run.file, SHOWN_CHARS)}</span>
                        " — "
                        <span title=run.label.clone()>{compare::shorten(&run.label, LABEL_CHARS)}</span>
                        {date}
                    </p>
                    {run.cap_note().map(|n| view! { <p class="import-note" data-testid="import-cap">{n}</p> })}
                    {run.left_out_note().map(|n| view! { <p class="import-note import-warn" data-testid="import-left-out" role="status">{n}</p> })}
                    <p class="muted">{this_label}</p>
                }
            })}
            <div class="compare-body">
                <CompareTable rows/>
                <RatioChart rows/>
            </div>
        </section>
    }
}

/// The imported run beside this one: both medians and their ratio per kernel, size and tier.
#[component]
fn CompareTable(rows: Memo<Vec<compare::Row>>) -> impl IntoView {
    let table = move || {
        let r = rows.get();
        (!r.is_empty()).then(|| {
            let body = r
                .into_iter()
                .map(|row| {
                    let ratio = row.ratio();
                    let (name, full) = names(&row);
                    view! {
                        <tr data-testid="compare-row" data-kernel=row.kernel.clone() data-size=row.size.clone()
                            data-tier=row.tier.clone()
                            data-ratio=ratio.map(|x| format!("{x:.4}")).unwrap_or_default()>
                            <td class="name" title=full>{name}</td>
                            <td data-label="tier">{row.tier.clone()}</td>
                            <td class="num" data-label="this run">{ns(row.this_ns)}</td>
                            <td class="num" data-label="imported">{ns(row.imported_ns)}</td>
                            <td class="num" data-label="imported ÷ this">{ratio.map(ratio_text).unwrap_or_else(|| "–".into())}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-scroll" role="region" aria-label="imported run beside this run" tabindex="0">
                <table class="compare-table" data-testid="compare-table">
                    <thead><tr><th>"kernel"</th><th>"tier"</th><th>"this run"</th><th>"imported"</th>
                        <th title="imported median ÷ this run's median: above 1, this run is faster">"imported ÷ this"</th></tr></thead>
                    <tbody>{body}</tbody>
                </table>
                </div>
            }
        })
    };
    table
}

/// The ratios as HTML bars on a log scale around 1.
#[component]
fn RatioChart(rows: Memo<Vec<compare::Row>>) -> impl IntoView {
    let chart = move || {
        let r: Vec<_> = rows
            .get()
            .into_iter()
            .filter_map(|row| row.ratio().map(|x| (row, x)))
            .collect();
        (!r.is_empty()).then(|| {
            // Log scale around 1: a bar grows right when this run is faster, left when slower.
            let span = r.iter().map(|(_, x)| x.log2().abs()).fold(1.0f64, f64::max);
            let bars = r
                .into_iter()
                .map(|(row, x)| {
                    let pct = 50.0 * x.log2().abs() / span;
                    let (left, cls) = if x >= 1.0 { (50.0, "faster") } else { (50.0 - pct, "slower") };
                    let (name, full) = names(&row);
                    view! {
                        <div class="ratio-bar" data-testid="ratio-bar" data-ratio=format!("{x:.4}")>
                            <span class="ratio-name" title=format!("{full} · {}", row.tier)>{format!("{name} · {}", row.tier)}</span>
                            <span class="ratio-track">
                                <span class="ratio-one"></span>
                                <span class=format!("ratio-fill {cls}") style:left=format!("{left:.1}%") style:width=format!("{pct:.1}%")></span>
                            </span>
                            <span class="ratio-value">{ratio_text(x)}</span>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <div class="ratio-chart" role="img" aria-label="imported median ÷ this run's median, per kernel, size and tier">
                    <p class="muted ratio-legend">"imported ÷ this run, log scale: right of the line this run is faster, left slower"</p>
                    {bars}
                </div>
            }
        })
    };
    chart
}
