//! Shared checks for the fuzz targets; see [`checks`].

pub mod checks;
