#ifndef LLAMA_SWIFT_PREFETCH_H
#define LLAMA_SWIFT_PREFETCH_H

static inline void llama_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
