/* Functions: json. (Table filled in by the module's implementation.) */
#include "plan/expr.h"

const weir_func weir_funcs_json[] = {
    {0},
};
