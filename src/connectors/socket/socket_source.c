/*
 * The socket source (Spark's TextSocketSourceProvider + TextSocketMicroBatchStream): a
 * background thread reads UTF-8 lines from a TCP server and buffers them in memory; offsets
 * are line numbers (Spark's LongOffset JSON, e.g. "4" = lines 0..4 received), and commit
 * frees the lines a finished batch consumed. As in Spark the source is for tutorials only:
 * nothing is persisted, so a restart does not replay lines.
 *
 * Spark connects lazily, when the first batch is planned, and reports offset -1 until then;
 * the first batch therefore always covers (-1, -1] and is empty -- the empty "Batch: 0"
 * a socket word count prints first. weir keeps that order: the connection is opened by the
 * first open(), latest() reports "-1" before any line arrives.
 *
 * Lines are split as Java's BufferedReader.readLine splits them ("\n", "\r" or "\r\n"; a
 * last unterminated line counts at end of stream). Line bytes are packed into large blocks
 * (no allocation per line) that are released once every line in them is committed.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "connectors/src_internal.h"

#define BLOCK_BYTES (256 * 1024)

typedef struct sline {
    const char *p;
    int32_t len;
    int64_t ts_us;
} sline;

typedef struct sblock {
    struct sblock *next;
    int64_t last_line; /* offset of the last line stored here */
    size_t used, cap;
    char data[];
} sblock;

typedef struct socket_opts {
    const char *host;
    int32_t port;
    bool include_ts;
    int32_t num_partitions; /* 1 unless given (Spark: default parallelism) */
} socket_opts;

typedef struct socket_source {
    weir_source base;
    weir_arena arena;
    socket_opts o;
    weir_clock *clock;
    char *desc;
    pthread_mutex_t mu;
    /* guarded by mu */
    bool initialized;
    int fd;
    bool thread_started;
    pthread_t thread;
    sline *lines; /* lines[i] has offset committed + 1 + i */
    int64_t nlines, cap;
    sblock *head, *tail;
    int64_t current;   /* offset of the last line received (-1: none) */
    int64_t committed; /* last committed offset (-1: none) */
} socket_source;

typedef struct socket_reader {
    socket_source *src;
    sline *rows;
    int64_t n, pos;
} socket_reader;

/* ---- options and schema ------------------------------------------------------------------- */

static int parse_opts(const weir_source_args *args, socket_opts *o, weir_error *err)
{
    memset(o, 0, sizeof(*o));
    o->num_partitions = 1;
    o->host = weir_opt_get(args->opts, args->nopts, "host");
    if (!o->host)
        return weir_err(err, WEIR_EANALYSIS, "Set a host to read from with option(\"host\", ...).");
    const char *p = weir_opt_get(args->opts, args->nopts, "port");
    if (!p)
        return weir_err(err, WEIR_EANALYSIS, "Set a port to read from with option(\"port\", ...).");
    const char *ts = weir_opt_get(args->opts, args->nopts, "includeTimestamp");
    if (ts && !weir_src_parse_bool(ts, &o->include_ts))
        return weir_err(err, WEIR_EANALYSIS,
                        "includeTimestamp must be set to either \"true\" or \"false\"");
    if (!weir_src_parse_i32(p, &o->port)) return weir_src_number_error(err, p);
    const char *np = weir_opt_get(args->opts, args->nopts, "numPartitions");
    if (np && !weir_src_parse_i32(np, &o->num_partitions)) return weir_src_number_error(err, np);
    if (o->num_partitions <= 0) o->num_partitions = 1;
    return WEIR_OK;
}

static const weir_type *socket_schema(weir_arena *a, bool include_ts)
{
    weir_field f[2] = {{"value", WEIR_TYPE_STRING, true}, {"timestamp", WEIR_TYPE_TIMESTAMP, true}};
    return weir_type_struct(a, f, include_ts ? 2 : 1);
}

int weir_src_socket_schema(const weir_source_args *args, weir_arena *a, const weir_type **schema,
                           weir_error *err)
{
    if (args->schema)
        return weir_err(err, WEIR_EANALYSIS,
                        "TextSocketSourceProvider source does not support user-specified schema.");
    socket_opts o;
    int rc = parse_opts(args, &o, err);
    if (rc != WEIR_OK) return rc;
    if (!(*schema = socket_schema(a, o.include_ts))) return weir_err_nomem(err);
    return WEIR_OK;
}

