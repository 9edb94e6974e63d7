/* weir command-line interface (placeholder until the CLI lands). */
#include <stdio.h>

#include "weir.h"

int main(void)
{
    weir_db *db = NULL;
    if (weir_open(&db) != WEIR_OK) return 1;
    weir_close(db);
    return 0;
}
