//! See `checksig_fuzz::signature_checks::signature_verify`: the fixtures'
//! keys are read once.
#![no_main]

use std::sync::OnceLock;

use checksig::signature::TrustedKeys;

static KEYS: OnceLock<TrustedKeys> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let keys = KEYS.get_or_init(checksig_fuzz::signature_checks::trusted_keys);
    checksig_fuzz::signature_checks::signature_verify(keys, data);
});
