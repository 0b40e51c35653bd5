//! Stage 7, hooks: the tree's script read through the same file system,
//! compiled once, and every hook call of the tree matched against the
//! script's public functions by name and arity (E020 to E023).

use crate::diag::problem::{Hook, ScriptSyntax};
use crate::diag::{did_you_mean, Diagnostic};
use crate::load::FileSystem;
use crate::model::{HookCall, ScriptRef};
use crate::script::{Function, LineCol, Script, SyntaxError};
use crate::source::{FileId, Sources, Span};
use rhai::ParseErrorType;
use std::sync::Arc;

/// Read, compile and check the tree's script: through the same
/// [`FileSystem`] as the tree, compiled once, every hook call matched
/// against the script's public functions by name and arity. The script is
/// added to `sources` so diagnostics can point into it.
///
/// # Errors
/// Every problem found, as diagnostics (codes E020 to E023).
pub(super) fn load(
    fs: &dyn FileSystem,
    sources: &mut Sources,
    script: &ScriptRef,
    calls: &[HookCall],
) -> Result<Arc<Script>, Vec<Diagnostic>> {
    let text = match fs.read_named(&script.path) {
        Ok(text) => text,
        Err(error) => {
            let problem = Hook::Unreadable {
                path: script.path.clone(),
                error,
            };
            return Err(vec![problem.at(script.span)]);
        }
    };
    let file = sources.add(script.path.clone(), text);
    let text = &sources.get(file).text;
    let compiled = match Script::compile(&script.path, text) {
        Ok(compiled) => compiled,
        Err(err) => return Err(vec![syntax_diagnostic(sources, file, script, &err)]),
    };
    let public: Vec<&Function> = compiled.functions().iter().filter(|f| !f.private).collect();
    let diags: Vec<Diagnostic> = calls
        .iter()
        .filter_map(|call| check_call(sources, file, script, &compiled, &public, call))
        .collect();
    if diags.is_empty() {
        Ok(Arc::new(compiled))
    } else {
        Err(diags)
    }
}

fn syntax_diagnostic(
    sources: &Sources,
    file: FileId,
    script: &ScriptRef,
    err: &SyntaxError,
) -> Diagnostic {
    let mut span = err
        .at
        .map_or(Span::new(file, 0, 0), |at| token_at(sources, file, at));
    let kind = match &err.kind {
        // Rhai notices a missing `;` at the next token, often on the next
        // line; a person looks at the end of the statement before it.
        ParseErrorType::MissingToken(token, _) if token == ";" => {
            if let Some(end) = end_of_previous_line(&sources.get(file).text, span.start as usize) {
                span = Span::new(file, end - 1, end);
            }
            ScriptSyntax::MissingSemicolon
        }
        ParseErrorType::Reserved(word) if word == "import" || word == "export" => {
            ScriptSyntax::Modules
        }
        ParseErrorType::BadInput(_) if err.message.contains("'eval'") => ScriptSyntax::Eval,
        ParseErrorType::BadInput(_)
            if ["'Fn'", "'call'", "'curry'"]
                .iter()
                .any(|w| err.message.contains(w)) =>
        {
            ScriptSyntax::FunctionPointers
        }
        ParseErrorType::TooManyFunctions => ScriptSyntax::TooManyFunctions,
        ParseErrorType::VariableUndefined(_) => ScriptSyntax::VariableUndefined,
        _ => ScriptSyntax::Other,
    };
    let problem = Hook::Syntax {
        message: err.message.clone(),
        kind,
        script_at: script.span,
    };
    problem.at(span)
}

/// E022 for a hook the script does not define, E023 for a wrong arity.
fn check_call(
    sources: &Sources,
    file: FileId,
    script: &ScriptRef,
    compiled: &Script,
    public: &[&Function],
    call: &HookCall,
) -> Option<Diagnostic> {
    if compiled.function(&call.name, call.arity).is_some() {
        return None;
    }
    // `functions` is sorted by name, so this is one slice of it.
    let all = compiled.functions();
    let from = all.partition_point(|f| f.name.as_str() < call.name.as_str());
    let same_name: Vec<&Function> = all[from..]
        .iter()
        .take_while(|f| f.name == call.name)
        .filter(|f| !f.private)
        .collect();
    if same_name.is_empty() {
        return Some(missing_hook(sources, file, script, compiled, call, public));
    }
    Some(wrong_arity(sources, file, call, &same_name))
}

