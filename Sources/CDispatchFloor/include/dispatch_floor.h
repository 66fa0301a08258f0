#ifndef CALLHOOK_DISPATCH_FLOOR_H
#define CALLHOOK_DISPATCH_FLOOR_H

#include <stddef.h>

/* What P3 measures, with nothing of callhook around it: the least a durable
   dispatcher built on SQLite and one libcurl multi handle does per delivery.
   docs/benchmarks.md (the P3-C row). */
typedef struct {
    double deliveries_per_second;
    /* CPU time of the whole process (both threads) per delivery. */
    double cpu_us_per_delivery;
} callhook_floor_result;

/* Sends `count` POSTs of `body` to `url`, `in_flight` at a time. A writer
   thread inserts each delivery into a SQLite file at `db_path` (WAL,
   synchronous = NORMAL, a unique 36-character id, transactions of up to
   `batch` inserts, at most `window` inserted and not yet marked delivered)
   and marks sent ones delivered in its next transaction; the calling
   thread sends a delivery only once its insert is committed. Returns 0, or
   -1 with a message in `error`: an answer other than 2xx, a transfer that
   takes over `timeout_ms`, a SQLite error, or a count, in_flight, batch,
   window or timeout below 1. */
int callhook_dispatch_floor(
    const char *url, const char *db_path, int count, int in_flight, int batch, int window, long timeout_ms,
    const char *body, size_t body_length, callhook_floor_result *result, char *error, size_t error_size);

#endif
