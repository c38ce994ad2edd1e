//! How `checksig` prints arbitrary names: the `\`-escaped form on standard
//! output and GNU's `quotef` in diagnostics. See `checksig_fuzz::cli_checks`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checksig_fuzz::cli_checks::cli_names(data);
});
