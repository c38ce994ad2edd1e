//! The last guard against running out of memory: a message and exit status
//! 2 instead of death by `SIGABRT`.
//!
//! Memory sized by the input (the manifest's bytes, its entries, the report)
//! is reserved fallibly by the library, which turns a refusal into an error
//! naming the manifest. Any other allocation that fails ends in Rust's
//! `handle_alloc_error`, which prints `memory allocation of N bytes failed`
//! and aborts; stable Rust offers no hook before that, so the abort itself is
//! caught: the command says it stopped and exits, as every other failure of
//! the command does, rather than dying of a signal (and leaving a core).

/// What follows Rust's own line on standard error.
const MESSAGE: &[u8] = b"checksig: stopped by the fatal error above (most often: out of memory)\n";

/// Installs the `SIGABRT` handler; false if the system refused it.
pub fn exit_on_abort() -> bool {
    // SAFETY: a zeroed `sigaction` is a valid starting value; the handler
    // only calls the async-signal-safe `write` and `_exit`.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_abort as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGABRT, &action, std::ptr::null_mut()) == 0
    }
}

extern "C" fn on_abort(_signal: libc::c_int) {
    // SAFETY: `write` and `_exit` are async-signal-safe; `MESSAGE` is static.
    unsafe {
        libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
        libc::_exit(2);
    }
}
