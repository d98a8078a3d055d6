/* The PAUSE hint lives inline in the header; SwiftPM needs one source file per C target. */
#include "csupport.h"
