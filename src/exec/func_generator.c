/*
 * Generator functions (explode, posexplode, inline and their _outer forms). They are
 * planned as a Generate operator (op_generate.c); here they only bind: the result type
 * of the call is the STRUCT of the columns the generator adds, with Spark's default
 * names (col / key, value / pos).
 */
#include <string.h>

#include "plan/expr.h"

static int gen_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *t = e->args[0]->type;
    bool pos = strncmp(e->fn->name, "posexplode", 10) == 0;
    bool inl = strncmp(e->fn->name, "inline", 6) == 0;
    char tb[256];
    if (inl) {
        if (t->id != WEIR_T_ARRAY || t->elem->id != WEIR_T_STRUCT)
            return weir_err(err, WEIR_EANALYSIS,
                            "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due "
                            "to data type mismatch: The first parameter requires the "
                            "\"ARRAY<STRUCT>\" type, however \"%s\" has the type \"%s\".",
                            weir_expr_pretty(bc->arena, e), weir_expr_pretty(bc->arena, e->args[0]),
                            weir_type_sql(t, tb, sizeof tb));
        e->type = t->elem;
        return WEIR_OK;
    }
    if (t->id != WEIR_T_ARRAY && t->id != WEIR_T_MAP)
        return weir_err(err, WEIR_EANALYSIS,
                        "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to "
                        "data type mismatch: The first parameter requires the (\"ARRAY\" or "
                        "\"MAP\") type, however \"%s\" has the type \"%s\".",
                        weir_expr_pretty(bc->arena, e), weir_expr_pretty(bc->arena, e->args[0]),
                        weir_type_sql(t, tb, sizeof tb));
    weir_field f[3];
    int n = 0;
    if (pos) f[n++] = (weir_field){"pos", WEIR_TYPE_INT, false};
    if (t->id == WEIR_T_ARRAY)
        f[n++] = (weir_field){"col", t->elem, true};
    else {
        f[n++] = (weir_field){"key", t->elem, false};
        f[n++] = (weir_field){"value", t->value, true};
    }
    e->type = weir_type_struct(bc->arena, f, n);
    return e->type ? WEIR_OK : weir_err_nomem(err);
}

#define GEN(nm)                                                                                    \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_GENERATOR, .min_args = 1, .max_args = 1, .bind = gen_bind      \
    }

const weir_func weir_funcs_generator[] = {
    GEN("explode"),
    GEN("explode_outer"),
    GEN("posexplode"),
    GEN("posexplode_outer"),
    GEN("inline"),
    GEN("inline_outer"),
    {0},
};
