#ifndef BACKPROP_CZLIB_SHIM_H
#define BACKPROP_CZLIB_SHIM_H
#include <zlib.h>
/* inflateInit2 is a macro; Swift cannot call macros. */
static inline int bp_inflate_init_gzip(z_stream *s) { return inflateInit2(s, 15 + 32); }
#endif
