//! Checks for the fuzz targets: [`checks`] (the library alone, also replayed
//! by the workspace's `cargo test`), [`capi_checks`] (the C ABI) and
//! [`cli_checks`] (how `checksig` prints names). `fuzz/tests/replay.rs`
//! replays every committed corpus through them.

pub mod capi_checks;
pub mod checks;
pub mod cli_checks;
