//! `guidetree completions SHELL` and `guidetree man`: the shell completion
//! script and the manual page, both generated from the same clap
//! definitions as the command line itself, so they never fall behind it.

use crate::cmd::EXIT_OK;
use std::io::Write;

/// Arguments of `guidetree completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `guidetree man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// The page of one subcommand (for example `run`), instead of the main page.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Added to the bash script: after `--from` or `--to`, the node ids of
/// the `.tree` file on the command line, read with `sed` (cheap enough for
/// every key press; ids inside includes are not offered).
const BASH_NODE_IDS: &str = r#"
_guidetree_node_ids() {
    local word file=""
    for word in "${COMP_WORDS[@]}"; do
        case "$word" in *.tree) file="$word" ;; esac
    done
    [ -n "$file" ] && [ -f "$file" ] || return 0
    sed -nE 's/^[[:space:]]*(question|checklist|input|branch|score|info|outcome)[[:space:]]+([A-Za-z_][A-Za-z0-9_]*).*/\2/p' "$file"
}

_guidetree_with_node_ids() {
    case "${COMP_WORDS[COMP_CWORD-1]}" in
        --from|--to)
            COMPREPLY=( $(compgen -W "$(_guidetree_node_ids)" -- "${COMP_WORDS[COMP_CWORD]}") )
            return 0
            ;;
    esac
    _guidetree "$@"
}

complete -F _guidetree_with_node_ids -o bashdefault -o default guidetree
"#;

/// Print the completion script for a shell, for the command line `cli`
/// (`Cli::command()`, passed in so that `cmd` need not know `cli`).
///
/// # Errors
/// When stdout cannot be written.
pub fn run(args: &Args, mut cli: clap::Command) -> anyhow::Result<i32> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cli, "guidetree", &mut out);
    if args.shell == clap_complete::Shell::Bash {
        out.extend_from_slice(BASH_NODE_IDS.as_bytes());
    }
    let mut stdout = std::io::stdout().lock();
    crate::cmd::closed_is_fine(stdout.write_all(&out))?;
    Ok(EXIT_OK)
}

/// Print the manual page: the main one, or one subcommand's.
///
/// # Errors
/// When the subcommand does not exist, or stdout cannot be written.
pub fn man(args: &ManArgs, cli: clap::Command) -> anyhow::Result<i32> {
    let page = man_page(cli, args.command.as_deref())?;
    let mut stdout = std::io::stdout().lock();
    crate::cmd::closed_is_fine(stdout.write_all(&page))?;
    Ok(EXIT_OK)
}

/// The roff source of the main manual page of `cli`, or of one
/// subcommand's page (`guidetree-run(1)`).
///
/// # Errors
/// When `command` names no subcommand.
pub fn man_page(mut cli: clap::Command, command: Option<&str>) -> anyhow::Result<Vec<u8>> {
    cli.build();
    let page = match command {
        None => cli,
        Some(name) => {
            let names: Vec<String> = cli
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            let Some(sub) = cli.find_subcommand(name) else {
                anyhow::bail!(
                    "there is no command `{name}`; the commands are: {}",
                    names.join(", ")
                );
            };
            sub.clone().display_name(format!("guidetree-{name}"))
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page).render(&mut out)?;
    Ok(out)
}
