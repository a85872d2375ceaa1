// The module is its header: syncsim_prefetch is inlined where it is called.
#include "CPrefetch.h"
