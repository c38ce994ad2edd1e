/*
 * Verifies a directory against its sha1sum.txt through the C ABI, first as
 * the article does (verify: NULL or a message), then with the structured
 * report API (one line per entry).
 *
 * Build and run (see scripts/test.d/30-capi.sh):
 *   cargo build -p checksig-capi
 *   gcc -Wall -Wextra -Werror -Iinclude examples/checksig_verify.c \
 *       -Ltarget/debug -lchecksig_capi -o checksig_verify
 *   LD_LIBRARY_PATH=target/debug ./checksig_verify /tmp/logs
 *
 * Or against the installed library (scripts/install-c.sh /usr/local, then ldconfig):
 *   gcc -Wall -Wextra -Werror examples/checksig_verify.c \
 *       $(pkg-config --cflags --libs checksig) -o checksig_verify
 *
 * Exit status: 0 when every file matches, 1 when some fail, 2 on error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "checksig.h"

/* The article's contract: NULL means every file matched. */
static void verify_as_the_article_does(const char *root) {
    char *message = verify(root);
    if (message == NULL) {
        printf("verify: OK\n");
        return;
    }
    printf("verify: %s\n", message);
    checksig_free(message);
}

/* Prints every entry of the report; returns the exit status. */
static int print_report(const checksig_report *report) {
    size_t count = checksig_report_len(report);
    for (size_t i = 0; i < count; i++) {
        uint32_t status = checksig_report_entry_status(report, i);
        const char *actual = checksig_report_entry_actual(report, i);
        printf("line %llu: %-12s %s%s%s\n",
               (unsigned long long)checksig_report_entry_line(report, i),
               checksig_status_name(status),
               checksig_report_entry_message(report, i),
               actual != NULL ? " actual=" : "", actual != NULL ? actual : "");
    }
    printf("summary: %s\n", checksig_report_summary(report));
    return checksig_report_is_ok(report) ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    printf("checksig %s\n", checksig_version());
    verify_as_the_article_does(argv[1]);

    checksig_error *error = checksig_error_new();
    checksig_options *options = checksig_options_new();
    if (error == NULL || options == NULL) {
        fprintf(stderr, "out of memory\n");
        return 2;
    }
    checksig_options_set_threads(options, 2);
    checksig_report *report = checksig_verify(argv[1], options, error);
    int status = 2;
    if (report == NULL) {
        fprintf(stderr, "error: %s\n", checksig_error_message(error));
    } else {
        status = print_report(report);
    }
    checksig_report_free(report);
    checksig_options_free(options);
    checksig_error_free(error);
    return status;
}
