/*
 * Shared kernel helpers; see func_util.h. The decimal code works on 256-bit magnitudes so
 * that every intermediate of a DECIMAL(38,s) operation is exact before the single HALF_UP
 * rounding to the result type, which is how Spark's java.math.BigDecimal arithmetic
 * behaves (to within its 38-digit MathContext).
 */
#include "exec/func_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- vectors ------------------------------------------------------------------------------ */

weir_vec *weir_fk_out(weir_eval_ctx *ctx, const weir_type *t, int32_t n)
{
    weir_vec *v = weir_vec_new(ctx->arena, t, n);
    if (!v) return NULL;
    if (weir_type_width(t) || t->id == WEIR_T_NULL) v->len = n;
    return v;
}

int weir_fk_and_valid(weir_vec *out, weir_vec *const *args, int nargs, int32_t n)
{
    size_t nb = ((size_t)n + 7) / 8;
    for (int k = 0; k < nargs; k++) {
        const weir_vec *a = args[k];
        if (a->type->id == WEIR_T_NULL) {
            if (weir_vec_make_valid(out) != WEIR_OK) return WEIR_ENOMEM;
            memset(out->valid, 0, nb);
            return WEIR_OK;
        }
        if (!a->valid) continue;
        if (!out->valid) {
            if (weir_vec_make_valid(out) != WEIR_OK) return WEIR_ENOMEM;
            memcpy(out->valid, a->valid, nb);
            continue;
        }
        /* word-wise AND */
        size_t w = nb / 8;
        for (size_t j = 0; j < w; j++) {
            uint64_t x, y;
            memcpy(&x, out->valid + 8 * j, 8);
            memcpy(&y, a->valid + 8 * j, 8);
            x &= y;
            memcpy(out->valid + 8 * j, &x, 8);
        }
        for (size_t j = w * 8; j < nb; j++)
            out->valid[j] &= a->valid[j];
    }
    return WEIR_OK;
}

int weir_fk_copy_valid(weir_vec *out, const weir_vec *v, int32_t n)
{
    weir_vec *const a[1] = {(weir_vec *)v};
    return weir_fk_and_valid(out, a, 1, n);
}

double weir_fk_get_double(const weir_vec *v, int32_t i)
{
    switch (v->type->id) {
    case WEIR_T_BOOLEAN: return ((const uint8_t *)v->data)[i];
    case WEIR_T_TINYINT: return ((const int8_t *)v->data)[i];
    case WEIR_T_SMALLINT: return ((const int16_t *)v->data)[i];
    case WEIR_T_INT:
    case WEIR_T_DATE: return ((const int32_t *)v->data)[i];
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: return (double)((const int64_t *)v->data)[i];
    case WEIR_T_FLOAT: return ((const float *)v->data)[i];
    case WEIR_T_DOUBLE: return ((const double *)v->data)[i];
    case WEIR_T_DECIMAL: {
        __int128 d;
        memcpy(&d, (const char *)v->data + 16 * (size_t)i, 16);
        /* exact enough: via text like Decimal.toDouble */
        char buf[64];
        int scale = v->type->scale, nd = 0;
        bool neg = d < 0;
        unsigned __int128 u =
            neg ? (unsigned __int128)0 - (unsigned __int128)d : (unsigned __int128)d;
        char rev[48];
        do {
            rev[nd++] = (char)('0' + (int)(u % 10));
            u /= 10;
        } while (u);
        int p = 0;
        if (neg) buf[p++] = '-';
        for (int k = nd - 1; k >= 0; k--)
            buf[p++] = rev[k];
        snprintf(buf + p, sizeof buf - (size_t)p, "e-%d", scale);
        return strtod(buf, NULL);
    }
    default: return 0;
    }
}

int64_t weir_fk_get_long(const weir_vec *v, int32_t i)
{
    switch (v->type->id) {
    case WEIR_T_BOOLEAN: return ((const uint8_t *)v->data)[i];
    case WEIR_T_TINYINT: return ((const int8_t *)v->data)[i];
    case WEIR_T_SMALLINT: return ((const int16_t *)v->data)[i];
    case WEIR_T_INT:
    case WEIR_T_DATE: return ((const int32_t *)v->data)[i];
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: return ((const int64_t *)v->data)[i];
    case WEIR_T_FLOAT: return weir_java_d2l(((const float *)v->data)[i]);
    case WEIR_T_DOUBLE: return weir_java_d2l(((const double *)v->data)[i]);
    case WEIR_T_DECIMAL: {
        __int128 d;
        memcpy(&d, (const char *)v->data + 16 * (size_t)i, 16);
        __int128 q = d / weir_dec_pow10(v->type->scale);
        return (int64_t)(uint64_t)(unsigned __int128)q;
    }
    default: return 0;
    }
}

