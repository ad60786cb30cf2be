//! The headline above the fold: one bar per tier for a frame of this simulation, measured in
//! this page, and what SIMD buys over JS in one large number.
use crate::features::bench::roofline_view::RooflineReading;
use crate::features::headline::{short, Headline, SAMPLES, WARMUP};
use crate::tiers::tier::TierKind;
use crate::util::fmt::fmt_ms;
use leptos::prelude::*;

#[component]
pub fn HeadlineView(
    headline: ReadSignal<Headline>,
    /// The roofline's reading of the last benchmark run (`BenchState::live_reading`).
    roof_reading: Signal<Option<String>>,
) -> impl IntoView {
    let lead = move || {
        headline.with(|h| match (h.lead(), h.measuring) {
            (Some((fast, slow, r, (lo, hi))), _) => view! {
                <span class="lead" data-testid="headline-ratio" data-ratio=format!("{r:.3}")
                    data-fast=fast.key() data-slow=slow.key()>
                    {format!("{} is {r:.1}× {}", short(fast), short(slow))}
                </span>
                <span class="lead-spread">{format!("{lo:.1}–{hi:.1}× between the quartiles")}</span>
                {h.measuring.map(|(done, total)| view! {
                    <span class="lead-spread">{format!("(measuring {done}/{total} tiers…)")}</span>
                })}
            }
            .into_any(),
            (None, Some((done, total))) => view! {
                <span class="lead measuring">{format!("measuring… {done}/{total} tiers")}</span>
            }
            .into_any(),
            (None, None) => view! { <span class="lead measuring">"measuring…"</span> }.into_any(),
        })
    };
    let bars = move || {
        headline.with(|h| {
            let slowest = h
                .tiers
                .iter()
                .map(|(_, t)| t.max_ms)
                .fold(0.0f64, f64::max)
                .max(1e-9);
            TierKind::ALL
                .into_iter()
                .filter_map(|k| h.timing(k).map(|t| (k, t)))
                .map(|(k, t)| {
                    let pct = |x: f64| format!("{:.2}%", 100.0 * x / slowest);
                    view! {
                        <div class="hbar" data-tier=k.key() data-median-ms=format!("{:.4}", t.median_ms)
                            title=format!("{}: median {} of {} frames, quartiles {}–{}, min {} · max {}", k.label(),
                                fmt_ms(t.median_ms), t.samples, fmt_ms(t.p25_ms), fmt_ms(t.p75_ms),
                                fmt_ms(t.min_ms), fmt_ms(t.max_ms))>
                            <span class="hbar-name">{short(k)}</span>
                            <span class="hbar-track">
                                <span class=format!("hbar-fill tier-{}", k.key()) style:width=pct(t.median_ms)></span>
                                <span class="hbar-whisker" style:left=pct(t.min_ms)
                                    style:width=pct(t.max_ms - t.min_ms)></span>
                                <span class="hbar-iqr" style:left=pct(t.p25_ms)
                                    style:width=pct(t.p75_ms - t.p25_ms)></span>
                            </span>
                            <span class="hbar-value">{fmt_ms(t.median_ms)}</span>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    let note = move || {
        headline.with(|h| {
            let (n, agents, steps) = h.shape;
            let threads = match h.threads {
                Some((kind, k)) => format!(
                    " {} runs on {k} threads: its frames are the threads' time; the other tiers \
                     time a copy of this run's start on the page's own thread.",
                    kind.label()
                ),
                None => String::new(),
            };
            format!(
                "LIF + STDP time of one animation frame ({steps} steps of 1 ms, N = {n} neurons, \
                 {agents} agents), timed in this page: median of {SAMPLES} frames after {WARMUP} \
                 warm-up frames per tier; the box spans the quartiles, the whisker min–max. Other tiers \
                 time a copy of this run after each real frame. Shorter is faster.{threads}"
            )
        })
    };
    view! {
        <section class="headline" data-testid="headline" aria-live="polite"
            aria-label=move || headline.with(Headline::sentence)
            data-measuring=move || headline.with(|h| h.measuring.is_some().to_string())>
            <div class="headline-lead">{lead}</div>
            <div class="headline-bars">{bars}</div>
            <p class="headline-note">{note}</p>
            <RooflineReading reading=roof_reading testid="headline-roofline-reading"/>
        </section>
    }
}
