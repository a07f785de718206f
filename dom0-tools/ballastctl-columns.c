// SPDX-License-Identifier: MIT
/* The domain table's columns: see ballastctl-columns.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballastctl-columns.h"

#define KEEP_ALWAYS	1000	/* never dropped for width */
#define KEEP_NAME_WHOLE	75	/* columns below go before names are cut */

const struct bctl_col_desc bctl_cols[BCTL_COL_COUNT] = {
	[BCTL_COL_NAME] = { "Name", true, 'n', KEEP_ALWAYS },
	[BCTL_COL_ID] = { "ID", false, 'i', KEEP_ALWAYS },
	[BCTL_COL_FRONTEND] = { "Frontend", true, 'f', 20 },
	[BCTL_COL_MIN] = { "Min(MiB)", false, 'm', 50 },
	[BCTL_COL_TARGET] = { "Target(MiB)", false, 't', 90 },
	[BCTL_COL_ACTUAL] = { "Actual(MiB)", false, 'a', 89 },
	[BCTL_COL_MAX] = { "Max(MiB)", false, 'x', 49 },
	[BCTL_COL_DEMAND] = { "Demand(MiB)", false, 'e', 55 },
	[BCTL_COL_SHARES] = { "Shares", false, 'h', 30 },
	[BCTL_COL_STATE] = { "State", true, 's', 70 },
	[BCTL_COL_PSI] = { "Psi(%)", false, 'p', 60 },
	[BCTL_COL_VCPUS] = { "VCPUs", false, 'v', 40 },
	[BCTL_COL_FLAGS] = { "Flags", true, 'l', 80 },
};

/* A column's value: a number, or a string; false if unknown. */
static bool col_value(const struct bctl_row *r, enum bctl_col c, uint64_t *num,
		      const char **str)
{
	*str = NULL;
	*num = 0;
	switch (c) {
	case BCTL_COL_NAME:
		*str = r->name;
		return r->name[0] != '\0';
	case BCTL_COL_ID:
		*num = r->domid;
		return true;
	case BCTL_COL_FRONTEND:
		*str = r->frontend;
		return bctl_known(r, BCTL_F_FRONTEND);
	case BCTL_COL_MIN:
		*num = r->min_kib;
		return bctl_known(r, BCTL_F_MIN);
	case BCTL_COL_TARGET:
		*num = r->target_kib;
		return bctl_known(r, BCTL_F_TARGET);
	case BCTL_COL_ACTUAL:
		*num = r->actual_kib;
		return true;
	case BCTL_COL_MAX:
		*num = r->max_kib;
		return bctl_known(r, BCTL_F_MAX);
	case BCTL_COL_DEMAND:
		*num = r->demand_kib;
		return bctl_known(r, BCTL_F_DEMAND);
	case BCTL_COL_SHARES:
		*num = r->shares;
		return bctl_known(r, BCTL_F_SHARES);
	case BCTL_COL_STATE:
		*str = r->state;
		return bctl_known(r, BCTL_F_STATE);
	case BCTL_COL_PSI:
		*num = r->psi_some_centipct;
		return bctl_known(r, BCTL_F_PSI);
	case BCTL_COL_VCPUS:		/* sorts by what is online */
		*num = r->vcpus_online;
		return bctl_known(r, BCTL_F_VCPUS_ONLINE);
	case BCTL_COL_FLAGS:
	case BCTL_COL_COUNT:
		break;
	}
	return false;
}

static bool flag_set(const struct bctl_row *r, enum bctl_field f, bool v)
{
	return bctl_known(r, f) && v;
}

void bctl_row_flags(const struct bctl_row *r, char *buf, size_t size)
{
	char flags[8], *p = flags;

	if (bctl_known(r, BCTL_F_MANAGED) && !r->managed)
		*p++ = 'x';
	if (flag_set(r, BCTL_F_STUCK, r->stuck))
		*p++ = 's';
	if (flag_set(r, BCTL_F_UNCOOPERATIVE, r->uncooperative))
		*p++ = 'u';
	if (flag_set(r, BCTL_F_FLOODING, r->flooding))
		*p++ = 'f';
	if (flag_set(r, BCTL_F_REFUSED_REPORTS, r->refused_reports != 0))
		*p++ = 'g';
	if (flag_set(r, BCTL_F_REFUSED_RESERVATION, r->refused_reservation != 0))
		*p++ = 'r';
	if (p == flags)
		*p++ = '-';
	*p = '\0';
	snprintf(buf, size, "%s", flags);
}

static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

void bctl_cell(const struct bctl_row *r, enum bctl_col c, char *buf)
{
	const char *str;
	uint64_t num;

	if (c == BCTL_COL_FLAGS) {
		bctl_row_flags(r, buf, BCTL_CELL_MAX);
		return;
	}
	if (!col_value(r, c, &num, &str))
		snprintf(buf, BCTL_CELL_MAX, c == BCTL_COL_NAME ? "?" : "-");
	else if (str)
		snprintf(buf, BCTL_CELL_MAX, "%s", str);
	else if (c == BCTL_COL_PSI)
		snprintf(buf, BCTL_CELL_MAX, "%" PRIu64 ".%02" PRIu64, num / 100, num % 100);
	else if (c == BCTL_COL_VCPUS && bctl_known(r, BCTL_F_VCPUS_TARGET))
		snprintf(buf, BCTL_CELL_MAX, "%" PRIu64 "/%" PRIu64, num, r->vcpus_target);
	else if (c == BCTL_COL_ID || c == BCTL_COL_SHARES || c == BCTL_COL_VCPUS)
		snprintf(buf, BCTL_CELL_MAX, "%" PRIu64, num);
	else
		snprintf(buf, BCTL_CELL_MAX, "%" PRIu64, num / 1024);	/* KiB to MiB */
	printable(buf);
}

