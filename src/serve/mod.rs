//! `guidetree serve FILE...`: each tree as a web page, for people who never
//! open a terminal.
//!
//! Every page is rendered on the server from the same pure
//! [`Session`](crate::interp::Session) that `run` drives, and works without
//! JavaScript (a small script only enhances: quick-exit shortcut, one
//! history entry per run). The server is stateless: the answers so far
//! travel in each POSTed form and are replayed and checked like an answers
//! file, so nothing is stored, no cookie is set and no answer appears in a
//! URL or a log line. See `docs/serving.md`.
//!
//! - [`form`]: reading a POSTed form into the answers so far and an action.
//! - [`page`]: the HTML pages (maud templates checked at compile time).
//! - [`app`]: the routes, headers and limits.

pub mod app;
pub mod form;
pub mod page;

use crate::cmd::load_checked;
use crate::cmd::EXIT_FAIL;
use crate::model::Model;
use crate::prompt::Progress;
use anyhow::{bail, Context};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Where "Leave this page" goes unless `--exit-url` says otherwise: a
/// neutral, everyday page.
pub const DEFAULT_EXIT_URL: &str = "https://www.bbc.co.uk/weather";

/// Largest request body accepted, in bytes (a form with every answer of a
/// long run fits many times over).
pub const DEFAULT_MAX_BODY: usize = 256 * 1024;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tree files to serve; each is served at /t/ID (ID is the tree's
    /// id). With one tree, / shows it too.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The address to listen on. Loopback by default; another address
    /// makes the guide reachable from other machines.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Where "Leave this page" sends the person: a neutral http(s) page.
    #[arg(long, value_name = "URL", default_value = DEFAULT_EXIT_URL)]
    pub exit_url: String,
    /// Show "Leave this page" on every tree, not only on trees whose header
    /// asks for it (`quick_exit`).
    #[arg(long)]
    pub quick_exit: bool,
    /// Worker threads for the server.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub threads: usize,
    #[command(flatten)]
    pub load: crate::cmd::LoadArgs,
}

/// A tree being served.
#[derive(Debug)]
pub struct Tree {
    pub model: Model,
    /// "Question 2 of 4", worked out once.
    pub progress: Progress,
    /// Show "Leave this page" (the tree asks for it, or `--quick-exit`).
    pub quick_exit: bool,
}

/// Everything the handlers share; read-only after start.
#[derive(Debug)]
pub struct Site {
    /// Trees in the order given on the command line.
    pub trees: Vec<Tree>,
    pub exit_url: String,
    pub max_body: usize,
}

impl Site {
    /// The tree with this id.
    #[must_use]
    pub fn tree(&self, id: &str) -> Option<&Tree> {
        self.trees.iter().find(|t| t.model.id == id)
    }
}

/// Serve trees until the process is stopped.
///
/// # Errors
/// A bad exit URL, two trees with one id, an address that cannot be bound.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    check_exit_url(&args.exit_url)?;
    let mut trees: Vec<Tree> = Vec::new();
    for file in &args.files {
        let Some(checked) = load_checked(file, args.load, "cannot serve this tree")? else {
            return Ok(EXIT_FAIL);
        };
        let model = checked.model;
        if trees.iter().any(|t| t.model.id == model.id) {
            bail!(
                "two trees have the id `{}` ({}); each served tree needs its own id",
                model.id,
                file.display()
            );
        }
        let quick_exit = args.quick_exit || model.quick_exit;
        let progress = Progress::new(&model);
        trees.push(Tree {
            model,
            progress,
            quick_exit,
        });
    }
    let site = Arc::new(Site {
        trees,
        exit_url: args.exit_url.clone(),
        max_body: DEFAULT_MAX_BODY,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_io()
        .enable_time()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(serve(site, args.addr))?;
    Ok(crate::cmd::EXIT_OK)
}

async fn serve(site: Arc<Site>, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    announce(&site, bound)?;
    axum::serve(listener, app::router(site))
        .await
        .context("the server stopped")
}

/// Say where the trees are. Tests read the first line to find the port.
fn announce(site: &Site, bound: SocketAddr) -> std::io::Result<()> {
    let mut err = anstream::stderr();
    writeln!(err, "Serving on http://{bound}/ (Ctrl-C to stop)")?;
    for tree in &site.trees {
        writeln!(
            err,
            "  http://{bound}/t/{}  {}",
            tree.model.id, tree.model.title
        )?;
    }
    if !bound.ip().is_loopback() {
        writeln!(
            err,
            "note: {} is not a loopback address: anyone who can reach this machine can use these pages",
            bound.ip()
        )?;
    }
    Ok(())
}

/// The exit URL must be an absolute http(s) URL with no quotes or spaces.
fn check_exit_url(url: &str) -> anyhow::Result<()> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !url.chars().any(|c| {
            c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>' || c == '\''
        });
    if !ok {
        bail!("--exit-url must be an absolute http:// or https:// address, such as {DEFAULT_EXIT_URL}; got `{url}`");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_urls_must_be_absolute_web_addresses() {
        assert!(check_exit_url("https://example.org/").is_ok());
        assert!(check_exit_url(DEFAULT_EXIT_URL).is_ok());
        assert!(check_exit_url("http://a").is_ok());
        for bad in [
            "",
            "example.org",
            "javascript:alert(1)",
            "https://",
            "http:///x",
            "https://a b",
            "https://x\"y",
        ] {
            assert!(check_exit_url(bad).is_err(), "{bad}");
        }
    }
}
