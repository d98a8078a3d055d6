#ifndef BACKPROP_CSUPPORT_H
#define BACKPROP_CSUPPORT_H
#include <pthread.h>
/// Writes the CPUs this process may run on into out (at most max); returns how many.
int bp_allowed_cpus(int *out, int max);
/// Binds a thread to one CPU; returns 0 on success.
int bp_bind_thread(pthread_t thread, int cpu);
/// A spin-wait hint (x86 PAUSE): lets a sibling hardware thread run while we wait.
static inline void bp_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}
#endif
