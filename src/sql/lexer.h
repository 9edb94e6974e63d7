/*
 * SQL lexer (internal to src/sql). Turns a whole script into an array of tokens up front so
 * the hand-written parser can look ahead as far as Spark's ANTLR grammar needs (keywords
 * that double as identifiers, typed literals, STREAM / WATERMARK clauses).
 *
 * Keywords are not separate token kinds: every unquoted word is WEIR_TK_IDENT and the
 * parser compares its text case-insensitively, because in Spark's default (non-ANSI) mode
 * almost every keyword is also a valid identifier.
 */
#ifndef WEIR_SQL_LEXER_H
#define WEIR_SQL_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"

typedef enum weir_tok_kind {
    WEIR_TK_EOF = 0,
    WEIR_TK_IDENT,      /* unquoted word (also every keyword); val = text as written */
    WEIR_TK_QIDENT,     /* `back quoted`; val = name with `` folded to ` */
    WEIR_TK_STRING,     /* '...', "...", r'...'; val = unescaped bytes (vlen) */
    WEIR_TK_INTEGER,    /* 123 */
    WEIR_TK_BIGINT,     /* 123L */
    WEIR_TK_SMALLINT,   /* 123S */
    WEIR_TK_TINYINT,    /* 123Y */
    WEIR_TK_DECIMAL,    /* 1.5 */
    WEIR_TK_EXPONENT,   /* 1e10, 1.5E-3 (a DOUBLE) */
    WEIR_TK_DOUBLE,     /* 1.5D */
    WEIR_TK_FLOAT,      /* 1.5F */
    WEIR_TK_BIGDECIMAL, /* 1.5BD */
    WEIR_TK_LPAREN,
    WEIR_TK_RPAREN,
    WEIR_TK_COMMA,
    WEIR_TK_DOT,
    WEIR_TK_LBRACKET,
    WEIR_TK_RBRACKET,
    WEIR_TK_SEMI,
    WEIR_TK_EQ,   /* = or == */
    WEIR_TK_NSEQ, /* <=> */
    WEIR_TK_NEQ,  /* <> or != */
    WEIR_TK_LT,
    WEIR_TK_LE, /* <= or !> */
    WEIR_TK_GT,
    WEIR_TK_GE, /* >= or !< */
    WEIR_TK_PLUS,
    WEIR_TK_MINUS,
    WEIR_TK_STAR,
    WEIR_TK_SLASH,
    WEIR_TK_PERCENT,
    WEIR_TK_TILDE,
    WEIR_TK_AMP,
    WEIR_TK_PIPE,
    WEIR_TK_CONCAT, /* || */
    WEIR_TK_HAT,
    WEIR_TK_COLON,
    WEIR_TK_DCOLON,   /* :: */
    WEIR_TK_ARROW,    /* -> */
    WEIR_TK_FATARROW, /* => */
    WEIR_TK_BANG,     /* ! (NOT) */
    WEIR_TK_QUESTION,
    WEIR_TK_UNKNOWN, /* a character Spark's lexer does not recognize (also an unclosed quote) */
} weir_tok_kind;

typedef struct weir_token {
    weir_tok_kind kind;
    int start, end;  /* byte offsets in the source [start, end) */
    int line, pos;   /* 1-based line, 0-based column in UTF-16 units (Spark's charPositionInLine) */
    const char *val; /* see weir_tok_kind; numbers: the digits without the type suffix */
    int vlen;
} weir_token;

/* Tokenizes src[0..n). The array ends with one WEIR_TK_EOF token placed after the last
 * character. Comments and white space are skipped. Returns WEIR_EPARSE for an unclosed
 * bracketed comment (Spark's UNCLOSED_BRACKETED_COMMENT), WEIR_ENOMEM. */
int weir_sql_lex(weir_arena *a, const char *src, size_t n, weir_token **out, int *ntok,
                 weir_error *err);

/* Byte length of the UTF-8 sequence starting with byte c (1 for invalid lead bytes). */
int weir_sql_utf8_len(unsigned char c);

#endif
