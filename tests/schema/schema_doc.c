// SPDX-License-Identifier: MIT
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ballast_schema.h"
#include "schema_doc.h"

#define BEGIN_MARK "<!-- schema-table-begin"
#define END_MARK "<!-- schema-table-end -->"
#define MAX_CELLS 8
#define CELL_LEN 256

static const char *const place_prefix[] = {
	[BALLAST_PLACE_CTL] = "CTL",
	[BALLAST_PLACE_DATA] = "DATA",
	[BALLAST_PLACE_TOOL_POLICY] = "POLICY",
	[BALLAST_PLACE_TOOL_RESERVE] = "RESERVE",
	[BALLAST_PLACE_TOOL_DOMAIN] = "DOMAIN",
};

static int fail(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Split one "| a | b |" line into trimmed cells; returns the cell count. */
static int split_row(const char *line, size_t len, char cells[][CELL_LEN])
{
	int n = 0;
	size_t i = 0;

	if (len == 0 || line[0] != '|')
		return 0;
	i = 1;
	while (i < len && n < MAX_CELLS) {
		size_t start = i, end;

		while (i < len && line[i] != '|')
			i++;
		if (i >= len)
			break; /* text after the last bar is not a cell */
		end = i;
		while (start < end && line[start] == ' ')
			start++;
		while (end > start && line[end - 1] == ' ')
			end--;
		if (end - start >= CELL_LEN)
			end = start + CELL_LEN - 1;
		memcpy(cells[n], line + start, end - start);
		cells[n][end - start] = '\0';
		n++;
		i++;
	}
	return n;
}

static void expected_range(const struct ballast_key_info *k, char *buf,
			   size_t len)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	if (!k->words) {
		snprintf(buf, len, "%" PRIu64 "..%" PRIu64, k->min, k->max);
		return;
	}
	for (i = 0; k->words[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? ", " : "", k->words[i]);
}

static const struct ballast_key_info *find_key(const char *path)
{
	unsigned int i;

	for (i = 0; i < BALLAST_K__COUNT; i++) {
		const struct ballast_key_info *k = &ballast_keys[i];
		const char *prefix = place_prefix[k->place];
		size_t plen = strlen(prefix);

		if (strncmp(path, prefix, plen) == 0 && path[plen] == '/' &&
		    strcmp(path + plen + 1, k->name) == 0)
			return k;
	}
	return NULL;
}

static int check_row(char cells[][CELL_LEN], bool *seen, char *why,
		     size_t why_len)
{
	char path[CELL_LEN], range[CELL_LEN];
	const struct ballast_key_info *k;
	const char *writer;
	size_t plen = strlen(cells[0]);

	if (plen < 3 || cells[0][0] != '`' || cells[0][plen - 1] != '`')
		return fail(why, why_len, "row \"%s\": path not in backticks",
			    cells[0]);
	memcpy(path, cells[0] + 1, plen - 2);
	path[plen - 2] = '\0';
	k = find_key(path);
	if (!k)
		return fail(why, why_len, "%s: no such key in the header", path);
	if (seen[k->id])
		return fail(why, why_len, "%s: listed twice", path);
	seen[k->id] = true;
	writer = k->writer == BALLAST_WRITER_DOM0 ? "dom0" : "guest";
	if (strcmp(cells[1], writer) != 0)
		return fail(why, why_len, "%s: writer \"%s\", header says %s",
			    path, cells[1], writer);
	if (strcmp(cells[3], k->unit) != 0)
		return fail(why, why_len, "%s: unit \"%s\", header says %s",
			    path, cells[3], k->unit);
	expected_range(k, range, sizeof(range));
	if (strcmp(cells[4], range) != 0)
		return fail(why, why_len, "%s: range \"%s\", header says %s",
			    path, cells[4], range);
	return 0;
}

int schema_doc_check(const char *doc, char *why, size_t why_len)
{
	bool seen[BALLAST_K__COUNT] = { false };
	char cells[MAX_CELLS][CELL_LEN];
	const char *begin = strstr(doc, BEGIN_MARK);
	const char *end = begin ? strstr(begin, END_MARK) : NULL;
	const char *line;
	unsigned int i;

	if (!begin || !end)
		return fail(why, why_len, "key table markers not found");
	line = strchr(begin, '\n');
	while (line && line < end) {
		const char *next = strchr(line + 1, '\n');
		size_t len;
		int n;

		line++;
		len = (size_t)((next ? next : end) - line);
		n = split_row(line, len, cells);
		if (n > 0 && strcmp(cells[0], "path") != 0 &&
		    strncmp(cells[0], "---", 3) != 0) {
			if (n != 6)
				return fail(why, why_len,
					    "row \"%.*s\": %d cells, want 6",
					    (int)len, line, n);
			if (check_row(cells, seen, why, why_len) != 0)
				return -1;
		}
		line = next;
	}
	for (i = 0; i < BALLAST_K__COUNT; i++)
		if (!seen[i])
			return fail(why, why_len, "%s/%s: missing from the doc",
				    place_prefix[ballast_keys[i].place],
				    ballast_keys[i].name);
	return 0;
}
