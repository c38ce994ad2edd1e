//! The manifest parser: no panic on any bytes; parse → format → parse gives
//! the same entries. See `checksig_fuzz::checks::manifest_parse`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checksig_fuzz::checks::manifest_parse(data);
});
