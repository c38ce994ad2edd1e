/*
 * Tests of the C ABI from C: the article's verify(), the structured API,
 * NULL arguments, progress and cancellation, many threads, and fork(); the
 * features of issue 6 (algorithms, unlisted files, manifest creation,
 * hash_files, hash-only sidecars, cancelling hashing and creation).
 * Generates its own data under a temporary directory. Run under valgrind by
 * scripts/test.d/30-capi.sh (leak check); `abi_test ROUNDS` repeats the
 * single-threaded part ROUNDS times so that leaks would add up.
 *
 * Prints one "ok - name" line per check and "N passed, 0 failed" at the end;
 * exits 1 on the first failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checksig.h"
#include "testing.h"


static void check_str(const char *got, const char *want, const char *name) {
    if (got == NULL || strcmp(got, want) != 0) {
        fprintf(stderr, "FAILED - %s\n  want: %s\n  got:  %s\n", name, want, got ? got : "(NULL)");
        printf("%d passed, 1 failed\n", passed);
        exit(1);
    }
    passed++;
}

static void write_file(const char *dir, const char *name, const char *content) {
    char *path = format("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(content, f) < 0 || fclose(f) != 0) {
        perror(path);
        abort();
    }
    free(path);
}

/* SHA-1 of "hello\n", as sha1sum prints it. */
#define HELLO_SHA1 "f572d396fae9206628714fb2ce00f72e94f2258f"
#define ZERO_SHA1 "0000000000000000000000000000000000000000"

/* A directory with a.log ("hello\n") and b.log listed, b.log's digest wrong. */
static char *make_fixture(const char *base, const char *name, int b_is_bad) {
    char *dir = format("%s/%s", base, name);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        perror(dir);
        abort();
    }
    write_file(dir, "a.log", "hello\n");
    write_file(dir, "b.log", "hello\n");
    char *manifest = format("%s  a.log\n%s  b.log\n", HELLO_SHA1, b_is_bad ? ZERO_SHA1 : HELLO_SHA1);
    write_file(dir, "sha1sum.txt", manifest);
    free(manifest);
    return dir;
}

static void test_article_verify(const char *good, const char *bad, const char *base) {
    char *message = verify(good);
    check(message == NULL, "verify: NULL when every file matches", message);

    message = verify(bad);
    char *want = format("\"%s/b.log\" - mismatch", bad);
    check_str(message, want, "verify: Go's mismatch message");
    free(want);
    free(message); /* the C library's free works: the message is malloc'ed */

    char *nowhere = format("%s/nowhere", base);
    message = verify(nowhere);
    want = format("open %s/sha1sum.txt: no such file or directory", nowhere);
    check_str(message, want, "verify: Go's message for a missing manifest");
    checksig_free(message);
    free(want);
    free(nowhere);

    message = verify(NULL);
    check_str(message, "verify: root is NULL", "verify: NULL root is an error message");
    checksig_free(message);
    checksig_free(NULL);
}

/* Verifies the bad fixture with `options`: one failure, b.log's mismatch. */
static void check_only_b_mismatches(const char *bad, const checksig_options *options,
                                    checksig_error *error, const char *name) {
    checksig_report *report = checksig_verify(bad, options, error);
    check(report != NULL && checksig_report_failure_count(report) == 1
              && checksig_report_entry_status(report, 1) == CHECKSIG_STATUS_MISMATCH,
          name, NULL);
    checksig_report_free(report);
}

