//! Greedy word wrapping: the one line breaker behind the prompts' text
//! ([`crate::prompt::screen::wrap`]) and the graph's node labels
//! ([`crate::graph::text::wrap`]). Widths count characters.

/// Lay `words` out in lines of at most `width` characters, greedily: a word
/// goes on the current line if it fits after a space, else it starts the
/// next line, which begins with `indent`. A word longer than the width gets
/// a line of its own, whole. No words make no lines.
///
/// ```
/// use guidetree::wrap::greedy;
/// assert_eq!(greedy("a bb ccc".split(' '), 4, ""), ["a bb", "ccc"]);
/// assert_eq!(greedy("a bb ccc".split(' '), 4, "  "), ["a bb", "  ccc"]);
/// assert!(greedy([], 4, "").is_empty());
/// ```
#[must_use]
pub fn greedy<'w>(
    words: impl IntoIterator<Item = &'w str>,
    width: usize,
    indent: &str,
) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    let mut fresh = true;
    for word in words {
        let wlen = word.chars().count();
        if !fresh && len + 1 + wlen > width {
            lines.push(std::mem::take(&mut line));
            line.push_str(indent);
            len = indent.chars().count();
            fresh = true;
        }
        if !fresh {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += wlen;
        fresh = false;
    }
    if !fresh {
        lines.push(line);
    }
    lines
}