/* ---- ordering ------------------------------------------------------------------------------ */

static int bytes_cmp(const char *a, int32_t na, const char *b, int32_t nb)
{
    int32_t m = na < nb ? na : nb;
    int c = m ? memcmp(a, b, (size_t)m) : 0;
    if (c) return c < 0 ? -1 : 1;
    return na < nb ? -1 : na > nb ? 1 : 0;
}

int weir_fk_row_cmp(const weir_vec *x, int32_t i, const weir_vec *y, int32_t j)
{
    weir_value a, b;
    weir_vec_get(x, i, &a);
    weir_vec_get(y, j, &b);
    return weir_fk_value_cmp(&a, &b);
}

static int nested_cmp(const weir_vec *x, int32_t i, const weir_vec *y, int32_t j)
{
    bool nx = weir_fk_null(x, i), ny = weir_fk_null(y, j);
    if (nx || ny) return nx && ny ? 0 : nx ? -1 : 1;
    return weir_fk_row_cmp(x, i, y, j);
}

int weir_fk_value_cmp(const weir_value *x, const weir_value *y)
{
    switch (x->type->id) {
    case WEIR_T_NULL: return 0;
    case WEIR_T_BOOLEAN:
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT:
    case WEIR_T_DATE:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: return x->u.i < y->u.i ? -1 : x->u.i > y->u.i ? 1 : 0;
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE: return weir_fk_dcmp(x->u.d, y->u.d);
    case WEIR_T_DECIMAL: return x->u.dec < y->u.dec ? -1 : x->u.dec > y->u.dec ? 1 : 0;
    case WEIR_T_STRING:
    case WEIR_T_BINARY: return bytes_cmp(x->u.s.p, x->u.s.len, y->u.s.p, y->u.s.len);
    case WEIR_T_STRUCT: {
        const weir_vec *vx = x->u.nested.vec, *vy = y->u.nested.vec;
        for (int f = 0; f < vx->nchild; f++) {
            int c = nested_cmp(vx->child[f], x->u.nested.row, vy->child[f], y->u.nested.row);
            if (c) return c;
        }
        return 0;
    }
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        const weir_vec *vx = x->u.nested.vec, *vy = y->u.nested.vec;
        int32_t xs = vx->offsets[x->u.nested.row], xe = vx->offsets[x->u.nested.row + 1];
        int32_t ys = vy->offsets[y->u.nested.row], ye = vy->offsets[y->u.nested.row + 1];
        for (int32_t k = 0; xs + k < xe && ys + k < ye; k++) {
            for (int c = 0; c < vx->nchild; c++) {
                int r = nested_cmp(vx->child[c], xs + k, vy->child[c], ys + k);
                if (r) return r;
            }
        }
        int32_t lx = xe - xs, ly = ye - ys;
        return lx < ly ? -1 : lx > ly ? 1 : 0;
    }
    default: return 0;
    }
}

/* ---- 256-bit unsigned magnitudes ---------------------------------------------------------- */

typedef struct {
    uint64_t w[4]; /* little-endian 64-bit words */
} u256;

static u256 u256_from(unsigned __int128 v)
{
    u256 r = {{(uint64_t)v, (uint64_t)(v >> 64), 0, 0}};
    return r;
}

static bool u256_is_zero(const u256 *a)
{
    return !(a->w[0] | a->w[1] | a->w[2] | a->w[3]);
}

static int u256_cmp(const u256 *a, const u256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

static u256 u256_add(u256 a, const u256 *b)
{
    unsigned __int128 carry = 0;
    for (int i = 0; i < 4; i++) {
        unsigned __int128 s = (unsigned __int128)a.w[i] + b->w[i] + carry;
        a.w[i] = (uint64_t)s;
        carry = s >> 64;
    }
    return a;
}

/* a - b, a >= b */
static u256 u256_sub(u256 a, const u256 *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t bi = b->w[i] + borrow;
        uint64_t nb = (bi < borrow) || (a.w[i] < bi);
        a.w[i] -= bi;
        borrow = nb;
    }
    return a;
}