static void test_report(const char *bad) {
    checksig_error *error = checksig_error_new();
    checksig_options *options = checksig_options_new();
    check(checksig_options_set_threads(options, 3), "options: set threads", NULL);
    checksig_report *report = checksig_verify(bad, options, error);
    check(report != NULL, "checksig_verify: a report", checksig_error_message(error));
    check(checksig_error_kind(error) == CHECKSIG_ERROR_NONE, "error: NONE after success", NULL);
    check(checksig_report_len(report) == 2, "report: two entries", NULL);
    check(!checksig_report_is_ok(report), "report: not OK", NULL);
    check(checksig_report_failure_count(report) == 1, "report: one failure", NULL);
    check(checksig_report_count(report, CHECKSIG_STATUS_OK) == 1, "report: one OK", NULL);
    check(checksig_report_entry_status(report, 0) == CHECKSIG_STATUS_OK, "entry 0: OK", NULL);
    check(checksig_report_entry_status(report, 1) == CHECKSIG_STATUS_MISMATCH, "entry 1: mismatch", NULL);
    check(checksig_report_entry_status(report, 2) == CHECKSIG_STATUS_INVALID, "entry 2: invalid", NULL);
    check(checksig_report_entry_line(report, 1) == 2, "entry 1: line 2", NULL);
    check(checksig_report_entry_is_failure(report, 1), "entry 1: a failure", NULL);
    check_str(checksig_report_entry_expected(report, 1), ZERO_SHA1, "entry 1: expected digest");
    check_str(checksig_report_entry_actual(report, 1), HELLO_SHA1, "entry 1: actual digest");
    size_t len = 0;
    const uint8_t *name = checksig_report_entry_name(report, 1, &len);
    check(len == 5 && memcmp(name, "b.log", 5) == 0, "entry 1: name bytes", NULL);
    const uint8_t *path = checksig_report_entry_path(report, 1, &len);
    char *want = format("%s/b.log", bad);
    check(len == strlen(want) && memcmp(path, want, len) == 0, "entry 1: path bytes", NULL);
    free(want);
    want = format("\"%s/b.log\" - mismatch", bad);
    check_str(checksig_report_entry_message(report, 1), want, "entry 1: message");
    check_str(checksig_report_message(report), want, "report: message as verify's");
    free(want);
    check_str(checksig_report_summary(report), "1 OK, 1 mismatch", "report: summary");
    checksig_report_free(report);

    check(checksig_options_set_mmap(options, false), "options: set mmap off", NULL);
    check_only_b_mismatches(bad, options, error, "mmap off: the same results");
    check(checksig_options_set_direct_io(options, false), "options: set direct reads off", NULL);
    check_only_b_mismatches(bad, options, error, "direct reads off: the same results");
    check(!checksig_options_set_direct_io(NULL, true), "set_direct_io(NULL) is refused", NULL);

    check(checksig_options_set_manifest(options, "missing.txt"), "options: set manifest", NULL);
    report = checksig_verify(bad, options, error);
    check(report == NULL, "checksig_verify: NULL for a missing manifest", NULL);
    check(checksig_error_kind(error) == CHECKSIG_ERROR_READ_MANIFEST, "error: READ_MANIFEST", NULL);
    check(checksig_error_os_error(error) == ENOENT, "error: ENOENT", NULL);

    report = checksig_verify(NULL, options, error);
    check(report == NULL && checksig_error_kind(error) == CHECKSIG_ERROR_INVALID_ARGUMENT,
          "checksig_verify: NULL root is INVALID_ARGUMENT", NULL);
    check_str(checksig_error_message(error), "checksig_verify: root is NULL", "error: message");
    checksig_options_free(options);
    checksig_error_free(error);
}

static void test_null_handles(void) {
    size_t len = 0;
    check(checksig_report_len(NULL) == 0, "NULL report: len 0", NULL);
    check(checksig_report_entry_name(NULL, 0, &len) == NULL, "NULL report: no name", NULL);
    check(checksig_report_entry_message(NULL, 0) == NULL, "NULL report: no message", NULL);
    check(!checksig_options_set_threads(NULL, 1), "NULL options: setter fails", NULL);
    check(checksig_error_kind(NULL) == CHECKSIG_ERROR_INVALID_ARGUMENT, "NULL error: kind", NULL);
    check(checksig_hash_file(NULL, NULL) == NULL, "hash_file: NULL path", NULL);
    checksig_report_free(NULL);
    checksig_options_free(NULL);
    checksig_error_free(NULL);
    checksig_cancel_free(NULL);
    checksig_cancel_trigger(NULL);
    /* The defaults apply without options; errors are optional. */
    checksig_report *report = checksig_verify("/nonexistent-checksig-dir", NULL, NULL);
    check(report == NULL, "checksig_verify: NULL options and error", NULL);
}

static void test_hash_file(const char *good) {
    checksig_error *error = checksig_error_new();
    char *path = format("%s/a.log", good);
    char *hex = checksig_hash_file(path, error);
    check_str(hex, HELLO_SHA1, "hash_file: digest");
    checksig_free(hex);
    free(path);

    path = format("%s/none.log", good);
    check(checksig_hash_file(path, error) == NULL, "hash_file: missing file", NULL);
    check(checksig_error_kind(error) == CHECKSIG_ERROR_IO && checksig_error_os_error(error) == ENOENT,
          "hash_file: IO error with ENOENT", NULL);
    free(path);

    check(checksig_hash_file(good, error) == NULL, "hash_file: a directory", NULL);
    check(checksig_error_kind(error) == CHECKSIG_ERROR_NOT_REGULAR, "hash_file: NOT_REGULAR", NULL);
    checksig_error_free(error);
}

static void test_non_utf8_root(const char *base) {
    char *dir = make_fixture(base, "caf\xff\xfe", 1);
    char *message = verify(dir);
    char *want = format("\"%s/caf\\xff\\xfe/b.log\" - mismatch", base);
    check_str(message, want, "verify: non-UTF-8 root, quoted as Go does");
    checksig_free(message);
    free(want);
    free(dir);
}

struct progress_state {
    int calls;
    int cancel_at;
    checksig_progress last;
};

static bool on_progress(const checksig_progress *progress, void *user_data) {
    struct progress_state *state = user_data;
    state->calls++;
    state->last = *progress;
    return state->calls != state->cancel_at;
}

