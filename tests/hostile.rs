//! Hostile input: every input a fuzzer flagged (replayed through the fuzz
//! targets' own code), the documented limits, and files that try to leave
//! the tree's folder. `docs/robustness.md` lists what each test covers.

#[path = "fuzz/harness.rs"]
mod harness;

use crate::common::{relative, rendered as report};
use guidetree::check::{
    check_path, check_str, check_with, check_with_options, CheckResult, MAX_FILES,
    MAX_INCLUDE_DEPTH, MAX_NODES,
};
use guidetree::eval::MAX_TEXT_LEN;
use guidetree::interp::{Answer, AnswerError, Session, MAX_AUTO_STEPS};
use guidetree::load::{Disk, LoadOptions, MemoryFs, MAX_FILE_SIZE};
use guidetree::model::{InputKind, Model, NodeKind};
use guidetree::syntax::{MAX_NESTING, MAX_OPERATORS};
use std::path::{Path, PathBuf};

// ─── Helpers ───────────────────────────────────────────────────────────────

/// The codes of a failed check, in order.
fn codes(result: &CheckResult) -> Vec<&'static str> {
    match result {
        Ok(c) => panic!("expected errors, got warnings {:#?}", c.warnings),
        Err(f) => f.diagnostics.iter().map(|d| d.code).collect(),
    }
}

fn model(result: CheckResult) -> Model {
    match result {
        Ok(c) => c.model,
        Err(f) => panic!("{}", report(&Err(f))),
    }
}

/// A tree with one question whose first option is shown `if COND`.
fn condition_tree(cond: &str) -> String {
    format!(
        "tree t \"T\" {{ start q outcomes done }}\n\
         var n: int = 1\nvar b: bool = true\n\
         question q {{ text \"Q\" option a \"A\" if {cond} -> end option z \"Z\" -> end }}\n\
         outcome end {{ kind done title \"Done\" }}\n"
    )
}

fn check_text(text: &str) -> CheckResult {
    check_str(Path::new("hostile.tree"), text)
}

// ─── Fuzz findings ─────────────────────────────────────────────────────────

/// Every file under `tests/fixtures/hostile/<target>/`, which must exist.
fn fuzz_inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new("tests/fixtures/hostile").join(target);
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    inputs
}

#[test]
fn check_bytes_findings_stay_fixed() {
    for (path, bytes) in fuzz_inputs("check_bytes") {
        eprintln!("replaying {}", path.display());
        harness::check_bytes(&bytes);
    }
}

/// The seeds of `saved_files` (answers files and saved sessions, good and
/// bad) and anything it ever flagged.
#[test]
fn saved_files_inputs_stay_fixed() {
    for (path, bytes) in fuzz_inputs("saved_files") {
        eprintln!("replaying {}", path.display());
        harness::saved_files(&bytes);
    }
}

#[test]
fn session_answers_findings_stay_fixed() {
    for (path, bytes) in fuzz_inputs("session_answers") {
        eprintln!("replaying {}", path.display());
        harness::session_answers(&bytes);
    }
}

/// The `check_bytes` harness must accept the trees of `trees/` as seeds
/// (root, include and script joined with NUL bytes) and find them valid:
/// otherwise the fuzzer would start from nothing but errors.
#[test]
fn the_check_bytes_seed_format_reaches_a_valid_tree() {
    let root = include_str!("../trees/reconnect.tree")
        .replace("\"no_response.tree\"", "\"inc.tree\"")
        .replace("\"red_flags.tree\"", "\"inc2.tree\"")
        .replace("\"reconnect.rhai\"", "\"hooks.rhai\"");
    let input = harness::join_two(
        &root,
        include_str!("../trees/no_response.tree"),
        include_str!("../trees/reconnect.rhai"),
        include_str!("../trees/red_flags.tree"),
    );
    let fs = harness::files(&input);
    let result = check_with(&fs, Path::new(harness::ROOT));
    assert!(result.is_ok(), "{}", report(&result));
    harness::check_bytes(&input);
}

// ─── Limits ────────────────────────────────────────────────────────────────

