//! The engine: how the bytes of a file reach the hasher.
//!
//! * [`plan`]: THE decision ([`plan::plan`], every threshold in
//!   [`plan::LIMITS`]) and the per-worker [`Reader`] that runs it, taking
//!   over from a strategy that hands back a [`io::Step`].
//! * [`io`]: what every strategy shares: [`ReadError`], [`Meter`], the one
//!   read loop, the one identity check after reading, the one pool of
//!   aligned buffers.
//! * Strategies, each depending on [`io`] alone: [`buffered`] (whole, or
//!   streamed from an offset), [`paired`] (two SHA-1 files at once),
//!   [`mapped`] (a memory map, with a prefetch thread), [`direct`]
//!   (`O_DIRECT` with reader threads); and their helpers [`cache`]
//!   (`cachestat`) and [`sigbus`] (surviving truncation under a map).

mod buffered;
mod cache;
mod direct;
mod io;
mod mapped;
mod paired;
mod plan;
mod sigbus;

pub(crate) use io::{Meter, ReadError};
#[cfg(test)]
pub(crate) use plan::LIMITS;
pub use plan::{hash_file, HashFileError};
pub(crate) use plan::{hash_file_on, is_mapped, threads_per_file, Reader};
