//! `guidetree serve` over real HTTP on loopback: the pages, the privacy
//! headers, saving and resuming, bad input, and 200 concurrent sessions.
//! The browser tests (Chromium, axe-core) are in tests/serve_browser.rs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `guidetree serve` on an ephemeral loopback port; stopped when
/// dropped.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Start the server; `GUIDETREE_SERVE_BIN` may name another build of
    /// the binary (a release build, to measure latency).
    fn start(files: &[&str]) -> Server {
        let bin = std::env::var("GUIDETREE_SERVE_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_guidetree").to_string());
        let mut child = Command::new(bin)
            .arg("serve")
            .args(files)
            .args([
                "--addr",
                "127.0.0.1:0",
                "--exit-url",
                "https://exit.invalid/",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        err.read_line(&mut first).unwrap();
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        let log = Arc::new(Mutex::new(first));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = err.read_to_string(&mut rest);
            sink.lock().unwrap().push_str(&rest);
        });
        Server { child, addr, log }
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, "", &[])
    }

    fn post(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.request(
            "POST",
            path,
            &body,
            &[("Content-Type", "application/x-www-form-urlencoded")],
        )
    }

    fn request(&self, method: &str, path: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
        request(&self.addr, method, path, body.as_bytes(), headers)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// The answers so far, from the page's hidden field.
    fn answers(&self) -> String {
        attr_after(&self.body, "name=\"answers\" value=\"")
            .unwrap_or_else(|| panic!("no answers field in {}", self.body))
    }

    fn h1(&self) -> String {
        let start = self.body.find("<h1").expect("a heading");
        let open = self.body[start..].find('>').unwrap() + start + 1;
        let end = self.body[open..].find("</h1>").unwrap() + open;
        strip_tags(&self.body[open..end])
    }
}

