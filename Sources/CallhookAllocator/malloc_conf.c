#include "CallhookAllocator.h"

#if defined(__linux__)
// jemalloc's options, read before its first allocation; `MALLOC_CONF` in
// the environment is read after this and overrides it. At most four
// arenas: jemalloc's default is four per CPU it sees, which in a container
// on a large node is the node's, not the container's (docs/architecture.md,
// "The allocator").
__attribute__((visibility("default"), used)) const char *malloc_conf = "narenas:4";
#endif
