/*
 * What the C tests share: the count of passed checks, `check` (exits 1 on
 * the first failure, after printing what failed) and `format` (a malloc'ed
 * printf). Each test file includes it once.
 */
#ifndef CHECKSIG_TESTING_H
#define CHECKSIG_TESTING_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int passed;

static void check(int condition, const char *name, const char *detail) {
    if (!condition) {
        fprintf(stderr, "FAILED - %s%s%s\n", name, detail ? ": " : "", detail ? detail : "");
        printf("%d passed, 1 failed\n", passed);
        exit(1);
    }
    passed++;
}

static char *format(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    char *out = NULL;
    if (vasprintf(&out, fmt, args) < 0) {
        abort();
    }
    va_end(args);
    return out;
}

#endif
