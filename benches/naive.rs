//! The naive reference verifier as a command, so that `benches/peers.py`
//! can time it like the other tools: one thread, each file read whole,
//! portable SHA-1 (`checksig::reference`).
//!
//! ```sh
//! cargo bench --bench naive --no-run   # then run the printed executable:
//! target/release/deps/naive-HASH DIR   # verifies DIR/sha1sum.txt
//! ```
//!
//! Run by `cargo bench` without a directory, it only prints this usage.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os()
        .skip(1)
        .find(|arg| !arg.to_string_lossy().starts_with('-'))
    else {
        println!("naive: usage: naive DIR (verifies DIR/sha1sum.txt the naive way)");
        return ExitCode::SUCCESS;
    };
    let dir = Path::new(&dir);
    let text = match std::fs::read(dir.join("sha1sum.txt")) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("naive: {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    let manifest = checksig::manifest::Manifest::parse(&text);
    let verdicts = checksig::reference::verify(dir, &manifest);
    let failures = verdicts.iter().filter(|v| **v != Some(true)).count();
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        println!("naive: {failures} of {} lines failed", verdicts.len());
        ExitCode::FAILURE
    }
}
