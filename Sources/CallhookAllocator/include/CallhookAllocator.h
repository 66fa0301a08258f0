#ifndef CALLHOOK_ALLOCATOR_H
#define CALLHOOK_ALLOCATOR_H

// Nothing to call: the target defines jemalloc's `malloc_conf` for the
// executables that link it (Package.swift).

#endif
