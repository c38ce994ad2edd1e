//! The only code that touches names: everything beneath a root directory
//! is opened, `stat`ed, listed or written through a [`Root`] handle.
//!
//! * [`root`]: the handle; opening regular files beneath it (and by a path
//!   the caller gave, for [`crate::hash_file`]), their identity.
//! * [`beneath`]: how a name is opened without leaving the handle:
//!   `openat2(RESOLVE_BENEATH)`, or a component-by-component `openat` walk
//!   with `O_NOFOLLOW` where `openat2` is refused.
//! * [`walk`]: the one directory walker (`create`, `--unlisted`).
//! * [`output`]: writing `create`'s output without following a link.
//! * [`limit`]: waiting, rather than failing, when out of descriptors.
//!
//! The Linux-only calls (`openat2`, `O_PATH`) stay behind this module: it
//! is where another platform would plug in.

mod beneath;
pub(crate) mod limit;
pub(crate) mod output;
pub(crate) mod root;
pub(crate) mod walk;

pub(crate) use root::Root;
