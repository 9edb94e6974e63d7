/* Statement splitting: finds the ';' that ends the first statement of a script, skipping
 * quoted strings, back-quoted identifiers and comments (nested block comments as Spark). */
#include <string.h>

#include "api/api.h"

size_t weir_sql_first_statement(const char *sql)
{
    size_t i = 0, n = strlen(sql);
    while (i < n) {
        char c = sql[i];
        if (c == ';') return i;
        if (c == '\'' || c == '"' || c == '`') {
            char q = c;
            i++;
            while (i < n && sql[i] != q) {
                if (sql[i] == '\\' && q != '`' && i + 1 < n) i++;
                i++;
            }
            i++;
            continue;
        }
        if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            while (i < n && sql[i] != '\n')
                i++;
            continue;
        }
        if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            int depth = 1;
            i += 2;
            while (i < n && depth) {
                if (sql[i] == '/' && i + 1 < n && sql[i + 1] == '*') {
                    depth++;
                    i += 2;
                } else if (sql[i] == '*' && i + 1 < n && sql[i + 1] == '/') {
                    depth--;
                    i += 2;
                } else
                    i++;
            }
            continue;
        }
        i++;
    }
    return n;
}
