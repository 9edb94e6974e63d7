/* Functions: math. (Table filled in by the module's implementation.) */
#include "plan/expr.h"

const weir_func weir_funcs_math[] = {
    {0},
};
