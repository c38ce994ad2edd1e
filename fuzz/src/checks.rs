//! The checks behind the fuzz targets, written once and used three ways: by
//! the libFuzzer targets (`fuzz/fuzz_targets/`), by `cargo test`, which
//! replays the committed corpus (`tests/fuzz_corpus.rs`), and by the property
//! tests (`tests/properties.rs`). Both test files include this file by path,
//! so it depends on nothing but `checksig`, `tempfile` and `std`.
//!
//! Every check panics (which the fuzzer reports as a crash) when the library
//! breaks a promise; none may panic for any other reason.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use checksig::manifest::{
    escape_name, format_line, needs_escape, unescape_name, Entry, FormatError, Item, Manifest,
    Parser, Style,
};
use checksig::{reference, Algorithm, Digest, FileKind, Status, Verifier};

/// The line-end rule of the grammar: one `\n`, then one `\r`.
fn strip_line_end(raw: &[u8]) -> &[u8] {
    let line = raw.strip_suffix(b"\n").unwrap_or(raw);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Target `manifest_parse`: for every algorithm, parsing any bytes never
/// panics; every item has the number of a real line, in order; a malformed
/// item keeps its line's text; a line without an item is a comment or empty;
/// and writing the entries back with `format_line` then parsing gives the
/// same entries (parse → format → parse). Detecting the algorithm of any
/// bytes never panics either.
pub fn manifest_parse(data: &[u8]) {
    for algorithm in Algorithm::ALL {
        manifest_parse_as(algorithm, data);
    }
    manifest_parse_any_tagged(data);
    let _ = checksig::detect::detect(None, data);
}

/// `cksum -c`'s parser, each line by its tag: every entry was a tagged
/// line of an algorithm a manifest can hold, and writes back to itself.
fn manifest_parse_any_tagged(data: &[u8]) {
    let parsed = Parser::any_tagged().parse(data);
    let mut written = Vec::new();
    for entry in parsed.entries() {
        assert_eq!(entry.style, Style::Tagged);
        assert!(entry.digest.algorithm().is_checkable());
        if let Ok(line) = format_line(entry) {
            written.extend(line);
        }
    }
    let reparsed = Parser::any_tagged().parse(&written);
    let again: Vec<_> = reparsed.entries().map(|e| (&e.name, e.digest)).collect();
    let first: Vec<_> = parsed
        .entries()
        .filter(|e| format_line(e).is_ok())
        .map(|e| (&e.name, e.digest))
        .collect();
    assert_eq!(again, first);
}

fn manifest_parse_as(algorithm: Algorithm, data: &[u8]) {
    let parsed = Parser::new(algorithm).parse(data);
    let lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
    let mut with_item = vec![false; lines.len()];
    let mut previous = 0;
    for item in parsed.items() {
        let number = item.line();
        assert!(
            number > previous,
            "line numbers go up: {number} after {previous}"
        );
        assert!(
            number as usize <= lines.len(),
            "line {number} of {}",
            lines.len()
        );
        previous = number;
        with_item[number as usize - 1] = true;
        let text = strip_line_end(lines[number as usize - 1]);
        match item {
            Item::Malformed(malformed) => assert_eq!(malformed.text, text),
            Item::Entry(entry) => {
                assert!(!text.contains(&0), "a line with NUL is never an entry");
                assert!(!entry.name.contains(&0));
                // Its own length of BLAKE2b or SHA-3 (`BLAKE2b-256 (f) = ...`).
                assert!(entry.digest.algorithm().same_family(algorithm));
                assert!(algorithm.is_checkable(), "no manifest holds CRCs or sums");
            }
        }
    }
    for (raw, has_item) in lines.iter().zip(with_item) {
        if !has_item {
            assert!(
                raw.first() == Some(&b'#') || strip_line_end(raw).is_empty(),
                "a skipped line is a comment or empty: {raw:?}"
            );
        }
    }

    let mut written = Vec::new();
    let mut expected = Vec::new();
    for entry in parsed.entries() {
        match format_line(entry) {
            Ok(line) => {
                assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
                assert_eq!(line.last(), Some(&b'\n'));
                assert!(!line.contains(&b'\r'), "no raw CR in a written line");
                written.extend(line);
                let style = match entry.style {
                    Style::SingleBlank => Style::Text, // written as GNU would
                    style => style,
                };
                expected.push((entry.name.clone(), entry.digest, style));
            }
            // Only a tagged line can hold an empty name: `SHA1 () = <hex>`.
            Err(error) => {
                assert_eq!(error, FormatError::EmptyName);
                assert_eq!(entry.style, Style::Tagged);
            }
        }
    }
    let reparsed = Parser::new(algorithm).parse(&written);
    assert_eq!(reparsed.malformed().count(), 0, "{written:?}");
    let got: Vec<_> = reparsed
        .entries()
        .map(|e| (e.name.clone(), e.digest, e.style))
        .collect();
    assert_eq!(got, expected, "parse → format → parse, via {written:?}");

    // Standard input only refuses the name `-`; it never panics either.
    let stdin = Parser::new(algorithm).reading_stdin(true).parse(data);
    assert_eq!(stdin.items().len(), parsed.items().len());
}

/// Target `escape_codec`: `unescape_name` accepts only GNU's escapes and
/// `escape_name` inverts it; an escaped name holds no raw newline or CR; and
/// every possible file name (no NUL, not empty) survives `format_line` →
/// `Manifest::parse` in each style.
pub fn escape_codec(data: &[u8]) {
    if let Some(name) = unescape_name(data) {
        assert!(!name.contains(&0));
        assert!(name.len() <= data.len());
        assert_eq!(unescape_name(&escape_name(&name)), Some(name));
    }
    let name: Vec<u8> = data.iter().copied().filter(|&b| b != 0).collect();
    let escaped = escape_name(&name);
    assert!(!escaped.contains(&b'\n') && !escaped.contains(&b'\r'));
    assert_eq!(needs_escape(&name), escaped != name);
    assert_eq!(unescape_name(&escaped).as_ref(), Some(&name));
    if name.is_empty() {
        return;
    }
    let digest = reference::sha1(data);
    for style in [Style::Text, Style::Binary, Style::Tagged] {
        let entry = Entry {
            line: 1,
            name: name.clone(),
            digest,
            style,
        };
        let line = format_line(&entry).expect("any non-empty name without NUL is writable");
        let parsed = Manifest::parse(&line);
        assert_eq!(parsed.items(), [Item::Entry(entry)], "{line:?}");
    }
}

/// A small fixed tree for [`verify_fixed_tree`]: regular files (one with a
/// non-UTF-8 name), a subdirectory, links inside and out, a loop, a FIFO, a
/// socket, and a file outside the root.
pub struct FixedTree {
    _dir: tempfile::TempDir,
    /// The root that manifests are verified against.
    pub root: PathBuf,
    /// `root`, canonical.
    canonical_root: PathBuf,
}

/// Files of the fixed tree, with their contents.
pub const FIXED_FILES: [(&str, &[u8]); 5] = [
    ("a", b"a\n"),
    ("empty", b""),
    ("sp ace", b"name with a space\n"),
    ("sub/c", b"in a subdirectory\n"),
    ("sub/d.log", b"GET / 200\nGET /x 404\n"),
];

impl FixedTree {
    /// Builds the tree in a new temporary directory.
    pub fn new() -> FixedTree {
        let dir = tempfile::Builder::new()
            .prefix("checksig-fuzz-tree-")
            .tempdir()
            .expect("a temporary directory");
        let root = dir.path().join("root");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir(&outside).unwrap();
        for (name, contents) in FIXED_FILES {
            std::fs::write(root.join(name), contents).unwrap();
        }
        std::fs::write(root.join(OsStr::from_bytes(b"caf\xe9")), b"latin-1\n").unwrap();
        std::fs::write(outside.join("secret"), b"a\n").unwrap(); // same bytes as `a`
        let link = |target: &str, name: &str| {
            std::os::unix::fs::symlink(target, root.join(name)).unwrap();
        };
        link("a", "link-in");
        link("../a", "sub/up-link");
        link("../outside/secret", "link-out");
        link("../outside", "dir-link-out");
        link("loop", "loop");
        link("/dev/zero", "zero");
        let status = std::process::Command::new("mkfifo")
            .arg(root.join("fifo"))
            .status()
            .expect("mkfifo");
        assert!(status.success());
        drop(std::os::unix::net::UnixListener::bind(root.join("sock")).unwrap());
        let canonical_root = root.canonicalize().unwrap();
        FixedTree {
            _dir: dir,
            root,
            canonical_root,
        }
    }

    /// A manifest listing every name of the tree with the right digest, plus
    /// names that must fail: a seed for the fuzzer and a case for the tests.
    pub fn seed_manifest(&self) -> Vec<u8> {
        let mut text = Vec::new();
        let mut add = |name: &[u8], contents: &[u8]| {
            text.extend(
                format_line(&Entry {
                    line: 0,
                    name: name.to_vec(),
                    digest: reference::sha1(contents),
                    style: Style::Text,
                })
                .unwrap(),
            )
        };
        for (name, contents) in FIXED_FILES {
            add(name.as_bytes(), contents);
        }
        add(b"caf\xe9", b"latin-1\n");
        add(b"link-in", b"a\n");
        add(b"sub/up-link", b"a\n");
        add(b"sub/../a", b"a\n");
        add(b"link-out", b"a\n");
        add(b"../outside/secret", b"a\n");
        add(b"dir-link-out/secret", b"a\n");
        add(b"/dev/zero", b"");
        add(b"zero", b"");
        add(b"loop", b"");
        add(b"fifo", b"");
        add(b"sock", b"");
        add(b"sub", b"");
        add(b"gone", b"");
        add(b"a", b"not a\n");
        text.extend(b"SHA1 (a) = 3f786850e387550fdab836ed7e6dc881de23001b\n");
        text.extend(b"not a line\n");
        text
    }

    /// Whether any leading part of `name` resolves out of the root.
    fn leaves_root(&self, name: &[u8]) -> bool {
        let path = Path::new(OsStr::from_bytes(name));
        let mut depth = 0i64;
        let mut prefix = PathBuf::new();
        for component in path.components() {
            match component {
                Component::RootDir | Component::Prefix(_) => return true,
                Component::ParentDir if depth == 0 => return true,
                Component::ParentDir => depth -= 1,
                Component::Normal(_) => depth += 1,
                Component::CurDir => {}
            }
            prefix.push(component);
            if let Ok(resolved) = self.root.join(&prefix).canonicalize() {
                if !resolved.starts_with(&self.canonical_root) {
                    return true;
                }
            }
        }
        false
    }
}

impl Default for FixedTree {
    fn default() -> FixedTree {
        FixedTree::new()
    }
}

/// Target `verify_fixed_tree` on one fuzz input: its first byte picks the
/// thread count (1 to 4, so that order and results are checked with several
/// workers), the rest is the manifest; see [`verify_fixed_tree`].
pub fn verify_fixed_tree_input(tree: &FixedTree, data: &[u8]) {
    let (threads, manifest) = match data.split_first() {
        Some((&first, rest)) => (usize::from(first % 4) + 1, rest),
        None => (1, data),
    };
    verify_fixed_tree(tree, manifest, threads);
}

/// Target `verify_fixed_tree`: verifying any manifest in the fixed tree never
/// panics or hangs, gives one result per manifest item in order, and every
/// status agrees with an independent look at the tree: OK and mismatch only
/// for a regular file inside the root whose reference digest says so; outside
/// the root only for a name that leaves it; missing only for a name that does
/// not exist; not regular only for what `stat` says is not a regular file.
pub fn verify_fixed_tree(tree: &FixedTree, data: &[u8], threads: usize) {
    let manifest = Manifest::parse(data);
    let report = Verifier::new()
        .threads(threads)
        .verify_manifest(&tree.root, &manifest)
        .expect("the fixed root opens");
    assert_eq!(report.entries().len(), manifest.items().len());
    for (result, item) in report.entries().zip(manifest.items()) {
        assert_eq!(result.line(), item.line());
        let entry = match item {
            Item::Malformed(malformed) => {
                match result.status() {
                    Status::Malformed => assert_eq!(result.text(), Some(&malformed.text[..])),
                    other => panic!("malformed line {} got {other:?}", malformed.line),
                }
                continue;
            }
            Item::Entry(entry) => entry,
        };
        assert_eq!(result.name(), entry.name);
        assert_eq!(result.expected().as_ref(), Some(&entry.digest));
        check_status(tree, entry, result.status());
    }
}

fn check_status(tree: &FixedTree, entry: &Entry, status: &Status) {
    let name = &entry.name;
    let path = tree.root.join(OsStr::from_bytes(name));
    let shown = String::from_utf8_lossy(name);
    let inside_regular_digest = || -> Option<Digest> {
        if name.is_empty() || tree.leaves_root(name) {
            return None;
        }
        let canonical = path.canonicalize().ok()?;
        assert!(canonical.starts_with(&tree.canonical_root));
        canonical
            .metadata()
            .ok()?
            .is_file()
            .then(|| reference::hash_file(&canonical).ok())
            .flatten()
    };
    match status {
        Status::Ok => assert_eq!(inside_regular_digest(), Some(entry.digest), "{shown}: OK"),
        Status::Mismatch { actual } => {
            assert_eq!(inside_regular_digest(), Some(**actual), "{shown}: mismatch");
            assert_ne!(**actual, entry.digest);
        }
        Status::OutsideRoot => assert!(tree.leaves_root(name), "{shown}: outside"),
        // An empty name (`SHA1 () = <hex>`) names no file, as in GNU.
        Status::Missing => assert!(
            name.is_empty()
                || matches!(std::fs::metadata(&path), Err(e) if e.kind() == std::io::ErrorKind::NotFound),
            "{shown}: missing"
        ),
        Status::NotRegular(kind) => {
            let file_type = std::fs::metadata(&path).expect("stat").file_type();
            use std::os::unix::fs::FileTypeExt;
            let found = if file_type.is_dir() {
                FileKind::Directory
            } else if file_type.is_fifo() {
                FileKind::Fifo
            } else if file_type.is_char_device() {
                FileKind::CharDevice
            } else if file_type.is_socket() {
                FileKind::Socket
            } else {
                panic!("{shown}: not regular, but stat says {file_type:?}")
            };
            assert_eq!(*kind, found, "{shown}");
        }
        // Loops, a file used as a directory, a name too long: stat fails too.
        Status::Unreadable(error) => {
            assert!(
                std::fs::metadata(&path).is_err(),
                "{shown}: unreadable: {error}"
            )
        }
        other => panic!("{shown}: impossible in a tree nobody changes: {other:?}"),
    }
}
