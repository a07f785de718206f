// SPDX-License-Identifier: MIT
/* The path builder: see ballast_path.h. User space only. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ballast_path.h"
#include "ballast_schema.h"

/* The start of a path from @root: its length, or -1 if it does not fit. */
static int root_of(char *buf, size_t size, enum ballast_root root, uint32_t id)
{
	switch (root) {
	case BALLAST_AT_HOME:
		buf[0] = '\0';
		return 0;
	case BALLAST_AT_DOMAIN:
		return snprintf(buf, size, BALLAST_DOMAIN_FMT, id);
	case BALLAST_AT_TOOL:
		return snprintf(buf, size, "%s", BALLAST_TOOL_DIR);
	case BALLAST_AT_TOOL_DOMAIN:
		return snprintf(buf, size, "%s/%s/%" PRIu32, BALLAST_TOOL_DIR,
				BALLAST_TOOL_DOMAIN, id);
	case BALLAST_AT_RESERVATION:
		return snprintf(buf, size, "%s/%s/%" PRIu32, BALLAST_TOOL_DIR,
				BALLAST_TOOL_RESERVE, id);
	case BALLAST_AT_LIBXL:
		return snprintf(buf, size, BALLAST_LIBXL_FMT, id);
	}
	return -1;
}

int ballast_path(char *buf, size_t size, enum ballast_root root, uint32_t id,
		 ...)
{
	const char *part;
	va_list ap;
	int n;

	if (!size)
		return -ENAMETOOLONG;
	n = root_of(buf, size, root, id);
	va_start(ap, id);
	while (n >= 0 && (size_t)n < size && (part = va_arg(ap, const char *))) {
		int m = snprintf(buf + n, size - (size_t)n, "%s%s", n ? "/" : "", part);

		n = m < 0 ? -1 : n + m;
	}
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}
