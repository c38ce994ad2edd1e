//! The escaped-name codec and the name round trip through a manifest line.
//! See `checksig_fuzz::checks::escape_codec`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checksig_fuzz::checks::escape_codec(data);
});
