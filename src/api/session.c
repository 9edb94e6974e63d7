/* placeholder */
#include <stdlib.h>
#include "weir.h"
int weir_open(weir_db **out_db) { *out_db = NULL; return WEIR_OK; }
void weir_close(weir_db *db) { (void)db; }
