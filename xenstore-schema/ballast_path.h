/* SPDX-License-Identifier: MIT */
/*
 * The one way a xenstore path of the schema is built, for every user-space
 * part (ballastd, ballastctl, ballast-agent, the tests). A path is a root
 * (below) and then parts joined by '/', each part a directory or key of
 * ballast_schema.h (a part may itself hold a '/': BALLAST_CTL_DIR).
 *
 *   ballast_path(buf, size, BALLAST_AT_DOMAIN, 7, BALLAST_CTL_DIR,
 *                BALLAST_KEY_TARGET, NULL)  ->  /local/domain/7/memory/ballast/target
 *   ballast_path(buf, size, BALLAST_AT_TOOL, 0, BALLAST_TOOL_POLICY, "web",
 *                BALLAST_KEY_MIN, NULL)     ->  /tool/ballast/policy/web/min
 *
 * The kernel module uses xenbus paths relative to its home directly and
 * does not compile this file.
 */
#ifndef BALLAST_PATH_H
#define BALLAST_PATH_H

#include <stddef.h>
#include <stdint.h>

#define BALLAST_PATH_MAX	256	/* every path of the schema fits */

enum ballast_root {
	BALLAST_AT_HOME = 0,	/* relative to the guest's own home: what a frontend writes */
	BALLAST_AT_DOMAIN,	/* /local/domain/<id> */
	BALLAST_AT_TOOL,	/* /tool/ballast */
	BALLAST_AT_TOOL_DOMAIN,	/* /tool/ballast/domain/<id>: ballastd's state of domain <id> */
	BALLAST_AT_RESERVATION,	/* /tool/ballast/reservation/<id> */
	BALLAST_AT_LIBXL,	/* /libxl/<id>: the toolstack's record of domain <id> */
};

/*
 * Writes @root (its <id> is @id; ignored by roots without one) and then each
 * part up to the NULL that ends the list into @buf of @size bytes.
 * Returns 0, or -ENAMETOOLONG (and @buf holds "") if it does not fit.
 */
int ballast_path(char *buf, size_t size, enum ballast_root root, uint32_t id,
		 ...) __attribute__((sentinel));

#endif /* BALLAST_PATH_H */
