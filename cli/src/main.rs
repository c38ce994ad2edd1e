//! The `checksig` command.

fn main() {
    let root = std::env::args_os().nth(1).unwrap_or_else(|| ".".into());
    match checksig::verify_dir(&root) {
        Ok(report) => {
            println!("{}", report.summary());
            std::process::exit(if report.is_ok() { 0 } else { 1 });
        }
        Err(e) => {
            eprintln!("checksig: {e}");
            std::process::exit(2);
        }
    }
}
