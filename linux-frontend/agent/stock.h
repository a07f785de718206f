/* SPDX-License-Identifier: MIT */
/*
 * ballast-agent: the stock in-kernel balloon's sysfs interface
 * (/sys/devices/system/xen_memory/xen_memory0 by default; the directory
 * is a parameter so tests can point it at fake files).
 */
#ifndef STOCK_H
#define STOCK_H

#include <stdint.h>

#define STOCK_SYSFS_DIR	"/sys/devices/system/xen_memory/xen_memory0"

/* The stock balloon's target_kb. Returns 0 or -errno (-EINVAL: garbage). */
int stock_read_target_kib(const char *dir, uint64_t *kib);
/* info/current_kb: what the guest has now, as the stock balloon counts. */
int stock_read_current_kib(const char *dir, uint64_t *kib);
/* Writes target_kb. Returns 0 or -errno. */
int stock_write_target_kib(const char *dir, uint64_t kib);

#endif /* STOCK_H */
