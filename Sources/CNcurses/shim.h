// The wide-character ncurses API, which SwiftPM's dropped -D flags would otherwise hide.
#ifndef BP_NCURSES_SHIM_H
#define BP_NCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// Swift 6 rejects the C globals as not concurrency-safe; these wrap them.
static inline WINDOW *bp_stdscr(void) { return stdscr; }
static inline int bp_lines(void) { return LINES; }
static inline int bp_cols(void) { return COLS; }
static inline FILE *bp_stdin(void) { return stdin; }
static inline FILE *bp_stdout(void) { return stdout; }
static inline int bp_colors(void) { return COLORS; }
static inline int bp_color_pairs(void) { return COLOR_PAIRS; }
static inline int bp_is_utf8(void) { const char *c = nl_langinfo(CODESET); return c && c[0]=='U' && c[1]=='T' && c[2]=='F'; }
static inline int bp_color_pair(int n) { return COLOR_PAIR(n); }
static inline attr_t bp_a_bold(void) { return A_BOLD; }
static inline attr_t bp_a_dim(void) { return A_DIM; }
static inline attr_t bp_a_reverse(void) { return A_REVERSE; }
static inline attr_t bp_a_underline(void) { return A_UNDERLINE; }
static inline int bp_cursor_addressable(void) { return cursor_address != NULL; }
#endif
