//! The notice list under the controls ("n=-5 is negative; using the default 2048", "cannot
//! switch to …"), as a bounded model: a notice that is already in the list is not added again
//! but counted ("… (×3)") and moved to the newest place; at most [`MAX_NOTICES`] entries are
//! kept, the oldest dropped first; each text is cut at [`MAX_TEXT`] characters (a hostile URL
//! can make a notice of any length). Plain data, no Leptos: the page keeps one in a signal.
//!
//! The method names follow `Vec<String>`, which the page used before (`push`, `extend`,
//! `is_empty`, `clear`, `into_iter`), so switching the signal's type is the whole wiring.
// Until the page keeps its notices in this type, only the tests use it.
#![cfg_attr(not(test), allow(dead_code))]
use std::collections::VecDeque;

/// Most entries kept; older ones are dropped.
pub const MAX_NOTICES: usize = 8;
/// Longest notice text, in characters; longer ones end in "…".
pub const MAX_TEXT: usize = 240;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    /// How many times this text was pushed (1 the first time).
    pub count: u32,
}

impl Notice {
    /// The text as shown: with "(×count)" once it has been repeated.
    pub fn display(&self) -> String {
        if self.count > 1 {
            format!("{} (×{})", self.text, self.count)
        } else {
            self.text.clone()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notices {
    /// Oldest first.
    entries: VecDeque<Notice>,
    limit: usize,
}

impl Default for Notices {
    fn default() -> Self {
        Notices::with_limit(MAX_NOTICES)
    }
}

fn cut(text: String) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => {
            let mut t = text[..at].to_string();
            t.push('…');
            t
        }
        None => text,
    }
}

impl Notices {
    pub fn new() -> Notices {
        Notices::default()
    }

    /// A list that keeps at most `limit` entries (at least 1).
    pub fn with_limit(limit: usize) -> Notices {
        let limit = limit.max(1);
        Notices {
            entries: VecDeque::with_capacity(limit),
            limit,
        }
    }

    /// Adds a notice; a text already in the list is counted and becomes the newest instead.
    pub fn push(&mut self, text: impl Into<String>) {
        let text = cut(text.into());
        if let Some(i) = self.entries.iter().position(|e| e.text == text) {
            if let Some(mut e) = self.entries.remove(i) {
                e.count = e.count.saturating_add(1);
                self.entries.push_back(e);
            }
            return;
        }
        if self.entries.len() == self.limit {
            self.entries.pop_front();
        }
        self.entries.push_back(Notice { text, count: 1 });
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries kept (each counts once however often it was pushed).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &Notice> {
        self.entries.iter()
    }

    /// The display strings, oldest first ("text" or "text (×3)").
    pub fn iter(&self) -> impl Iterator<Item = String> + '_ {
        self.entries.iter().map(Notice::display)
    }
}

impl<S: Into<String>> Extend<S> for Notices {
    fn extend<I: IntoIterator<Item = S>>(&mut self, iter: I) {
        for t in iter {
            self.push(t);
        }
    }
}

impl<S: Into<String>> FromIterator<S> for Notices {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut n = Notices::new();
        n.extend(iter);
        n
    }
}

/// The validator's notes (`Settings::from_pairs`) as the first notices.
impl From<Vec<String>> for Notices {
    fn from(v: Vec<String>) -> Self {
        v.into_iter().collect()
    }
}

/// The display strings, oldest first, so a view can `into_iter()` it as it did the `Vec`.
impl IntoIterator for Notices {
    type Item = String;
    type IntoIter = std::vec::IntoIter<String>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter().collect::<Vec<_>>().into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(n: &Notices) -> Vec<String> {
        n.iter().collect()
    }

    #[test]
    fn repeats_collapse_into_a_count() {
        let mut n = Notices::new();
        n.push("cannot switch to relaxed: unavailable");
        n.push("cannot switch to relaxed: unavailable");
        n.push("cannot switch to relaxed: unavailable");
        assert_eq!(n.len(), 1);
        assert_eq!(
            shown(&n),
            vec!["cannot switch to relaxed: unavailable (×3)"]
        );
        assert_eq!(n.entries().next().map(|e| e.count), Some(3));
    }

    #[test]
    fn a_repeat_of_an_older_notice_is_counted_and_becomes_the_newest() {
        let mut n = Notices::new();
        n.extend(["a", "b", "a"]);
        assert_eq!(shown(&n), vec!["b", "a (×2)"]);
        n.push("b");
        assert_eq!(shown(&n), vec!["a (×2)", "b (×2)"]);
    }

    #[test]
    fn keeps_the_last_eight_dropping_the_oldest() {
        let mut n = Notices::new();
        for k in 0..200 {
            n.push(format!("notice {k}"));
        }
        assert_eq!(n.len(), MAX_NOTICES);
        let want: Vec<String> = (192..200).map(|k| format!("notice {k}")).collect();
        assert_eq!(shown(&n), want);
        // 200 presses of the same key: one entry.
        let mut same = Notices::new();
        for _ in 0..200 {
            same.push("cannot switch to js: still loading");
        }
        assert_eq!(
            shown(&same),
            vec!["cannot switch to js: still loading (×200)"]
        );
    }

    #[test]
    fn clear_and_empty() {
        let mut n: Notices = vec!["x".to_string(), "y".to_string()].into();
        assert!(!n.is_empty());
        assert_eq!(n.clone().into_iter().collect::<Vec<_>>(), vec!["x", "y"]);
        n.clear();
        assert!(n.is_empty());
        assert_eq!(n.iter().count(), 0);
        n.push("after clear");
        assert_eq!(
            shown(&n),
            vec!["after clear"],
            "a cleared notice starts at ×1"
        );
    }

    #[test]
    fn long_texts_are_cut_and_limits_hold() {
        let mut n = Notices::with_limit(0);
        let long = "é".repeat(10_000);
        n.push(long.clone());
        n.push(long);
        let e = n.entries().next().cloned().unwrap_or(Notice {
            text: String::new(),
            count: 0,
        });
        assert_eq!(e.text.chars().count(), MAX_TEXT + 1);
        assert!(e.text.ends_with('…'));
        assert_eq!(e.count, 2, "the cut text is what is compared");
        n.push("other");
        assert_eq!(n.len(), 1, "a limit of 0 keeps one");
        let mut c = Notices::new();
        c.push("x");
        if let Some(e) = c.entries.front_mut() {
            e.count = u32::MAX;
        }
        c.push("x");
        assert_eq!(
            c.entries().next().map(|e| e.count),
            Some(u32::MAX),
            "saturates"
        );
    }
}
