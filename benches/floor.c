/* The syscall floor for verifying many files: open + read to the end + close
 * of every file a sha1sum.txt lists, on N threads, hashing nothing.
 * Built and run by benches/peers.py:  floor THREADS DIR
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char **names;
static size_t count;
static atomic_size_t next_index;
static int dir_fd;

static void *worker(void *unused) {
    (void)unused;
    static __thread char buffer[1 << 20];
    for (;;) {
        size_t i = atomic_fetch_add(&next_index, 1);
        if (i >= count)
            return NULL;
        int fd = openat(dir_fd, names[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            perror(names[i]);
            exit(2);
        }
        while (read(fd, buffer, sizeof buffer) > 0) {
        }
        close(fd);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: floor THREADS DIR\n");
        return 2;
    }
    int threads = atoi(argv[1]);
    dir_fd = open(argv[2], O_RDONLY | O_DIRECTORY);
    int manifest = dir_fd < 0 ? -1 : openat(dir_fd, "sha1sum.txt", O_RDONLY);
    if (manifest < 0) {
        perror(argv[2]);
        return 2;
    }
    FILE *in = fdopen(manifest, "r");
    char *line = NULL;
    size_t cap = 0, allocated = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, in)) > 0) {
        if (len < 43)
            continue;
        line[len - 1] = '\0';
        if (count == allocated) {
            allocated = allocated ? 2 * allocated : 1024;
            names = realloc(names, allocated * sizeof *names);
        }
        names[count++] = strdup(line + 42); /* 40 hex digits, two spaces */
    }
    pthread_t ids[64];
    if (threads < 1 || threads > 64)
        threads = 1;
    for (int t = 0; t < threads; t++)
        pthread_create(&ids[t], NULL, worker, NULL);
    for (int t = 0; t < threads; t++)
        pthread_join(ids[t], NULL);
    return 0;
}