#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("too_large.tree");
    let file = std::fs::File::create(&path).unwrap();
    // A sparse file: the limit is checked before reading.
    file.set_len(MAX_FILE_SIZE + 1).unwrap();
    let result = check_path(&path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(codes(&result), ["E016"]);
    assert!(report(&result).contains("larger than the limit of 67108864 bytes"));
}

#[cfg(target_os = "linux")]
#[test]
fn an_endless_device_is_read_only_up_to_the_limit() {
    // /dev/zero says it is 0 bytes long and never ends.
    let result = check_path(Path::new("/dev/zero"));
    assert_eq!(codes(&result), ["E016"]);
    assert!(report(&result).contains("larger than the limit"));
}

#[test]
fn brackets_nested_past_the_limit_are_refused_before_parsing() {
    let deep = format!("{}b{}", "(".repeat(100_000), ")".repeat(100_000));
    let result = check_text(&condition_tree(&deep));
    assert_eq!(codes(&result), ["E017"]);
    assert!(report(&result).contains(&format!("nested more than {MAX_NESTING} deep")));
}

#[test]
fn brackets_at_the_limit_are_fine() {
    // The question's `{` is one level, so MAX_NESTING - 1 brackets fit.
    let depth = MAX_NESTING - 1;
    let ok = format!("{}b{}", "(".repeat(depth), ")".repeat(depth));
    assert!(check_text(&condition_tree(&ok)).is_ok());
}

#[test]
fn expressions_with_too_many_operators_are_refused() {
    // Each of these has MAX_OPERATORS + 1 operators, which bounds its depth.
    let cases = [
        format!("{} > 0", vec!["n"; MAX_OPERATORS + 1].join(" + ")),
        vec!["b"; MAX_OPERATORS + 2].join(" implies "),
        format!("{}b", "not ".repeat(MAX_OPERATORS + 1)),
        format!("{}n > 0", "-".repeat(MAX_OPERATORS)),
    ];
    for cond in cases {
        let result = check_text(&condition_tree(&cond));
        assert_eq!(codes(&result), ["E017"], "{cond}");
        assert!(report(&result).contains(&format!("the limit is {MAX_OPERATORS}")));
    }
}

/// Expressions with as many operators as allowed check, run and draw on a test thread's
/// small stack (2 MiB), in a debug build.
#[test]
fn expressions_at_the_depth_limit_check_and_run() {
    let cases = [
        format!("{} > 0", vec!["n"; MAX_OPERATORS].join(" + ")),
        vec!["b"; MAX_OPERATORS + 1].join(" implies "),
        format!("{}b", "not ".repeat(MAX_OPERATORS)),
        format!("{}n > 0", "-".repeat(MAX_OPERATORS - 1)),
    ];
    for cond in cases {
        let m = model(check_text(&condition_tree(&cond)));
        let mut s = Session::new(&m).unwrap();
        assert!(!s.visible_options().unwrap().is_empty());
        s.answer(Answer::Choose(1)).unwrap();
        assert!(s.is_finished());
        let dot = guidetree::graph::render(
            &m,
            &guidetree::graph::Overlay::none(),
            guidetree::graph::Format::Dot,
        );
        assert!(dot.contains("digraph"));
    }
}

#[test]
fn too_many_operators_are_refused() {
    // 40 `or`s of 40 `and`s: only about 80 levels deep, but 1599 operators
    // in one expression.
    let and = vec!["b"; 40].join(" and ");
    let cond = vec![and.as_str(); 40].join(" or ");
    let result = check_text(&condition_tree(&cond));
    assert_eq!(codes(&result), ["E017"]);
    assert!(report(&result).contains(&format!("the limit is {MAX_OPERATORS}")));
}

/// `f0.tree` includes `f1.tree`, which includes `f2.tree`, and so on.
fn include_chain(len: usize) -> MemoryFs {
    (0..len).fold(MemoryFs::new(), |fs, i| {
        let include = if i + 1 < len {
            format!("include \"f{}.tree\" as next\n", i + 1)
        } else {
            String::new()
        };
        fs.with(
            format!("f{i}.tree"),
            format!(
                "tree f{i} \"F\" {{ start o outcomes done }}\n{include}\
                 outcome o {{ kind done title \"Done\" }}\n"
            ),
        )
    })
}

