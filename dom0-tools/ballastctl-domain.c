// SPDX-License-Identifier: MIT
/*
 * A domain named on ballastctl's command line, as xl takes it: a number is
 * a domid if such a domain exists, anything else (or a number no domain
 * has as its id) a name, looked up in /local/domain/<id>/name.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ballast_path.h"
#include "ballast_schema.h"
#include "ballastctl.h"

/* The toolstack's name of @domid into @out; -ENOENT without one. */
static int read_name(struct bctl *ctl, uint32_t domid, char *out, size_t size)
{
	char path[BALLAST_PATH_MAX], *name = NULL;
	size_t len = 0;
	int rc;

	rc = ballast_path(path, sizeof(path), BALLAST_AT_DOMAIN, domid,
			  BALLAST_STOCK_NAME, NULL);
	if (!rc)
		rc = bio_read(&ctl->io, BIO_TXN_NONE, path, &name, &len);
	if (rc)
		return rc;
	rc = len < size ? 0 : -ENAMETOOLONG;
	snprintf(out, size, "%s", name);
	free(name);
	return rc;
}

int bctl_resolve_domain(struct bctl *ctl, const char *arg,
			struct bctl_domain *out, char *err, size_t err_len)
{
	struct bio_dominfo *info = NULL;
	size_t n = 0, i;
	uint64_t id;
	bool numeric = ballast_parse_u64(arg, strlen(arg), &id) == BALLAST_OK &&
		       id <= UINT32_MAX;
	int rc;

	*out = (struct bctl_domain){ 0 };
	rc = ctl->io.ops->list_domains(ctl->io.ctx, &info, &n);
	if (rc) {
		snprintf(err, err_len, "cannot list Xen's domains: %s", strerror(-rc));
		return rc;
	}
	/* xl's order: the domid first, then the name */
	for (i = 0; numeric && i < n; i++)
		if (!info[i].dying && info[i].domid == id)
			break;
	if (!numeric || i == n) {
		for (i = 0; i < n; i++) {
			char name[BCTL_NAME_MAX];

			if (!info[i].dying &&
			    !read_name(ctl, info[i].domid, name, sizeof(name)) &&
			    !strcmp(name, arg))
				break;
		}
	}
	if (i == n) {
		free(info);
		snprintf(err, err_len, "no domain named or numbered '%s' (see xl list)", arg);
		return -ENOENT;
	}
	out->domid = info[i].domid;
	free(info);
	rc = read_name(ctl, out->domid, out->name, sizeof(out->name));
	if (rc == -ENAMETOOLONG)
		snprintf(err, err_len, "domain %" PRIu32 ": its name is longer than the "
			 "%d bytes ballastd knows", out->domid, BCTL_NAME_MAX - 1);
	else if (rc)
		snprintf(err, err_len, "domain %" PRIu32 ": no name in xenstore: %s",
			 out->domid, strerror(-rc));
	return rc;
}