fn request(addr: &str, method: &str, path: &str, body: &[u8], headers: &[(&str, &str)]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before reading all of a large body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

/// The attribute value that starts right after `prefix`.
fn attr_after(html: &str, prefix: &str) -> Option<String> {
    let start = html.find(prefix)? + prefix.len();
    let end = html[start..].find('"')? + start;
    Some(unescape(&html[start..end]))
}

/// Every value of inputs named `name`.
fn values(html: &str, name: &str) -> Vec<String> {
    html.split(&format!("name=\"{name}\""))
        .skip(1)
        .filter_map(|rest| attr_after(rest, "value=\""))
        .collect()
}

/// The fields that answer the step a page shows, picked by `pick`.
fn answer_fields(page: &str, pick: &mut impl FnMut(usize) -> usize) -> Vec<(String, String)> {
    let choices = values(page, "choice");
    if !choices.is_empty() {
        return vec![("choice".into(), choices[pick(choices.len())].clone())];
    }
    let items = values(page, "item");
    if !items.is_empty() {
        return items
            .into_iter()
            .filter(|_| pick(2) == 1)
            .map(|i| ("item".into(), i))
            .collect();
    }
    if page.contains("name=\"value\"") {
        let value = match number_range(page) {
            Some((min, max)) => {
                let span = usize::try_from((max - min).min(1000)).unwrap() + 1;
                (min + i64::try_from(pick(span)).unwrap()).to_string()
            }
            None => "some words".to_string(),
        };
        return vec![("value".into(), value)];
    }
    Vec::new()
}

/// "Enter a whole number from 0 to 240."
fn number_range(page: &str) -> Option<(i64, i64)> {
    let rest = page.split("Enter a whole number from ").nth(1)?;
    let (min, rest) = rest.split_once(" to ")?;
    let max = rest.split('.').next()?;
    Some((min.parse().ok()?, max.parse().ok()?))
}

fn post_step(
    server: &Server,
    tree: &str,
    answers: &str,
    action: &str,
    fields: &[(String, String)],
) -> Reply {
    let mut form: Vec<(&str, &str)> = vec![("answers", answers), ("do", action)];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    server.post(&format!("/t/{tree}"), &form)
}

fn is_outcome(page: &str) -> bool {
    page.contains("value=\"transcript\"")
}

// ─── Pages and headers ─────────────────────────────────────────────────────

#[test]
fn every_response_carries_the_privacy_headers_and_no_cookie() {
    let server = Server::start(&["trees/hello.tree", "trees/reconnect.tree"]);
    for reply in [
        server.get("/"),
        server.get("/t/hello"),
        server.get("/static/style.css"),
        server.get("/static/app.js"),
        server.get("/nowhere"),
        post_step(&server, "hello", "[]", "next", &[]),
    ] {
        assert_eq!(
            reply.header("cache-control"),
            Some("no-store"),
            "{}",
            reply.head
        );
        assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
        let csp = reply.header("content-security-policy").unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(reply.header("set-cookie"), None);
    }
}

#[test]
fn with_several_trees_the_first_page_lists_them() {
    let server = Server::start(&["trees/hello.tree", "trees/reconnect.tree"]);
    let index = server.get("/");
    assert_eq!(index.status, 200);
    assert!(
        index.body.contains("href=\"/t/hello\"") && index.body.contains("href=\"/t/reconnect\"")
    );
    // Only the tree that asks for it gets "Leave this page".
    assert!(!server.get("/t/hello").body.contains("Leave this page"));
    let reconnect = server.get("/t/reconnect");
    assert!(reconnect.body.contains("Leave this page"));
    assert!(reconnect.body.contains("href=\"https://exit.invalid/\""));
}

#[test]
fn a_whole_run_back_why_restart_save_and_resume() {
    let server = Server::start(&["trees/hello.tree"]);
    // One tree: / is its first step.
    let page = server.get("/");
    assert_eq!(page.h1(), "A few questions to find a good break for you.");
    assert!(page
        .body
        .contains("<h1 id=\"step-heading\" tabindex=\"-1\" autofocus>"));
    let page = post_step(&server, "hello", &page.answers(), "next", &[]);
    assert_eq!(page.h1(), "How tired do you feel?");
    assert!(
        page.body.contains("<legend>"),
        "a radio group in a fieldset with a legend"
    );
    assert!(page.body.contains("Question 1 of 4"));
    assert!(
        page.body.contains("Go with your first answer."),
        "the help is shown"
    );
    let answered = |page: &Reply, k: &str, v: &str| {
        post_step(
            &server,
            "hello",
            &page.answers(),
            "next",
            &[(k.into(), v.into())],
        )
    };
    let page = answered(&page, "choice", "bit");
    assert_eq!(page.h1(), "Which word fits your mood best?");
    // A hidden option is not offered.
    assert!(values(&page.body, "choice").contains(&"skip".to_string()));
    let back = post_step(&server, "hello", &page.answers(), "back", &[]);
    assert_eq!(back.h1(), "How tired do you feel?");
    assert!(
        back.body.contains("value=\"bit\" checked"),
        "the undone answer is shown again"
    );
    let page = answered(&back, "choice", "very");
    assert!(
        !values(&page.body, "choice").contains(&"skip".to_string()),
        "skip hides when tired"
    );
    let why = post_step(&server, "hello", &page.answers(), "why", &[]);
    assert_eq!(why.h1(), "Why you are seeing this");
    assert!(
        why.body.contains("How tired do you feel? → Very tired"),
        "{}",
        why.body
    );
    assert!(
        why.body.contains("shown only when `not tired`"),
        "{}",
        why.body
    );
    let page = answered(&page, "choice", "calm");
    assert!(page.body.contains("inputmode=\"numeric\""));
    let page = answered(&page, "value", "45");
    assert!(page.body.contains("type=\"checkbox\""));
    let saved = post_step(&server, "hello", &page.answers(), "save", &[]);
    assert_eq!(saved.status, 200);
    assert!(saved
        .header("content-disposition")
        .unwrap()
        .contains("attachment"));
    assert!(
        saved.body.contains("\"format\": \"guidetree-session\""),
        "{}",
        saved.body
    );
    let page = post_step(
        &server,
        "hello",
        &page.answers(),
        "next",
        &[
            ("item".into(), "outside".into()),
            ("item".into(), "music".into()),
        ],
    );
    assert!(is_outcome(&page.body), "{}", page.body);
    assert!(page.body.contains("What you can do"), "advice is shown");
    assert!(page.body.contains("Sources"), "sources are shown");
    let restarted = post_step(&server, "hello", &page.answers(), "restart", &[]);
    assert_eq!(restarted.answers(), "[]");

    // Resume: the pasted text, then the same as an uploaded file.
    for (name, filename) in [("text", None), ("file", Some("hello-answers.json"))] {
        let resumed = upload(&server, "hello", name, filename, &saved.body);
        assert_eq!(resumed.status, 200, "{}", resumed.body);
        assert!(
            resumed
                .body
                .contains("Picking up where you left off (3 answers restored)."),
            "{}",
            resumed.body
        );
        assert_eq!(resumed.h1(), "What do you enjoy? Pick any.");
    }
    let refused = upload(&server, "hello", "text", None, "not a save file");
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("There is a problem") && refused.body.contains("href=\"#save-file\"")
    );

    // Nothing the person answered reaches the server's output.
    let log = server.log.lock().unwrap().clone();
    for secret in ["very", "calm", "outside", "music"] {
        assert!(
            !log.contains(secret),
            "{secret:?} in the server's output: {log}"
        );
    }
}

