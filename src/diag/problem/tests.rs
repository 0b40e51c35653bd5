//! The words of problems whose wording depends on their data, checked
//! without a tree (the fixtures in `tests/fixtures/errors/` check the rest).

use super::*;
use crate::ast::NodeKind;
use crate::model::Type;
use crate::source::{FileId, Span};

fn at(start: usize) -> Span {
    Span::new(FileId(0), start, start + 1)
}

fn help_of(problem: impl Into<Problem>) -> String {
    problem.into().words().help.unwrap_or_default()
}

fn message_of(problem: impl Into<Problem>) -> String {
    problem.into().words().message
}

/// "Expected ..., found `found`" with nothing open.
fn expected(words: &[&str], found: &str) -> Syntax {
    Syntax::Expected {
        expected: words.iter().map(|w| w.to_string()).collect(),
        found: found.into(),
        hint: None,
        open_paren: None,
        open_brace: None,
    }
}

fn control_character(more: usize) -> Load {
    let included_at = None;
    Load::ControlCharacter {
        found: '\u{1b}',
        more,
        included_at,
    }
}

fn missing_kind(first_kind: Option<&str>) -> Node {
    Node::MissingField {
        kind: NodeKind::Outcome,
        node: "end".into(),
        field: "kind",
        first_kind: first_kind.map(str::to_string),
    }
}

fn bool_mismatch(literal: bool) -> TypeProblem {
    TypeProblem::Mismatch {
        want: "bool".into(),
        got: "int".into(),
        want_type: Type::Bool,
        got_type: Type::Int,
        literal,
        reordered: false,
    }
}

fn missing_hook(private_at: Option<Option<Span>>) -> Hook {
    Hook::Missing {
        hook: "f".into(),
        path: "s.rhai".into(),
        arity: 2,
        suggestion: None,
        private_at,
    }
}

fn unknown_parameter(hint: ParamHint) -> String {
    let (tree, param) = ("t.tree".into(), "p".into());
    help_of(Declare::UnknownParameter { tree, param, hint })
}

#[test]
fn codes_come_from_one_list() {
    assert_eq!(Code::ALL.len(), CODES.len());
    for (code, (name, summary)) in Code::ALL.iter().zip(CODES) {
        assert_eq!((code.as_str(), code.summary()), (*name, *summary));
    }
}

#[test]
fn warnings_are_the_w_codes() {
    assert_eq!(Code::W004.severity(), Severity::Warning);
    assert_eq!(Code::E031.severity(), Severity::Error);
    let unreachable = Flow::Unreachable { node: "x".into() };
    assert!(!Problem::from(unreachable).at(at(0)).is_error());
}

#[test]
fn an_include_cycle_is_shown_with_arrows() {
    let cycle = vec!["a.tree".into(), "b.tree".into(), "a.tree".into()];
    let help = help_of(Load::IncludeCycle { cycle });
    assert_eq!(help, "the cycle: a.tree → b.tree → a.tree");
}

#[test]
fn control_characters_count_the_others() {
    assert!(message_of(control_character(0)).ends_with("in a tree"));
    assert!(message_of(control_character(1)).ends_with("(and 1 more)"));
    assert!(message_of(control_character(5)).ends_with("(and 5 more)"));
}

#[test]
fn an_included_file_points_back_at_its_include() {
    let problem = Load::EmptyFile {
        only_comments: true,
        included_at: Some(at(7)),
    };
    let words = Problem::from(problem).words();
    assert_eq!(words.message, "the file holds only comments");
    assert_eq!(words.related, [(at(7), "included here".to_string())]);
}

#[test]
fn a_missing_kind_suggests_the_first_declared_kind() {
    let help = help_of(missing_kind(Some("stop")));
    assert_eq!(help, "add it inside the braces: kind stop");
    let help = help_of(missing_kind(None));
    assert_eq!(help, "add it inside the braces: kind done");
}

#[test]
fn a_misplaced_arrow_says_how_the_node_moves_on() {
    let help = |kind| help_of(Node::FieldNotAllowed { field: "->", kind });
    assert!(help(NodeKind::Question).contains("through its options"));
    assert!(help(NodeKind::Outcome).contains("ends the run"));
    assert_eq!(
        help(NodeKind::Branch),
        "a branch moves on with `when cond -> node` and `else -> node`"
    );
}

#[test]
fn an_unknown_kind_without_a_guess_lists_the_kinds_with_it() {
    let declared = vec!["stop".into(), "go".into()];
    let (kind, suggestion) = ("later".into(), None);
    let help = help_of(Node::UnknownKind {
        kind,
        suggestion,
        declared,
    });
    assert_eq!(
        help,
        "declare it in the tree header: outcomes stop, go, later"
    );
}

#[test]
fn a_guess_replaces_the_general_help() {
    let problem = Node::UnknownNode {
        name: "stp".into(),
        suggestion: Some("did you mean `stop`?".into()),
    };
    assert_eq!(help_of(problem), "did you mean `stop`?");
}

#[test]
fn a_bool_literal_gets_its_own_help() {
    assert_eq!(help_of(bool_mismatch(true)), "a bool is `true` or `false`");
    assert!(help_of(bool_mismatch(false)).starts_with("compare the number"));
}

#[test]
fn hook_arity_counts_in_words() {
    let definitions = vec![(Some(at(3)), vec!["a".into()])];
    let (hook, given) = ("f".into(), 2);
    let words = Problem::from(Hook::Arity {
        hook,
        given,
        definitions,
    })
    .words();
    let message = "hook `f` takes 1 argument, but 2 arguments are given";
    assert_eq!(words.message, message);
    assert_eq!(words.related[0].1, "defined here with 1 parameter");
}

#[test]
fn a_private_hook_says_so_instead_of_guessing() {
    let private = help_of(missing_hook(Some(None)));
    assert!(private.contains("is `private` in the script"));
    let help = help_of(missing_hook(None));
    assert_eq!(help, "define it in `s.rhai`: fn f(arg1, arg2) { ... }");
}

#[test]
fn expected_lists_join_with_or() {
    let message = |words: &[&str]| message_of(expected(words, "x"));
    assert_eq!(message(&["a name"]), "expected a name, found `x`");
    assert_eq!(message(&["a", "b", "c"]), "expected a, b or c, found `x`");
    assert_eq!(message(&[]), "unexpected `x`");
}

#[test]
fn invisible_characters_are_named() {
    let found = |found: &str| message_of(expected(&[], found));
    assert_eq!(found(""), "unexpected the end of the file");
    let bom = "unexpected the invisible character U+FEFF (a byte-order mark)";
    assert_eq!(found("\u{feff}"), bom);
}

#[test]
fn an_open_paren_is_named_before_an_open_brace() {
    let mut problem = expected(&[], "}");
    if let Syntax::Expected {
        open_paren,
        open_brace,
        ..
    } = &mut problem
    {
        (*open_paren, *open_brace) = (Some(at(1)), Some(at(0)));
    }
    let related = problem.words().related;
    assert_eq!(related, [(at(1), "this `(` is not closed yet".to_string())]);
}

#[test]
fn unknown_parameters_get_the_hint_that_fits() {
    let variable = unknown_parameter(ParamHint::IsVariable);
    assert!(variable.contains("declare it there with `param`"));
    let none = "\"t.tree\" declares no parameters (`param name: type`)";
    assert_eq!(unknown_parameter(ParamHint::NoParameters), none);
    let listed = ParamHint::Parameters(vec!["a".into(), "b".into()]);
    assert_eq!(unknown_parameter(listed), "its parameters are: a, b");
}
