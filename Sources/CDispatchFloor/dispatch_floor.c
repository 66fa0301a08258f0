#include "dispatch_floor.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Shared between the writer thread and the sending thread, under `lock`. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    CURLM *multi;
    int count, batch, window;
    long long committed;   /* deliveries 1…committed are inserted and committed */
    long long *sent;       /* sent and answered, waiting to be marked delivered */
    int sent_count;
    int failed;            /* either thread hit an error: the other stops */
    char error[256];
} floor_state;

static double monotonic_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double process_cpu_seconds(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

static size_t discard(char *data, size_t size, size_t n, void *user) {
    (void)data;
    (void)user;
    return size * n;
}

/* A delivery id as long as callhook's (a UUID's text), from a xorshift. */
static void next_id(unsigned long long *x, char out[37]) {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    unsigned long long y = *x * 0x9E3779B97F4A7C15ULL;
    snprintf(out, 37, "%08llx-%04llx-%04llx-%04llx-%012llx", *x >> 32, (*x >> 16) & 0xffff, *x & 0xffff, y >> 48,
             y & 0xffffffffffffULL);
}

static void fail(floor_state *s, const char *what, sqlite3 *db) {
    pthread_mutex_lock(&s->lock);
    snprintf(s->error, sizeof s->error, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
    s->failed = 1;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    curl_multi_wakeup(s->multi);
}

typedef struct {
    floor_state *state;
    const char *db_path, *body;
    size_t body_length;
} writer_args;

static void *writer(void *raw) {
    writer_args *a = raw;
    floor_state *s = a->state;
    sqlite3 *db = NULL;
    sqlite3_stmt *insert = NULL, *update = NULL;
    long long *mine = malloc(sizeof(long long) * (size_t)s->count);
    if (!mine) { fail(s, "writer", NULL); return NULL; }
    if (sqlite3_open(a->db_path, &db) != SQLITE_OK
        || sqlite3_exec(db,
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                        "CREATE TABLE delivery (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body BLOB NOT NULL,"
                        " status TEXT NOT NULL)",
                        NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "INSERT INTO delivery (id, body, status) VALUES (?, ?, 'pending')", -1, &insert, NULL)
               != SQLITE_OK
        || sqlite3_prepare_v2(db, "UPDATE delivery SET status = 'delivered' WHERE seq = ?", -1, &update, NULL)
               != SQLITE_OK) {
        fail(s, "opening the queue", db);
        goto done;
    }
    unsigned long long x = 88172645463325252ULL;
    long long inserted = 0, updated = 0;
    while (updated < s->count) {
        pthread_mutex_lock(&s->lock);
        while (!s->failed && s->sent_count == 0 && (inserted >= s->count || inserted - updated >= s->window))
            pthread_cond_wait(&s->changed, &s->lock);
        if (s->failed) {
            pthread_mutex_unlock(&s->lock);
            goto done;
        }
        int n = s->sent_count;
        memcpy(mine, s->sent, sizeof(long long) * (size_t)n);
        s->sent_count = 0;
        pthread_mutex_unlock(&s->lock);

        long long room = s->window - (inserted - updated - n);
        long long add = room < s->batch ? room : s->batch;
        if (add > s->count - inserted) add = s->count - inserted;
        if (add < 0) add = 0;
        if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) { fail(s, "BEGIN", db); goto done; }
        for (long long i = 0; i < add; i++) {
            char id[37];
            next_id(&x, id);
            sqlite3_bind_text(insert, 1, id, 36, SQLITE_TRANSIENT);
            sqlite3_bind_blob(insert, 2, a->body, (int)a->body_length, SQLITE_STATIC);
            if (sqlite3_step(insert) != SQLITE_DONE) { fail(s, "insert", db); goto done; }
            sqlite3_reset(insert);
        }
        for (int i = 0; i < n; i++) {
            sqlite3_bind_int64(update, 1, mine[i]);
            if (sqlite3_step(update) != SQLITE_DONE) { fail(s, "update", db); goto done; }
            sqlite3_reset(update);
        }
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) { fail(s, "COMMIT", db); goto done; }
        inserted += add;
        updated += n;
        if (add > 0) {
            pthread_mutex_lock(&s->lock);
            s->committed = inserted;
            pthread_mutex_unlock(&s->lock);
            curl_multi_wakeup(s->multi);
        }
    }
done:
    sqlite3_finalize(insert);
    sqlite3_finalize(update);
    sqlite3_close(db);
    free(mine);
    return NULL;
}

