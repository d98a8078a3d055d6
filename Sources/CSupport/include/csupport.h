#ifndef BACKPROP_CSUPPORT_H
#define BACKPROP_CSUPPORT_H
/// A spin-wait step. Deliberately not x86 PAUSE: under KVM, a vCPU that executes PAUSE in a
/// loop may be taken for a spinning lock waiter and descheduled (pause-loop exiting, AMD's pause
/// filter). Measured here: fast two-thread epochs 12 of 16 without PAUSE, 6 of 16 with it.
/// A compiler barrier only.
static inline void bp_cpu_relax(void) {
    __asm__ __volatile__("" ::: "memory");
}
/// Asks for the cache line holding p to be fetched, without waiting for it.
static inline void bp_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}
#endif