static void test_progress_and_cancel(const char *good) {
    checksig_error *error = checksig_error_new();
    checksig_options *options = checksig_options_new();
    struct progress_state state = {0, -1, {0, 0, 0, 0}};
    checksig_options_set_progress(options, on_progress, &state);
    checksig_report *report = checksig_verify(good, options, error);
    check(report != NULL && checksig_report_is_ok(report), "progress: verification OK", NULL);
    check(state.calls >= 1, "progress: called at least once", NULL);
    check(state.last.files_done == 2 && state.last.files_total == 2, "progress: files counted", NULL);
    check(state.last.bytes_done == 12 && state.last.bytes_total == 12, "progress: bytes counted", NULL);
    checksig_report_free(report);

    state.calls = 0;
    state.cancel_at = 1;
    report = checksig_verify(good, options, error);
    check(report == NULL && checksig_error_kind(error) == CHECKSIG_ERROR_CANCELLED,
          "progress: returning false cancels", checksig_error_message(error));

    checksig_options_set_progress(options, NULL, NULL);
    checksig_cancel *cancel = checksig_cancel_new();
    checksig_options_set_cancel(options, cancel);
    checksig_cancel_trigger(cancel);
    check(checksig_cancel_is_triggered(cancel), "cancel: triggered", NULL);
    checksig_cancel_free(cancel); /* the options keep their own reference */
    report = checksig_verify(good, options, error);
    check(report == NULL && checksig_error_kind(error) == CHECKSIG_ERROR_CANCELLED,
          "cancel: a triggered handle cancels", NULL);
    checksig_options_free(options);
    checksig_error_free(error);
}

/* A cancel from another thread while the verification waits in its callback. */
struct remote_cancel {
    checksig_cancel *cancel;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int triggered;
};

static void *trigger_cancel(void *arg) {
    struct remote_cancel *remote = arg;
    checksig_cancel_trigger(remote->cancel);
    pthread_mutex_lock(&remote->lock);
    remote->triggered = 1;
    pthread_cond_signal(&remote->cond);
    pthread_mutex_unlock(&remote->lock);
    return NULL;
}

static bool wait_for_remote_cancel(const checksig_progress *progress, void *user_data) {
    (void)progress;
    struct remote_cancel *remote = user_data;
    pthread_mutex_lock(&remote->lock);
    while (!remote->triggered) {
        pthread_cond_wait(&remote->cond, &remote->lock);
    }
    pthread_mutex_unlock(&remote->lock);
    return true;
}

static void test_cancel_from_another_thread(const char *good) {
    struct remote_cancel remote = {checksig_cancel_new(), PTHREAD_MUTEX_INITIALIZER,
                                   PTHREAD_COND_INITIALIZER, 0};
    checksig_options *options = checksig_options_new();
    checksig_error *error = checksig_error_new();
    checksig_options_set_cancel(options, remote.cancel);
    checksig_options_set_progress(options, wait_for_remote_cancel, &remote);
    pthread_t thread;
    pthread_create(&thread, NULL, trigger_cancel, &remote);
    checksig_report *report = checksig_verify(good, options, error);
    pthread_join(thread, NULL);
    check(report == NULL && checksig_error_kind(error) == CHECKSIG_ERROR_CANCELLED,
          "cancel: from another thread", NULL);
    checksig_options_free(options);
    checksig_cancel_free(remote.cancel);
    checksig_error_free(error);
}

struct worker {
    const char *bad;
    const char *want;
    int failures;
};

static void *verify_repeatedly(void *arg) {
    struct worker *worker = arg;
    for (int i = 0; i < 10; i++) {
        char *message = verify(worker->bad);
        if (message == NULL || strcmp(message, worker->want) != 0) {
            worker->failures++;
        }
        checksig_free(message);
    }
    return NULL;
}

static void test_threads(const char *bad) {
    enum { THREADS = 8 };
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    char *want = format("\"%s/b.log\" - mismatch", bad);
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){bad, want, 0};
        pthread_create(&threads[i], NULL, verify_repeatedly, &workers[i]);
    }
    int failures = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        failures += workers[i].failures;
    }
    free(want);
    check(failures == 0, "threads: 8 threads verify at once", NULL);
}

static void test_fork(const char *bad) {
    char *want = format("\"%s/b.log\" - mismatch", bad);
    char *message = verify(bad); /* used before the fork, as Python would */
    checksig_free(message);
    pid_t pid = fork();
    if (pid == 0) {
        message = verify(bad);
        int same = message != NULL && strcmp(message, want) == 0;
        checksig_free(message);
        free(want);
        /* Report by exec'ing true or false rather than exiting: a worker thread
         * of the parent's last verify() may still have been in its exit path
         * at fork() time; the child has no such thread, so valgrind's leak
         * check at the child's exit would count that thread's bookkeeping as
         * lost. The parent's leak check covers the same calls. */
        execl(same ? "/bin/true" : "/bin/false", same ? "true" : "false", (char *)NULL);
        _exit(4);
    }
    int status = 0;
    check(pid > 0 && waitpid(pid, &status, 0) == pid, "fork: child started", NULL);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork: the child verifies", NULL);
    free(want);
}

