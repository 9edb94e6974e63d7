/*
 * The function registry: the union of the per-family tables. Lookup is by lower-case
 * name at bind time only (never during execution), so a linear scan is fine.
 */
#include <strings.h>

#include "plan/expr.h"

extern const weir_func weir_funcs_ops[];         /* func_ops.c: operators (+ - = < ...) */
extern const weir_func weir_funcs_math[];        /* func_math.c */
extern const weir_func weir_funcs_conditional[]; /* func_cond.c */
extern const weir_func weir_funcs_string[];      /* func_string.c */
extern const weir_func weir_funcs_collection[];  /* func_collection.c */
extern const weir_func weir_funcs_datetime[];    /* func_datetime.c */
extern const weir_func weir_funcs_json[];        /* func_json.c */
extern const weir_func weir_funcs_agg[];         /* func_agg.c */
extern const weir_func weir_funcs_generator[];   /* func_generator.c */

static const weir_func *const tables[] = {
    weir_funcs_ops,    weir_funcs_math,       weir_funcs_conditional,
    weir_funcs_string, weir_funcs_collection, weir_funcs_datetime,
    weir_funcs_json,   weir_funcs_agg,        weir_funcs_generator,
};

const weir_func *weir_func_lookup(const char *name)
{
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (const weir_func *f = tables[t]; f->name; f++)
            if (strcasecmp(f->name, name) == 0) return f;
    return NULL;
}
