//! The C ABI over arbitrary manifest bytes in the fixed tree: `verify()` and
//! `checksig_verify` agree with the Rust API, entry by entry.
//! See `checksig_fuzz::capi_checks::capi_verify`.
#![no_main]

use std::sync::OnceLock;

use checksig_fuzz::checks::FixedTree;

static TREE: OnceLock<FixedTree> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checksig_fuzz::capi_checks::capi_verify(TREE.get_or_init(FixedTree::new), data);
});
