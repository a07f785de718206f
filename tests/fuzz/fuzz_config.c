// SPDX-License-Identifier: MIT
/*
 * The ballastd.conf loader, bd_config_load(), on arbitrary file contents.
 * config.h and ballastd.conf(5): a refused file leaves the configuration
 * untouched and says why ("FILE:LINE: reason" or "FILE: reason"); an
 * accepted one is one the daemon can run with: a policy configuration
 * bsched_config_validate() takes, tick-ms >= 10, rate-min <= rate-max,
 * xs-tries, flood-limit and default-shares >= 1, no [domain] with min above
 * max, and every [domain] found by its name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz_input.h"

static char path[64];

static void remove_file(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "/tmp/fuzz-config.XXXXXX");
	fd = mkstemp(path);
	FUZZ_ASSERT(fd >= 0);
	close(fd);
	atexit(remove_file);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bd_config cfg, before;
	char err[BD_ERR_MAX] = "";
	FILE *f = fopen(path, "w");
	int rc;

	FUZZ_ASSERT(f);
	FUZZ_ASSERT(fwrite(data, 1, size, f) == size);
	FUZZ_ASSERT(fclose(f) == 0);

	bd_config_defaults(&cfg);
	cfg.tick_ms = 4242;	/* a sentinel: a refusal must not touch it */
	before = cfg;
	rc = bd_config_load(path, &cfg, err, sizeof(err));
	if (rc) {
		FUZZ_ASSERT(rc == -1);
		FUZZ_ASSERT(!strncmp(err, path, strlen(path)) && err[strlen(path)] == ':');
		FUZZ_ASSERT(!memcmp(&cfg, &before, sizeof(cfg)));
		return 0;
	}
	FUZZ_ASSERT(bsched_config_validate(&cfg.policy, NULL) == 0);
	FUZZ_ASSERT(cfg.tick_ms >= 10);
	FUZZ_ASSERT(cfg.rate_min_kib_s <= cfg.rate_max_kib_s);
	FUZZ_ASSERT(cfg.xs_tries >= 1 && cfg.flood_limit >= 1 && cfg.default_shares >= 1);
	FUZZ_ASSERT(cfg.n_domains == 0 || cfg.domains);
	for (size_t i = 0; i < cfg.n_domains; i++) {
		const struct bd_domain_conf *d = &cfg.domains[i];
		const struct bd_domain_conf *found = bd_config_domain(&cfg, d->name);

		FUZZ_ASSERT(memchr(d->name, '\0', sizeof(d->name)));
		FUZZ_ASSERT(!(d->has_min && d->has_max) || d->min_kib <= d->max_kib);
		FUZZ_ASSERT(!d->has_shares || d->shares >= 1);
		FUZZ_ASSERT(found && !strcmp(found->name, d->name));
	}
	bd_config_free(&cfg);
	return 0;
}
