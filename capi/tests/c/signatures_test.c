/* Signed manifests through the C ABI (issue 17): checksig_options_add_key_file,
 * checksig_report_signature, checksig_check_signature, for each format, with
 * the fixtures made by the real tools (testdata/signatures/generate.sh).
 * Run from the repository's root. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checksig.h"
#include "testing.h"

#define FIXTURES "testdata/signatures/"


static void copy(const char *from, const char *dir, const char *name) {
    char *to = format("%s/%s", dir, name);
    FILE *in = fopen(from, "rb");
    FILE *out = fopen(to, "wb");
    if (in == NULL || out == NULL) {
        perror(in == NULL ? from : to);
        abort();
    }
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, in)) > 0) {
        if (fwrite(buffer, 1, n, out) != n) {
            abort();
        }
    }
    fclose(in);
    if (fclose(out) != 0) {
        abort();
    }
    free(to);
}

/* A fresh directory BASE/N holding a.txt, b.txt, the manifest fixture as
 * NAME and the signature fixture (if any) as SIG_NAME. */
static char *download(const char *base, const char *manifest, const char *name,
                      const char *signature, const char *sig_name) {
    static int n;
    char *dir = format("%s/%d", base, n++);
    if (mkdir(dir, 0700) != 0) {
        perror(dir);
        abort();
    }
    copy(FIXTURES "files/a.txt", dir, "a.txt");
    copy(FIXTURES "files/b.txt", dir, "b.txt");
    char *from = format(FIXTURES "%s", manifest);
    copy(from, dir, name);
    free(from);
    if (signature != NULL) {
        from = format(FIXTURES "%s", signature);
        copy(from, dir, sig_name);
        free(from);
    }
    return dir;
}

/* Verifies DIR's manifest NAME trusting KEY; the report, or NULL with ERROR set. */
static checksig_report *verify_with(const char *dir, const char *name, const char *key,
                                    checksig_error *error) {
    checksig_options *options = checksig_options_new();
    checksig_options_set_manifest(options, name);
    if (key != NULL) {
        char *path = format(FIXTURES "%s", key);
        check(checksig_options_add_key_file(options, path, error), "add_key_file", path);
        free(path);
    }
    checksig_report *report = checksig_verify(dir, options, error);
    checksig_options_free(options);
    return report;
}

/* Accepted: every file OK, the signature checked and by KEY_WORDS. */
static void accepted(const char *dir, const char *name, const char *key, const char *format_name,
                     const char *key_words) {
    checksig_error *error = checksig_error_new();
    checksig_report *report = verify_with(dir, name, key, error);
    check(report != NULL, "accepted: a report", checksig_error_message(error));
    check(checksig_report_is_ok(report) && checksig_report_len(report) == 2, "accepted: all OK", name);
    const checksig_signature *signature = checksig_report_signature(report);
    check(signature != NULL && checksig_signature_is_checked(signature), "accepted: checked", name);
    check(strcmp(checksig_signature_format(signature), format_name) == 0, "accepted: format",
          checksig_signature_format(signature));
    check(strstr(checksig_signature_key(signature), key_words) != NULL, "accepted: key",
          checksig_signature_key(signature));
    checksig_report_free(report);

    /* The signature alone. */
    checksig_options *options = checksig_options_new();
    checksig_options_set_manifest(options, name);
    char *path = format(FIXTURES "%s", key);
    checksig_options_add_key_file(options, path, error);
    free(path);
    checksig_signature *alone = checksig_check_signature(dir, options, error);
    check(alone != NULL && checksig_signature_is_checked(alone)
              && strcmp(checksig_signature_format(alone), format_name) == 0,
          "check_signature: accepted", checksig_error_message(error));
    checksig_signature_free(alone);
    checksig_options_free(options);
    checksig_error_free(error);
}

/* Refused: no report, CHECKSIG_ERROR_SIGNATURE, a message naming the
 * manifest, the trusted keys and REASON. */
