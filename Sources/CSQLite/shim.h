#ifndef CALLHOOK_CSQLITE_SHIM_H
#define CALLHOOK_CSQLITE_SHIM_H

#include <sqlite3.h>

#endif
