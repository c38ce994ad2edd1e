/*
 * `checksig hash` through the C ABI: prints what `sha256sum FILE...` (or
 * sha1sum, sha512sum, md5sum, b3sum with -a) prints, byte for byte, the files
 * hashed in parallel by checksig_hash_files. A file that cannot be hashed is
 * reported on standard error and makes the exit status 1, as with GNU's tools.
 *
 * Build and run (see scripts/test.d/30-capi.sh):
 *   cargo build -p checksig-capi
 *   gcc -Wall -Wextra -Werror -Iinclude examples/checksig_hash.c \
 *       -Ltarget/debug -lchecksig_capi -o checksig_hash
 *   LD_LIBRARY_PATH=target/debug ./checksig_hash -a sha256 /tmp/logs/httpd-00.log /tmp/logs/httpd-01.log
 *
 * Usage: checksig_hash [-a sha1|sha256|sha512|md5|blake3] [--tag] FILE...
 */
#include <stdio.h>
#include <string.h>

#include "checksig.h"

static uint32_t algorithm_code(const char *name) {
    static const struct {
        const char *name;
        uint32_t code;
    } known[] = {
        {"sha1", CHECKSIG_ALGORITHM_SHA1},     {"sha256", CHECKSIG_ALGORITHM_SHA256},
        {"sha512", CHECKSIG_ALGORITHM_SHA512}, {"md5", CHECKSIG_ALGORITHM_MD5},
        {"blake3", CHECKSIG_ALGORITHM_BLAKE3},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(name, known[i].name) == 0) {
            return known[i].code;
        }
    }
    return CHECKSIG_ALGORITHM_DETECT; /* refused by checksig_hash_files */
}

int main(int argc, char **argv) {
    uint32_t algorithm = CHECKSIG_ALGORITHM_SHA256;
    bool tagged = false;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "-a") == 0 && first + 1 < argc) {
            algorithm = algorithm_code(argv[++first]);
        } else if (strcmp(argv[first], "--tag") == 0) {
            tagged = true;
        } else {
            break;
        }
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [-a sha1|sha256|sha512|md5|blake3] [--tag] FILE...\n", argv[0]);
        return 2;
    }
    checksig_error *error = checksig_error_new();
    checksig_hashes *hashes =
        checksig_hash_files((const char *const *)&argv[first], (size_t)(argc - first), algorithm, 0, error);
    if (hashes == NULL) {
        fprintf(stderr, "checksig_hash: %s\n", checksig_error_message(error));
        checksig_error_free(error);
        return 2;
    }
    int status = 0;
    for (size_t i = 0; i < checksig_hashes_len(hashes); i++) {
        const char *line = checksig_hashes_line(hashes, i, tagged);
        if (line != NULL) {
            fputs(line, stdout);
        } else {
            checksig_hashes_digest(hashes, i, error); /* says why */
            fprintf(stderr, "checksig_hash: %s\n", checksig_error_message(error));
            status = 1;
        }
    }
    checksig_hashes_free(hashes);
    checksig_error_free(error);
    return status;
}
