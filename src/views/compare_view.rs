//! Comparisons across runs: a file input takes a benchmark JSON (this page's "Download JSON",
//! or `make bench`'s `target/bench/latest.json`) and shows it beside this page's last
//! benchmark run: a table per kernel, size and tier with both medians and their ratio, and the
//! ratios as HTML bars.
use crate::bench::{self, fmt_ns};
use crate::compare::{self, ImportedRun, MAX_BYTES};
use crate::views::bench_panel::BenchState;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// The chosen file's name and text (through `Blob.text()`, read by reflection so no extra
/// web-sys features are needed).
async fn read_file(input: &web_sys::HtmlInputElement) -> Result<(String, String), String> {
    let files = js_sys::Reflect::get(input, &"files".into()).map_err(|_| "no file list")?;
    let file = js_sys::Reflect::get(&files, &JsValue::from(0)).map_err(|_| "no file")?;
    if file.is_undefined() || file.is_null() {
        return Err("no file chosen".into());
    }
    let name = js_sys::Reflect::get(&file, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    let blob: web_sys::Blob = file.dyn_into().map_err(|_| "not a file")?;
    if blob.size() > MAX_BYTES {
        return Err(format!(
            "{name} is {:.1} MB; a benchmark export is far smaller (limit {:.0} MB)",
            blob.size() / 1048576.0,
            MAX_BYTES / 1048576.0
        ));
    }
    let text = wasm_bindgen_futures::JsFuture::from(blob.text())
        .await
        .map_err(|e| {
            format!(
                "could not read {name}: {}",
                crate::bridge::js_error_text(&e)
            )
        })?;
    Ok((name, text.as_string().unwrap_or_default()))
}

fn ns(x: Option<f64>) -> String {
    x.map(fmt_ns).unwrap_or_else(|| "–".into())
}

#[component]
pub fn CompareView(bench: RwSignal<BenchState>) -> impl IntoView {
    let imported = RwSignal::new(None::<ImportedRun>);
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let parsed = read_file(&input).await.and_then(|(name, text)| {
                compare::parse_run(&name, &text).map_err(|e| format!("{name}: {e}"))
            });
            match parsed {
                Ok(run) => {
                    error.set(None);
                    imported.set(Some(run));
                }
                Err(e) => {
                    imported.set(None);
                    error.set(Some(e));
                }
            }
        });
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
    let table = move || {
        let r = rows.get();
        (!r.is_empty()).then(|| {
            let body = r
                .into_iter()
                .map(|row| {
                    let ratio = row.ratio();
                    view! {
                        <tr data-testid="compare-row" data-kernel=row.kernel.clone() data-size=row.size.clone()
                            data-tier=row.tier.clone()
                            data-ratio=ratio.map(|x| format!("{x:.4}")).unwrap_or_default()>
                            <td>{format!("{} {}", row.kernel, row.size)}</td>
                            <td>{row.tier.clone()}</td>
                            <td class="num">{ns(row.this_ns)}</td>
                            <td class="num">{ns(row.imported_ns)}</td>
                            <td class="num">{ratio.map(|x| format!("{x:.2}×")).unwrap_or_else(|| "–".into())}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="compare-table" data-testid="compare-table">
                    <thead><tr><th>"kernel"</th><th>"tier"</th><th>"this run"</th><th>"imported"</th>
                        <th title="imported median ÷ this run's median: above 1, this run is faster">"imported ÷ this"</th></tr></thead>
                    <tbody>{body}</tbody>
                </table>
            }
        })
    };
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
                    view! {
                        <div class="ratio-bar" data-testid="ratio-bar" data-ratio=format!("{x:.4}")>
                            <span class="ratio-name">{format!("{} {} · {}", row.kernel, row.size, row.tier)}</span>
                            <span class="ratio-track">
                                <span class="ratio-one"></span>
                                <span class=format!("ratio-fill {cls}") style:left=format!("{left:.1}%") style:width=format!("{pct:.1}%")></span>
                            </span>
                            <span class="ratio-value">{format!("{x:.2}×")}</span>
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
    view! {
        <section class="import-run" data-testid="import-run" aria-label="compare with an imported run">
            <h2>"Compare with another run"</h2>
            <label class="import-file">"Import a benchmark JSON (this page's Download JSON, or make bench's latest.json): "
                <input type="file" accept=".json,application/json" data-testid="import-file" on:change=on_change />
            </label>
            {move || error.get().map(|e| view! { <p class="import-error" data-testid="import-error" role="alert">{e}</p> })}
            {move || imported.get().map(|run| view! {
                <p class="import-label" data-testid="import-label">
                    {format!("imported: {} — {}{}", run.file, run.label,
                        run.date.map(|d| format!(" · {d}")).unwrap_or_default())}
                </p>
                <p class="muted">{this_label}</p>
            })}
            <div class="compare-body">
                {table}
                {chart}
            </div>
        </section>
    }
}