/* ---- the receiving thread -------------------------------------------------------------------- */

/* Appends one received line (under mu). False on out of memory (the line is dropped). */
static bool store_line(socket_source *s, const char *p, size_t n, int64_t ts_us)
{
    if (s->nlines == s->cap) {
        int64_t nc = s->cap ? s->cap * 2 : 1024;
        sline *nv = realloc(s->lines, sizeof(sline) * (size_t)nc);
        if (!nv) return false;
        s->lines = nv;
        s->cap = nc;
    }
    sblock *b = s->tail;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > BLOCK_BYTES ? n : BLOCK_BYTES;
        sblock *nb = malloc(sizeof(sblock) + cap);
        if (!nb) return false;
        nb->next = NULL;
        nb->used = 0;
        nb->cap = cap;
        nb->last_line = s->current;
        if (b)
            b->next = nb;
        else
            s->head = nb;
        s->tail = nb;
        b = nb;
    }
    memcpy(b->data + b->used, p, n);
    s->current++;
    s->lines[s->nlines].p = b->data + b->used;
    s->lines[s->nlines].len = (int32_t)n;
    s->lines[s->nlines].ts_us = ts_us;
    s->nlines++;
    b->used += n;
    b->last_line = s->current;
    return true;
}

static void *reader_main(void *arg)
{
    socket_source *s = arg;
    char *buf = malloc(65536);
    size_t pcap = 4096, plen = 0;
    char *pending = malloc(pcap);
    bool skip_lf = false; /* the previous chunk ended with '\r' */
    if (!buf || !pending) goto out;
    for (;;) {
        ssize_t r = recv(s->fd, buf, 65536, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        int64_t ts_us = weir_clock_now_ms(s->clock) * 1000;
        pthread_mutex_lock(&s->mu);
        size_t i = 0, start = 0;
        if (skip_lf && buf[0] == '\n') i = start = 1;
        skip_lf = false;
        for (; i < (size_t)r; i++) {
            char c = buf[i];
            if (c != '\n' && c != '\r') continue;
            if (plen) {
                size_t need = plen + (i - start);
                if (need > pcap) {
                    while (pcap < need)
                        pcap *= 2;
                    char *np = realloc(pending, pcap);
                    if (!np) break;
                    pending = np;
                }
                memcpy(pending + plen, buf + start, i - start);
                store_line(s, pending, need, ts_us);
                plen = 0;
            } else {
                store_line(s, buf + start, i - start, ts_us);
            }
            if (c == '\r') {
                if (i + 1 < (size_t)r) {
                    if (buf[i + 1] == '\n') i++;
                } else {
                    skip_lf = true;
                }
            }
            start = i + 1;
        }
        pthread_mutex_unlock(&s->mu);
        if (start < (size_t)r) {
            size_t need = plen + ((size_t)r - start);
            if (need > pcap) {
                while (pcap < need)
                    pcap *= 2;
                char *np = realloc(pending, pcap);
                if (!np) break;
                pending = np;
            }
            memcpy(pending + plen, buf + start, (size_t)r - start);
            plen = need;
        }
    }
    if (plen) { /* readLine returns a last line without terminator at end of stream */
        int64_t ts_us = weir_clock_now_ms(s->clock) * 1000;
        pthread_mutex_lock(&s->mu);
        store_line(s, pending, plen, ts_us);
        pthread_mutex_unlock(&s->mu);
    }
out:
    free(buf);
    free(pending);
    return NULL;
}

static int connect_to(socket_source *s, weir_error *err)
{
    char port[16];
    snprintf(port, sizeof(port), "%d", s->o.port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int gr = getaddrinfo(s->o.host, port, &hints, &res);
    if (gr != 0)
        return weir_err(err, WEIR_EIO, "java.net.UnknownHostException: %s: %s", s->o.host,
                        gai_strerror(gr));
    int last = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            freeaddrinfo(res);
            s->fd = fd;
            return WEIR_OK;
        }
        last = errno;
        close(fd);
    }
    freeaddrinfo(res);
    if (last == ECONNREFUSED)
        return weir_err(err, WEIR_EIO, "java.net.ConnectException: Connection refused (%s:%d)",
                        s->o.host, s->o.port);
    return weir_err(err, WEIR_EIO, "cannot connect to %s:%d: %s", s->o.host, s->o.port,
                    strerror(last));
}

