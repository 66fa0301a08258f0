#ifndef CALLHOOK_CSQLITE_SHIM_H
#define CALLHOOK_CSQLITE_SHIM_H

#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call: this one setting.
   It must run before SQLite initializes (before the first connection
   opens); later it returns SQLITE_MISUSE and changes nothing. */
static inline int callhook_sqlite_memstatus(int on) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on); }

#endif
