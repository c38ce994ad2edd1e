//! Checks for the fuzz targets: [`checks`] (the library alone, also replayed
//! by the workspace's `cargo test`), [`capi_checks`] (the C ABI),
//! [`cli_checks`] (how `checksig` prints names) and [`signature_checks`]
//! (signed manifests). `fuzz/tests/replay.rs` replays every committed corpus
//! through them with [`replay`].

pub mod capi_checks;
pub mod checks;
pub mod cli_checks;
pub mod replay;
pub mod signature_checks;
