/*
 * Helpers shared by the streaming sources: option values parsed exactly as the JVM parses
 * them (so the same strings are accepted and the same error texts come back), the metadata
 * logs' file handling (HDFSMetadataLog writes each batch file once, atomically), and a
 * flat JSON-line reader for the logs' entries.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connectors/src_internal.h"

/* ---- Java-compatible parsing -------------------------------------------------------------- */

bool weir_src_parse_i64(const char *s, int64_t *out)
{
    if (!s || !*s) return false;
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (!*p) return false;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (lim - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool weir_src_parse_i32(const char *s, int32_t *out)
{
    int64_t v;
    if (!weir_src_parse_i64(s, &v) || v < INT32_MIN || v > INT32_MAX) return false;
    *out = (int32_t)v;
    return true;
}

int weir_src_number_error(weir_error *err, const char *s)
{
    return weir_err(err, WEIR_EARG, "For input string: \"%s\"", s ? s : "null");
}

bool weir_src_parse_bool(const char *s, bool *out)
{
    if (!s) return false;
    if (strcasecmp(s, "true") == 0) {
        *out = true;
        return true;
    }
    if (strcasecmp(s, "false") == 0) {
        *out = false;
        return true;
    }
    return false;
}

int weir_src_time_string(const char *s, weir_src_time_unit unit, int64_t *out, weir_error *err)
{
    static const char *const msg =
        "Time must be specified as seconds (s), milliseconds (ms), microseconds (us), minutes "
        "(m or min), hour (h), or day (d). E.g. 50s, 100ms, or 250us.";
    /* Java's trim() drops every char <= ' ' at both ends. */
    const char *b = s, *e = s + strlen(s);
    while (b < e && (unsigned char)*b <= ' ')
        b++;
    while (e > b && (unsigned char)e[-1] <= ' ')
        e--;
    char low[128];
    size_t n = (size_t)(e - b);
    if (n >= sizeof(low)) n = sizeof(low) - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)b[i]);
    low[n] = 0;
    size_t i = 0;
    if (low[i] == '-') i++;
    size_t dstart = i;
    while (low[i] >= '0' && low[i] <= '9')
        i++;
    size_t dend = i;
    while (low[i] >= 'a' && low[i] <= 'z')
        i++;
    if (dend == dstart || low[i] != 0)
        return weir_err(err, WEIR_EARG, "%s\nFailed to parse time string: %s", msg, s);
    char num[64];
    size_t nl = dend < sizeof(num) ? dend : sizeof(num) - 1;
    memcpy(num, low, nl);
    num[nl] = 0;
    int64_t v;
    if (!weir_src_parse_i64(num, &v))
        return weir_err(err, WEIR_EARG, "%s\nFor input string: \"%s\"", msg, num);
    const char *suf = low + dend;
    /* value in microseconds per suffix unit */
    int64_t us_per;
    if (!*suf)
        us_per = unit == WEIR_SRC_MS ? 1000 : 1000000;
    else if (strcmp(suf, "us") == 0)
        us_per = 1;
    else if (strcmp(suf, "ms") == 0)
        us_per = 1000;
    else if (strcmp(suf, "s") == 0)
        us_per = 1000000;
    else if (strcmp(suf, "m") == 0 || strcmp(suf, "min") == 0)
        us_per = 60LL * 1000000;
    else if (strcmp(suf, "h") == 0)
        us_per = 3600LL * 1000000;
    else if (strcmp(suf, "d") == 0)
        us_per = 86400LL * 1000000;
    else
        return weir_err(err, WEIR_EARG, "%s\nInvalid suffix: \"%s\"", msg, suf);
    int64_t unit_us = unit == WEIR_SRC_MS ? 1000 : 1000000;
    /* TimeUnit.convert: exact when coarser -> finer (saturating), truncating otherwise */
    if (us_per >= unit_us) {
        int64_t f = us_per / unit_us;
        if (v > INT64_MAX / f)
            *out = INT64_MAX;
        else if (v < INT64_MIN / f)
            *out = INT64_MIN;
        else
            *out = v * f;
    } else {
        *out = v / (unit_us / us_per);
    }
    return WEIR_OK;
}

/* ---- files ----------------------------------------------------------------------------------- */