#[test]
fn includes_nested_past_the_limit_are_refused() {
    let result = check_with(&include_chain(MAX_INCLUDE_DEPTH + 4), Path::new("f0.tree"));
    assert_eq!(codes(&result), ["E031"]);
    assert!(report(&result).contains(&format!("nest more than {MAX_INCLUDE_DEPTH} deep")));
    // As deep as allowed is fine (unreachable included nodes only warn).
    assert!(check_with(&include_chain(MAX_INCLUDE_DEPTH), Path::new("f0.tree")).is_ok());
}

/// Each level includes the next one twice, under two names: 2^16 files if
/// nothing stopped it, all within the depth limit.
#[test]
fn an_include_bomb_stops_at_the_file_limit() {
    let levels = MAX_INCLUDE_DEPTH;
    let fs = (0..levels).fold(MemoryFs::new(), |fs, i| {
        let includes = if i + 1 < levels {
            format!(
                "include \"l{n}.tree\" as a\ninclude \"l{n}.tree\" as b\n",
                n = i + 1
            )
        } else {
            String::new()
        };
        fs.with(
            format!("l{i}.tree"),
            format!(
                "tree l{i} \"L\" {{ start o outcomes done }}\n{includes}\
                 outcome o {{ kind done title \"Done\" }}\n"
            ),
        )
    });
    let started = std::time::Instant::now();
    let result = check_with(&fs, Path::new("l0.tree"));
    assert_eq!(codes(&result), ["E031"], "reported once");
    assert!(report(&result).contains(&format!("more than {MAX_FILES} files")));
    // Stopping early is the point: this takes milliseconds, not hours.
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn a_branch_that_loops_stops_after_max_auto_steps() {
    let m = model(check_text(
        "tree t \"T\" { start spin outcomes done }\n\
         var n: int = 0\n\
         branch spin { when n > 0 -> end else -> spin }\n\
         outcome end { kind done title \"Done\" }\n",
    ));
    assert_eq!(Session::new(&m).unwrap_err(), AnswerError::Loop);
    assert!(AnswerError::Loop
        .to_string()
        .contains(&MAX_AUTO_STEPS.to_string()));
}

#[test]
fn a_text_that_doubles_stops_at_the_length_limit() {
    let m = model(check_text(
        "tree t \"T\" { start q outcomes done }\n\
         var t: text = \"ab\"\n\
         question q { text \"{t}\" option again \"Again\" { set t = t + t } -> q option stop \"Stop\" -> end }\n\
         outcome end { kind done title \"Done\" }\n",
    ));
    let mut s = Session::new(&m).unwrap();
    let mut accepted = 0;
    let err = loop {
        match s.answer(Answer::Choose(0)) {
            Ok(()) => accepted += 1,
            Err(e) => break e,
        }
        assert!(accepted < 64, "the text kept doubling");
    };
    // "ab" doubled 15 times is 64 KiB exactly; the 16th doubling is refused.
    assert_eq!(accepted, 15);
    assert!(err
        .to_string()
        .contains(&format!("longer than {MAX_TEXT_LEN} bytes")));
    assert_eq!(s.history().len(), 15, "the refused answer changed nothing");
}

/// Odd but well-formed-looking trees: each is refused with its code, or
/// accepted, and none panics.
#[test]
fn odd_values_get_clear_errors() {
    let members = |n: usize| {
        (0..n)
            .map(|k| format!("m{k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let cases: Vec<(&str, String, Option<&str>)> = vec![
        (
            "a number past i64",
            "tree t \"T\" { version 99999999999999999999 start e outcomes done }\n\
             outcome e { kind done title \"x\" }\n"
                .into(),
            Some("E015"),
        ),
        (
            "an empty input range",
            "tree t \"T\" { start c outcomes done }\nvar n: int = 0\n\
             input c { text \"N\" number into n range 5..=1 -> e }\n\
             outcome e { kind done title \"{n}\" }\n"
                .into(),
            Some("E015"),
        ),
        (
            "a set with 65 members",
            format!(
                "tree t \"T\" {{ start e outcomes done }}\nvar s: set({})\n\
                 outcome e {{ kind done title \"{{s}}\" }}\n",
                members(65)
            ),
            Some("E015"),
        ),
        (
            "the same checklist item twice",
            "tree t \"T\" { start c outcomes done }\nvar s: set(a)\n\
             checklist c { text \"C\" into s item a \"A\" item a \"B\" -> e }\n\
             outcome e { kind done title \"{s}\" }\n"
                .into(),
            Some("E002"),
        ),
        (
            "an interpolation never closed",
            "tree t \"T\" { start e outcomes done }\n\
             outcome e { kind done title \"\u{1F600}{x\" }\n"
                .into(),
            Some("E001"),
        ),
        (
            "a one-megabyte name",
            format!(
                "tree t \"T\" {{ start {id} outcomes done }}\n\
                 outcome {id} {{ kind done title \"x\" }}\n",
                id = "a".repeat(1 << 20)
            ),
            None,
        ),
        (
            "right-to-left marks and combining accents",
            "tree t \"T\u{301}\u{202e}\" { start e outcomes done }\n\
             outcome e { kind done title \"\u{202e}\u{301}\" text \"\"\"\n\t\u{a0}mixed\n  indent\n\"\"\" }\n"
                .into(),
            None,
        ),
    ];
    for (what, text, code) in cases {
        let result = check_text(&text);
        match code {
            Some(code) => assert!(
                codes(&result).contains(&code),
                "{what}: {}",
                report(&result)
            ),
            None => assert!(result.is_ok(), "{what}: {}", report(&result)),
        }
        harness::inspect(&result);
    }
}

#[test]
fn arithmetic_overflow_at_run_time_is_an_error_not_a_panic() {
    let m = model(check_text(
        "tree t \"T\" { start c outcomes done }\n\
         var m: int = 0 - 9223372036854775807 - 1\nvar x: int = 0\n\
         question c { text \"Q\"\n\
           option div \"A\" { set x = m / -1 } -> e\n\
           option rem \"B\" { set x = m % -1 } -> e\n\
           option neg \"C\" { set x = -m } -> e\n\
           option mul \"D\" { set x = m * 2 } -> e\n\
           option zero \"E\" { set x = 1 / x } -> e }\n\
         outcome e { kind done title \"{x}\" }\n",
    ));
    let mut s = Session::new(&m).unwrap();
    for i in 0..5 {
        let err = s.answer(Answer::Choose(i)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("overflow")
                || text.contains("too large")
                || text.contains("division by zero"),
            "{text}"
        );
        assert!(s.history().is_empty());
    }
}

// ─── Large trees ───────────────────────────────────────────────────────────

/// A chain of `nodes` nodes (questions, infos, branches and scores in turn)
/// ending in an outcome: deep enough that any recursion over the node graph
/// would overflow the stack.
fn chain_tree(nodes: usize) -> String {
    let mut out = String::with_capacity(nodes * 48);
    out.push_str("tree big \"Big\" { start n0 outcomes done }\nvar k: int = 0\n");
    for i in 0..nodes - 1 {
        let next = i + 1;
        let node = match i % 4 {
            0 => format!(
                "question n{i} {{ text \"Q\" option a \"A\" -> n{next} option b \"B\" -> n{next} }}\n"
            ),
            1 => format!("info n{i} {{ text \"I {{k}}\" -> n{next} }}\n"),
            2 => format!("branch n{i} {{ when k > 3 -> n{next} else -> n{next} }}\n"),
            _ => format!("score n{i} {{ set k = k + 1 -> n{next} }}\n"),
        };
        out.push_str(&node);
    }
    out.push_str(&format!(
        "outcome n{} {{ kind done title \"Done\" }}\n",
        nodes - 1
    ));
    out
}

/// Check a chain tree and walk it from start to end.
fn check_and_walk(nodes: usize) {
    let m = model(check_text(&chain_tree(nodes)));
    assert_eq!(m.nodes.len(), nodes);
    let mut s = Session::new(&m).unwrap();
    while !s.is_finished() {
        let answer = match &m.node(s.current()).kind {
            NodeKind::Question { .. } => Answer::Choose(1),
            NodeKind::Info { .. } => Answer::Continue,
            NodeKind::Input {
                input: InputKind::Number { min, .. },
                ..
            } => Answer::Number(*min),
            other => panic!("unexpected step {other:?}"),
        };
        s.answer(answer).unwrap();
    }
    assert_eq!(s.path().len(), nodes);
}

#[test]
fn a_20_000_node_tree_checks_and_runs() {
    check_and_walk(20_000);
}

/// The full-size run: `cargo test --release --test integration hostile:: -- --ignored`
/// (a few seconds in release; too slow for every debug test run).
#[test]
#[ignore = "large: run in release with --ignored"]
fn a_1_000_000_node_tree_checks_and_runs() {
    assert_eq!(MAX_NODES, 1_000_000);
    let started = std::time::Instant::now();
    check_and_walk(MAX_NODES);
    eprintln!(
        "1,000,000 nodes: checked and walked in {:?}",
        started.elapsed()
    );
}

#[test]
#[ignore = "large: run in release with --ignored"]
fn one_node_past_the_node_limit_is_refused() {
    let result = check_text(&chain_tree(MAX_NODES + 1));
    assert_eq!(codes(&result), ["E031"]);
    assert!(report(&result).contains("more than 1000000 nodes"));
}

// ─── Includes stay in the tree's folder ────────────────────────────────────

#[test]
fn files_outside_the_folder_are_refused() {
    insta::glob!("fixtures/hostile/escape/err_*.tree", |path| {
        let path = relative(path);
        let result = check_path(&path);
        assert!(result.is_err(), "{} should fail", path.display());
        insta::assert_snapshot!(report(&result));
    });
}

#[test]
fn the_flag_lets_includes_and_scripts_out() {
    let allow = LoadOptions {
        allow_outside_includes: true,
    };
    for name in [
        "err_parent_include",
        "err_symlink_include",
        "err_nested_escape",
        "err_script_outside",
    ] {
        let path = PathBuf::from(format!("tests/fixtures/hostile/escape/{name}.tree"));
        let result = check_with_options(&Disk, &path, allow);
        assert!(result.is_ok(), "{name}: {}", report(&result));
    }
    // Cycles stay errors with the flag.
    let cycle = Path::new("tests/fixtures/hostile/escape/err_self_include.tree");
    assert_eq!(codes(&check_with_options(&Disk, cycle, allow)), ["E013"]);
}

/// `check_str` reads includes from disk, and follows links like `check_path`.
#[test]
fn check_str_sees_links_too() {
    let path = Path::new("tests/fixtures/hostile/escape/err_symlink_include.tree");
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(codes(&check_str(path, &text)), ["E030"]);
}

/// Found by `check_bytes`: a namespace given twice, the first time to a
/// file that failed to load, indexed a file that was never loaded.
#[test]
fn a_namespace_given_twice_points_at_the_first_include() {
    let fs = MemoryFs::new()
        .with(
            "root.tree",
            "tree t \"T\" { start e outcomes done }\n\
             include \"empty.tree\" as a\ninclude \"empty.tree\" as a\n\
             outcome e { kind done title \"E\" }\n",
        )
        .with("empty.tree", "");
    let result = check_with(&fs, Path::new("root.tree"));
    assert_eq!(codes(&result), ["E002", "E016"]);
    let Err(failure) = &result else {
        panic!("expected errors")
    };
    let first = &failure.diagnostics[0].secondary[0];
    assert_eq!(first.text, "first used here");
    let file = failure.sources.get(first.span.file);
    assert_eq!(
        file.line_col(first.span.start),
        (2, 25),
        "{}",
        report(&result)
    );
}

#[test]
fn a_link_that_stays_inside_is_fine() {
    let path = Path::new("tests/fixtures/hostile/escape/link_inside.tree");
    assert!(
        std::fs::symlink_metadata("tests/fixtures/hostile/escape/inside_link.tree")
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let result = check_path(path);
    assert!(result.is_ok(), "{}", report(&result));
}

#[test]
fn every_code_of_this_suite_has_a_fixture() {
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir("tests/fixtures/hostile/escape").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("err_") {
            seen.extend(codes(&check_path(&path)));
        }
    }
    assert!(seen.contains("E030") && seen.contains("E013"), "{seen:?}");
}

/// A save file from a newer format, a truncated one and one without the
/// format marker are each refused with their own reason, never resumed.
#[test]
fn save_files_that_cannot_be_trusted_are_refused() {
    use guidetree::save::{parse, LoadError};
    let good = std::fs::read("tests/fixtures/hostile/saved_files/seed_saved_session").unwrap();
    let good = &good[2..]; // the fuzz seed's two selector bytes
    assert!(parse(good, "s.json").is_ok());

    let newer =
        String::from_utf8_lossy(good).replace("\"format_version\": 1", "\"format_version\": 99");
    assert!(matches!(
        parse(newer.as_bytes(), "s.json"),
        Err(LoadError::Newer { found: 99, .. })
    ));

    let truncated = &good[..good.len() / 2];
    let err = parse(truncated, "s.json").unwrap_err();
    assert!(matches!(err, LoadError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("not valid JSON"), "{err}");

    let foreign = br#"{"tree": "hello", "answers": []}"#;
    let err = parse(foreign, "s.json").unwrap_err();
    assert!(err.to_string().contains("\"format\""), "{err}");
}

/// Hook scripts once found to hold gigabytes or run for seconds per call,
/// and a few that must keep working.
#[test]
fn hook_scripts_inputs_stay_fixed() {
    for (path, bytes) in fuzz_inputs("hook_scripts") {
        eprintln!("replaying {}", path.display());
        harness::hook_scripts(&bytes);
    }
}

// ─── Round two: includes, quadratic checks ────────────────────────────────

/// Counts how often each file is read.
struct CountingFs {
    inner: MemoryFs,
    reads: std::cell::RefCell<std::collections::HashMap<PathBuf, usize>>,
}

impl guidetree::load::FileSystem for CountingFs {
    fn read(&self, path: &Path) -> Result<String, guidetree::load::ReadError> {
        *self
            .reads
            .borrow_mut()
            .entry(path.to_path_buf())
            .or_default() += 1;
        self.inner.read(path)
    }
}

/// A 60 MB tree included 64 times reached 3.6 GB: each include read and
/// parsed the file again. Now a file is read and parsed once, however
/// many names include it.
#[test]
fn a_file_included_many_times_is_read_once() {
    let mut root = String::from(
        "tree root \"Root\" { start first outcomes done }\ninfo first { text \"First\" -> a0.go }\n",
    );
    for i in 0..64 {
        root += &format!("include \"part.tree\" as a{i}\n");
    }
    let fs = CountingFs {
        inner: MemoryFs::new().with("d/root.tree", root).with(
            "d/part.tree",
            "tree part \"Part\" { start go outcomes done }\n\
             info go { text \"Go\" -> done }\n\
             outcome done { kind done title \"Done\" }\n",
        ),
        reads: Default::default(),
    };
    let checked = check_with(&fs, Path::new("d/root.tree"));
    assert!(checked.is_ok(), "{}", report(&checked));
    assert_eq!(fs.reads.borrow()[Path::new("d/part.tree")], 1);
    let model = checked.unwrap().model;
    assert!(model.find_node("a63.go").is_some());
    assert_eq!(model.sources.iter().count(), 2, "one source per file");
}

/// The files of one tree may hold at most `MAX_TOTAL_SOURCE` bytes
/// together; the include that goes over is E031, and is not parsed.
#[test]
fn the_bytes_of_all_files_together_are_bounded() {
    use guidetree::load::MAX_TOTAL_SOURCE;
    let third = usize::try_from(MAX_TOTAL_SOURCE / 3 + 1).unwrap();
    let filler = format!("{}\n", "#".repeat(third));
    let root = "tree root \"Root\" { start done outcomes done }\n\
                include \"a.tree\" as a\ninclude \"b.tree\" as b\ninclude \"c.tree\" as c\n\
                outcome done { kind done title \"Done\" }\n";
    let fs = MemoryFs::new()
        .with("d/root.tree", root)
        .with("d/a.tree", filler.clone())
        .with("d/b.tree", filler.clone())
        .with("d/c.tree", filler);
    let failure = check_with(&fs, Path::new("d/root.tree")).unwrap_err();
    let e031: Vec<_> = failure
        .diagnostics
        .iter()
        .filter(|d| d.code == "E031")
        .collect();
    assert_eq!(e031.len(), 1, "{:#?}", failure.diagnostics);
    assert!(e031[0].message.contains("bytes together"));
}

/// A 100,000-character unknown id took over a minute to get its
/// did-you-mean; long names now get none.
#[test]
fn a_very_long_unknown_name_gets_no_suggestion() {
    let long = "a".repeat(100_000);
    let text = format!(
        "tree t \"T\" {{ start q outcomes done }}\n\
         question q {{ text \"Q\" option x \"X\" -> {long} }}\n\
         outcome done {{ kind done title \"Done\" }}\n\
         outcome {long}b {{ kind done title \"Done\" }}\n"
    );
    let failure = check_str(Path::new("long.tree"), &text).unwrap_err();
    let e003 = failure
        .diagnostics
        .iter()
        .find(|d| d.code == "E003")
        .expect("an unknown target");
    assert!(
        !e003.help.as_deref().unwrap_or("").contains("did you mean"),
        "{e003:?}"
    );
}

/// 20,000 unknown targets each measured against 20,000 node names took
/// over a minute; suggestions stop after `MAX_SUGGESTIONS`, and every
/// unknown target is still reported. 2,000 here (the full size is
/// measured in docs/robustness.md).
#[test]
fn many_unknown_targets_are_all_reported() {
    let n = 2_000;
    let mut text = String::from("tree t \"T\" { start n0 outcomes done }\n");
    for i in 0..n {
        text += &format!("info n{i} {{ text \"x\" -> m{i} }}\n");
    }
    text += "outcome done { kind done title \"Done\" }\n";
    let failure = check_str(Path::new("many.tree"), &text).unwrap_err();
    let unknown = failure
        .diagnostics
        .iter()
        .filter(|d| d.code == "E003")
        .count();
    assert_eq!(unknown, n);
    let suggested = failure
        .diagnostics
        .iter()
        .filter(|d| d.help.as_deref().unwrap_or("").contains("did you mean"))
        .count();
    assert!(
        suggested <= guidetree::check::MAX_SUGGESTIONS,
        "{suggested}"
    );
}

/// Scripts with 200,000 functions took over a minute to check: Rhai's
/// compiler looks through every function so far at each variable. A
/// script may define `MAX_FUNCTIONS`; one more is E021 at the function
/// past the limit, found as soon as the compiler gets there.
#[test]
fn scripts_with_too_many_functions_are_refused() {
    use guidetree::script::MAX_FUNCTIONS;
    let script = |n: usize| -> String {
        (0..n)
            .map(|i| format!("fn f{i}(x) {{ x + {i} }}\n"))
            .collect()
    };
    let tree = "tree t \"T\" { start s script \"h.rhai\" outcomes done }\n\
                var n: int = 1\n\
                score s { set n = hook f0(n) -> done }\n\
                outcome done { kind done title \"n is {n}\" }\n";
    let fs = MemoryFs::new()
        .with("d/t.tree", tree)
        .with("d/h.rhai", script(MAX_FUNCTIONS));
    let checked = check_with(&fs, Path::new("d/t.tree"));
    assert!(checked.is_ok(), "{}", report(&checked));
    let fs = MemoryFs::new()
        .with("d/t.tree", tree)
        .with("d/h.rhai", script(200_000));
    let failure = check_with(&fs, Path::new("d/t.tree")).unwrap_err();
    let text = report(&Err(failure));
    assert!(text.contains("error[E021]"), "{text}");
    assert!(
        text.contains(&format!("h.rhai:{}:1", MAX_FUNCTIONS + 1)),
        "{text}"
    );
    assert_eq!(MAX_FUNCTIONS, 1_000, "the help text names the limit");
    assert!(text.contains("at most 1,000 functions"), "{text}");
}
