// jemalloc's API (Debian: libjemalloc-dev). callhook only links it as the
// process's allocator; the package is named here so that a build without
// it says which package to install.
#include <jemalloc/jemalloc.h>