int weir_src_mkdirs(const char *dir, weir_error *err)
{
    char buf[PATH_MAX];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof(buf)) return weir_err(err, WEIR_EIO, "bad directory name '%s'", dir);
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == 0) {
            char c = buf[i];
            buf[i] = 0;
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return weir_err(err, WEIR_EIO, "cannot create directory %s: %s", buf,
                                strerror(errno));
            buf[i] = c;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return weir_err(err, WEIR_EIO, "cannot create directory %s", dir);
    return WEIR_OK;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int weir_src_write_once(const char *dir, const char *name, const char *data, size_t len,
                        bool *existed, weir_error *err)
{
    *existed = false;
    char tmp[PATH_MAX], fin[PATH_MAX];
    static int seq;
    int k = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
    snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.%d.tmp", dir, name, (long)getpid(), k);
    snprintf(fin, sizeof(fin), "%s/%s", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) return weir_err(err, WEIR_EIO, "cannot write %s: %s", tmp, strerror(errno));
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return weir_err(err, WEIR_EIO, "cannot write %s: %s", tmp, strerror(e));
    }
    close(fd);
    if (link(tmp, fin) != 0) {
        int e = errno;
        unlink(tmp);
        if (e == EEXIST) {
            *existed = true;
            return WEIR_OK;
        }
        return weir_err(err, WEIR_EIO, "cannot write %s: %s", fin, strerror(e));
    }
    unlink(tmp);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return WEIR_OK;
}

int weir_src_read_file(const char *path, char **data, size_t *len, bool *missing, weir_error *err)
{
    *data = NULL;
    *len = 0;
    if (missing) *missing = false;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT && missing) {
            *missing = true;
            return WEIR_OK;
        }
        return weir_err(err, WEIR_EIO, "cannot read %s: %s", path, strerror(errno));
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return weir_err_nomem(err);
    }
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                return weir_err_nomem(err);
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        if (r == 0) break;
        n += r;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return weir_err(err, WEIR_EIO, "cannot read %s", path);
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return WEIR_OK;
}

typedef struct {
    int64_t id;
    bool compact;
} log_name;

static int cmp_log_name(const void *a, const void *b)
{
    const log_name *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return (int)x->compact - (int)y->compact;
}

int weir_src_log_list(const char *dir, int64_t **ids, bool **is_compact, int *n, weir_error *err)
{
    *ids = NULL;
    *is_compact = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR) return WEIR_OK;
        return weir_err(err, WEIR_EIO, "cannot list %s: %s", dir, strerror(errno));
    }
    log_name *v = NULL;
    int cnt = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *nm = de->d_name;
        size_t len = strlen(nm);
        bool compact = len > 8 && strcmp(nm + len - 8, ".compact") == 0;
        size_t dl = compact ? len - 8 : len;
        if (dl == 0 || dl > 18) continue;
        bool digits = true;
        for (size_t i = 0; i < dl; i++)
            if (nm[i] < '0' || nm[i] > '9') digits = false;
        if (!digits) continue;
        if (cnt == cap) {
            cap = cap ? cap * 2 : 32;
            log_name *nv = realloc(v, sizeof(*v) * (size_t)cap);
            if (!nv) {
                free(v);
                closedir(d);
                return weir_err_nomem(err);
            }
            v = nv;
        }
        int64_t id = 0;
        for (size_t i = 0; i < dl; i++)
            id = id * 10 + (nm[i] - '0');
        v[cnt].id = id;
        v[cnt].compact = compact;
        cnt++;
    }
    closedir(d);
    if (cnt) qsort(v, (size_t)cnt, sizeof(*v), cmp_log_name);
    int64_t *oi = malloc(sizeof(int64_t) * (size_t)(cnt ? cnt : 1));
    bool *oc = malloc(sizeof(bool) * (size_t)(cnt ? cnt : 1));
    if (!oi || !oc) {
        free(oi);
        free(oc);
        free(v);
        return weir_err_nomem(err);
    }
    for (int i = 0; i < cnt; i++) {
        oi[i] = v[i].id;
        oc[i] = v[i].compact;
    }
    free(v);
    *ids = oi;
    *is_compact = oc;
    *n = cnt;
    return WEIR_OK;
}

/* ---- flat JSON ----------------------------------------------------------------------------- */

