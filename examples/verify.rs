//! Verifies a directory against its `sha1sum.txt` and prints every failure.
//!
//! ```sh
//! cargo run --example verify -- testdata/logs
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let root = std::env::args_os().nth(1).unwrap_or_else(|| ".".into());
    let report = match checksig::verify_dir(&root) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("verify: {error}");
            return ExitCode::from(2);
        }
    };
    for failure in report.failures() {
        let name = String::from_utf8_lossy(failure.name());
        match failure.actual() {
            Some(actual) => println!(
                "line {}: {name}: {} (got {actual})",
                failure.line(),
                failure.status()
            ),
            None => println!("line {}: {name}: {}", failure.line(), failure.status()),
        }
    }
    println!("{}", report.summary());
    if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
