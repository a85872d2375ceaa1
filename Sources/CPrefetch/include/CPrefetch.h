#ifndef SYNCSIM_CPREFETCH_H
#define SYNCSIM_CPREFETCH_H

/// Asks the processor to bring the cache line at `address` in before it is read (a hint: it
/// never faults, and changes nothing a program can observe but its speed). Swift has no
/// prefetch of its own.
static inline void syncsim_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Tells the processor that this thread spins waiting for another (x86's `pause`, ARM's
/// `yield`): the wait costs less power and leaves more of a shared core to the other thread.
static inline void syncsim_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