static void skip_ws(const char **p, const char *e)
{
    while (*p < e && (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n'))
        (*p)++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void put_utf8(weir_strbuf *sb, uint32_t cp)
{
    char b[4];
    if (cp < 0x80) {
        weir_sb_putc(sb, (char)cp);
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        weir_sb_append(sb, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        weir_sb_append(sb, b, 3);
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        weir_sb_append(sb, b, 4);
    }
}

/* A JSON string at *p (opening quote); decoded into sb. */
static bool parse_jstring(const char **p, const char *e, weir_strbuf *sb)
{
    const char *s = *p;
    if (s >= e || *s != '"') return false;
    s++;
    while (s < e && *s != '"') {
        if (*s != '\\') {
            weir_sb_putc(sb, *s++);
            continue;
        }
        if (++s >= e) return false;
        char c = *s++;
        switch (c) {
        case '"': weir_sb_putc(sb, '"'); break;
        case '\\': weir_sb_putc(sb, '\\'); break;
        case '/': weir_sb_putc(sb, '/'); break;
        case 'b': weir_sb_putc(sb, '\b'); break;
        case 'f': weir_sb_putc(sb, '\f'); break;
        case 'n': weir_sb_putc(sb, '\n'); break;
        case 'r': weir_sb_putc(sb, '\r'); break;
        case 't': weir_sb_putc(sb, '\t'); break;
        case 'u': {
            if (e - s < 4) return false;
            uint32_t cp = 0;
            for (int i = 0; i < 4; i++) {
                int h = hexval(s[i]);
                if (h < 0) return false;
                cp = cp * 16 + (uint32_t)h;
            }
            s += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && e - s >= 6 && s[0] == '\\' && s[1] == 'u') {
                uint32_t lo = 0;
                bool ok = true;
                for (int i = 0; i < 4; i++) {
                    int h = hexval(s[2 + i]);
                    if (h < 0) ok = false;
                    lo = lo * 16 + (uint32_t)(h < 0 ? 0 : h);
                }
                if (ok && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    s += 6;
                }
            }
            put_utf8(sb, cp);
            break;
        }
        default: return false;
        }
    }
    if (s >= e) return false;
    *p = s + 1;
    return true;
}

int weir_src_json_parse(const char *s, size_t n, weir_src_jfield **fields, int *nfields)
{
    *fields = NULL;
    *nfields = 0;
    const char *p = s, *e = s + n;
    skip_ws(&p, e);
    if (p >= e || *p != '{') return WEIR_ERUNTIME;
    p++;
    weir_src_jfield *v = NULL;
    int cnt = 0, cap = 0;
    weir_strbuf sb = WEIR_STRBUF_INIT;
    skip_ws(&p, e);
    if (p < e && *p == '}') {
        p++;
        goto done;
    }
    for (;;) {
        skip_ws(&p, e);
        const char *kb = p + 1;
        weir_sb_reset(&sb);
        if (!parse_jstring(&p, e, &sb)) goto bad;
        const char *ke = p - 1;
        skip_ws(&p, e);
        if (p >= e || *p != ':') goto bad;
        p++;
        skip_ws(&p, e);
        if (cnt == cap) {
            cap = cap ? cap * 2 : 8;
            weir_src_jfield *nv = realloc(v, sizeof(*v) * (size_t)cap);
            if (!nv) goto bad;
            v = nv;
        }
        weir_src_jfield *f = &v[cnt];
        memset(f, 0, sizeof(*f));
        f->key = kb;
        f->key_len = (size_t)(ke - kb);
        if (p < e && *p == '"') {
            weir_sb_reset(&sb);
            if (!parse_jstring(&p, e, &sb)) goto bad;
            f->is_string = true;
            f->str = strndup(sb.p ? sb.p : "", sb.len);
        } else {
            const char *tb = p;
            while (p < e && *p != ',' && *p != '}' && *p != ' ' && *p != '\t' && *p != '\r' &&
                   *p != '\n')
                p++;
            if (p == tb || *tb == '{' || *tb == '[') goto bad;
            f->str = strndup(tb, (size_t)(p - tb));
            if (f->str) {
                if (strcmp(f->str, "true") == 0)
                    f->num = 1;
                else if (strcmp(f->str, "false") == 0 || strcmp(f->str, "null") == 0)
                    f->num = 0;
                else if (!weir_src_parse_i64(f->str, &f->num))
                    f->num = (int64_t)strtod(f->str, NULL);
            }
        }
        if (!f->str) goto bad;
        cnt++;
        skip_ws(&p, e);
        if (p < e && *p == ',') {
            p++;
            continue;
        }
        if (p < e && *p == '}') {
            p++;
            break;
        }
        goto bad;
    }
done:
    weir_sb_free(&sb);
    skip_ws(&p, e);
    if (p != e) {
        weir_src_json_free(v, cnt);
        return WEIR_ERUNTIME;
    }
    *fields = v;
    *nfields = cnt;
    return WEIR_OK;
bad:
    weir_sb_free(&sb);
    weir_src_json_free(v, cnt);
    return WEIR_ERUNTIME;
}

void weir_src_json_free(weir_src_jfield *fields, int nfields)
{
    for (int i = 0; i < nfields; i++)
        free(fields[i].str);
    free(fields);
}

const weir_src_jfield *weir_src_json_get(const weir_src_jfield *f, int n, const char *key)
{
    size_t kl = strlen(key);
    for (int i = n - 1; i >= 0; i--)
        if (f[i].key_len == kl && memcmp(f[i].key, key, kl) == 0) return &f[i];
    return NULL;
}

void weir_src_json_string(weir_strbuf *sb, const char *s)
{
    weir_sb_putc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': weir_sb_puts(sb, "\\\""); break;
        case '\\': weir_sb_puts(sb, "\\\\"); break;
        case '\b': weir_sb_puts(sb, "\\b"); break;
        case '\f': weir_sb_puts(sb, "\\f"); break;
        case '\n': weir_sb_puts(sb, "\\n"); break;
        case '\r': weir_sb_puts(sb, "\\r"); break;
        case '\t': weir_sb_puts(sb, "\\t"); break;
        default:
            if (*p < 0x20)
                weir_sb_printf(sb, "\\u%04X", *p);
            else
                weir_sb_putc(sb, (char)*p);
        }
    }
    weir_sb_putc(sb, '"');
}

/* ---- types ------------------------------------------------------------------------------------
 */

const weir_type *weir_src_type_copy(weir_arena *a, const weir_type *t)
{
    if (!t) return NULL;
    switch (t->id) {
    case WEIR_T_DECIMAL: return weir_type_decimal(a, t->precision, t->scale);
    case WEIR_T_ARRAY: {
        const weir_type *e = weir_src_type_copy(a, t->elem);
        return e ? weir_type_array(a, e) : NULL;
    }
    case WEIR_T_MAP: {
        const weir_type *k = weir_src_type_copy(a, t->elem);
        const weir_type *v = weir_src_type_copy(a, t->value);
        return k && v ? weir_type_map(a, k, v) : NULL;
    }
    case WEIR_T_STRUCT: {
        weir_field *f = WEIR_ARENA_NEWN(a, weir_field, t->nfields ? t->nfields : 1);
        if (!f) return NULL;
        for (int i = 0; i < t->nfields; i++) {
            f[i] = t->fields[i];
            if (!(f[i].type = weir_src_type_copy(a, t->fields[i].type))) return NULL;
        }
        return weir_type_struct(a, f, t->nfields);
    }
    default: return weir_type_primitive(t->id);
    }
}

/* Qualifies a path as Hadoop's Path does: "file:" prefix dropped, relative paths against the
 * working directory, "." and ".." segments resolved, duplicate and trailing slashes removed.
 * malloc'd. */
char *weir_src_qualify_path(const char *path)
{
    const char *p = path;
    if (strncmp(p, "file://", 7) == 0)
        p += 7;
    else if (strncmp(p, "file:", 5) == 0)
        p += 5;
    char buf[PATH_MAX * 2];
    if (p[0] == '/') {
        snprintf(buf, sizeof(buf), "%s", p);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof(cwd))) snprintf(cwd, sizeof(cwd), "/");
        snprintf(buf, sizeof(buf), "%s/%s", cwd, p);
    }
    size_t n = strlen(buf);
    char *out = malloc(n + 2);
    if (!out) return NULL;
    size_t o = 0;
    const char *s = buf;
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s) break;
        const char *e = strchr(s, '/');
        size_t sl = e ? (size_t)(e - s) : strlen(s);
        if (sl == 1 && s[0] == '.') {
            /* skip */
        } else if (sl == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0) o--;
        } else {
            out[o++] = '/';
            memcpy(out + o, s, sl);
            o += sl;
        }
        s += sl;
    }
    if (o == 0) out[o++] = '/';
    out[o] = 0;
    return out;
}