int callhook_dispatch_floor(const char *url, const char *db_path, int count, int in_flight, int batch, int window,
                            long timeout_ms, const char *body, size_t body_length, callhook_floor_result *result,
                            char *error, size_t error_size) {
    if (count < 1 || in_flight < 1 || batch < 1 || window < 1 || timeout_ms < 1) {
        snprintf(error, error_size, "count, in_flight, batch, window and timeout must each be at least 1");
        return -1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(error, error_size, "curl_global_init failed");
        return -1;
    }
    floor_state s = {.count = count, .batch = batch, .window = window};
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.changed, NULL);
    s.sent = malloc(sizeof(long long) * (size_t)count);
    /* Every handle, for the clean-up; `idle` holds those not in flight. */
    CURL **all = calloc((size_t)in_flight, sizeof(CURL *));
    CURL **idle = calloc((size_t)in_flight, sizeof(CURL *));
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    s.multi = curl_multi_init();
    int status = -1, idle_count = 0, done = 0;
    pthread_t thread;
    int started = 0;
    if (!s.sent || !all || !idle || !headers || !s.multi) { snprintf(error, error_size, "out of memory"); goto out; }
    for (; idle_count < in_flight; idle_count++) {
        CURL *e = curl_easy_init();
        if (!e) { snprintf(error, error_size, "curl_easy_init failed"); goto out; }
        all[idle_count] = e;
        /* A sink that stops answering ends the run with an error, not a hang. */
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)body_length);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        idle[idle_count] = e;
    }
    writer_args args = {.state = &s, .db_path = db_path, .body = body, .body_length = body_length};
    double t0 = monotonic_seconds(), c0 = process_cpu_seconds();
    if (pthread_create(&thread, NULL, writer, &args) != 0) { snprintf(error, error_size, "no writer thread"); goto out; }
    started = 1;
    long long next = 1;
    while (done < count) {
        pthread_mutex_lock(&s.lock);
        long long committed = s.committed;
        int failed = s.failed;
        pthread_mutex_unlock(&s.lock);
        if (failed) break;
        while (idle_count > 0 && next <= committed) {
            CURL *e = idle[--idle_count];
            curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)(intptr_t)next++);
            curl_multi_add_handle(s.multi, e);
        }
        int running = 0, queued = 0, answered = 0;
        curl_multi_perform(s.multi, &running);
        CURLMsg *m;
        while ((m = curl_multi_info_read(s.multi, &queued))) {
            if (m->msg != CURLMSG_DONE) continue;
            long code = 0;
            void *seq = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &seq);
            if (m->data.result != CURLE_OK || code < 200 || code > 299) {
                snprintf(error, error_size, "the sink answered %ld (%s)", code, curl_easy_strerror(m->data.result));
                goto out;
            }
            curl_multi_remove_handle(s.multi, m->easy_handle);
            idle[idle_count++] = m->easy_handle;
            pthread_mutex_lock(&s.lock);
            s.sent[s.sent_count++] = (long long)(intptr_t)seq;
            pthread_mutex_unlock(&s.lock);
            answered = 1;
            done++;
        }
        pthread_mutex_lock(&s.lock);
        if (answered) pthread_cond_broadcast(&s.changed);
        int ready = idle_count > 0 && next <= s.committed;
        pthread_mutex_unlock(&s.lock);
        /* Waits for a socket or the writer's wake-up, unless a committed
           delivery can go out now. */
        if (done < count && !ready) curl_multi_poll(s.multi, NULL, 0, 1000, NULL);
    }
    pthread_join(thread, NULL);
    started = 0;
    if (s.failed) { snprintf(error, error_size, "%s", s.error); goto out; }
    double seconds = monotonic_seconds() - t0, cpu = process_cpu_seconds() - c0;
    result->deliveries_per_second = count / seconds;
    result->cpu_us_per_delivery = cpu / count * 1e6;
    status = 0;
out:
    if (started) {
        /* A failed send: the writer would wait for answers that will not come. */
        pthread_mutex_lock(&s.lock);
        s.failed = 1;
        pthread_cond_broadcast(&s.changed);
        pthread_mutex_unlock(&s.lock);
        pthread_join(thread, NULL);
    }
    for (int i = 0; all && i < in_flight && all[i]; i++) {
        if (s.multi) curl_multi_remove_handle(s.multi, all[i]); /* a no-op for a handle not in flight */
        curl_easy_cleanup(all[i]);
    }
    if (s.multi) curl_multi_cleanup(s.multi);
    curl_slist_free_all(headers);
    free(all);
    free(idle);
    free(s.sent);
    pthread_cond_destroy(&s.changed);
    pthread_mutex_destroy(&s.lock);
    curl_global_cleanup();
    return status;
}
