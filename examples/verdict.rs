//! The conformance runner's Rust front end (`scripts/conformance.py`):
//! `cargo run --example verdict -- [--unlisted] PATH` verifies PATH (a
//! directory, a manifest or a sidecar) and prints one `STATUS<TAB>NAME` line
//! per entry, then `verdict ok`, `verdict failed` or `verdict error`, as the
//! C, Python and command-line runners print theirs.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let unlisted = args.first().is_some_and(|a| a == "--unlisted");
    if unlisted {
        args.remove(0);
    }
    let [path] = args.as_slice() else {
        eprintln!("usage: verdict [--unlisted] PATH");
        return ExitCode::from(2);
    };
    match checksig::Verifier::new()
        .report_unlisted(unlisted)
        .verify_path(path)
    {
        Ok(report) => {
            for entry in report.entries() {
                let name = String::from_utf8_lossy(entry.name());
                println!("{}\t{name}", entry.kind().name());
            }
            println!("verdict {}", if report.is_ok() { "ok" } else { "failed" });
        }
        Err(e) => {
            eprintln!("{e}");
            println!("verdict error");
        }
    }
    ExitCode::SUCCESS
}