struct sort_by {
	enum bctl_col col;
	bool reverse;
};

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct bctl_row *a = pa, *b = pb;
	const struct sort_by *by = arg;
	const char *sa, *sb;
	char fa[BCTL_CELL_MAX], fb[BCTL_CELL_MAX];
	uint64_t na, nb;
	bool ka, kb;
	int d;

	if (by->col == BCTL_COL_FLAGS) {
		bctl_row_flags(a, fa, sizeof(fa));
		bctl_row_flags(b, fb, sizeof(fb));
		/* "-" (no flag) sorts before every flag */
		sa = fa;
		sb = fb;
		ka = kb = true;
		na = nb = 0;
	} else {
		ka = col_value(a, by->col, &na, &sa);
		kb = col_value(b, by->col, &nb, &sb);
	}
	if (ka != kb)
		return ka ? -1 : 1;	/* unknown last, whichever the order */
	d = !ka ? 0 : sa ? strcmp(sa, sb) : cmp_u64(na, nb);
	if (by->reverse)
		d = -d;
	return d ? d : cmp_u64(a->domid, b->domid);
}

void bctl_sort_rows(struct bctl_row *rows, size_t n, enum bctl_col c, bool reverse)
{
	struct sort_by by = { c, reverse };

	if (n > 1 && c < BCTL_COL_COUNT)
		qsort_r(rows, n, sizeof(*rows), cmp_rows, &by);
}

enum bctl_col bctl_col_by_key(int key)
{
	for (int c = 0; c < BCTL_COL_COUNT; c++)
		if (bctl_cols[c].sort_key == key)
			return (enum bctl_col)c;
	return BCTL_COL_COUNT;
}

static size_t line_length(const struct bctl_layout *l)
{
	size_t total = 0, shown = 0;

	for (int c = 0; c < BCTL_COL_COUNT; c++)
		if (l->width[c]) {
			total += l->width[c];
			shown++;
		}
	return shown ? total + shown - 1 : 0;
}

/* The shown column below @keep that goes first when too wide, or COUNT. */
static enum bctl_col first_to_drop(const struct bctl_layout *l, int keep,
				   enum bctl_col shown)
{
	enum bctl_col drop = BCTL_COL_COUNT;

	for (int c = 0; c < BCTL_COL_COUNT; c++)
		if (l->width[c] && bctl_cols[c].keep < keep && c != (int)shown &&
		    (drop == BCTL_COL_COUNT || bctl_cols[c].keep < bctl_cols[drop].keep))
			drop = (enum bctl_col)c;
	return drop;
}

static void drop_columns(struct bctl_layout *l, size_t max_width, int keep,
			 enum bctl_col shown)
{
	enum bctl_col drop;

	while (l->total > max_width &&
	       (drop = first_to_drop(l, keep, shown)) != BCTL_COL_COUNT) {
		l->width[drop] = 0;
		l->total = line_length(l);
	}
}

void bctl_layout(const struct bctl_row *rows, size_t n, size_t max_width,
		 enum bctl_col shown, struct bctl_layout *out)
{
	char cell[BCTL_CELL_MAX];
	size_t longest_name;

	for (int c = 0; c < BCTL_COL_COUNT; c++) {
		out->width[c] = strlen(bctl_cols[c].header);
		for (size_t i = 0; i < n; i++) {
			bctl_cell(&rows[i], (enum bctl_col)c, cell);
			if (strlen(cell) > out->width[c])
				out->width[c] = strlen(cell);
		}
	}
	longest_name = out->width[BCTL_COL_NAME];
	if (out->width[BCTL_COL_NAME] < BCTL_NAME_WIDTH_XL)
		out->width[BCTL_COL_NAME] = BCTL_NAME_WIDTH_XL;
	out->total = line_length(out);
	if (out->total > max_width) {
		out->width[BCTL_COL_NAME] = longest_name;
		out->total = line_length(out);
	}
	drop_columns(out, max_width, KEEP_NAME_WHOLE, shown);
	if (out->total > max_width) {
		size_t over = out->total - max_width, name = out->width[BCTL_COL_NAME];

		name = name > over + BCTL_NAME_WIDTH_MIN ? name - over : BCTL_NAME_WIDTH_MIN;
		if (name < out->width[BCTL_COL_NAME])
			out->width[BCTL_COL_NAME] = name;
		out->total = line_length(out);
	}
	drop_columns(out, max_width, KEEP_ALWAYS, shown);
}

size_t bctl_format_line(const struct bctl_layout *l, const struct bctl_row *r,
			char *buf, size_t size)
{
	size_t len = 0;
	int last = -1;

	if (!size)
		return 0;
	buf[0] = '\0';
	for (int c = 0; c < BCTL_COL_COUNT; c++)
		if (l->width[c])
			last = c;
	for (int c = 0; c <= last; c++) {
		char cell[BCTL_CELL_MAX];
		int w = (int)l->width[c], n;

		if (!w)
			continue;
		if (r)
			bctl_cell(r, (enum bctl_col)c, cell);
		else
			snprintf(cell, sizeof(cell), "%s", bctl_cols[c].header);
		/* the last column, aligned left, is not padded: no trailing blanks */
		n = snprintf(buf + len, size - len, "%s%*.*s", len ? " " : "",
			     c == last && bctl_cols[c].left ? 0 : (bctl_cols[c].left ? -w : w),
			     w, cell);
		if (n < 0 || (size_t)n >= size - len)
			return strlen(buf);
		len += (size_t)n;
	}
	return len;
}
