//! Every tree in `trees/` is checked, explored and snapshotted: the report
//! `guidetree snapshot` prints (check summary, path count, outcome
//! distribution, assert verdicts, every path's transcript).
//!
//! Adding a tree adds a snapshot here with no code change; run
//! `cargo insta test` (or `INSTA_UPDATE=always cargo test --test integration trees::`),
//! then review the new `.snap` file. See `docs/testing.md`.

use guidetree::cmd::snapshot::snapshot_string;
use guidetree::explore::Options;
use std::path::Path;

use crate::common::{relative, ROOT as MANIFEST};

#[test]
fn every_tree() {
    insta::glob!("../trees", "*.tree", |path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("tree");
        let report = snapshot_string(&relative(path), &Options::default());
        // Name each snapshot after its tree, however many trees there are.
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(name);
        settings.set_input_file(relative(path));
        settings.bind(|| insta::assert_snapshot!(report));
    });
}

/// A snapshot whose tree was removed or renamed must go too.
#[test]
fn no_snapshot_outlives_its_tree() {
    let dir = Path::new(MANIFEST).join("tests/snapshots");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut stale = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(tree) = file
            .strip_prefix("integration__trees__every_tree@")
            .and_then(|rest| rest.strip_suffix(".snap"))
        else {
            continue;
        };
        if !Path::new(MANIFEST).join("trees").join(tree).is_file() {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "snapshots for trees that no longer exist (delete them): {stale:?}"
    );
}

/// `guidetree snapshot` prints exactly the text snapshotted here.
#[test]
fn the_command_prints_the_same_report() {
    let trees = std::fs::read_dir(Path::new(MANIFEST).join("trees")).expect("trees/ exists");
    for entry in trees.flatten() {
        let path = relative(&entry.path());
        if path.extension().and_then(|e| e.to_str()) != Some("tree") {
            continue;
        }
        let out = crate::common::guidetree()
            .arg("snapshot")
            .arg(&path)
            .output()
            .expect("runs");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            snapshot_string(&path, &Options::default()),
            "{}",
            path.display()
        );
    }
}