/* ---- vtable -----------------------------------------------------------------------------------
 */

static bool parse_offset(const char *t, int64_t *out)
{
    if (!t) return false;
    char buf[32];
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\n'))
        n--;
    while (n && *t == ' ') {
        t++;
        n--;
    }
    if (!n || n >= sizeof(buf)) return false;
    memcpy(buf, t, n);
    buf[n] = 0;
    return weir_src_parse_i64(buf, out);
}

static int socket_latest(weir_source *src, const char *start, weir_arena *a, const char **out,
                         weir_error *err)
{
    socket_source *s = (socket_source *)src;
    pthread_mutex_lock(&s->mu);
    int64_t cur = s->current;
    pthread_mutex_unlock(&s->mu);
    *out = weir_arena_sprintf(a, "%lld", (long long)cur);
    return *out ? WEIR_OK : weir_err_nomem(err);
}

static int socket_open(weir_source *src, const char *start, const char *end,
                       weir_source_reader **out, weir_error *err)
{
    socket_source *s = (socket_source *)src;
    *out = NULL;
    int64_t so = -1, eo;
    if (start && !parse_offset(start, &so)) return weir_src_number_error(err, start);
    if (!parse_offset(end, &eo)) return weir_src_number_error(err, end);
    socket_reader *r = calloc(1, sizeof(*r));
    if (!r) return weir_err_nomem(err);
    r->src = s;
    pthread_mutex_lock(&s->mu);
    if (!s->initialized) {
        s->initialized = true;
        int rc = connect_to(s, err);
        if (rc == WEIR_OK) {
            if (pthread_create(&s->thread, NULL, reader_main, s) != 0) {
                close(s->fd);
                s->fd = -1;
                rc = weir_err(err, WEIR_EIO, "cannot start the socket reader thread");
            } else {
                s->thread_started = true;
            }
        }
        if (rc != WEIR_OK) {
            pthread_mutex_unlock(&s->mu);
            free(r);
            return rc;
        }
    }
    /* the buffer holds the lines after the last committed offset */
    int64_t from = so - s->committed, to = eo - s->committed;
    if (from < 0) from = 0;
    if (to > s->nlines) to = s->nlines;
    int64_t n = to > from ? to - from : 0;
    if (n) {
        r->rows = malloc(sizeof(sline) * (size_t)n);
        if (!r->rows) {
            pthread_mutex_unlock(&s->mu);
            free(r);
            return weir_err_nomem(err);
        }
        int32_t np = s->o.num_partitions;
        if (np <= 1) {
            memcpy(r->rows, s->lines + from, sizeof(sline) * (size_t)n);
        } else { /* Spark deals lines round-robin to partitions, read in partition order */
            int64_t k = 0;
            for (int32_t p = 0; p < np; p++)
                for (int64_t i = p; i < n; i += np)
                    r->rows[k++] = s->lines[from + i];
        }
    }
    pthread_mutex_unlock(&s->mu);
    r->n = n;
    *out = (weir_source_reader *)r;
    return WEIR_OK;
}

static int socket_next(weir_source_reader *rr, weir_arena *a, weir_batch **out, weir_error *err)
{
    socket_reader *r = (socket_reader *)rr;
    *out = NULL;
    if (r->pos >= r->n) return WEIR_OK;
    int64_t left = r->n - r->pos;
    int32_t n = left > WEIR_BATCH_ROWS ? WEIR_BATCH_ROWS : (int32_t)left;
    const sline *rows = r->rows + r->pos;
    int64_t bytes = 0;
    for (int32_t i = 0; i < n; i++)
        bytes += rows[i].len;
    /* keep a vector's bytes within int32 offsets */
    while (n > 1 && bytes > INT32_MAX) {
        n--;
        bytes -= rows[n].len;
    }
    weir_batch *b = weir_batch_for_schema(a, r->src->base.schema, n);
    if (!b) return weir_err_nomem(err);
    weir_vec *v = b->cols[0];
    if (weir_vec_reserve_bytes(v, bytes) != WEIR_OK) return weir_err_nomem(err);
    for (int32_t i = 0; i < n; i++)
        if (weir_vec_append_str(v, rows[i].p, rows[i].len) != WEIR_OK) return weir_err_nomem(err);
    if (r->src->o.include_ts) {
        int64_t *ts = WEIR_VEC_DATA(b->cols[1], int64_t);
        for (int32_t i = 0; i < n; i++)
            ts[i] = rows[i].ts_us;
        b->cols[1]->len = n;
    }
    b->nrows = n;
    r->pos += n;
    *out = b;
    return WEIR_OK;
}

