// SPDX-License-Identifier: MIT
/* Small helpers over the bio ops, shared by ballastd and ballastctl. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bio.h"

int bio_read(const struct bio *io, bio_txn t, const char *path, char **val,
	     size_t *len)
{
	size_t ignored;

	return io->ops->read(io->ctx, t, path, val, len ? len : &ignored);
}

int bio_write_str(const struct bio *io, bio_txn t, const char *path,
		  const char *val)
{
	return io->ops->write(io->ctx, t, path, val, strlen(val));
}

int bio_write_u64(const struct bio *io, bio_txn t, const char *path,
		  uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

	return io->ops->write(io->ctx, t, path, buf, (size_t)n);
}

int bio_txn_run(const struct bio *io, unsigned int max_tries,
		int (*fn)(const struct bio *io, bio_txn t, void *arg), void *arg,
		unsigned int *tries)
{
	unsigned int attempt;
	int rc = -EAGAIN;

	for (attempt = 1; attempt <= max_tries; attempt++) {
		bio_txn t;

		if (tries)
			*tries = attempt;
		rc = io->ops->txn_start(io->ctx, &t);
		if (rc)
			return rc;
		rc = fn(io, t, arg);
		if (rc) {
			io->ops->txn_end(io->ctx, t, true);
			return rc;
		}
		rc = io->ops->txn_end(io->ctx, t, false);
		if (rc != -EAGAIN)
			return rc;
	}
	return rc;
}