static void refused(const char *dir, const char *name, const char *key, const char *reason) {
    checksig_error *error = checksig_error_new();
    checksig_report *report = verify_with(dir, name, key, error);
    const char *message = checksig_error_message(error);
    check(report == NULL, "refused: no report", name);
    check(checksig_error_kind(error) == CHECKSIG_ERROR_SIGNATURE, "refused: kind", message);
    char *manifest = format("%s: signature not accepted: ", name);
    check(strstr(message, manifest) != NULL, "refused: names the manifest", message);
    check(strstr(message, reason) != NULL, "refused: reason", message);
    check(strstr(message, "(trusted: ") != NULL, "refused: names the keys", message);
    free(manifest);

    checksig_options *options = checksig_options_new();
    checksig_options_set_manifest(options, name);
    char *path = format(FIXTURES "%s", key);
    checksig_options_add_key_file(options, path, error);
    free(path);
    check(checksig_check_signature(dir, options, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_SIGNATURE,
          "check_signature: refused", name);
    checksig_options_free(options);
    checksig_error_free(error);
}

#define NOT_TRUSTED "which is not among the trusted keys"
#define NOT_MATCHING "does not match the manifest"

struct detached {
    const char *format;  /* as checksig_signature_format says it */
    const char *key, *wrong_key, *dir, *suffix, *key_words;
    const char *other; /* another file's signature */
};

static void test_detached(const char *base, const struct detached *f) {
    char *good = format("%s/SHA256SUMS%s", f->dir, f->suffix);
    char *other = format("%s", f->other);
    char *truncated = format("%s/SHA256SUMS.truncated%s", f->dir, f->suffix);
    char *beside = format("SHA256SUMS%s", f->suffix);
    char *dir = download(base, "SHA256SUMS", "SHA256SUMS", good, beside);
    accepted(dir, "SHA256SUMS", f->key, f->format, f->key_words);
    refused(dir, "SHA256SUMS", f->wrong_key, NOT_TRUSTED);
    free(dir);
    dir = download(base, "SHA256SUMS.tampered", "SHA256SUMS", good, beside);
    refused(dir, "SHA256SUMS", f->key, NOT_MATCHING);
    free(dir);
    dir = download(base, "SHA256SUMS", "SHA256SUMS", other, beside);
    refused(dir, "SHA256SUMS", f->key, NOT_MATCHING);
    free(dir);
    dir = download(base, "SHA256SUMS", "SHA256SUMS", truncated, beside);
    refused(dir, "SHA256SUMS", f->key, f->format);
    free(dir);
    free(good);
    free(other);
    free(truncated);
    free(beside);
}

static void test_embedded(const char *base) {
    /* Fedora's clear-signed CHECKSUM. */
    char *dir = download(base, "openpgp/CHECKSUM.clearsigned", "CHECKSUM", NULL, NULL);
    accepted(dir, "CHECKSUM", "openpgp/alice.asc", "OpenPGP", "Alice <alice@example.org>");
    refused(dir, "CHECKSUM", "openpgp/mallory.asc", NOT_TRUSTED);
    /* Without keys: read, and said to be unchecked. */
    checksig_error *error = checksig_error_new();
    checksig_report *report = verify_with(dir, "CHECKSUM", NULL, error);
    check(report != NULL && checksig_report_is_ok(report), "keyless clear-signed: OK",
          checksig_error_message(error));
    const checksig_signature *signature = checksig_report_signature(report);
    int64_t created = 0;
    check(signature != NULL && !checksig_signature_is_checked(signature)
              && strcmp(checksig_signature_format(signature), "OpenPGP") == 0
              && checksig_signature_key(signature) == NULL
              && !checksig_signature_created(signature, &created),
          "keyless clear-signed: unchecked", NULL);
    /* Lines 4 and 5 of the file, after the armor header. */
    check(checksig_report_entry_line(report, 0) == 4, "clear-signed: line numbers of the file", NULL);
    checksig_report_free(report);
    /* A bad file under a good signature still fails. */
    copy(FIXTURES "OTHER", dir, "a.txt");
    report = verify_with(dir, "CHECKSUM", "openpgp/alice.asc", error);
    check(report != NULL && !checksig_report_is_ok(report)
              && checksig_report_entry_status(report, 0) == CHECKSIG_STATUS_MISMATCH
              && checksig_signature_is_checked(checksig_report_signature(report)),
          "a bad file under a good signature", checksig_error_message(error));
    checksig_report_free(report);
    free(dir);
    dir = download(base, "openpgp/CHECKSUM.tampered", "CHECKSUM", NULL, NULL);
    refused(dir, "CHECKSUM", "openpgp/alice.asc", NOT_MATCHING);
    free(dir);
    dir = download(base, "openpgp/CHECKSUM.truncated", "CHECKSUM", NULL, NULL);
    refused(dir, "CHECKSUM", "openpgp/alice.asc", "truncated");
    free(dir);
    dir = download(base, "openpgp/CHECKSUM.clearsigned", "CHECKSUM", "openpgp/OTHER.asc", "CHECKSUM.asc");
    refused(dir, "CHECKSUM", "openpgp/alice.asc", NOT_MATCHING);
    free(dir);

    /* OpenBSD's SHA256.sig. */
    dir = download(base, "signify/SHA256.sig", "SHA256.sig", NULL, NULL);
    accepted(dir, "SHA256.sig", "signify/alice.pub", "signify", "alice public key");
    refused(dir, "SHA256.sig", "signify/mallory.pub", NOT_TRUSTED);
    free(dir);
    dir = download(base, "signify/SHA256.tampered.sig", "SHA256.sig", NULL, NULL);
    refused(dir, "SHA256.sig", "signify/alice.pub", NOT_MATCHING);
    free(dir);
    dir = download(base, "signify/SHA256.truncated.sig", "SHA256.sig", NULL, NULL);
    refused(dir, "SHA256.sig", "signify/alice.pub", "signify");
    free(dir);

    /* OpenPGP: a signing subkey, an expired key, a manifest with no signature. */
    dir = download(base, "SHA256SUMS", "SHA256SUMS", "openpgp/SHA256SUMS.subkey.asc", "SHA256SUMS.asc");
    accepted(dir, "SHA256SUMS", "openpgp/bob.asc", "OpenPGP", "subkey ");
    free(dir);
    dir = download(base, "SHA256SUMS", "SHA256SUMS", "openpgp/SHA256SUMS.expired.asc", "SHA256SUMS.asc");
    refused(dir, "SHA256SUMS", "openpgp/carol.asc", "expired");
    free(dir);
    dir = download(base, "SHA256SUMS", "SHA256SUMS", NULL, NULL);
    refused(dir, "SHA256SUMS", "openpgp/alice.asc", "no signature");
    free(dir);
    checksig_error_free(error);
}

static void test_key_files(void) {
    checksig_error *error = checksig_error_new();
    checksig_options *options = checksig_options_new();
    check(!checksig_options_add_key_file(options, FIXTURES "SHA256SUMS", error)
              && checksig_error_kind(error) == CHECKSIG_ERROR_KEY
              && strstr(checksig_error_message(error), "SHA256SUMS") != NULL,
          "add_key_file: not a key", checksig_error_message(error));
    check(!checksig_options_add_key_file(options, "/nonexistent/key", error)
              && checksig_error_kind(error) == CHECKSIG_ERROR_KEY,
          "add_key_file: no such file", checksig_error_message(error));
    check(!checksig_options_add_key_file(options, NULL, error)
              && checksig_error_kind(error) == CHECKSIG_ERROR_INVALID_ARGUMENT,
          "add_key_file: NULL path", NULL);
    check(!checksig_options_add_key_file(NULL, "x", NULL), "add_key_file: NULL options", NULL);
    check(checksig_options_clear_keys(options) && !checksig_options_clear_keys(NULL), "clear_keys", NULL);
    check(checksig_report_signature(NULL) == NULL && !checksig_signature_is_checked(NULL)
              && checksig_signature_format(NULL) == NULL && checksig_signature_key(NULL) == NULL
              && !checksig_signature_created(NULL, NULL),
          "signature accessors: NULL", NULL);
    checksig_signature_free(NULL);
    checksig_options_free(options);
    checksig_error_free(error);
}

int main(void) {
    char template[] = "/tmp/checksig-sig-XXXXXX";
    char *base = mkdtemp(template);
    check(base != NULL, "temporary directory", NULL);
    const struct detached formats[] = {
        {"OpenPGP", "openpgp/alice.asc", "openpgp/mallory.asc", "openpgp", ".gpg", "Alice",
         "openpgp/OTHER.asc"},
        {"OpenPGP", "openpgp/alice.gpg", "openpgp/mallory.asc", "openpgp", ".asc", "Alice",
         "openpgp/OTHER.asc"},
        {"minisign", "minisign/alice.pub", "minisign/mallory.pub", "minisign", ".minisig",
         "key ID ", "minisign/OTHER.minisig"},
        {"signify", "signify/alice.pub", "signify/mallory.pub", "signify", ".sig", "key ID ",
         "signify/OTHER.sig"},
        {"SSH", "ssh/allowed_signers", "ssh/mallory.pub", "ssh", ".sig", "SHA256:", "ssh/OTHER.sig"},
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        test_detached(base, &formats[i]);
    }
    test_embedded(base);
    test_key_files();
    char *cleanup = format("rm -rf '%s'", base);
    if (system(cleanup) != 0) {
        fprintf(stderr, "could not remove %s\n", base);
    }
    free(cleanup);
    printf("%d passed, 0 failed\n", passed);
    return 0;
}
