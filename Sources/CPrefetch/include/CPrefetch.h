#ifndef SYNCSIM_CPREFETCH_H
#define SYNCSIM_CPREFETCH_H

/// Asks the processor to bring the cache line at `address` in before it is read (a hint: it
/// never faults, and changes nothing a program can observe but its speed). Swift has no
/// prefetch of its own.
static inline void syncsim_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