/* Issue 6: algorithms by code, detection, unlisted files. */
static void test_algorithms_and_unlisted(const char *base) {
    char *dir = format("%s/algorithms", base);
    check(mkdir(dir, 0700) == 0 || errno == EEXIST, "algorithms: mkdir", NULL);
    write_file(dir, "abc", "abc");
    write_file(dir, "added.py", "import os\n");
    write_file(dir, "SHA256SUMS",
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc\n");
    char *abc = format("%s/abc", dir);
    checksig_error *error = checksig_error_new();
    char *hex = checksig_hash_file_algorithm(abc, CHECKSIG_ALGORITHM_MD5, error);
    check_str(hex, "900150983cd24fb0d6963f7d28e17f72", "hash_file_algorithm: MD5");
    checksig_free(hex);
    hex = checksig_hash_file_algorithm(abc, CHECKSIG_ALGORITHM_BLAKE3, error);
    check_str(hex, "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
              "hash_file_algorithm: BLAKE3");
    checksig_free(hex);
    check(checksig_hash_file_algorithm(abc, 42, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_INVALID_ARGUMENT,
          "hash_file_algorithm: unknown code", NULL);

    /* BLAKE2b of any length (b2sum -l N): a code that carries the length,
     * taken wherever a code is; b2sum -l 256 and -l 8 of "abc". */
    uint32_t b2_256 = checksig_algorithm_with_length(CHECKSIG_ALGORITHM_BLAKE2B, 256, error);
    check(b2_256 != CHECKSIG_ALGORITHM_DETECT && checksig_error_kind(error) == CHECKSIG_ERROR_NONE,
          "algorithm_with_length: BLAKE2b-256", checksig_error_message(error));
    hex = checksig_hash_file_algorithm(abc, b2_256, error);
    check_str(hex, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
              "hash_file_algorithm: BLAKE2b-256");
    checksig_free(hex);
    hex = checksig_hash_file_algorithm(
        abc, checksig_algorithm_with_length(CHECKSIG_ALGORITHM_BLAKE2B, 8, error), error);
    check_str(hex, "6b", "hash_file_algorithm: BLAKE2b-8");
    checksig_free(hex);
    check(checksig_algorithm_with_length(CHECKSIG_ALGORITHM_BLAKE2B, 512, error)
              == CHECKSIG_ALGORITHM_BLAKE2B,
          "algorithm_with_length: BLAKE2b-512 is BLAKE2b", NULL);
    const char *abc_path[] = {abc};
    checksig_hashes *b2_hashes = checksig_hash_files(abc_path, 1, b2_256, 1, error);
    char *b2_line = format(
        "BLAKE2b-256 (%s) = bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319\n", abc);
    const char *b2_got = checksig_hashes_line(b2_hashes, 0, true);
    check(b2_got != NULL && strcmp(b2_got, b2_line) == 0, "hash_files: BLAKE2b-256's tagged line",
          b2_got);
    free(b2_line);
    checksig_hashes_free(b2_hashes);
    const uint32_t bad_lengths[] = {0, 4, 252, 520};
    for (size_t i = 0; i < sizeof bad_lengths / sizeof bad_lengths[0]; i++) {
        check(checksig_algorithm_with_length(CHECKSIG_ALGORITHM_BLAKE2B, bad_lengths[i], error)
                      == CHECKSIG_ALGORITHM_DETECT
                  && checksig_error_kind(error) == CHECKSIG_ERROR_INVALID_ARGUMENT
                  && strstr(checksig_error_message(error), "a multiple of 8 from 8 to 512") != NULL,
              "algorithm_with_length: a length BLAKE2b lacks", checksig_error_message(error));
    }
    check(checksig_algorithm_with_length(CHECKSIG_ALGORITHM_SHA256, 128, NULL)
              == CHECKSIG_ALGORITHM_DETECT,
          "algorithm_with_length: SHA-256 has only 256 bits", NULL);
    check(checksig_algorithm_with_length(42, 256, NULL) == CHECKSIG_ALGORITHM_DETECT,
          "algorithm_with_length: unknown code", NULL);

    checksig_options *options = checksig_options_new();
    check(checksig_options_set_manifest(options, "SHA256SUMS"), "algorithms: manifest", NULL);
    checksig_report *report = checksig_verify(dir, options, error);
    check(report != NULL && checksig_report_is_ok(report), "SHA256SUMS detected by name", NULL);
    checksig_report_free(report);
    check(checksig_options_set_report_unlisted(options, true), "options: set unlisted", NULL);
    report = checksig_verify(dir, options, error);
    check(report != NULL && checksig_report_len(report) == 2
              && checksig_report_entry_status(report, 1) == CHECKSIG_STATUS_UNLISTED
              && checksig_report_entry_line(report, 1) == 0 && !checksig_report_is_ok(report),
          "unlisted: added.py reported after the manifest's entries", NULL);
    check_str(checksig_status_name(CHECKSIG_STATUS_UNLISTED), "unlisted", "status name: unlisted");
    checksig_report_free(report);
    check(checksig_options_set_algorithm(options, CHECKSIG_ALGORITHM_SHA512),
          "options: set algorithm", NULL);
    check(!checksig_options_set_algorithm(options, 42), "options: unknown algorithm refused", NULL);
    report = checksig_verify(dir, options, error);
    check(report != NULL && checksig_report_entry_status(report, 0) == CHECKSIG_STATUS_MALFORMED,
          "forced SHA-512: a SHA-256 line is malformed", NULL);
    checksig_report_free(report);
    checksig_options_free(options);

    /* Detection without a telling name: by BSD tag, then by digest length
     * (in a directory of their own, which the unlisted check above never sees). */
    char *detect = format("%s/detect", base);
    check(mkdir(detect, 0700) == 0 || errno == EEXIST, "detect: mkdir", NULL);
    write_file(detect, "abc", "abc");
    write_file(detect, "tagged", "MD5 (abc) = 900150983cd24fb0d6963f7d28e17f72\n");
    write_file(detect, "by-length",
               "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
               "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f  abc\n"
               "a9993e364706816aba3e25717850c26c9cd0d89d  abc\n");
    options = checksig_options_new();
    checksig_options_set_manifest(options, "tagged");
    report = checksig_verify(detect, options, error);
    check(report != NULL && checksig_report_is_ok(report), "MD5 detected by its BSD tag", NULL);
    checksig_report_free(report);
    checksig_options_set_manifest(options, "by-length");
    report = checksig_verify(detect, options, error);
    check(report != NULL && checksig_report_len(report) == 2
              && checksig_report_entry_status(report, 0) == CHECKSIG_STATUS_OK
              && checksig_report_entry_status(report, 1) == CHECKSIG_STATUS_MALFORMED,
          "SHA-512 detected by length; a SHA-1 line is then malformed, as sha512sum -c says", NULL);
    checksig_report_free(report);
    checksig_options_free(options);
    free(detect);

    char *manifest = checksig_create_manifest(dir, CHECKSIG_ALGORITHM_SHA256, 2, NULL, error);
    check(manifest != NULL && strstr(manifest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc\n") != NULL
              && strstr(manifest, "  SHA256SUMS\n") < strstr(manifest, "  abc\n")
              && strstr(manifest, "  abc\n") < strstr(manifest, "  added.py\n"),
          "create_manifest: sorted GNU lines", manifest);
    checksig_free(manifest);
    char *skip = format("%s/SHA256SUMS", dir);
    manifest = checksig_create_manifest(dir, CHECKSIG_ALGORITHM_SHA256, 0, skip, error);
    check(manifest != NULL && strstr(manifest, "SHA256SUMS") == NULL && strstr(manifest, "  abc\n") != NULL,
          "create_manifest: skip leaves the manifest out", manifest);
    checksig_free(manifest);
    free(skip);
    check(checksig_create_manifest(NULL, 1, 0, NULL, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_INVALID_ARGUMENT,
          "create_manifest: NULL dir", NULL);
    check(checksig_create_manifest("/nonexistent-checksig-dir", 1, 0, NULL, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_IO && checksig_error_os_error(error) == ENOENT,
          "create_manifest: missing directory", NULL);
    checksig_error_free(error);
    free(abc);
    free(dir);
}

#define ABC_SHA256 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

/* Issue 6: `checksig hash FILE...` from C, in parallel, lines as sha256sum prints them. */
static void test_hash_files(const char *base) {
    char *dir = format("%s/hashes", base);
    check(mkdir(dir, 0700) == 0 || errno == EEXIST, "hash_files: mkdir", NULL);
    write_file(dir, "abc", "abc");
    write_file(dir, "new\nline", "");
    char *abc = format("%s/abc", dir);
    char *missing = format("%s/missing", dir);
    char *newline = format("%s/new\nline", dir);
    const char *paths[] = {abc, missing, dir, newline};
    checksig_error *error = checksig_error_new();
    checksig_hashes *hashes = checksig_hash_files(paths, 4, CHECKSIG_ALGORITHM_SHA256, 2, error);
    check(hashes != NULL && checksig_hashes_len(hashes) == 4, "hash_files: four results",
          checksig_error_message(error));
    check_str(checksig_hashes_digest(hashes, 0, error), ABC_SHA256, "hash_files: digest");
    check(checksig_error_kind(error) == CHECKSIG_ERROR_NONE, "hash_files: NONE after a digest", NULL);
    char *want = format(ABC_SHA256 "  %s\n", abc);
    check_str(checksig_hashes_line(hashes, 0, false), want, "hash_files: sha256sum's line");
    free(want);
    want = format("SHA256 (%s) = " ABC_SHA256 "\n", abc);
    check_str(checksig_hashes_line(hashes, 0, true), want, "hash_files: sha256sum --tag's line");
    free(want);
    check(checksig_hashes_digest(hashes, 1, error) == NULL && checksig_error_kind(error) == CHECKSIG_ERROR_IO
              && checksig_error_os_error(error) == ENOENT && checksig_hashes_line(hashes, 1, false) == NULL,
          "hash_files: a missing file fails alone", NULL);
    want = format("open %s: no such file or directory", missing);
    check_str(checksig_error_message(error), want, "hash_files: the missing file's message");
    free(want);
    check(checksig_hashes_digest(hashes, 2, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_NOT_REGULAR,
          "hash_files: a directory is not regular", NULL);
    want = format("\\e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  %s/new\\nline\n", dir);
    check_str(checksig_hashes_line(hashes, 3, false), want, "hash_files: a newline in a name is escaped as GNU does");
    free(want);
    check(checksig_hashes_digest(hashes, 4, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_INVALID_ARGUMENT
              && checksig_hashes_line(hashes, 4, false) == NULL,
          "hash_files: index out of range", NULL);
    checksig_hashes_free(hashes);

    const char *with_null[] = {abc, NULL};
    check(checksig_hash_files(with_null, 2, CHECKSIG_ALGORITHM_SHA1, 0, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_INVALID_ARGUMENT,
          "hash_files: a NULL path", NULL);
    check_str(checksig_error_message(error), "checksig_hash_files: paths[1] is NULL", "hash_files: NULL's message");
    check(checksig_hash_files(NULL, 1, CHECKSIG_ALGORITHM_SHA1, 0, error) == NULL, "hash_files: NULL paths", NULL);
    check(checksig_hash_files(paths, 1, 99, 0, NULL) == NULL, "hash_files: unknown algorithm", NULL);
    hashes = checksig_hash_files(NULL, 0, CHECKSIG_ALGORITHM_MD5, 0, NULL);
    check(hashes != NULL && checksig_hashes_len(hashes) == 0, "hash_files: no file", NULL);
    checksig_hashes_free(hashes);
    check(checksig_hashes_len(NULL) == 0 && checksig_hashes_digest(NULL, 0, NULL) == NULL
              && checksig_hashes_line(NULL, 0, false) == NULL,
          "hash_files: NULL handle", NULL);
    checksig_hashes_free(NULL);

    /* The cancellable variants: as the plain ones until the handle is triggered. */
    checksig_cancel *cancel = checksig_cancel_new();
    hashes = checksig_hash_files_cancellable(paths, 1, CHECKSIG_ALGORITHM_SHA256, 2, cancel, error);
    check_str(checksig_hashes_digest(hashes, 0, error), ABC_SHA256, "hash_files_cancellable: digest");
    checksig_hashes_free(hashes);
    hashes = checksig_hash_files_cancellable(paths, 1, CHECKSIG_ALGORITHM_SHA256, 2, NULL, error);
    check_str(checksig_hashes_digest(hashes, 0, error), ABC_SHA256, "hash_files_cancellable: NULL cancel");
    checksig_hashes_free(hashes);
    checksig_cancel_trigger(cancel);
    check(checksig_hash_files_cancellable(paths, 1, CHECKSIG_ALGORITHM_SHA256, 2, cancel, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_CANCELLED,
          "hash_files_cancellable: a triggered handle", checksig_error_message(error));
    check_str(checksig_error_message(error), "hashing cancelled", "hash_files_cancellable: message");
    check(checksig_create_manifest_cancellable(dir, CHECKSIG_ALGORITHM_SHA1, 0, NULL, cancel, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_CANCELLED,
          "create_manifest_cancellable: a triggered handle", checksig_error_message(error));
    check_str(checksig_error_message(error), "manifest creation cancelled",
              "create_manifest_cancellable: message");
    checksig_cancel_free(cancel);
    checksig_error_free(error);
    free(abc);
    free(missing);
    free(newline);
    free(dir);
}

/* A cancel from another thread stops hashing inside a file far too large to
 * hash in the time allowed (sparse: no disk space). */
#define LARGE_SPARSE_BYTES (16LL << 30)
#define PROMPT_SECONDS 5.0

static void *cancel_soon(void *cancel) {
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
    checksig_cancel_trigger(cancel);
    return NULL;
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void test_cancel_large_file(const char *base) {
    char *dir = format("%s/large", base);
    char *large = format("%s/sparse", dir);
    check(mkdir(dir, 0700) == 0, "cancel large: mkdir", strerror(errno));
    int fd = open(large, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    check(fd >= 0 && ftruncate(fd, LARGE_SPARSE_BYTES) == 0 && close(fd) == 0,
          "cancel large: a sparse file", strerror(errno));
    checksig_error *error = checksig_error_new();
    const char *paths[] = {large};
    /* A cancel that failed to stop the hashing must not hang the suite. */
    alarm(300);
    for (int create = 0; create <= 1; create++) {
        const char *name = create ? "cancel large: create_manifest_cancellable"
                                  : "cancel large: hash_files_cancellable";
        checksig_cancel *cancel = checksig_cancel_new();
        struct timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        pthread_t thread;
        check(pthread_create(&thread, NULL, cancel_soon, cancel) == 0, name, "pthread_create");
        void *result;
        if (create) {
            result = checksig_create_manifest_cancellable(dir, CHECKSIG_ALGORITHM_SHA256, 2, NULL, cancel,
                                                          error);
        } else {
            result = checksig_hash_files_cancellable(paths, 1, CHECKSIG_ALGORITHM_SHA256, 2, cancel, error);
        }
        double took = seconds_since(&start);
        pthread_join(thread, NULL);
        check(result == NULL && checksig_error_kind(error) == CHECKSIG_ERROR_CANCELLED, name,
              checksig_error_message(error));
        char *detail = format("%.2f s after the call began", took);
        check(took < PROMPT_SECONDS, name, detail);
        printf("%s: cancelled %s\n", name, detail);
        free(detail);
        checksig_cancel_free(cancel);
    }
    alarm(0);
    checksig_error_free(error);
    unlink(large);
    free(large);
    free(dir);
}

/* Issue 6: hash-only sidecars (dl/file.iso.sha256 holding one bare digest). */

/* The status of the one entry of `name` verified as `dir`'s manifest, or
 * CHECKSIG_STATUS_INVALID (and the error kind in *kind) if it could not run;
 * the entry's message is copied into `message` (malloc'ed; free it). */
static uint32_t sidecar_status(const char *dir, const char *name, uint32_t *kind, char **message) {
    checksig_error *error = checksig_error_new();
    checksig_options *options = checksig_options_new();
    checksig_options_set_manifest(options, name);
    checksig_report *report = checksig_verify(dir, options, error);
    uint32_t status = CHECKSIG_STATUS_INVALID;
    *kind = checksig_error_kind(error);
    if (report != NULL && checksig_report_len(report) == 1 && checksig_report_entry_line(report, 0) == 1) {
        status = checksig_report_entry_status(report, 0);
        *message = strdup(checksig_report_entry_message(report, 0));
    } else {
        *message = strdup(report == NULL ? checksig_error_message(error) : "(not one entry on line 1)");
    }
    checksig_report_free(report);
    checksig_options_free(options);
    checksig_error_free(error);
    return status;
}

/* Checks that sidecar `name` in `dl` verifies to `status` and, unless `want`
 * is NULL, that its entry's message is `want`. */
static void expect_sidecar(const char *dl, const char *name, uint32_t status, const char *want,
                           const char *what) {
    uint32_t kind = 0;
    char *message = NULL;
    check(sidecar_status(dl, name, &kind, &message) == status, what, message);
    if (want != NULL)
        check_str(message, want, what);
    free(message);
}

static void test_sidecars(const char *base) {
    char *dl = format("%s/dl", base);
    check(mkdir(dl, 0700) == 0 || errno == EEXIST, "sidecars: mkdir", NULL);
    write_file(dl, "file.iso", "abc");
    write_file(dl, "file.iso.sha256", ABC_SHA256 "\n");
    write_file(dl, "file.iso.MD5SUM", "900150983CD24FB0D6963F7D28E17F72\r\n");
    write_file(dl, "bad.iso", "not abc");
    write_file(dl, "bad.iso.sha256", ABC_SHA256 "\n");
    write_file(dl, "gone.iso.sha256", ABC_SHA256 "\n");
    write_file(dl, "short.iso.sha256", "a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
    char *fifo = format("%s/fifo.iso.sha256", dl);
    check(mkfifo(fifo, 0600) == 0 || errno == EEXIST, "sidecars: mkfifo", NULL);

    char *want = format("\"%s/file.iso\" - ok", dl);
    expect_sidecar(dl, "file.iso.sha256", CHECKSIG_STATUS_OK, want,
                   "sidecar: file.iso.sha256 checks file.iso, and the entry names it");
    free(want);
    expect_sidecar(dl, "file.iso.MD5SUM", CHECKSIG_STATUS_OK, NULL,
                   "sidecar: .MD5SUM, uppercase digest, CRLF");

    want = format("\"%s/bad.iso\" - mismatch", dl);
    expect_sidecar(dl, "bad.iso.sha256", CHECKSIG_STATUS_MISMATCH, want,
                   "sidecar: wrong digest is a mismatch naming bad.iso");
    free(want);

    want = format("open %s/gone.iso: no such file or directory", dl);
    expect_sidecar(dl, "gone.iso.sha256", CHECKSIG_STATUS_MISSING, want,
                   "sidecar: missing target, named");
    free(want);

    expect_sidecar(dl, "short.iso.sha256", CHECKSIG_STATUS_MALFORMED,
                   "1: bad line: \"a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\""
                   " (the sidecar should hold one SHA-256 digest of 64 hex digits)",
                   "sidecar: a digest one digit short is malformed, saying what was expected");

    uint32_t kind = 0;
    char *message = NULL;
    want = format("open %s: not a regular file (FIFO)", fifo);
    check(sidecar_status(dl, "fifo.iso.sha256", &kind, &message) == CHECKSIG_STATUS_INVALID
              && kind == CHECKSIG_ERROR_READ_MANIFEST,
          "sidecar: a FIFO is refused without blocking", message);
    check_str(message, want, "sidecar: the FIFO's error");
    free(message);
    free(want);

    /* checksig_verify_sidecar: the sidecar's own path. */
    checksig_error *error = checksig_error_new();
    char *path = format("%s/file.iso.sha256", dl);
    checksig_report *report = checksig_verify_sidecar(path, NULL, error);
    check(report != NULL && checksig_report_is_ok(report) && checksig_report_len(report) == 1,
          "verify_sidecar: OK", checksig_error_message(error));
    size_t len = 0;
    const uint8_t *target = checksig_report_entry_path(report, 0, &len);
    want = format("%s/file.iso", dl);
    check(len == strlen(want) && memcmp(target, want, len) == 0, "verify_sidecar: the target's path", NULL);
    free(want);
    checksig_report_free(report);
    free(path);

    path = format("%s/bad.iso.sha256", dl);
    checksig_options *options = checksig_options_new();
    checksig_options_set_threads(options, 1);
    report = checksig_verify_sidecar(path, options, error);
    check(report != NULL && !checksig_report_is_ok(report)
              && checksig_report_entry_status(report, 0) == CHECKSIG_STATUS_MISMATCH,
          "verify_sidecar: mismatch, with options", NULL);
    checksig_report_free(report);
    checksig_options_free(options);
    free(path);

    path = format("%s/short.iso.sha256", dl);
    report = checksig_verify_sidecar(path, NULL, error);
    check(report != NULL && checksig_report_failure_count(report) == 1
              && checksig_report_entry_status(report, 0) == CHECKSIG_STATUS_MALFORMED,
          "verify_sidecar: malformed is a failure", NULL);
    checksig_report_free(report);
    free(path);

    check(checksig_verify_sidecar(fifo, NULL, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_READ_MANIFEST,
          "verify_sidecar: a FIFO is an error", NULL);
    path = format("%s/file.iso", dl);
    check(checksig_verify_sidecar(path, NULL, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_INVALID_ARGUMENT
              && strstr(checksig_error_message(error), "is not named as a sidecar") != NULL,
          "verify_sidecar: a name without an algorithm's extension", checksig_error_message(error));
    free(path);
    check(checksig_verify_sidecar(NULL, NULL, error) == NULL
              && checksig_error_kind(error) == CHECKSIG_ERROR_INVALID_ARGUMENT,
          "verify_sidecar: NULL sidecar", NULL);
    check_str(checksig_error_message(error), "checksig_verify_sidecar: sidecar is NULL",
              "verify_sidecar: NULL's message");
    check(checksig_verify_sidecar(NULL, NULL, NULL) == NULL, "verify_sidecar: NULL everything", NULL);
    check(!checksig_options_set_manifest(NULL, "file.iso.sha256"), "set_manifest: NULL options", NULL);
    checksig_error_free(error);
    free(fifo);
    free(dl);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 1;
    char template[] = "/tmp/checksig-abi-XXXXXX";
    char *base = mkdtemp(template);
    check(base != NULL, "temporary directory", NULL);
    char *good = make_fixture(base, "good", 0);
    char *bad = make_fixture(base, "bad", 1);
    const char *version = checksig_version();
    check(version != NULL && version[0] >= '0' && version[0] <= '9', "version", version);

    for (int round = 0; round < rounds; round++) {
        test_article_verify(good, bad, base);
        test_report(bad);
        test_null_handles();
        test_hash_file(good);
        test_non_utf8_root(base);
        test_progress_and_cancel(good);
        test_cancel_from_another_thread(good);
        test_algorithms_and_unlisted(base);
        test_sidecars(base);
        test_hash_files(base);
    }
    test_threads(bad);
    test_fork(bad);
    test_cancel_large_file(base);

    char *cleanup = format("rm -rf '%s'", base);
    if (system(cleanup) != 0) {
        fprintf(stderr, "could not remove %s\n", base);
    }
    free(cleanup);
    free(good);
    free(bad);
    printf("%d passed, 0 failed\n", passed);
    return 0;
}
