//! The spike raster's window, a plain model (no canvas): how many steps the raster shows.
//!
//! The window is set in wall-clock time, not simulated time: it shows the steps simulated in
//! about the last [`WINDOW_WALL_MS`] of playing time (rounded down to a 1-2-5 number of steps,
//! at most the [`HISTORY_STEPS`] the engine keeps), so it is full within a frame or two at any
//! N and tier. A fixed 4 s of simulated time took over a minute of wall time to fill with JS
//! at N = 4096. The axis under the raster says how much simulated time it spans.
use crate::runtime::engine::HISTORY_STEPS;
use std::collections::VecDeque;

/// The wall-clock span the raster aims to show.
pub const WINDOW_WALL_MS: f64 = 4000.0;
/// A gap between two frames longer than this (a pause, a hidden tab) counts as this much
/// playing time, so the window does not collapse after a pause.
const MAX_GAP_MS: f64 = 1000.0;

/// The wall-clock record that sets the window.
#[derive(Default)]
pub struct WallWindow {
    /// (playing time in ms, engine step) at each drawn frame where the step advanced.
    anchors: VecDeque<(f64, u64)>,
    /// Playing time: wall-clock time with long gaps (pauses) shortened to `MAX_GAP_MS`.
    playing_ms: f64,
    last_wall: Option<f64>,
    /// The window in steps, kept while it still fits the data (no rescaling every frame).
    window: usize,
}

/// The largest 1-2-5 number (1, 2, 5, 10, 20, 50, …) not above `x` (1 for x < 1).
pub fn nice_floor(x: usize) -> usize {
    let mut best = 1;
    let mut p = 1usize;
    while p <= x {
        for m in [1, 2, 5] {
            if p.saturating_mul(m) <= x {
                best = p * m;
            }
        }
        p = p.saturating_mul(10);
    }
    best
}

/// The window in steps: `target` steps were simulated in the last `WINDOW_WALL_MS` of playing
/// time and `available` steps of history exist. The previous window is kept while the data
/// covers it and it is not far below the target; otherwise the largest 1-2-5 number of steps
/// the data covers.
pub fn window_steps(previous: usize, target: usize, available: usize) -> usize {
    let cap = target.min(available).min(HISTORY_STEPS);
    if cap == 0 {
        return available.clamp(1, HISTORY_STEPS);
    }
    if previous > 0 && previous <= cap && previous * 5 >= cap * 2 {
        return previous;
    }
    nice_floor(cap)
}

impl WallWindow {
    /// Records this frame and returns (window in steps, wall-clock ms those steps took).
    pub fn window(&mut self, now: f64, step: u64, available: usize) -> (usize, f64) {
        let gap = self
            .last_wall
            .map_or(0.0, |t| (now - t).clamp(0.0, MAX_GAP_MS));
        self.last_wall = Some(now);
        self.playing_ms += gap;
        if self.anchors.back().is_some_and(|a| a.1 > step) {
            // A reset: the step count started over.
            self.anchors.clear();
            self.window = 0;
        }
        if self.anchors.back().is_none_or(|a| a.1 != step) {
            self.anchors.push_back((self.playing_ms, step));
        }
        let newest = self
            .anchors
            .back()
            .copied()
            .unwrap_or((self.playing_ms, step));
        let start = newest.0 - WINDOW_WALL_MS;
        while self.anchors.len() > 2 && self.anchors[1].0 <= start {
            self.anchors.pop_front();
        }
        let first = self.anchors.front().copied().unwrap_or(newest);
        // Steps simulated since `start`: interpolated between the two anchors around it; all
        // of the history when the record is younger than the window (just started).
        let target = if first.0 >= start {
            available
        } else {
            let second = self.anchors.get(1).copied().unwrap_or(newest);
            let f = ((start - first.0) / (second.0 - first.0).max(1e-9)).clamp(0.0, 1.0);
            let at_start = first.1 as f64 + f * (second.1 as f64 - first.1 as f64);
            (newest.1 as f64 - at_start).round().max(0.0) as usize
        };
        self.window = window_steps(self.window, target, available);
        // How much wall-clock time the window covers, from the same record.
        let from_step = newest.1.saturating_sub(self.window as u64);
        let wall = self
            .anchors
            .iter()
            .find(|a| a.1 >= from_step)
            .map_or(0.0, |a| newest.0 - a.0);
        (self.window, wall)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_numbers_of_steps() {
        assert_eq!(nice_floor(0), 1);
        assert_eq!(nice_floor(7), 5);
        assert_eq!(nice_floor(170), 100);
        assert_eq!(nice_floor(240), 200);
        assert_eq!(nice_floor(4000), 2000);
        assert_eq!(nice_floor(5000), 5000);
    }

    #[test]
    fn the_window_fits_the_data_and_holds_still() {
        // Just started: 12 steps of history, all shown.
        assert_eq!(window_steps(0, 12, 12), 10);
        // Slow tier: 160 steps in the last 4 s of wall clock → 100 steps, all of them data.
        assert_eq!(window_steps(0, 160, 4000), 100);
        // The rate wobbles: the window stays.
        assert_eq!(window_steps(100, 190, 4000), 100);
        assert_eq!(window_steps(100, 140, 4000), 100);
        // The rate rose far beyond it: a wider window.
        assert_eq!(window_steps(100, 600, 4000), 500);
        // The data no longer covers it (rate fell): narrower.
        assert_eq!(window_steps(500, 300, 4000), 200);
        // Never more than the history the engine keeps.
        assert!(window_steps(0, 100_000, 100_000) <= HISTORY_STEPS);
        // Nothing simulated in the window (paused from the start): what there is.
        assert_eq!(window_steps(0, 0, 0), 1);
    }

    #[test]
    fn a_window_of_wall_time_fills_at_once_at_any_rate() {
        // Frames every 100 ms with 4 steps each (a slow tier at a large N): after 2 s the
        // window holds only steps that exist, so it is full.
        let mut px = WallWindow::default();
        let mut step = 0u64;
        let mut last = (0, 0.0);
        for f in 0..20 {
            step += 4;
            last = px.window(f as f64 * 100.0, step, step as usize);
        }
        assert!(
            last.0 <= step as usize && last.0 >= (step as usize) * 2 / 5,
            "{last:?}"
        );
        // Fast: 60 fps × 32 steps: the window is the history cap at most.
        let mut px = WallWindow::default();
        let mut step = 0u64;
        for f in 0..600 {
            step += 32;
            last = px.window(f as f64 * 16.7, step, (step as usize).min(HISTORY_STEPS));
        }
        assert!(last.0 <= HISTORY_STEPS && last.0 >= 1000, "{last:?}");
        // A long pause does not collapse the window.
        let before = last.0;
        last = px.window(600.0 * 16.7 + 30_000.0, step + 32, HISTORY_STEPS);
        assert_eq!(last.0, before);
        // A reset starts over.
        last = px.window(600.0 * 16.7 + 30_100.0, 4, 4);
        assert!(last.0 <= 4, "{last:?}");
    }
}