/* a * m; *ovf set when the product exceeds 256 bits */
static u256 u256_mul_small(u256 a, uint64_t m, bool *ovf)
{
    unsigned __int128 carry = 0;
    for (int i = 0; i < 4; i++) {
        unsigned __int128 p = (unsigned __int128)a.w[i] * m + carry;
        a.w[i] = (uint64_t)p;
        carry = p >> 64;
    }
    if (carry) *ovf = true;
    return a;
}

static u256 u256_mul_pow10(u256 a, int k, bool *ovf)
{
    while (k > 0) {
        int s = k > 19 ? 19 : k;
        uint64_t m = 1;
        for (int i = 0; i < s; i++)
            m *= 10;
        a = u256_mul_small(a, m, ovf);
        k -= s;
    }
    return a;
}

/* a / d for a 64-bit d; remainder in *rem */
static u256 u256_div_small(u256 a, uint64_t d, uint64_t *rem)
{
    unsigned __int128 r = 0;
    for (int i = 3; i >= 0; i--) {
        unsigned __int128 cur = (r << 64) | a.w[i];
        a.w[i] = (uint64_t)(cur / d);
        r = cur % d;
    }
    if (rem) *rem = (uint64_t)r;
    return a;
}

static u256 u256_mul128(unsigned __int128 x, unsigned __int128 y)
{
    uint64_t a[2] = {(uint64_t)x, (uint64_t)(x >> 64)};
    uint64_t b[2] = {(uint64_t)y, (uint64_t)(y >> 64)};
    u256 r = {{0, 0, 0, 0}};
    for (int i = 0; i < 2; i++) {
        unsigned __int128 carry = 0;
        for (int j = 0; j < 2; j++) {
            unsigned __int128 p = (unsigned __int128)a[i] * b[j] + r.w[i + j] + carry;
            r.w[i + j] = (uint64_t)p;
            carry = p >> 64;
        }
        r.w[i + 2] += (uint64_t)carry;
    }
    return r;
}

static void u256_shl1(u256 *a)
{
    for (int i = 3; i > 0; i--)
        a->w[i] = (a->w[i] << 1) | (a->w[i - 1] >> 63);
    a->w[0] <<= 1;
}

/* Binary long division: q = n / d, r = n % d (d != 0). */
static void u256_divmod(const u256 *n, const u256 *d, u256 *q, u256 *r)
{
    u256 qq = {{0, 0, 0, 0}}, rr = {{0, 0, 0, 0}};
    for (int bit = 255; bit >= 0; bit--) {
        u256_shl1(&rr);
        rr.w[0] |= (n->w[bit / 64] >> (bit % 64)) & 1;
        if (u256_cmp(&rr, d) >= 0) {
            rr = u256_sub(rr, d);
            qq.w[bit / 64] |= (uint64_t)1 << (bit % 64);
        }
    }
    if (q) *q = qq;
    if (r) *r = rr;
}

__int128 weir_dec_pow10(int k)
{
    __int128 p = 1;
    for (int i = 0; i < k; i++)
        p *= 10;
    return p;
}

static unsigned __int128 mag(__int128 v)
{
    return v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
}

/* Divides a magnitude by 10^k with rounding (mode: 0 HALF_UP, 1 HALF_EVEN, 2 CEILING,
 * 3 FLOOR, applied to the signed value). */
static u256 u256_round_div_pow10(u256 a, int k, bool neg, int mode)
{
    if (k <= 0) return a;
    bool rest_nonzero = false;
    /* drop k-1 digits, remembering whether anything non-zero was dropped */
    int drop = k - 1;
    while (drop > 0) {
        int s = drop > 19 ? 19 : drop;
        uint64_t m = 1, rem;
        for (int i = 0; i < s; i++)
            m *= 10;
        a = u256_div_small(a, m, &rem);
        if (rem) rest_nonzero = true;
        drop -= s;
    }
    uint64_t last;
    a = u256_div_small(a, 10, &last);
    bool up;
    switch (mode) {
    case 1: /* HALF_EVEN */
        if (last > 5 || (last == 5 && rest_nonzero))
            up = true;
        else if (last == 5)
            up = (a.w[0] & 1) != 0;
        else
            up = false;
        break;
    case 2: up = !neg && (last || rest_nonzero); break; /* CEILING */
    case 3: up = neg && (last || rest_nonzero); break;  /* FLOOR */
    default: up = last >= 5; break;                     /* HALF_UP */
    }
    if (up) {
        u256 one = u256_from(1);
        a = u256_add(a, &one);
    }
    return a;
}

