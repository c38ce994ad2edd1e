//! C ABI for checksig (being built; see issue 3).
