/*
 * Verifies downloads against their hash-only sidecars through the C ABI:
 * for each `dl/file.iso.sha256` (holding just the digest, as download pages
 * offer it; or .sha1, .sha512, .md5, .b3...), checks `dl/file.iso` and prints
 * one line as `sha256sum -c` would: `dl/file.iso: OK`, `dl/file.iso: FAILED`,
 * or the reason it could not be checked.
 *
 * Build and run (see scripts/test.d/30-capi.sh):
 *   cargo build -p checksig-capi
 *   gcc -Wall -Wextra -Werror -Iinclude examples/checksig_sidecar.c \
 *       -Ltarget/debug -lchecksig_capi -o checksig_sidecar
 *   LD_LIBRARY_PATH=target/debug ./checksig_sidecar dl/debian.iso.sha256
 *
 * Exit status: 0 when every file matches, 1 otherwise.
 */
#include <stdio.h>

#include "checksig.h"

/* Checks one sidecar; returns whether its file matches. */
static bool check_sidecar(const char *sidecar, checksig_error *error) {
    checksig_report *report = checksig_verify_sidecar(sidecar, NULL, error);
    if (report == NULL) {
        printf("%s: %s\n", sidecar, checksig_error_message(error));
        return false;
    }
    bool ok = checksig_report_is_ok(report);
    size_t len = 0;
    const uint8_t *path = checksig_report_entry_path(report, 0, &len);
    uint32_t status = checksig_report_entry_status(report, 0);
    if (status == CHECKSIG_STATUS_OK || status == CHECKSIG_STATUS_MISMATCH) {
        printf("%.*s: %s\n", (int)len, (const char *)path, ok ? "OK" : "FAILED");
    } else {
        printf("%s: %s\n", sidecar, checksig_report_entry_message(report, 0));
    }
    checksig_report_free(report);
    return ok;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.sha256...\n", argv[0]);
        return 2;
    }
    checksig_error *error = checksig_error_new();
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (!check_sidecar(argv[i], error)) {
            status = 1;
        }
    }
    checksig_error_free(error);
    return status;
}