/* Fits |v| < 10^p and 128 bits? Writes the signed result. */
static bool u256_to_dec(const u256 *a, bool neg, int p, __int128 *out)
{
    if (a->w[2] || a->w[3]) return false;
    unsigned __int128 m = ((unsigned __int128)a->w[1] << 64) | a->w[0];
    if (m >= (unsigned __int128)weir_dec_pow10(p)) return false;
    *out = neg ? -(__int128)m : (__int128)m;
    return true;
}

bool weir_dec_rescale(__int128 a, int sa, int rp, int rs, int mode, __int128 *out)
{
    bool neg = a < 0, ovf = false;
    u256 m = u256_from(mag(a));
    if (rs >= sa)
        m = u256_mul_pow10(m, rs - sa, &ovf);
    else
        m = u256_round_div_pow10(m, sa - rs, neg, mode);
    if (ovf) return false;
    return u256_to_dec(&m, neg && !u256_is_zero(&m), rp, out);
}

bool weir_dec_add(__int128 a, int sa, __int128 b, int sb, bool sub, int rp, int rs, __int128 *out)
{
    int ms = sa > sb ? sa : sb;
    bool ovf = false;
    bool na = a < 0, nb = (b < 0) != sub;
    u256 ma = u256_mul_pow10(u256_from(mag(a)), ms - sa, &ovf);
    u256 mb = u256_mul_pow10(u256_from(mag(b)), ms - sb, &ovf);
    if (ovf) return false;
    u256 r;
    bool neg;
    if (na == nb) {
        r = u256_add(ma, &mb);
        neg = na;
    } else if (u256_cmp(&ma, &mb) >= 0) {
        r = u256_sub(ma, &mb);
        neg = na;
    } else {
        r = u256_sub(mb, &ma);
        neg = nb;
    }
    if (rs < ms)
        r = u256_round_div_pow10(r, ms - rs, neg, 0);
    else if (rs > ms)
        r = u256_mul_pow10(r, rs - ms, &ovf);
    if (ovf) return false;
    return u256_to_dec(&r, neg && !u256_is_zero(&r), rp, out);
}

bool weir_dec_mul(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out)
{
    bool neg = (a < 0) != (b < 0), ovf = false;
    u256 r = u256_mul128(mag(a), mag(b));
    int s = sa + sb;
    if (rs < s)
        r = u256_round_div_pow10(r, s - rs, neg, 0);
    else if (rs > s)
        r = u256_mul_pow10(r, rs - s, &ovf);
    if (ovf) return false;
    return u256_to_dec(&r, neg && !u256_is_zero(&r), rp, out);
}

bool weir_dec_div(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out)
{
    if (b == 0) return false;
    bool neg = (a < 0) != (b < 0), ovf = false;
    /* result = a * 10^(rs + sb - sa) / b, computed digit by digit so nothing overflows */
    int k = rs + sb - sa;
    u256 num = u256_from(mag(a)), den = u256_from(mag(b));
    if (k < 0) den = u256_mul_pow10(den, -k, &ovf);
    if (ovf) return false;
    u256 q, r;
    u256_divmod(&num, &den, &q, &r);
    u256 limit = u256_from((unsigned __int128)weir_dec_pow10(38));
    limit = u256_mul_small(limit, 10, &ovf);
    for (int i = 0; i < (k > 0 ? k : 0); i++) {
        if (u256_cmp(&q, &limit) > 0) return false; /* already too many digits */
        q = u256_mul_small(q, 10, &ovf);
        r = u256_mul_small(r, 10, &ovf);
        uint64_t digit = 0;
        while (u256_cmp(&r, &den) >= 0) {
            r = u256_sub(r, &den);
            digit++;
        }
        u256 d = u256_from(digit);
        q = u256_add(q, &d);
    }
    /* HALF_UP: compare 2r with den */
    u256 r2 = u256_add(r, &r);
    if (u256_cmp(&r2, &den) >= 0) {
        u256 one = u256_from(1);
        q = u256_add(q, &one);
    }
    if (ovf) return false;
    return u256_to_dec(&q, neg && !u256_is_zero(&q), rp, out);
}

