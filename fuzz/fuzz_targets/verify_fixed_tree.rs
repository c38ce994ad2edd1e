//! Verification of arbitrary manifest bytes in a small fixed tree (links in
//! and out, a loop, a FIFO, a socket, a device): every status agrees with an
//! independent look at the tree. See `checksig_fuzz::checks::verify_fixed_tree`.
#![no_main]

use std::sync::OnceLock;

use checksig_fuzz::checks::{verify_fixed_tree, FixedTree};

static TREE: OnceLock<FixedTree> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let tree = TREE.get_or_init(FixedTree::new);
    // The first byte picks the thread count, so order and results are
    // checked with 1 to 4 workers.
    let (threads, manifest) = match data.split_first() {
        Some((&first, rest)) => (usize::from(first % 4) + 1, rest),
        None => (1, data),
    };
    verify_fixed_tree(tree, manifest, threads);
});
