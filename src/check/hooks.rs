//! Stage 7, hooks: the tree's script read through the same file system,
//! compiled once, and every hook call of the tree matched against the
//! script's public functions by name and arity (E020 to E023).

use crate::diag::{did_you_mean, Diagnostic};
use crate::load::FileSystem;
use crate::model::{HookCall, ScriptRef};
use crate::script::{Function, LineCol, Script, SyntaxError};
use crate::source::{FileId, Sources, Span};
use rhai::ParseErrorType;
use std::sync::Arc;

const TOO_MANY_FUNCTIONS_HELP: &str =
    "a hook script may define at most 1,000 functions (script::MAX_FUNCTIONS)";

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
        Err(err) => {
            let d = Diagnostic::error(
                "E020",
                format!(
                    "cannot read the hook script `{}`: {err}",
                    script.path.display()
                ),
                script.span,
            )
            .label("named here")
            .help("the script path is relative to the tree file");
            return Err(vec![d]);
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
    let (label, help) = match &err.kind {
        // Rhai notices a missing `;` at the next token, often on the next
        // line; a person looks at the end of the statement before it.
        ParseErrorType::MissingToken(token, _) if token == ";" => {
            if let Some(end) = end_of_previous_line(&sources.get(file).text, span.start as usize) {
                span = Span::new(file, end - 1, end);
            }
            (
                "expected `;` after this",
                Some("end each statement with `;`"),
            )
        }
        ParseErrorType::Reserved(word) if word == "import" || word == "export" => (
            "modules are not available to hooks",
            Some("define every function the hooks need in this one script"),
        ),
        ParseErrorType::BadInput(_) if err.message.contains("'eval'") => (
            "`eval` is not available to hooks",
            Some("write the code directly instead of evaluating a string"),
        ),
        ParseErrorType::BadInput(_)
            if ["'Fn'", "'call'", "'curry'"]
                .iter()
                .any(|w| err.message.contains(w)) =>
        {
            (
                "function pointers are not available to hooks",
                Some("call functions by name; anonymous functions without captured variables, like `|x| x * 2`, still work with `map` and `filter`"),
            )
        }
        ParseErrorType::TooManyFunctions => (
            "one function too many",
            Some(TOO_MANY_FUNCTIONS_HELP),
        ),
        ParseErrorType::VariableUndefined(_) => (
            "not defined here",
            Some("a function sees only its parameters and its own `let` variables; pass other values in as parameters"),
        ),
        _ => ("here", None),
    };
    Diagnostic::error(
        "E021",
        format!("the hook script does not compile: {}", err.message),
        span,
    )
    .label(label)
    .with_secondary(script.span, "script named here")
    .maybe_help(help.map(str::to_string))
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
        return Some(missing(sources, file, script, compiled, call, public));
    }
    Some(wrong_arity(sources, file, call, &same_name))
}

fn missing(
    sources: &Sources,
    file: FileId,
    script: &ScriptRef,
    compiled: &Script,
    call: &HookCall,
    public: &[&Function],
) -> Diagnostic {
    let path = script.path.display();
    let private = compiled
        .functions()
        .iter()
        .find(|f| f.private && f.name == call.name);
    let help = if private.is_some() {
        Some(format!(
            "`{}` is `private` in the script; remove `private` to call it from the tree",
            call.name
        ))
    } else {
        did_you_mean(&call.name, public.iter().map(|f| f.name.as_str())).or_else(|| {
            let params: Vec<String> = (1..=call.arity).map(|i| format!("arg{i}")).collect();
            Some(format!(
                "define it in `{path}`: fn {}({}) {{ ... }}",
                call.name,
                params.join(", ")
            ))
        })
    };
    let d = Diagnostic::error(
        "E022",
        format!("hook `{}` is not defined in `{path}`", call.name),
        call.name_span,
    )
    .label("no such function in the script")
    .maybe_help(help);
    match private {
        Some(Function {
            at: Some(at),
            head_len,
            ..
        }) => d.with_secondary(span_at(sources, file, *at, *head_len), "private here"),
        _ => d,
    }
}

fn wrong_arity(
    sources: &Sources,
    file: FileId,
    call: &HookCall,
    same_name: &[&Function],
) -> Diagnostic {
    let arities: Vec<String> = same_name
        .iter()
        .map(|f| f.params.len().to_string())
        .collect();
    let takes = match arities.as_slice() {
        [_] => plural(same_name[0].params.len(), "argument"),
        more => format!("{} arguments", more.join(" or ")),
    };
    let given = plural(call.arity, "argument");
    let mut d = Diagnostic::error(
        "E023",
        format!(
            "hook `{}` takes {takes}, but {given} {} given",
            call.name,
            if call.arity == 1 { "is" } else { "are" }
        ),
        call.span,
    )
    .label(format!("{given} given"));
    for f in same_name {
        if let Some(at) = f.at {
            d = d.with_secondary(
                span_at(sources, file, at, f.head_len),
                format!("defined here with {}", plural(f.params.len(), "parameter")),
            );
        }
    }
    let forms: Vec<String> = same_name
        .iter()
        .map(|f| format!("`hook {}({})`", f.name, f.params.join(", ")))
        .collect();
    d.help(format!("call it as {}", forms.join(" or ")))
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
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
