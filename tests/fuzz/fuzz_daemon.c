// SPDX-License-Identifier: MIT
/*
 * ballastd end to end on the fake Xen (tests/fake, through the tests/dom0
 * fixture) with hostile guests: between ticks, guests write what the input
 * says (any key of theirs or of others, any bytes) and the clock moves.
 * Invariants after every tick (SCHEMA.md, issue 14):
 *   - no guest write into memory/ballast/, /tool/ or another domain's tree
 *     succeeds;
 *   - every published target lies within the domain's [min, max] as
 *     configured (max capped by static-max);
 *   - no domain's maxmem exceeds its configured max + 1024 KiB (the libxl
 *     slack), and a stock-balloon = yes domain's its target + 1024 KiB
 *     (issue 14's first two items: "unloading" lifted maxmem to static-max,
 *     and a guest claiming a frontend escaped stock-balloon = yes; this
 *     harness found both within a minute before they were fixed).
 */
#include <errno.h>
#include <string.h>

#include "fixture.h"
#include "fuzz_input.h"

#define N_DOMS		3
#define MAX_STEPS	24
#define SLACK_KIB	1024

static const char config[] =
	"[host]\n"
	"default-min = 256M\n"
	"[domain drv]\n"	/* static-max 4G, subscribed to at most 1G */
	"max = 1G\n"
	"[domain stk]\n"
	"stock-balloon = yes\n"
	"max = 1G\n";

struct dom {
	uint32_t domid;
	const char *name;
	uint64_t mem_kib, static_max_kib;
	enum fake_balloon balloon;
	uint64_t min_kib, max_kib;	/* as configured */
};

static const struct dom doms[N_DOMS] = {
	{ 1, "drv", 1 * GIB, 4 * GIB, FAKE_BALLOON_BALLAST, 256 * MIB, 1 * GIB },
	{ 2, "stk", 512 * MIB, 2 * GIB, FAKE_BALLOON_STOCK, 256 * MIB, 1 * GIB },
	{ 3, "oth", 512 * MIB, 1 * GIB, FAKE_BALLOON_BALLAST, 256 * MIB, 1 * GIB },
};

/* A place in xenstore, as ballast_path() builds it (fx_path). */
struct place {
	enum ballast_root root;
	uint32_t id;
	const char *a, *b, *c;
};

#define DATA(key)	{ BALLAST_AT_HOME, 0, BALLAST_DATA_DIR, key, NULL }
#define CTL(key)	{ BALLAST_AT_HOME, 0, BALLAST_CTL_DIR, key, NULL }

/* Keys a guest writes under its own home; the first ones are its own. */
static const struct place own_keys[] = {
	DATA(BALLAST_KEY_FRONTEND), DATA(BALLAST_KEY_PROTOCOL), DATA(BALLAST_KEY_CURRENT),
	DATA(BALLAST_KEY_BALLOONED), DATA(BALLAST_KEY_FLOOR), DATA(BALLAST_KEY_STATE),
	DATA(BALLAST_KEY_RATE), DATA(BALLAST_KEY_ALLOC_FAILURES),
	DATA(BALLAST_KEY_HOST_REFUSALS), DATA(BALLAST_KEY_BAD_TARGETS),
	DATA(BALLAST_KEY_OOM_DEFLATES), DATA(BALLAST_KEY_MEM_AVAILABLE),
	DATA(BALLAST_KEY_COMMITTED_AS), DATA(BALLAST_KEY_PSI_SOME_AVG10),
	DATA(BALLAST_KEY_PSI_FULL_AVG10), DATA(BALLAST_KEY_SWAP_IN),
	DATA(BALLAST_KEY_SWAP_OUT), DATA(BALLAST_KEY_MAJOR_FAULTS),
	DATA(BALLAST_KEY_OOM_KILLS), DATA(BALLAST_KEY_SEQ), DATA(NULL),
	{ BALLAST_AT_HOME, 0, BALLAST_STOCK_FEATURE_BALLOON, NULL, NULL },
};
/* Places no guest may write. */
static const struct place forbidden_rel[] = {
	CTL(BALLAST_KEY_TARGET), CTL(BALLAST_KEY_RATE_MAX),
	CTL(BALLAST_KEY_UNCOOPERATIVE), CTL(NULL),
};
static const struct place forbidden_abs[] = {
	{ BALLAST_AT_TOOL, 0, BALLAST_TOOL_POLICY, "drv", BALLAST_KEY_MAX },
	{ BALLAST_AT_TOOL_DOMAIN, 1, BALLAST_KEY_BOOST, NULL, NULL },
	{ BALLAST_AT_RESERVATION, 9, BALLAST_KEY_SIZE, NULL, NULL },
	{ BALLAST_AT_DOMAIN, 3, BALLAST_DATA_DIR, BALLAST_KEY_SEQ, NULL },
};

