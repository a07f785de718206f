/* SPDX-License-Identifier: MIT */
/*
 * The columns of ballastctl's domain table, which `status` prints and `top`
 * draws: each column's header (with its unit), its cells, how rows sort by
 * it, and which columns fit a given width. Pure: no terminal, no Xen.
 */
#ifndef BALLASTCTL_COLUMNS_H
#define BALLASTCTL_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "ballastctl-view.h"

/* In the order they are shown. */
enum bctl_col {
	BCTL_COL_NAME,
	BCTL_COL_ID,
	BCTL_COL_FRONTEND,
	BCTL_COL_MIN,
	BCTL_COL_TARGET,
	BCTL_COL_ACTUAL,
	BCTL_COL_MAX,
	BCTL_COL_DEMAND,
	BCTL_COL_SHARES,
	BCTL_COL_STATE,
	BCTL_COL_PSI,
	BCTL_COL_VCPUS,		/* online/target: "2/4" */
	BCTL_COL_FLAGS,
	BCTL_COL_COUNT
};

/* xl list's name column: names are padded to this, longer ones widen it. */
#define BCTL_NAME_WIDTH_XL	40
/* The narrowest a name column gets in a narrow terminal (names cut to it). */
#define BCTL_NAME_WIDTH_MIN	8
/* A cell: the longest a column's text can be, and its NUL. */
#define BCTL_CELL_MAX		BSCHED_NAME_MAX

struct bctl_col_desc {
	const char *header;	/* with its unit: "Target(MiB)" */
	bool left;		/* text, aligned left; numbers right */
	int sort_key;		/* top's key to sort by it */
	int keep;		/* top drops the lowest first when narrow */
};

extern const struct bctl_col_desc bctl_cols[BCTL_COL_COUNT];

/*
 * @r's cell in column @c, into @buf (BCTL_CELL_MAX): "-" for an unknown
 * value; bytes that are not printable ASCII become '?', so that no name
 * can move a terminal's cursor.
 */
void bctl_cell(const struct bctl_row *r, enum bctl_col c, char *buf);

/*
 * Sorts @rows by column @c, ascending (descending if @reverse); unknown
 * values last either way, ties by domid.
 */
void bctl_sort_rows(struct bctl_row *rows, size_t n, enum bctl_col c, bool reverse);

/* The column whose top key is @key, or BCTL_COL_COUNT. */
enum bctl_col bctl_col_by_key(int key);

/* Which columns are shown, and how wide each is (0: not shown). */
struct bctl_layout {
	size_t width[BCTL_COL_COUNT];
	size_t total;		/* the line's length: widths and one space between */
};

/*
 * The table of @rows for a line of at most @max_width characters (SIZE_MAX:
 * no limit, as `status` prints it). Each column is as wide as its header and
 * its widest cell; the name column at least BCTL_NAME_WIDTH_XL, like xl's.
 * Too wide, the name column narrows to its longest name, then columns are
 * dropped, lowest keep first, down to the flags, the target and the actual
 * memory; then names are cut, down to BCTL_NAME_WIDTH_MIN; then those go
 * too (the name, the id and column @shown, top's sort column, always stay;
 * BCTL_COL_COUNT: no such column).
 */
void bctl_layout(const struct bctl_row *rows, size_t n, size_t max_width,
		 enum bctl_col shown, struct bctl_layout *out);

/*
 * One line of the table (no newline) into @buf of @size: the header if @r
 * is NULL, else @r's cells; a cell wider than its column is cut. Returns
 * the line's length.
 */
size_t bctl_format_line(const struct bctl_layout *l, const struct bctl_row *r,
			char *buf, size_t size);

/* Flags as the Flags column shows them (see ballastctl(8)). */
void bctl_row_flags(const struct bctl_row *r, char *buf, size_t size);

#endif /* BALLASTCTL_COLUMNS_H */
