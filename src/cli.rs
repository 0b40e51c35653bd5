//! The command line: argument parsing and dispatch. Each subcommand lives in
//! its own module under `cmd/`, which also holds the exit codes.

use crate::cmd;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::Write;

pub use crate::cmd::{EXIT_FAIL, EXIT_OK, EXIT_USAGE};

/// Check, run, explore and test guidance trees.
#[derive(Debug, Parser)]
#[command(name = "guidetree", version, about, propagate_version = true)]
pub struct Cli {
    /// When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check trees and report every problem at once.
    Check(cmd::check::Args),
    /// Run a tree: answer its questions and get an outcome.
    Run(cmd::run::Args),
    /// List every path through a tree.
    Paths(cmd::paths::Args),
    /// Check a tree's asserts on every path and measure coverage.
    Test(cmd::test::Args),
    /// Print the snapshot report of a tree: check summary and every path.
    Snapshot(cmd::snapshot::Args),
    /// Draw a tree as DOT or Mermaid.
    Graph(cmd::graph::Args),
    /// Compare two versions of a tree path by path.
    Diff(cmd::diff::Args),
    /// Write trees in the one canonical layout, keeping every comment.
    Fmt(cmd::fmt::Args),
    /// Start the language server (for editors), speaking LSP over stdio.
    Lsp(cmd::lsp::Args),
    /// Print a shell completion script.
    Completions(cmd::completions::Args),
    /// Print the manual page (roff), for `man`.
    Man(cmd::completions::ManArgs),
    /// Serve trees as web pages (loopback by default).
    Serve(crate::serve::Args),
}

/// Run the command line with the process's arguments; returns the exit code.
#[must_use]
pub fn main() -> i32 {
    run(std::env::args_os())
}

/// Run the command line with the given arguments; returns the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match cli.color {
        Color::Always => anstream::ColorChoice::Always.write_global(),
        Color::Never => anstream::ColorChoice::Never.write_global(),
        Color::Auto => {}
    }
    exit_code(dispatch(cli.command))
}

/// Run one subcommand.
fn dispatch(command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Check(args) => cmd::check::run(&args),
        Command::Run(args) => cmd::run::run(&args),
        Command::Paths(args) => cmd::paths::run(&args),
        Command::Test(args) => cmd::test::run(&args),
        Command::Snapshot(args) => cmd::snapshot::run(&args),
        Command::Graph(args) => cmd::graph::run(&args),
        Command::Diff(args) => cmd::diff::run(&args),
        Command::Fmt(args) => cmd::fmt::run(&args),
        Command::Lsp(args) => cmd::lsp::run(&args),
        Command::Completions(args) => cmd::completions::run(&args, Cli::command()),
        Command::Man(args) => cmd::completions::man(&args, Cli::command()),
        Command::Serve(args) => crate::serve::run(&args),
    }
}

/// A command's exit code; an error is printed and is a usage failure (2),
/// except a closed stdout, which ends the output quietly.
fn exit_code(result: anyhow::Result<i32>) -> i32 {
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => EXIT_OK,
        Err(err) => {
            let message = format!("{err:#}");
            let _ = writeln!(
                anstream::stderr(),
                "error: {}",
                crate::diag::visible(&message)
            );
            EXIT_USAGE
        }
    }
}

/// A closed stdout (`guidetree paths x.tree | head -1`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
