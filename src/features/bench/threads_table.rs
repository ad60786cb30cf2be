//! The run's thread scaling (issue 29 part 4): each case split over 1…k workers that own their
//! slice (`kernels/js/bench/threads.js`), the median call at each thread count and the speed-up
//! over one thread, or why it was not measured. The figures are the worker's; this only binds.
use crate::features::bench::run::BenchState;
use crate::features::bench::{ScalingCase, ThreadScaling};
use crate::ui::charts::{kernel_name, size_name};
use crate::util::fmt::fmt_ns;
use leptos::prelude::*;

/// One thread count's cell: "1.63 ms (1.30×)".
fn cell(c: &ScalingCase, k: u32) -> String {
    let key = k.to_string();
    match (c.by_k.get(&key), c.speedup.get(&key)) {
        (Some(p), Some(s)) => format!("{} ({s:.2}×)", fmt_ns(p.median_ns)),
        (Some(p), None) => fmt_ns(p.median_ns),
        _ => "–".into(),
    }
}

fn row(c: ScalingCase, ks: Vec<u32>) -> impl IntoView {
    let spikes = match c.identical_spikes {
        Some(true) => "same spikes at every count",
        Some(false) => "SPIKES DIFFER",
        None => "",
    };
    view! {
        <tr data-case=c.case.clone() data-identical=c.identical_spikes.map(|b| b.to_string())>
            <td>{kernel_name(&c.kernel)}" "{size_name(&c.size)}</td>
            {ks.iter().map(|&k| view! { <td class="num" data-threads=k.to_string()>{cell(&c, k)}</td> }).collect_view()}
            <td class="muted">{spikes}</td>
        </tr>
    }
}

fn table(t: ThreadScaling) -> impl IntoView {
    let ks = t
        .cases
        .iter()
        .map(ScalingCase::threads)
        .max_by_key(Vec::len)
        .unwrap_or_default();
    let head = ks
        .iter()
        .map(|k| view! { <th>{format!("{k} thread{}", if *k == 1 { "" } else { "s" })}</th> })
        .collect_view();
    let note = format!(
        "Workers that each own their slice in their own SIMD module; worker 0 leads and times; {} cores reported; median per call (speed-up over one thread).",
        t.threads_available
    );
    view! {
        <p class="muted">{note}</p>
        <div class="table-scroll" role="region" aria-label="thread scaling" tabindex="0">
            <table data-testid="thread-scaling-table">
                <thead><tr><th>"case"</th>{head}<th></th></tr></thead>
                <tbody>{t.cases.into_iter().map(|c| row(c, ks.clone())).collect_view()}</tbody>
            </table>
        </div>
    }
}

#[component]
pub fn ThreadScalingTable(bench: RwSignal<BenchState>) -> impl IntoView {
    let body = move || {
        bench.with(|b| b.thread_scaling.clone()).map(|t| match &t.error {
            Some(why) => view! { <p class="muted" data-testid="thread-scaling-none">{format!("Thread scaling not measured: {why}")}</p> }.into_any(),
            None => table(t).into_any(),
        })
    };
    view! {
        <section data-testid="thread-scaling">
            <h4>"Thread scaling"</h4>
            {body}
        </section>
    }
}
