//! What the command writes about itself: shell completion scripts
//! (`checksig completions SHELL`, by clap_complete) and man pages
//! (`checksig man [COMMAND]`, by clap_mangen), both from the one clap
//! definition in [`crate::args`], so they never drift from `--help`.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::args::Args;

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Args::command(), "checksig", &mut script);
    script
}

/// The man page (roff) of `checksig`, or of its subcommand `command` (then
/// titled `checksig-COMMAND`, as git's pages are); `None` for no such
/// subcommand.
pub fn man_page(command: Option<&str>) -> Option<Vec<u8>> {
    let mut top = Args::command();
    // Building fills in the subcommands' bin names ("checksig hash") and
    // display names ("checksig-hash") that their pages show.
    top.build();
    let page = match command {
        None => top,
        Some(name) => top
            .get_subcommands()
            .find(|sub| sub.get_name() == name && !sub.is_hide_set())?
            .clone()
            .version(env!("CARGO_PKG_VERSION")),
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .expect("writing to a Vec cannot fail");
    Some(roff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_the_subcommands() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let script = String::from_utf8(completions(shell)).unwrap();
            for word in ["checksig", "hash", "create", "--check"] {
                assert!(script.contains(word), "{shell}: no {word}");
            }
        }
    }

    #[test]
    fn man_pages_of_the_command_and_its_subcommands() {
        let top = String::from_utf8(man_page(None).unwrap()).unwrap();
        assert!(top.starts_with(".ie"), "{}", &top[..40]);
        assert!(top.contains(".TH checksig 1"), "{top}");
        assert!(top.contains("\\-\\-check"), "{top}");
        let hash = String::from_utf8(man_page(Some("hash")).unwrap()).unwrap();
        assert!(hash.contains(".TH checksig-hash 1"), "{hash}");
        assert!(hash.contains("checksig hash"), "{hash}");
        assert!(man_page(Some("man")).is_none());
        assert!(man_page(Some("nope")).is_none());
    }
}
