/* SPDX-License-Identifier: MIT */
/* Human-friendly values shared by ballastd.conf and ballastctl (size.c). */
#ifndef BALLAST_SIZE_H
#define BALLAST_SIZE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A size: digits with an optional K, M, G or T suffix (KiB when none).
 * Returns 0 and sets *kib, or -1 (empty, junk, overflow).
 */
int ballast_parse_size(const char *s, uint64_t *kib);

/* yes/no, true/false, on/off, 1/0. Returns 0 or -1. */
int bd_parse_bool(const char *s, bool *out);

#endif /* BALLAST_SIZE_H */
