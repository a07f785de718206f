/* SPDX-License-Identifier: MIT */
/*
 * Human-friendly values shared by ballastd.conf, ballastctl and
 * ballast-agent (size.c), so one size means the same everywhere.
 */
#ifndef BALLAST_SIZE_H
#define BALLAST_SIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What every "not a size" message says about the syntax. */
#define BALLAST_SIZE_SYNTAX	"a number of MiB, or with a K, M, G or T suffix"

/*
 * A size as xl writes it: digits, then an optional K, M, G or T suffix
 * (either case), which may be followed by B or iB ("512M", "2g", "1024k",
 * "4GiB"). Bare digits are MiB, as in `xl mem-set web 2048`. Returns 0 and
 * sets *kib, or -1 (empty, junk, overflow); *kib is then untouched.
 */
int ballast_parse_size(const char *s, uint64_t *kib);

/*
 * ballast_parse_size() and a range check in one: returns 0 and sets *kib,
 * or -1 with "WHAT: not a size from MIN to MAX (syntax): S" in @err.
 */
int ballast_size_arg(const char *what, const char *s, uint64_t min_kib,
		     uint64_t max_kib, uint64_t *kib, char *err, size_t err_len);

/* @kib in the largest unit that holds it exactly: "16T", "512M", "3K", "0". */
void ballast_size_str(uint64_t kib, char *buf, size_t size);

/* yes/no, true/false, on/off, 1/0. Returns 0 or -1. */
int bd_parse_bool(const char *s, bool *out);

#endif /* BALLAST_SIZE_H */
