//! Verification of arbitrary manifest bytes in a small fixed tree (links in
//! and out, a loop, a FIFO, a socket, a device): every status agrees with an
//! independent look at the tree. See `checksig_fuzz::checks::verify_fixed_tree`.
#![no_main]

use std::sync::OnceLock;

use checksig_fuzz::checks::{verify_fixed_tree_input, FixedTree};

static TREE: OnceLock<FixedTree> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    verify_fixed_tree_input(TREE.get_or_init(FixedTree::new), data);
});
