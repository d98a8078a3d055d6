#ifndef BACKPROP_CSUPPORT_H
#define BACKPROP_CSUPPORT_H
#include <stddef.h>
#include <stdint.h>
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
/// SHA-256's 64 round constants.
const uint32_t *bp_sha256_constants(void);
/// Whether this CPU has the SHA extensions (and SSSE3, SSE4.1) that bp_sha256_blocks needs.
int bp_sha256_hardware(void);
/// SHA-256's compression of `blocks` 64-byte blocks at p into state (FIPS 180-4 order: a…h),
/// with the SHA extensions; only when bp_sha256_hardware() says so.
void bp_sha256_blocks(uint32_t state[8], const uint8_t *p, size_t blocks);
#endif
