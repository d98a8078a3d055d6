#ifndef BACKPROP_CZLIB_SHIM_H
#define BACKPROP_CZLIB_SHIM_H
#include <zlib.h>
/* inflateInit2 is a macro; Swift cannot call macros. */
static inline int bp_inflate_init_gzip(z_stream *s) { return inflateInit2(s, 15 + 32); }
static inline int bp_deflate_init_gzip(z_stream *s) { return deflateInit2(s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY); }
#endif
