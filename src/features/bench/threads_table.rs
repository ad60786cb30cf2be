//! The run's thread scaling (issue 29 part 4): each case split over 1…k workers that own their
//! slice (`kernels/js/bench/threads.js`), the median call at each thread count and the speed-up
//! over one thread, or why it was not measured. The figures are the worker's; this only binds.
use crate::features::bench::run::BenchState;
use crate::features::bench::{ScalingCase, ThreadScaling};
use crate::ui::charts::{self, kernel_name, size_name};
use crate::util::fmt::{fmt_bytes, fmt_ns};
use leptos::html::Canvas;
use leptos::prelude::*;

/// One thread count's cell: "1.63 ms (1.30×)", with the live step's ceiling at k > 1
/// ("1.30×, at most 1.41×"), or why it has no time.
fn cell(c: &ScalingCase, k: u32) -> String {
    let Some(p) = c.by_k.get(&k.to_string()) else {
        return "–".into();
    };
    if let Some(why) = &p.error {
        return format!("failed: {why}");
    }
    let ceiling = p
        .stdp_balance_ceiling
        .filter(|_| k > 1)
        .map(|x| format!(", at most {x:.2}×"))
        .unwrap_or_default();
    match c.speedup_at(k) {
        Some((s, _)) => format!("{} ({s:.2}×{ceiling})", fmt_ns(p.median_ns)),
        None => fmt_ns(p.median_ns),
    }
}

/// A cell's tooltip: the k threads' wasm memories (each holds only its slice).
fn memory(c: &ScalingCase, k: u32) -> Option<String> {
    let bytes = c.by_k.get(&k.to_string())?.memory_bytes?;
    let whose = if k == 1 {
        "the thread's wasm memory".to_string()
    } else {
        format!("the {k} threads' wasm memories")
    };
    Some(format!("{whose}: {}", fmt_bytes(bytes)))
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
            {ks.iter().map(|&k| view! { <td class="num" data-threads=k.to_string() title=memory(&c, k)>{cell(&c, k)}</td> }).collect_view()}
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
        "Workers that each own their slice in their own SIMD module; worker 0 leads and times; {} cores reported; median per call (speed-up over one thread).{}",
        t.threads_available,
        if t.cases.iter().any(|c| c.by_k.values().any(|p| p.stdp_balance_ceiling.is_some())) {
            " The live step's \"at most\": each thread owns the columns of its neurons, and STDP walks a spiking neuron's \
             column in its owner, most of a step's work; so a step waits for the part with the most spikes (the run's \
             spikes ÷ the busiest part's, summed over its steps), however many cores there are."
        } else {
            ""
        }
    );
    view! {
        <p class="muted">{note}</p>
        <div class="table-scroll" role="region" aria-label="thread scaling" tabindex="0">
            <table data-testid="thread-scaling-table">
                <thead><tr><th>"case"</th>{head}<th>"spikes"</th></tr></thead>
                <tbody>{t.cases.into_iter().map(|c| row(c, ks.clone())).collect_view()}</tbody>
            </table>
        </div>
    }
}

/// The table and the chart (`charts::thread_scaling`), or the reason there is nothing.
#[component]
pub fn ThreadScalingTable(bench: RwSignal<BenchState>) -> impl IntoView {
    let scaling = Memo::new(move |_| bench.with(|b| b.thread_scaling.clone()));
    let measured = move || scaling.with(|t| t.as_ref().is_some_and(|t| t.error.is_none()));
    let body = move || {
        scaling.get().map(|t| match &t.error {
            Some(why) => view! { <p class="muted" data-testid="thread-scaling-none">{format!("Thread scaling not measured: {why}")}</p> }.into_any(),
            None => table(t).into_any(),
        })
    };
    let chart_ref = NodeRef::<Canvas>::new();
    let chart_error = RwSignal::new(None::<String>);
    let resized = crate::ui::canvas::resize_ticks();
    Effect::new(move |_| {
        resized.track();
        if let (Some(t), Some(c)) = (scaling.get(), chart_ref.get()) {
            chart_error.set(charts::thread_scaling(&c, &t).err());
        }
    });
    view! {
        <section data-testid="thread-scaling">
            <h4>"Thread scaling"</h4>
            {body}
            <p class="muted">{move || chart_error.get().map(|e| format!("chart error: {e}")).unwrap_or_default()}</p>
            <canvas node_ref=chart_ref data-testid="chart-threads" role="img" aria-label="thread-scaling chart"
                class="chart-threads" style:display=move || if measured() { "block" } else { "none" }></canvas>
        </section>
    }
}
