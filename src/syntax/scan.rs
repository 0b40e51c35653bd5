//! A light scan of a tree's text that knows strings, comments and
//! brackets: where strings are, which brackets are open at a point, how
//! deep they nest. Syntax errors use it to say what is unclosed.

/// Where the file's strings are, as `(start, end)` byte offsets.
pub(super) fn string_spans(text: &str) -> Vec<(usize, usize)> {
    let mut lexer = Lexer::new(text, 0);
    let mut spans = Vec::new();
    while lexer.next_token().is_some() {}
    spans.append(&mut lexer.strings);
    spans
}

/// A string whose closing quote is missing: where it opens, and whether it
/// is triple-quoted.
#[derive(Debug, Clone, Copy)]
pub(super) struct OpenString {
    pub(super) start: usize,
    pub(super) triple: bool,
}

/// What a lexical pass (strings, comments, brackets) sees up to the error.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// The brackets (`{` or `(`) still open at the error, innermost last.
    pub(super) open: Vec<(usize, u8)>,
    /// The first string (anywhere before the error) that is never closed.
    pub(super) unclosed_string: Option<OpenString>,
}

impl Scan {
    /// Scan `text[start..until]` (offsets stay those of the whole text).
    pub(super) fn new(text: &str, start: usize, until: usize) -> Self {
        let mut scan = Scan::default();
        let mut lexer = Lexer::new(text, start);
        while let Some(token) = lexer.next_token() {
            match token {
                // A string that opens where parsing stopped is the culprit.
                Token::UnclosedString(s) if s.start <= until => {
                    scan.unclosed_string = Some(s);
                    break;
                }
                _ if token.start() >= until => break,
                Token::Open(i, b) => scan.open.push((i, b)),
                Token::Close(..) => {
                    scan.open.pop();
                }
                Token::UnclosedString(_) => {}
            }
        }
        scan
    }

    /// The innermost open bracket, if it is `bracket`.
    pub(super) fn innermost(&self, bracket: u8) -> Option<usize> {
        match self.open.last() {
            Some(&(at, b)) if b == bracket => Some(at),
            _ => None,
        }
    }
}

/// The bits of a file that matter for bracket and string checks.
#[derive(Debug, Clone, Copy)]
pub(super) enum Token {
    Open(usize, u8),
    Close(usize),
    UnclosedString(OpenString),
}

impl Token {
    pub(super) fn start(self) -> usize {
        match self {
            Token::Open(i, _) | Token::Close(i) => i,
            Token::UnclosedString(s) => s.start,
        }
    }
}

/// A small lexer that skips comments and strings and yields brackets.
pub(super) struct Lexer<'a> {
    bytes: &'a [u8],
    i: usize,
    /// The strings skipped so far, as `(start, end)`.
    strings: Vec<(usize, usize)>,
}

impl<'a> Lexer<'a> {
    /// A lexer over `text`, starting at byte `start`.
    pub(super) fn new(text: &'a str, start: usize) -> Self {
        Self {
            bytes: text.as_bytes(),
            i: start,
            strings: Vec::new(),
        }
    }

    fn next_token(&mut self) -> Option<Token> {
        while self.i < self.bytes.len() {
            let at = self.i;
            match self.bytes[at] {
                b'#' => self.skip_comment(),
                b'"' => {
                    let triple = self.bytes[at..].starts_with(b"\"\"\"");
                    let closed = if triple {
                        self.skip_triple()
                    } else {
                        self.skip_plain()
                    };
                    self.strings.push((at, self.i));
                    if !closed {
                        return Some(Token::UnclosedString(OpenString { start: at, triple }));
                    }
                }
                b @ (b'(' | b'{') => {
                    self.i += 1;
                    return Some(Token::Open(at, b));
                }
                b')' | b'}' => {
                    self.i += 1;
                    return Some(Token::Close(at));
                }
                _ => self.i += 1,
            }
        }
        None
    }

    fn skip_comment(&mut self) {
        while self.i < self.bytes.len() && self.bytes[self.i] != b'\n' {
            self.i += 1;
        }
    }

    /// Skip a `"""…"""` string; false (and the rest of the file skipped)
    /// when it never closes.
    fn skip_triple(&mut self) -> bool {
        self.i += 3;
        while self.i < self.bytes.len() {
            if self.bytes[self.i..].starts_with(b"\"\"\"") {
                self.i += 3;
                return true;
            }
            self.i += 1;
        }
        false
    }

    /// Skip a `"…"` string; false when the line or file ends first.
    fn skip_plain(&mut self) -> bool {
        self.i += 1;
        while self.i < self.bytes.len() {
            match self.bytes[self.i] {
                b'"' => {
                    self.i += 1;
                    return true;
                }
                b'\n' => return false,
                b'\\' => self.i = (self.i + 2).min(self.bytes.len()),
                _ => self.i += 1,
            }
        }
        false
    }
}

/// The first bracket that opens deeper than `limit`, skipping strings and
/// comments.
pub(super) fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut lexer = Lexer::new(text, 0);
    let mut depth = 0usize;
    while let Some(token) = lexer.next_token() {
        match token {
            Token::Open(i, _) => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            Token::Close(..) => depth = depth.saturating_sub(1),
            Token::UnclosedString(_) => return None,
        }
    }
    None
}
