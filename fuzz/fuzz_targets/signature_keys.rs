//! See `checksig_fuzz::signature_checks::signature_keys`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checksig_fuzz::signature_checks::signature_keys(data);
});