fn missing_hook(
    sources: &Sources,
    file: FileId,
    script: &ScriptRef,
    compiled: &Script,
    call: &HookCall,
    public: &[&Function],
) -> Diagnostic {
    let private = compiled
        .functions()
        .iter()
        .find(|f| f.private && f.name == call.name);
    let suggestion = match private {
        Some(_) => None,
        None => did_you_mean(&call.name, public.iter().map(|f| f.name.as_str())),
    };
    let problem = Hook::Missing {
        hook: call.name.clone(),
        path: script.path.clone(),
        arity: call.arity,
        suggestion,
        private_at: private.map(|f| f.at.map(|at| span_at(sources, file, at, f.head_len))),
    };
    problem.at(call.name_span)
}

fn wrong_arity(
    sources: &Sources,
    file: FileId,
    call: &HookCall,
    same_name: &[&Function],
) -> Diagnostic {
    let definitions = same_name
        .iter()
        .map(|f| {
            let at = f.at.map(|at| span_at(sources, file, at, f.head_len));
            (at, f.params.clone())
        })
        .collect();
    let problem = Hook::Arity {
        hook: call.name.clone(),
        given: call.arity,
        definitions,
    };
    problem.at(call.span)
}

/// The span of `len` characters at a script line and column, clamped to
/// the end of the line.
fn span_at(sources: &Sources, file: FileId, at: LineCol, len: usize) -> Span {
    let text = sources.get(file).text.as_str();
    let line_start: usize = text
        .split_inclusive('\n')
        .take(at.line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line = text
        .get(line_start..)
        .and_then(|rest| rest.lines().next())
        .unwrap_or("");
    let offset = |chars: usize| {
        line.char_indices()
            .nth(chars)
            .map_or(line.len(), |(i, _)| i)
    };
    let start = offset(at.column.saturating_sub(1));
    let end = offset(at.column.saturating_sub(1) + len.max(1));
    Span::new(file, line_start + start, line_start + end)
}

/// When `pos` is the first token on its line, the end (exclusive) of the
/// last non-blank line before it, without trailing spaces or a `//`
/// comment.
fn end_of_previous_line(text: &str, pos: usize) -> Option<usize> {
    let line_start = text.get(..pos)?.rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..pos].trim().is_empty() {
        return None;
    }
    let mut end = line_start.checked_sub(1)?;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        let code = line.find("//").map_or(line, |c| &line[..c]).trim_end();
        if !code.trim().is_empty() {
            return Some(start + code.len());
        }
        end = start.checked_sub(1)?;
    }
}

/// The span of the token at a script position: a whole name when it starts
/// one, otherwise one character.
fn token_at(sources: &Sources, file: FileId, at: LineCol) -> Span {
    let one = span_at(sources, file, at, 1);
    let text = &sources.get(file).text;
    let rest = text.get(one.start as usize..).unwrap_or("");
    let name_len = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .count();
    span_at(sources, file, at, name_len.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_become_spans_clamped_to_the_line() {
        let mut sources = Sources::new();
        let file = sources.add("s.rhai".into(), "fn f() {\n  çount + 1\n}".into());
        let at = |line, column| LineCol { line, column };
        let text = |span: Span| sources.get(file).slice(span).to_string();
        assert_eq!(text(token_at(&sources, file, at(2, 3))), "çount");
        assert_eq!(text(token_at(&sources, file, at(2, 9))), "+");
        assert_eq!(text(span_at(&sources, file, at(1, 1), 4)), "fn f");
        let past_end = span_at(&sources, file, at(2, 40), 1);
        assert!(past_end.is_empty());
        assert_eq!(past_end.start as usize, "fn f() {\n  çount + 1".len());
        assert!(span_at(&sources, file, at(9, 1), 1).is_empty());
    }
}