fn upload(
    server: &Server,
    tree: &str,
    field: &str,
    filename: Option<&str>,
    content: &str,
) -> Reply {
    let boundary = "----guidetree-test-boundary";
    let disposition = match filename {
        Some(f) => format!(
            "form-data; name=\"{field}\"; filename=\"{f}\"\r\nContent-Type: application/json"
        ),
        None => format!("form-data; name=\"{field}\""),
    };
    let body = format!(
        "--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    server.request(
        "POST",
        &format!("/t/{tree}/resume"),
        &body,
        &[(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )],
    )
}

// ─── Bad input ─────────────────────────────────────────────────────────────

#[test]
fn a_bad_answer_shows_the_step_again_with_an_error_summary_linked_to_the_field() {
    let server = Server::start(&["trees/hello.tree"]);
    let answers = r#"[{"node":"welcome"},{"node":"how_tired","answer":"bit"},{"node":"feeling","answer":"calm"}]"#;
    for (value, words) in [
        ("ten", "\"ten\" is not a whole number."),
        ("999", "999 is outside the range."),
        ("", "Please enter a whole number from 0 to 240."),
    ] {
        let page = post_step(
            &server,
            "hello",
            answers,
            "next",
            &[("value".into(), value.into())],
        );
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(
            page.body.contains("role=\"alert\"") && page.body.contains("href=\"#value\""),
            "{}",
            page.body
        );
        assert!(
            strip_tags(&page.body).contains(words),
            "{words}: {}",
            page.body
        );
        assert!(page.body.contains("aria-invalid=\"true\""));
        assert!(
            page.body.contains(&format!("value=\"{value}\"")),
            "what was typed stays"
        );
        assert!(page.body.contains("<title>Error: "));
    }
    let page = post_step(&server, "hello", r#"[{"node":"welcome"}]"#, "next", &[]);
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("Choose one of the options.")
            && page.body.contains("href=\"#choice-0\"")
    );
    // An option that no page offered.
    let page = post_step(
        &server,
        "hello",
        r#"[{"node":"welcome"}]"#,
        "next",
        &[("choice".into(), "sleepy".into())],
    );
    assert_eq!(page.status, 422);
    assert!(
        page.body
            .contains("Not an option of this question; the options are very, bit, fine"),
        "{}",
        page.body
    );
}

#[test]
fn tampered_answers_unknown_trees_garbage_and_oversized_bodies_get_clear_4xx_pages() {
    let server = Server::start(&["trees/hello.tree"]);
    let cases: Vec<(Reply, u16, &str)> = vec![
        (
            post_step(
                &server,
                "hello",
                r#"[{"node":"welcome"},{"node":"how_tired","answer":"sleepy"}]"#,
                "next",
                &[],
            ),
            400,
            "Answer 2 does not fit",
        ),
        (
            post_step(
                &server,
                "hello",
                r#"[{"node":"feeling","answer":"calm"}]"#,
                "next",
                &[],
            ),
            400,
            "the tree now asks `welcome` at this point",
        ),
        (
            post_step(&server, "hello", "{not json", "next", &[]),
            400,
            "cannot be read",
        ),
        (
            server.get("/t/nosuchtree"),
            404,
            "There is no such guide here",
        ),
        (
            post_step(&server, "nosuchtree", "[]", "next", &[]),
            404,
            "There is no such guide here",
        ),
        (
            server.post("/t/hello", &[("answers", "[]"), ("evil", "1")]),
            400,
            "a field `evil`",
        ),
        (
            server.post("/t/hello", &[("answers", "[]"), ("do", "launch")]),
            400,
            "`launch`",
        ),
        (
            server.post("/t/hello", &[("do", "next")]),
            400,
            "no `answers` field",
        ),
        (
            server.request("POST", "/t/hello", "answers=\u{0}\u{1}%ZZ&&==", &[]),
            400,
            "no page of this guide sends",
        ),
        (
            server.request(
                "POST",
                "/t/hello",
                &format!("answers={}", "x".repeat(300 * 1024)),
                &[],
            ),
            413,
            "too large",
        ),
        (
            server.request("DELETE", "/t/hello", "", &[]),
            405,
            "cannot be used that way",
        ),
        (
            server.get("/t/hello/resume"),
            405,
            "cannot be used that way",
        ),
        (
            server.request(
                "POST",
                "/t/hello/resume",
                "x",
                &[("Content-Type", "text/plain")],
            ),
            400,
            "could not be read",
        ),
    ];
    for (reply, status, words) in cases {
        assert_eq!(reply.status, status, "{words}: {}", reply.body);
        assert!(
            reply.body.contains("<h1"),
            "{words}: an HTML page: {}",
            reply.body
        );
        assert!(
            strip_tags(&reply.body).contains(words),
            "{words}: {}",
            reply.body
        );
        assert!(reply.body.contains("Start again"), "{words}: a way back");
    }
}

