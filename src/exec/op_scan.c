/*
 * File scan for batch queries: maps each file of the source in turn and lets the format's
 * reader decode batches straight into vectors, materializing only the wanted columns
 * (projection push-down). The output batch has one slot per data-schema column; slots of
 * unwanted columns stay NULL (nothing above reads them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec/op.h"
#include "formats/formats.h"

typedef struct {
    weir_op base;
    weir_reader *reader;
    int file;  /* index of the current file, -1 before the first */
    char *map; /* current mapping */
    size_t map_len;
    int *wanted_index; /* per data column: index among the reader's columns, or -1 */
} scan_op;

static void scan_unmap(scan_op *s)
{
    if (s->map && s->map != MAP_FAILED && s->map_len) munmap(s->map, s->map_len);
    s->map = NULL;
    s->map_len = 0;
}

static int scan_open_file(scan_op *s, const char *path)
{
    weir_error *err = s->base.ctx->err;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return weir_err(err, WEIR_EIO,
                        "[FAILED_READ_FILE.FILE_NOT_EXIST] Encountered error while "
                        "reading file %s. File does not exist.",
                        path);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return weir_err(err, WEIR_EIO, "cannot stat %s: %s", path, strerror(errno));
    }
    s->map_len = (size_t)st.st_size;
    s->map = s->map_len ? mmap(NULL, s->map_len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (s->map == MAP_FAILED) {
        s->map = NULL;
        return weir_err(err, WEIR_EIO, "cannot read %s: %s", path, strerror(errno));
    }
    if (s->map) madvise(s->map, s->map_len, MADV_SEQUENTIAL);
    weir_reader_set_input(s->reader, s->map ? s->map : "", s->map_len);
    return WEIR_OK;
}

static int scan_next(weir_op *op, weir_batch **out)
{
    scan_op *s = (scan_op *)op;
    const weir_lplan *p = op->plan;
    *out = NULL;
    weir_arena_reset(&op->out);
    for (;;) {
        if (s->file >= 0) {
            weir_batch *rb;
            int rc = weir_reader_next(s->reader, &op->out, &rb, op->ctx->err);
            if (rc != WEIR_OK) return rc;
            if (rb) {
                int nc = p->data_schema->nfields;
                weir_batch *b = weir_batch_new(&op->out, nc);
                if (!b) return weir_err_nomem(op->ctx->err);
                b->nrows = rb->nrows;
                for (int c = 0; c < nc; c++)
                    if (s->wanted_index[c] >= 0) b->cols[c] = rb->cols[s->wanted_index[c]];
                *out = b;
                return WEIR_OK;
            }
            scan_unmap(s);
        }
        if (s->file + 1 >= p->nfiles) return WEIR_OK;
        s->file++;
        int rc = scan_open_file(s, p->files[s->file]);
        if (rc != WEIR_OK) return rc;
    }
}

static void scan_close(weir_op *op)
{
    scan_op *s = (scan_op *)op;
    scan_unmap(s);
    weir_reader_close(s->reader);
    free(s->wanted_index);
}

static const weir_op_vtab scan_vt = {"FileScan", scan_next, scan_close};

int weir_op_scan_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out)
{
    scan_op *s = (scan_op *)weir_op_alloc(sizeof(scan_op), &scan_vt, p, ctx, 0);
    if (!s) return weir_err_nomem(ctx->err);
    *out = &s->base;
    s->file = -1;
    const weir_format *f = weir_format_lookup(p->format);
    if (!f) return weir_err(ctx->err, WEIR_EUNSUPPORTED, "unknown format %s", p->format);
    int nc = p->data_schema->nfields;
    s->wanted_index = malloc(sizeof(int) * (size_t)(nc ? nc : 1));
    if (!s->wanted_index) return weir_err_nomem(ctx->err);
    for (int c = 0, k = 0; c < nc; c++)
        s->wanted_index[c] = p->want[c] ? k++ : -1;
    return weir_reader_open(f, p->data_schema, p->want, (const weir_kv *)p->options, p->noptions,
                            ctx->conf->tz, &s->reader, ctx->err);
}
