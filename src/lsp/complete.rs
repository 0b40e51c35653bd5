//! Completion: node ids after `->`, variables, members, hooks, keywords.

use super::{hook_signature, is_name_char, path_of, FileIndex, Server, SymKind};
use lsp_types as lsp;

impl Server {
    /// Completion: node ids after `->`, outcome kinds after `kind`, source
    /// tags after `source`, variables after `set`/`into`, members after
    /// `add VAR`/`remove VAR`, hooks after `hook`; elsewhere keywords,
    /// variables and members.
    pub(super) fn completion(
        &self,
        at: &lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::CompletionResponse>, String> {
        let Some(doc) = path_of(&at.text_document.uri).and_then(|p| self.docs.get(&p)) else {
            return Ok(None);
        };
        let offset = doc.lines.offset(&doc.text, at.position);
        let line_start = doc.text[..offset].rfind('\n').map_or(0, |n| n + 1);
        let before = &doc.text[line_start..offset];
        // The names of the last version that parsed, if any.
        let ix = doc.names.clone().unwrap_or_default();
        Ok(Some(lsp::CompletionResponse::Array(
            self.items_after(before, &ix),
        )))
    }

    /// What may come after `before`, the start of the line up to the cursor.
    fn items_after(&self, before: &str, ix: &FileIndex) -> Vec<lsp::CompletionItem> {
        let done = finished_words(before);
        let last = done.last().copied().unwrap_or("");
        let after_arrow = before
            .trim_end_matches(|c: char| is_name_char(c) || c == '.')
            .ends_with("->");
        let kinds = lsp::CompletionItemKind::ENUM_MEMBER;
        let vars = || named(ix, SymKind::Var, lsp::CompletionItemKind::VARIABLE);
        if after_arrow || last == "->" {
            self.node_items(ix)
        } else if last == "kind" {
            named(ix, SymKind::OutcomeKind, kinds)
        } else if done.first() == Some(&"source") {
            named(ix, SymKind::SourceTag, lsp::CompletionItemKind::REFERENCE)
        } else if matches!(last, "set" | "into" | "add" | "remove") {
            vars()
        } else if done.len() >= 2 && matches!(done[done.len() - 2], "add" | "remove") {
            members_of(ix, last)
        } else if last == "hook" {
            self.hook_items(ix)
        } else {
            let mut items = keywords();
            items.extend(vars());
            items.extend(named(ix, SymKind::Member, kinds));
            items
        }
    }

    /// Node ids of this file, and `ns.id` for the nodes of each include.
    pub(super) fn node_items(&self, ix: &FileIndex) -> Vec<lsp::CompletionItem> {
        let mut items = named(ix, SymKind::Node, lsp::CompletionItemKind::FUNCTION);
        for (ns, file) in &ix.includes {
            items.push(item(
                ns,
                lsp::CompletionItemKind::MODULE,
                "include (its start node)",
            ));
            if let Some((_, _, inc)) = self.parsed(file) {
                for o in inc.defined(SymKind::Node) {
                    let label = format!("{ns}.{}", o.symbol.name);
                    items.push(item(&label, lsp::CompletionItemKind::FUNCTION, "node"));
                }
            }
        }
        items
    }

    /// The functions the tree's script defines.
    pub(super) fn hook_items(&self, ix: &FileIndex) -> Vec<lsp::CompletionItem> {
        let Some(script) = ix.script.as_ref().and_then(|p| self.read(p)) else {
            return Vec::new();
        };
        let mut items = Vec::new();
        for line in script.lines() {
            let Some(rest) = line.trim_start().strip_prefix("fn ") else {
                continue;
            };
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|&c| is_name_char(c))
                .collect();
            if !name.is_empty() {
                let sig = hook_signature(&script, &name).unwrap_or_default();
                items.push(item(&name, lsp::CompletionItemKind::FUNCTION, &sig));
            }
        }
        items
    }
}

pub(super) fn item(
    label: &str,
    kind: lsp::CompletionItemKind,
    detail: &str,
) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_string()),
        ..lsp::CompletionItem::default()
    }
}

/// One completion item per symbol of `kind` defined in the file.
pub(super) fn named(
    ix: &FileIndex,
    kind: SymKind,
    item_kind: lsp::CompletionItemKind,
) -> Vec<lsp::CompletionItem> {
    let mut seen = Vec::new();
    let mut items = Vec::new();
    for o in ix.defined(kind) {
        if seen.contains(&o.symbol.name) {
            continue;
        }
        seen.push(o.symbol.name.clone());
        let detail = if o.symbol.owner.is_empty() {
            kind.describe().to_string()
        } else {
            format!("member of {}", o.symbol.owner)
        };
        items.push(item(&o.symbol.name, item_kind, &detail));
    }
    items
}

pub(super) fn members_of(ix: &FileIndex, var: &str) -> Vec<lsp::CompletionItem> {
    ix.defined(SymKind::Member)
        .filter(|o| o.symbol.owner == var)
        .map(|o| {
            item(
                &o.symbol.name,
                lsp::CompletionItemKind::ENUM_MEMBER,
                &format!("member of {var}"),
            )
        })
        .collect()
}

/// The language's keywords.
pub(super) fn keywords() -> Vec<lsp::CompletionItem> {
    const WORDS: &[&str] = &[
        "question",
        "checklist",
        "input",
        "branch",
        "score",
        "info",
        "outcome",
        "var",
        "include",
        "assert",
        "always",
        "never",
        "reachable",
        "text",
        "help",
        "title",
        "kind",
        "source",
        "tags",
        "advice",
        "option",
        "item",
        "into",
        "number",
        "range",
        "max",
        "examples",
        "when",
        "else",
        "set",
        "add",
        "remove",
        "if",
        "hook",
        "visited",
        "and",
        "or",
        "not",
        "implies",
        "in",
        "true",
        "false",
        "outcome",
        "bool",
        "int",
        "one_of",
    ];
    let mut seen = Vec::new();
    WORDS
        .iter()
        .filter(|w| {
            let new = !seen.contains(w);
            seen.push(w);
            new
        })
        .map(|w| item(w, lsp::CompletionItemKind::KEYWORD, ""))
        .collect()
}

/// The words of `before` that are complete: all of them, less the one
/// being typed when the cursor touches it.
fn finished_words(before: &str) -> Vec<&str> {
    let separator = |c: char| c.is_whitespace() || c == ',';
    let mut words: Vec<&str> = before.split(separator).filter(|w| !w.is_empty()).collect();
    let typing = !before.ends_with(separator);
    if typing {
        words.pop();
    }
    words
}
