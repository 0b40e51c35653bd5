//! The language server's work for one edit of the reconnect tree: a
//! `didChange` with the whole text (as the server synchronises it),
//! answered with the document's diagnostics from the full checker (parse,
//! check, hooks compiled) and a fresh name index. The budget is 50 ms.
//! Also measured: completion after `->` and formatting the whole file.
//!
//! Run with `cargo bench --bench lsp`.

use criterion::{criterion_group, criterion_main, Criterion};
use guidetree::lsp::Server;
use lsp_server::{Notification, Request, RequestId};
use serde_json::json;
use std::hint::black_box;
use std::path::Path;

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("trees/reconnect.tree");
    let text = std::fs::read_to_string(&path).expect("reconnect.tree");
    let uri = format!("file://{}", path.display());
    let mut server = Server::new();
    let open = Notification::new(
        "textDocument/didOpen".into(),
        json!({ "textDocument": { "uri": uri, "languageId": "guidetree", "version": 1, "text": text } }),
    );
    assert_eq!(server.notification(&open).len(), 1);

    // Alternate between two texts so that every change is a real one.
    let edited = text.replacen("-> patterns", "-> patternz", 1);
    let mut version = 1;
    c.bench_function("lsp: didChange on reconnect.tree to diagnostics", |b| {
        b.iter(|| {
            version += 1;
            let body = if version % 2 == 0 { &edited } else { &text };
            let change = Notification::new(
                "textDocument/didChange".into(),
                json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": body }] }),
            );
            let out = server.notification(&change);
            assert_eq!(out.len(), 1);
            black_box(out)
        });
    });

    let (line, character) = position(&text, "-> patterns", 3);
    c.bench_function("lsp: completion after -> on reconnect.tree", |b| {
        b.iter(|| {
            let req = Request::new(
                RequestId::from(1),
                "textDocument/completion".into(),
                json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
            );
            black_box(server.request(req))
        });
    });

    c.bench_function("lsp: formatting reconnect.tree", |b| {
        b.iter(|| {
            let req = Request::new(
                RequestId::from(2),
                "textDocument/formatting".into(),
                json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
            );
            black_box(server.request(req))
        });
    });
}

fn position(text: &str, needle: &str, skip: usize) -> (usize, usize) {
    let offset = text.find(needle).expect("needle") + skip;
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    (
        text[..offset].matches('\n').count(),
        text[line_start..offset].encode_utf16().count(),
    )
}

criterion_group!(benches, bench);
criterion_main!(benches);
