//! The benchmark results table: one row per kernel and size, one cell per tier (median ±
//! spread, throughput, ⚠ marks), and the speed-ups.
use crate::features::bench::run::BenchState;
use crate::features::bench::{self, ResultLine};
use crate::tiers::tier::TierKind;
use leptos::prelude::*;

#[component]
pub fn BenchTable(bench: RwSignal<BenchState>, lines: Memo<Vec<ResultLine>>) -> impl IntoView {
    let cell = move |line: &ResultLine, t: &'static str, unavailable: bool| {
        let (kernel, size) = (line.kernel.clone(), line.size.clone());
        // The column's name, shown before the figure when the table reflows on a phone.
        let label = TierKind::from_key(t).map(TierKind::label).unwrap_or(t);
        match line.by_tier.get(t).cloned() {
            Some(r) if r.error.is_some() => {
                let err = r.error.clone().unwrap_or_default();
                view! {
                    <td class="num bad" data-label=label data-kernel=kernel data-tier=t data-size=size title=r.method_text()>
                        <span data-testid="bench-error" data-error=err.clone()>{r.time_text()}</span>
                    </td>
                }
                .into_any()
            }
            Some(r) => {
                let median = r.median().map(|m| m.to_string());
                let spread = r.spread_pct().map(|p| format!("{p:.2}"));
                let settled = r.settled.map(|s| s.to_string());
                let disagrees = (r.agrees == Some(false)).then(|| {
                    let why = match (r.max_diff, r.tolerance) {
                        (Some(d), Some(t)) => format!("output differs from the reference by {d:.3e} (tolerance {t:.3e}); not counted toward any target"),
                        _ => "output differs from the reference; not counted toward any target".to_string(),
                    };
                    view! { <span data-testid="bench-disagrees" title=why style="color: var(--fail)">" ⚠ disagrees"</span> }
                });
                let unsettled = r.not_settled().then(|| {
                    let why = format!(
                        "warm-up stopped at its cap ({} rounds) before two successive round medians agreed within 5 %: the engine may not have finished optimising, read this figure with care",
                        r.warmup_rounds.map(|w| format!("{w:.0}")).unwrap_or_else(|| "?".into())
                    );
                    view! { <span data-testid="bench-unsettled" title=why style="color: var(--warn)">" ⚠ not settled"</span> }
                });
                view! {
                    <td class="num" data-label=label data-kernel=kernel data-tier=t data-size=size
                        data-median-ns=median data-p25-ns=r.p25_ns.map(|v| v.to_string()) data-p75-ns=r.p75_ns.map(|v| v.to_string())
                        data-spread-pct=spread data-settled=settled data-agrees=r.agrees.map(|a| a.to_string())
                        title=r.method_text()>
                        {r.time_text()}<br/>
                        <span class="muted">{bench::fmt_throughput(&r)}</span>{disagrees}{unsettled}
                    </td>
                }
                .into_any()
            }
            None => view! {
                <td class="num muted" data-label=label data-kernel=kernel data-tier=t data-size=size>
                    {if unavailable { "unavailable" } else { "…" }}
                </td>
            }
            .into_any(),
        }
    };

    let table = move || {
        let l: Vec<ResultLine> = lines.get();
        let unavailable: Vec<bool> = bench.with(|b| {
            TierKind::ALL
                .iter()
                .map(|k| b.tiers.get(k).is_some_and(|s| !s.ok))
                .collect()
        });
        l.into_iter()
            .map(|line| {
                let cells = bench::TIERS
                    .iter()
                    .zip(unavailable.iter())
                    .map(|(t, u)| cell(&line, t, *u))
                    .collect_view();
                let sp = |fast: &str, slow: &str| {
                    let text = line
                        .speedup(fast, slow)
                        .map(|v| format!("{v:.2}×"))
                        .unwrap_or_else(|| "–".into());
                    match line.trusted_speedup(fast, slow) {
                        Some(Err(why)) if line.speedup(fast, slow).is_some() => {
                            format!("{text} ({why})")
                        }
                        _ => text,
                    }
                };
                view! {
                    <tr>
                        <td class="kernel">{line.kernel.clone()}</td><td class="size">{line.size.clone()}</td>
                        {cells}
                        <td class="num" data-label="SIMD/JS" data-speedup="simd/js">{sp("simd", "js")}</td>
                        <td class="num" data-label="SIMD/scalar" data-speedup="simd/scalar">{sp("simd", "scalar")}</td>
                        <td class="num" data-label="relaxed/SIMD" data-speedup="relaxed/simd">{sp("relaxed", "simd")}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <p class="muted op-def">
            "Each cell: median time per call ± half the interquartile range (p25–p75) of the timed batches, "
            "then throughput. ⚠ not settled: the warm-up reached its cap before the timings stabilised. "
            "⚠ disagrees / error: that tier's output or run failed its check and is not counted toward any target. "
            "Hover a cell for how it was measured."
        </p>
        <div class="table-scroll" role="region" aria-label="benchmark results" tabindex="0">
        <table class="bench" data-testid="bench-table">
            <thead><tr>
                <th>"Kernel"</th><th>"Size"</th>
                <th class="num">"JS"</th><th class="num">"WASM scalar"</th><th class="num">"WASM SIMD128"</th><th class="num">"WASM relaxed SIMD"</th>
                <th class="num" title="median JS time ÷ median SIMD128 time">"SIMD/JS"</th>
                <th class="num" title="median scalar wasm time ÷ median SIMD128 time">"SIMD/scalar"</th>
                <th class="num" title="median SIMD128 time ÷ median relaxed SIMD time">"relaxed/SIMD"</th>
            </tr></thead>
            <tbody>{table}</tbody>
        </table>
        </div>
    }
}