// ─── Under load ────────────────────────────────────────────────────────────

/// 200 sessions at once, each walking a random path (with back, why and a
/// few bad answers on the way) to an outcome, pausing a random 0 to
/// `GUIDETREE_LOAD_THINK_MS` (default 200) milliseconds between requests,
/// as people do (0 for a stress run). Bounded: at most 150 steps per
/// session and 120 s in all. No request may fail; the latency percentiles
/// are printed, not asserted (this box is shared).
#[test]
fn two_hundred_concurrent_sessions_walk_random_paths_without_errors() {
    let server = Arc::new(Server::start(&[
        "trees/reconnect.tree",
        "trees/hello.tree",
        "trees/scoring.tree",
    ]));
    let deadline = Instant::now() + Duration::from_secs(120);
    let think: u64 = std::env::var("GUIDETREE_LOAD_THINK_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let trees = ["reconnect", "hello", "scoring"];
    let threads: Vec<_> = (0..200u64)
        .map(|i| {
            let server = Arc::clone(&server);
            let tree = trees[usize::try_from(i).unwrap() % trees.len()];
            std::thread::spawn(move || walk(&server, tree, i + 1, think, deadline))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut outcomes = 0;
    for t in threads {
        let (times, reached) = t.join().unwrap();
        latencies.extend(times);
        outcomes += usize::from(reached);
    }
    latencies.sort_unstable();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    eprintln!(
        "serve load: 200 sessions, pauses 0-{think} ms, {} requests, {outcomes} outcomes; latency p50 {:?}, p99 {:?}, max {:?}",
        latencies.len(),
        pct(0.50),
        pct(0.99),
        latencies.last().unwrap()
    );
    assert_eq!(outcomes, 200, "every session reaches an outcome");
}

/// One session: random answers from the page itself until an outcome.
fn walk(
    server: &Server,
    tree: &str,
    seed: u64,
    think: u64,
    deadline: Instant,
) -> (Vec<Duration>, bool) {
    let mut state = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let mut pick = move |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((state >> 33) % n.max(1) as u64).unwrap()
    };
    let mut times = Vec::new();
    let mut timed = |f: &mut dyn FnMut() -> Reply| {
        let started = Instant::now();
        let reply = f();
        times.push(started.elapsed());
        reply
    };
    let mut page = timed(&mut || server.get(&format!("/t/{tree}")));
    for _ in 0..150 {
        assert!(Instant::now() < deadline, "the load test ran out of time");
        if think > 0 {
            let pause = pick(usize::try_from(think).unwrap() + 1);
            std::thread::sleep(Duration::from_millis(u64::try_from(pause).unwrap()));
        }
        assert_eq!(page.status, 200, "{}", page.body);
        if is_outcome(&page.body) {
            return (times, true);
        }
        let answers = page.answers();
        let roll = pick(10);
        let next = match roll {
            0 if answers != "[]" => timed(&mut || post_step(server, tree, &answers, "back", &[])),
            1 => {
                let why = timed(&mut || post_step(server, tree, &answers, "why", &[]));
                assert_eq!(why.status, 200, "{}", why.body);
                timed(&mut || post_step(server, tree, &answers, "stay", &[]))
            }
            2 => {
                let bad = [("choice".to_string(), "nonsense".to_string())];
                let refused = timed(&mut || post_step(server, tree, &answers, "next", &bad));
                assert!(
                    refused.status == 422 || refused.status == 200,
                    "{}",
                    refused.body
                );
                page
            }
            _ => {
                let fields = answer_fields(&page.body, &mut pick);
                timed(&mut || post_step(server, tree, &answers, "next", &fields))
            }
        };
        page = next;
    }
    (times, is_outcome(&page.body))
}

// ─── Refusing to start ─────────────────────────────────────────────────────

#[test]
fn a_bad_tree_a_repeated_id_or_a_bad_exit_url_stops_the_server_from_starting() {
    let serve = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_guidetree"))
            .arg("serve")
            .args(args)
            .args(["--addr", "127.0.0.1:0"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let bad = serve(&["tests/fixtures/hostile/escape/err_self_include.tree"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot serve this tree"));
    let twice = serve(&["trees/hello.tree", "trees/hello.tree"]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("two trees have the id `hello`"));
    let exit = serve(&["trees/hello.tree", "--exit-url", "javascript:alert(1)"]);
    assert_eq!(exit.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&exit.stderr).contains("--exit-url must be"));
}