static const char *place_path(struct fx *x, const struct place *p)
{
	return fx_path(x, p->root, p->id, p->a, p->b, p->c);
}

/* A key of the guest's own report, relative to its home. */
static const char *data_key(struct fx *x, const char *key)
{
	return fx_path(x, BALLAST_AT_HOME, 0, BALLAST_DATA_DIR, key, NULL);
}

static const char *const words[] = {
	"1", "2", "0", "driver", "agent", "unloading", "at-target", "inflating",
	"host-refused", "4294967296", "17179869184", "18446744073709551615",
	"-1", "01", "", "1048576", "16384",
};

static void value(struct fuzz_in *in, char *buf, size_t size)
{
	size_t n;

	if (fuzz_bool(in)) {
		snprintf(buf, size, "%s", words[fuzz_below(in, sizeof(words) / sizeof(words[0]))]);
		return;
	}
	if (fuzz_bool(in)) {
		snprintf(buf, size, "%llu", (unsigned long long)fuzz_u64(in, 5));
		return;
	}
	n = fuzz_below(in, 24);
	for (size_t i = 0; i < n && i + 1 < size; i++) {
		buf[i] = (char)fuzz_u64(in, 1);
		if (!buf[i])
			buf[i] = '0';
		buf[i + 1] = '\0';
	}
	if (!n)
		buf[0] = '\0';
}

static uint64_t next_seq[N_DOMS];

/* A whole, valid report, as a frontend writes it, in a state of its choice. */
static void report(struct fx *x, struct fuzz_in *in)
{
	static const char *const states[] = {
		"at-target", "inflating", "deflating", "backing-off", "at-floor",
		"host-refused", "unloading",
	};
	size_t i = fuzz_below(in, N_DOMS);
	const struct dom *d = &doms[i];
	char val[32];

	fx_guest(x, d->domid, data_key(x, BALLAST_KEY_FRONTEND), fuzz_bool(in) ? "driver" : "agent");
	fx_guest(x, d->domid, data_key(x, BALLAST_KEY_PROTOCOL), "1");
	snprintf(val, sizeof(val), "%llu", (unsigned long long)fake_actual_kib(x->f, d->domid));
	fx_guest(x, d->domid, data_key(x, BALLAST_KEY_CURRENT), val);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)fuzz_below(in, 2 * GIB));
	fx_guest(x, d->domid, data_key(x, BALLAST_KEY_MEM_AVAILABLE), val);
	if (fuzz_bool(in)) {
		snprintf(val, sizeof(val), "%llu", (unsigned long long)fuzz_below(in, 4 * GIB));
		fx_guest(x, d->domid, data_key(x, BALLAST_KEY_FLOOR), val);
	}
	fx_guest(x, d->domid, data_key(x, BALLAST_KEY_STATE), states[fuzz_below(in, 7)]);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)++next_seq[i]);
	fx_guest(x, d->domid, data_key(x, BALLAST_KEY_SEQ), val);
}