bool weir_dec_rem(__int128 a, int sa, __int128 b, int sb, bool pmod, int rp, int rs, __int128 *out)
{
    if (b == 0) return false;
    int ms = sa > sb ? sa : sb;
    bool ovf = false;
    u256 ma = u256_mul_pow10(u256_from(mag(a)), ms - sa, &ovf);
    u256 mb = u256_mul_pow10(u256_from(mag(b)), ms - sb, &ovf);
    if (ovf) return false;
    u256 r;
    u256_divmod(&ma, &mb, NULL, &r);
    bool neg = a < 0 && !u256_is_zero(&r);
    if (pmod && neg) {
        /* (r + n) % n with r < 0: |n| - |r| when n > 0; for n < 0 Java gives r + n stays < 0 */
        if (b > 0) {
            r = u256_sub(mb, &r);
            neg = false;
        } else {
            /* r + n = -(|r| + |n|); then % n -> -(|r|+|n|) rem |n| = -|r| */
        }
    }
    if (rs < ms) r = u256_round_div_pow10(r, ms - rs, neg, 0);
    return u256_to_dec(&r, neg && !u256_is_zero(&r), rp, out);
}

bool weir_dec_quot_long(__int128 a, int sa, __int128 b, int sb, int64_t *out)
{
    if (b == 0) return false;
    int ms = sa > sb ? sa : sb;
    bool ovf = false, neg = (a < 0) != (b < 0);
    u256 ma = u256_mul_pow10(u256_from(mag(a)), ms - sa, &ovf);
    u256 mb = u256_mul_pow10(u256_from(mag(b)), ms - sb, &ovf);
    u256 q;
    u256_divmod(&ma, &mb, &q, NULL);
    uint64_t lo = q.w[0];
    *out = (int64_t)(neg ? 0 - lo : lo);
    return true;
}

/* ---- rounding doubles as BigDecimal does ----------------------------------------------------- */

double weir_round_double(double d, int scale, int mode)
{
    if (d != d || isinf(d)) return d;
    /* shortest decimal text that reads back as d (what Double.toString gives) */
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
        if (strtod(buf, NULL) == d) break;
    }
    /* buf = [-]D.DDDDe[+-]XX */
    bool neg = buf[0] == '-';
    const char *p = buf + (neg ? 1 : 0);
    char digits[32];
    int nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digits[nd++] = *p;
    int exp10 = atoi(p + 1);
    /* value = 0.digits * 10^(exp10 + 1); keep digits up to position `scale` after the point */
    int point = exp10 + 1;    /* digits before the decimal point */
    int keep = point + scale; /* number of leading digits kept */
    if (keep >= nd) return d; /* nothing to round away */
    char out[400];
    if (keep < 0) return 0.0; /* BigDecimal has no negative zero */
    /* rounding decision on digits[keep..] */
    int first = digits[keep] - '0';
    bool rest = false;
    for (int i = keep + 1; i < nd; i++)
        rest |= digits[i] != '0';
    int last_kept = keep > 0 ? digits[keep - 1] - '0' : 0;
    bool up;
    switch (mode) {
    case 1: up = first > 5 || (first == 5 && (rest || (last_kept & 1))); break;
    case 2: up = !neg && (first || rest); break;
    case 3: up = neg && (first || rest); break;
    default: up = first >= 5; break;
    }
    /* build integer of kept digits, add one if rounding up */
    char kept[40];
    int nk = keep;
    memcpy(kept + 1, digits, (size_t)nk);
    kept[0] = '0';
    nk++;
    if (up) {
        int i = nk - 1;
        while (i >= 0) {
            if (kept[i] == '9') {
                kept[i] = '0';
                i--;
            } else {
                kept[i]++;
                break;
            }
        }
    }
    kept[nk] = 0;
    /* value = kept * 10^(point - keep + 1 - 1) ... kept has one extra leading digit */
    snprintf(out, sizeof out, "%s%se%d", neg ? "-" : "", kept, point - keep);
    double r = strtod(out, NULL);
    return r == 0 ? 0.0 : r;
}
