//! See `checksig_fuzz::signature_checks::signature_clearsign`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checksig_fuzz::signature_checks::signature_clearsign(data);
});
