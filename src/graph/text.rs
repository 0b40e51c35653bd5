//! Text for pictures: whitespace folded, long text shortened at a word
//! boundary with "…", and wrapped into short lines. Escaping for a format is
//! the renderer's job; these helpers only decide what to say.

/// The mark added where text was cut.
pub const ELLIPSIS: char = '…';

/// Fold every run of whitespace (newlines included) into one space, and drop
/// characters no picture can show: control characters and the Unicode
/// non-characters XML refuses.
#[must_use]
pub fn fold(text: &str) -> String {
    let visible: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|&c| !c.is_control() && !is_noncharacter(c))
        .collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// Fold `text` and cut it to at most `max` characters, at a word boundary
/// when one is near, ending in "…" when anything was cut.
///
/// ```
/// use guidetree::graph::text::shorten;
/// assert_eq!(shorten("Leave the headphones at home", 16), "Leave the…");
/// assert_eq!(shorten("Short", 16), "Short");
/// ```
#[must_use]
pub fn shorten(text: &str, max: usize) -> String {
    let text = fold(text);
    if text.chars().count() <= max {
        return text;
    }
    let keep: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match keep.rfind(' ') {
        // Cut at the last space unless that throws away more than half.
        Some(space) if keep[..space].chars().count() * 2 >= max => &keep[..space],
        _ => keep.as_str(),
    };
    let cut = cut.trim_end_matches([' ', ',', ';', ':']);
    format!("{cut}{ELLIPSIS}")
}

/// Fold `text` and wrap it into lines of at most `width` characters (a word
/// longer than that gets a line of its own, shortened to fit), keeping at
/// most `max_lines` lines; the last kept line ends in "…" when text was left
/// out.
///
/// ```
/// use guidetree::graph::text::wrap;
/// assert_eq!(wrap("How tired do you feel?", 12, 3), ["How tired do", "you feel?"]);
/// assert_eq!(wrap("one two three four", 9, 1), ["one two…"]);
/// ```
#[must_use]
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let words: Vec<String> = fold(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| shorten(w, width))
        .collect();
    let mut lines = crate::wrap::greedy(words.iter().map(String::as_str), width, "");
    let max = max_lines.max(1);
    if lines.len() > max {
        // The last kept line takes the next word, so that it is shortened
        // with its "…" rather than cut silently.
        let next = lines[max].split(' ').next().unwrap_or_default().to_string();
        lines.truncate(max);
        let last = lines.pop().unwrap_or_default();
        lines.push(shorten(&format!("{last} {next}"), width));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_joins_lines_and_drops_control_characters() {
        assert_eq!(fold("  a\n\tb \u{7}c\u{FFFE}  "), "a b c");
    }

    #[test]
    fn shorten_cuts_at_a_word_boundary() {
        assert_eq!(
            shorten("I'd rather not say anything", 20),
            "I'd rather not say…"
        );
        assert_eq!(shorten("exactly twelve", 14), "exactly twelve");
    }

    #[test]
    fn shorten_cuts_inside_a_word_when_no_boundary_is_near() {
        assert_eq!(shorten("supercalifragilistic", 8), "superca…");
        assert_eq!(shorten("a verylongwordindeed", 10), "a verylon…");
    }

    #[test]
    fn shorten_drops_trailing_punctuation_before_the_ellipsis() {
        assert_eq!(shorten("first, second and third", 12), "first…");
    }

    #[test]
    fn shorten_counts_characters_not_bytes() {
        assert_eq!(shorten("ééééé ééééé", 11), "ééééé ééééé");
        assert_eq!(shorten("ééééé ééééé", 8), "ééééé…");
    }

    #[test]
    fn wrap_keeps_every_word_when_lines_suffice() {
        assert_eq!(
            wrap("Which word fits your mood best?", 14, 4),
            ["Which word", "fits your mood", "best?"]
        );
    }

    #[test]
    fn wrap_marks_left_out_text_on_the_last_line() {
        let lines = wrap("one two three four five six", 9, 2);
        assert_eq!(lines, ["one two", "three…"]);
    }

    #[test]
    fn wrap_shortens_a_word_longer_than_a_line() {
        assert_eq!(
            wrap("a https://example.org/long", 10, 3),
            ["a", "https://e…"]
        );
    }

    #[test]
    fn wrap_of_nothing_is_no_lines() {
        assert!(wrap(" \n ", 10, 3).is_empty());
    }
}
