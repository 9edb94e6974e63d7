#!/usr/bin/env bash
# Behaviour of the weir command-line program that scripts and CI depend on: exit statuses
# (0 ok, 1 SQL or I/O error, 2 usage), results on stdout in Dataset.show() form, errors on
# stderr as "error: <message> (line L, pos P)" with the position inside the script, and
# the shell reading piped stdin without prompts.
# Usage: bash tests/cli/run.sh /path/to/weir   (ctest runs it from the repository root)
set -u

WEIR=${1:?usage: run.sh /path/to/weir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
rc=0

# run CMD...         runs CMD with stdin from /dev/null
# run_in TEXT CMD... runs CMD with TEXT (printf %b escapes) on stdin
# Both leave the exit status in $rc, stdout in $tmp/out and stderr in $tmp/err.
run() {
    "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
run_in() {
    local input=$1
    shift
    printf '%b' "$input" | "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# check NAME EXPR: EXPR (a shell condition over $rc and the files) must hold.
check() {
    if eval "$2"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $1"
        echo "  condition: $2"
        echo "  exit status: $rc"
        echo "  stdout:"
        sed 's/^/    | /' "$tmp/out"
        echo "  stderr:"
        sed 's/^/    | /' "$tmp/err"
    fi
}

out_has() { grep -qF -- "$1" "$tmp/out"; }
err_has() { grep -qF -- "$1" "$tmp/err"; }
out_is() { printf '%b' "$1" | cmp -s - "$tmp/out"; }
count_in_out() { grep -cF -- "$1" "$tmp/out"; }

# Dataset.show() output of SELECT n: showString ends with a newline and show() is println.
table() { printf '+---+\\n|  %s|\\n+---+\\n|  %s|\\n+---+\\n\\n' "$1" "$1"; }

# ---- version, help, usage errors -----------------------------------------------------
run "$WEIR" --version
check "--version exits 0" '[ $rc -eq 0 ]'
check "--version prints 'weir <version>'" 'grep -qE "^weir [0-9]" "$tmp/out"'

run "$WEIR" --help
check "--help exits 0" '[ $rc -eq 0 ]'
check "--help prints usage on stdout" 'out_has "usage: weir run"'

run "$WEIR"
check "no arguments is a usage error" '[ $rc -eq 2 ] && [ -s "$tmp/err" ]'
run "$WEIR" frobnicate
check "unknown command is a usage error" '[ $rc -eq 2 ] && err_has "frobnicate"'
run "$WEIR" run
check "run without a script is a usage error" '[ $rc -eq 2 ]'
run "$WEIR" run --bogus x.sql
check "unknown option is a usage error" '[ $rc -eq 2 ] && err_has "--bogus"'
run "$WEIR" run -e
check "-e without SQL is a usage error" '[ $rc -eq 2 ]'
run "$WEIR" run --conf novalue -e 'SELECT 1'
check "--conf without '=' is a usage error" '[ $rc -eq 2 ] && [ ! -s "$tmp/out" ]'
run "$WEIR" sql extra
check "sql takes no script" '[ $rc -eq 2 ]'

# ---- weir run -e ------------------------------------------------------------------------
run "$WEIR" run -e 'SELECT 1'
check "-e prints the result as show()" '[ $rc -eq 0 ] && out_is "$(table 1)" && [ ! -s "$tmp/err" ]'

run "$WEIR" run -e 'SELECT 1; SELECT 2;' -e 'SELECT 3'
check "-e runs every statement, in order" \
    '[ $rc -eq 0 ] && out_is "$(table 1)$(table 2)$(table 3)"'

run "$WEIR" run -e '  -- nothing but a comment'
check "a script without statements prints nothing" '[ $rc -eq 0 ] && [ ! -s "$tmp/out" ]'

run "$WEIR" run -e 'SELECT nope'
check "analysis error exits 1 with 'error: ' on stderr" \
    '[ $rc -eq 1 ] && grep -q "^error: .*UNRESOLVED_COLUMN.*nope" "$tmp/err" && [ ! -s "$tmp/out" ]'

# ---- weir run FILE ----------------------------------------------------------------------
printf 'SELECT 1;\nSELECT 2;\nSELEC 3;\nSELECT 4;\n' >"$tmp/bad3.sql"
run "$WEIR" run "$tmp/bad3.sql"
check "syntax error exits 1" '[ $rc -eq 1 ]'
check "syntax error: 'error: ' prefix, message, position of line 3" \
    'grep -q "^error: \[PARSE_SYNTAX_ERROR\] Syntax error at or near .SELEC.*(line 3, pos 0)$" "$tmp/err"'
check "syntax error: one line on stderr" '[ "$(wc -l <"$tmp/err")" -eq 1 ]'
check "statements before the error ran, none after" 'out_is "$(table 1)$(table 2)"'

printf 'SELECT 1;\n\nSELECT 2; SELEC 3;\n' >"$tmp/mid.sql"
run "$WEIR" run "$tmp/mid.sql"
check "position of a statement that starts mid-line" \
    '[ $rc -eq 1 ] && err_has "(line 3, pos 10)" && out_is "$(table 1)$(table 2)"'

printf -- '-- a comment line\n\n  SELECT\n    2\n  ;\n' >"$tmp/ok.sql"
run "$WEIR" run "$tmp/ok.sql"
check "multi-line statement in a file" '[ $rc -eq 0 ] && out_is "$(table 2)"'

run "$WEIR" run "$tmp/does-not-exist.sql"
check "missing file exits 1 with 'error: '" \
    '[ $rc -eq 1 ] && grep -q "^error: .*does-not-exist.sql" "$tmp/err"'

# ---- weir run - (stdin) ------------------------------------------------------------------
run_in 'SELECT 1;\nSELECT\n  2;\n' "$WEIR" run -
check "run - reads the script from stdin" '[ $rc -eq 0 ] && out_is "$(table 1)$(table 2)"'

run_in '\nSELECT 1;\nSELECT * FROM;\n' "$WEIR" run -
check "run -: error position counts stdin lines" '[ $rc -eq 1 ] && err_has "(line 3, pos "'

# ---- --conf ------------------------------------------------------------------------------
run "$WEIR" run --conf spark.sql.session.timeZone=UTC -e 'SET spark.sql.session.timeZone'
check "--conf sets a session setting before the script" '[ $rc -eq 0 ] && out_has "|  UTC|"'

# ---- weir sql with piped stdin -----------------------------------------------------------
run_in 'SELECT 1;\nSELECT\n  2;\n' "$WEIR" sql
check "sql with piped stdin: results, no prompts" \
    '[ $rc -eq 0 ] && out_is "$(table 1)$(table 2)" && ! grep -q "weir>" "$tmp/out" "$tmp/err"'

run_in 'SELECT 1; SELECT\n2;' "$WEIR" sql
check "sql: statements split across and within lines; a last one without ';' runs" \
    '[ $rc -eq 0 ] && out_is "$(table 1)$(table 2)"'

run_in 'SELECT 1;\nSELEC 2;\nSELECT 3;\n' "$WEIR" sql
check "sql: an error is reported and the shell goes on; exit status 1" \
    '[ $rc -eq 1 ] && grep -q "^error: .*(line 2, pos 0)$" "$tmp/err" && out_is "$(table 1)$(table 3)"'

run_in 'SELECT 1;\n\\q\nSELECT 2;\n' "$WEIR" sql
check "sql: \\q quits" '[ $rc -eq 0 ] && out_is "$(table 1)"'

run_in '\\nosuchcommand\n' "$WEIR" sql
check "sql: unknown meta-command is an error" '[ $rc -eq 1 ] && err_has "error: "'

run_in '\\watch 1\n' "$WEIR" sql
check "sql: \\watch without a query is an error" '[ $rc -eq 1 ] && err_has "empty query"'

# \watch runs until SIGINT, then the shell goes on (here: end of input, exit 0).
printf 'SELECT 1;\n\\watch 0.2\n' |
    timeout --preserve-status -s INT 2 "$WEIR" sql >"$tmp/out" 2>"$tmp/err"
rc=$?
check "sql: \\watch repeats the query until Ctrl-C, then returns" \
    '[ $rc -eq 0 ] && [ "$(count_in_out "(every 0.2s)")" -ge 2 ] && [ "$(count_in_out "|  1|")" -ge 4 ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
