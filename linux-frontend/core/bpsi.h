/* SPDX-License-Identifier: MIT */
/*
 * Memory pressure (PSI) as the kernel prints it in /proc/pressure/memory:
 *
 *   some avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *
 * Only avg10 goes into the report. Portable like bcore.c: ballast.ko and
 * ballast-agent each read the file their own way and parse it here.
 * Strict: a "some" or "full" line whose avg10 is not D.DD (exactly two
 * decimals, at most 100.00) is refused, never guessed.
 */
#ifndef BPSI_H
#define BPSI_H

#include "bcore_compat.h"
#include "breport.h"

/*
 * Room for the whole file: two lines of at most 72 bytes ("total=" is a
 * u64). A reader whose buffer fills up refuses the file rather than parse
 * part of it.
 */
#define BPSI_TEXT_MAX	256

struct bpsi {
	uint64_t some_avg10_centipct;	/* hundredths of a percent */
	uint64_t full_avg10_centipct;
	bool has_full;		/* the kernel's cpu file had none before 5.13 */
};

/*
 * Parses @len bytes of @text (no NUL needed). Needs a "some" line; a
 * "full" line is optional; other lines are ignored. False if "some" is
 * missing or either line is malformed; *@out is then unspecified.
 */
bool bpsi_parse(const char *text, size_t len, struct bpsi *out);

/*
 * Strict unsigned decimal of exactly @len bytes (digits only, leading zeros
 * allowed as in "0.05", no overflow). Also the agent's /proc parser.
 */
bool bpsi_parse_dec(const char *s, size_t len, uint64_t *out);

/* psi-some-avg10 into @s, and psi-full-avg10 when the file had it. */
void bpsi_report(const struct bpsi *p, struct breport_stats *s);

#endif /* BPSI_H */
