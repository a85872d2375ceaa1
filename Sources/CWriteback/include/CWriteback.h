#ifndef SYNCSIM_CWRITEBACK_H
#define SYNCSIM_CWRITEBACK_H

/// Asks the kernel to start writing the file's changed pages to the disk, without waiting for
/// them (Linux's `sync_file_range` with `SYNC_FILE_RANGE_WRITE`, which C declares only under
/// `_GNU_SOURCE`, so Swift cannot see it). Nothing is made durable by it. Returns 0, or -1 with
/// `errno` set; elsewhere than Linux, does nothing and returns 0.
int syncsim_start_writeback(int fd);

#endif
