#ifndef BACKPROP_CSUPPORT_H
#define BACKPROP_CSUPPORT_H
/// A spin-wait hint (x86 PAUSE): lets a sibling hardware thread run while we wait.
static inline void bp_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}
#endif
