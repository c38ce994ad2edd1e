//! `checksig --version`: the version and the hashing engine in use.

/// The text `--version` prints after the program name.
pub fn long_version() -> String {
    format!(
        "{}\nengine: {}",
        env!("CARGO_PKG_VERSION"),
        checksig::backend()
    )
}
