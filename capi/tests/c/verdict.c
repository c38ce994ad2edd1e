/* The conformance runner's C front end (scripts/conformance.py):
 * `verdict [--unlisted] PATH` verifies PATH (a directory, or a manifest or
 * sidecar file against its directory) through the structured C API and
 * prints one `STATUS<TAB>NAME` line per entry, then `verdict ok`,
 * `verdict failed` or `verdict error`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checksig.h"

int main(int argc, char **argv) {
    int unlisted = argc > 1 && strcmp(argv[1], "--unlisted") == 0;
    if (argc != 2 + unlisted) {
        fprintf(stderr, "usage: verdict [--unlisted] PATH\n");
        return 2;
    }
    char *path = argv[1 + unlisted];
    checksig_options *options = checksig_options_new();
    checksig_error *error = checksig_error_new();
    checksig_options_set_report_unlisted(options, unlisted);
    const char *root = path;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        char *slash = strrchr(path, '/');
        if (slash == NULL) {
            root = ".";
            checksig_options_set_manifest(options, path);
        } else {
            *slash = '\0';
            root = path;
            checksig_options_set_manifest(options, slash + 1);
        }
    }
    checksig_report *report = checksig_verify(root, options, error);
    if (report == NULL) {
        fprintf(stderr, "%s\n", checksig_error_message(error));
        printf("verdict error\n");
    } else {
        for (size_t i = 0; i < checksig_report_len(report); i++) {
            size_t len = 0;
            const uint8_t *name = checksig_report_entry_name(report, i, &len);
            printf("%s\t%.*s\n", checksig_status_name(checksig_report_entry_status(report, i)),
                   (int)len, (const char *)name);
        }
        printf("verdict %s\n", checksig_report_is_ok(report) ? "ok" : "failed");
    }
    checksig_report_free(report);
    checksig_error_free(error);
    checksig_options_free(options);
    return 0;
}