static void hostile_write(struct fx *x, struct fuzz_in *in)
{
	const struct dom *d = &doms[fuzz_below(in, N_DOMS)];
	char val[32], path[BALLAST_PATH_MAX];
	unsigned int pick = (unsigned int)fuzz_below(in, 16);
	int rc;

	value(in, val, sizeof(val));
	if (pick < 12) {
		const struct place *p = &own_keys[fuzz_below(in, sizeof(own_keys) / sizeof(own_keys[0]))];

		fx_guest(x, d->domid, place_path(x, p), val);
		return;
	}
	if (pick < 14) {
		const struct place *p = &forbidden_rel[fuzz_below(in, sizeof(forbidden_rel) / sizeof(forbidden_rel[0]))];

		rc = fx_guest(x, d->domid, place_path(x, p), val);
	} else {
		const struct place *p = &forbidden_abs[fuzz_below(in, sizeof(forbidden_abs) / sizeof(forbidden_abs[0]))];

		if (p->root == BALLAST_AT_DOMAIN && p->id == d->domid)
			return;	/* its own */
		snprintf(path, sizeof(path), "%s", place_path(x, p));
		rc = fake_guest_write(x->f, d->domid, path, val);
	}
	FUZZ_ASSERT(rc == -EACCES);
}

static void check(struct fx *x)
{
	for (size_t i = 0; i < N_DOMS; i++) {
		const struct dom *d = &doms[i];
		uint64_t hi = d->max_kib < d->static_max_kib ? d->max_kib : d->static_max_kib;
		uint64_t lo = d->min_kib < hi ? d->min_kib : hi;
		uint64_t t = fx_dom_u64(x, d->domid, d->balloon == FAKE_BALLOON_STOCK ?
					BALLAST_STOCK_TARGET :
					BALLAST_CTL_DIR "/" BALLAST_KEY_TARGET);

		if (t != UINT64_MAX)
			FUZZ_ASSERT(t >= lo && t <= hi);
		if (fake_maxmem_kib(x->f, d->domid) > hi + SLACK_KIB)
			fprintf(stderr, "dom %u maxmem %llu KiB, max %llu KiB\n", d->domid,
				(unsigned long long)fake_maxmem_kib(x->f, d->domid),
				(unsigned long long)hi);
		FUZZ_ASSERT(fake_maxmem_kib(x->f, d->domid) <= hi + SLACK_KIB);
		/* stock-balloon = yes: the admin's word, whatever the guest claims */
		if (d->balloon == FAKE_BALLOON_STOCK && t != UINT64_MAX)
			FUZZ_ASSERT(fake_maxmem_kib(x->f, d->domid) <= t + SLACK_KIB);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct fx x;

	FUZZ_ASSERT(fx_setup(&x, 8 * GIB, config, false) == 0);
	for (size_t i = 0; i < N_DOMS; i++)
		FUZZ_ASSERT(fake_add_domain(x.f, doms[i].domid, doms[i].name,
					    doms[i].mem_kib, doms[i].static_max_kib,
					    doms[i].balloon, 64 * MIB) == 0);
	fx_report(&x, 1, 1, 1 * GIB, 600 * MIB);
	fx_report(&x, 3, 1, 512 * MIB, 300 * MIB);
	next_seq[0] = next_seq[2] = 1;
	next_seq[1] = 0;
	fx_run(&x, 2, 1000);
	check(&x);
	for (int step = 0; step < MAX_STEPS && in.left; step++) {
		unsigned int writes = (unsigned int)fuzz_below(&in, 6);

		for (unsigned int w = 0; w < writes; w++) {
			if (fuzz_bool(&in))
				report(&x, &in);
			else
				hostile_write(&x, &in);
		}
		fx_run(&x, 1, 100 + fuzz_below(&in, 5000));
		check(&x);
	}
	fx_teardown(&x);
	return 0;
}