static void socket_close_reader(weir_source_reader *rr)
{
    socket_reader *r = (socket_reader *)rr;
    if (!r) return;
    free(r->rows);
    free(r);
}

static int socket_commit(weir_source *src, const char *end, weir_error *err)
{
    socket_source *s = (socket_source *)src;
    int64_t eo;
    if (!parse_offset(end, &eo)) return weir_src_number_error(err, end);
    pthread_mutex_lock(&s->mu);
    int64_t diff = eo - s->committed;
    if (diff < 0) {
        int64_t c = s->committed;
        pthread_mutex_unlock(&s->mu);
        return weir_err(err, WEIR_ERUNTIME, "Offsets committed out of order: %lld followed by %s",
                        (long long)c, end);
    }
    if (diff > s->nlines) diff = s->nlines;
    if (diff > 0 && s->nlines > diff)
        memmove(s->lines, s->lines + diff, sizeof(sline) * (size_t)(s->nlines - diff));
    s->nlines -= diff;
    s->committed = eo;
    while (s->head && s->head->last_line <= eo) {
        sblock *b = s->head;
        if (b == s->tail) { /* keep the tail for new lines, but empty */
            if (s->nlines == 0) b->used = 0;
            break;
        }
        s->head = b->next;
        free(b);
    }
    pthread_mutex_unlock(&s->mu);
    return WEIR_OK;
}

static const char *socket_describe(weir_source *src)
{
    return ((socket_source *)src)->desc;
}

static void socket_destroy(weir_source *src)
{
    if (!src) return;
    socket_source *s = (socket_source *)src;
    pthread_mutex_lock(&s->mu);
    int fd = s->fd;
    bool started = s->thread_started;
    pthread_mutex_unlock(&s->mu);
    /* recv() cannot be interrupted otherwise: shut the socket down, then join */
    if (fd >= 0) shutdown(fd, SHUT_RDWR);
    if (started) pthread_join(s->thread, NULL);
    if (fd >= 0) close(fd);
    for (sblock *b = s->head; b;) {
        sblock *nx = b->next;
        free(b);
        b = nx;
    }
    free(s->lines);
    pthread_mutex_destroy(&s->mu);
    weir_arena_free(&s->arena);
    free(s);
}

static const weir_source_vt socket_vt = {socket_latest,       socket_open,   socket_next,
                                         socket_close_reader, socket_commit, socket_describe,
                                         socket_destroy,      NULL};

int weir_src_socket_create(const weir_source_args *args, weir_source **out, weir_error *err)
{
    *out = NULL;
    if (!args->clock) return weir_err(err, WEIR_EARG, "the socket source needs the query clock");
    socket_source *s = calloc(1, sizeof(*s));
    if (!s) return weir_err_nomem(err);
    weir_arena_init(&s->arena, 4096);
    pthread_mutex_init(&s->mu, NULL);
    s->base.vt = &socket_vt;
    s->fd = -1;
    s->current = -1;
    s->committed = -1;
    s->clock = args->clock;
    int rc = weir_src_socket_schema(args, &s->arena, &s->base.schema, err);
    if (rc == WEIR_OK) rc = parse_opts(args, &s->o, err);
    if (rc == WEIR_OK && !(s->o.host = weir_arena_strdup(&s->arena, s->o.host)))
        rc = weir_err_nomem(err);
    if (rc == WEIR_OK &&
        !(s->desc = weir_arena_sprintf(&s->arena, "TextSocketV2[host: %s, port: %d]", s->o.host,
                                       s->o.port)))
        rc = weir_err_nomem(err);
    if (rc != WEIR_OK) {
        socket_destroy(&s->base);
        return rc;
    }
    *out = &s->base;
    return WEIR_OK;
}
