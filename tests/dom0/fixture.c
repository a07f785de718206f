// SPDX-License-Identifier: MIT
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

int fx_write_config(struct fx *x, const char *text)
{
	FILE *f;

	if (!x->cfg_path[0]) {
		int fd;

		snprintf(x->cfg_path, sizeof(x->cfg_path), "/tmp/ballast-test-XXXXXX");
		fd = mkstemp(x->cfg_path);
		if (fd < 0)
			return -1;
		close(fd);
	}
	f = fopen(x->cfg_path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int start(struct fx *x, bool dry_run)
{
	char err[BD_ERR_MAX];
	struct bio io;

	fake_bio(x->f, &io);
	if (bd_init(&x->bd, &io, x->cfg_path[0] ? x->cfg_path : NULL,
		    dry_run ? x->dry_f : NULL, err, sizeof(err))) {
		fprintf(x->log_f, "init: %s\n", err);
		fflush(x->log_f);
		return -1;
	}
	x->bd.env.log_out = x->log_f;
	x->bd_up = true;
	return bd_watch_setup(&x->bd);
}

int fx_setup(struct fx *x, uint64_t host_kib, const char *config, bool dry_run)
{
	memset(x, 0, sizeof(*x));
	x->f = fake_new(host_kib);
	x->log_f = open_memstream(&x->log, &x->log_len);
	x->dry_f = open_memstream(&x->dry, &x->dry_len);
	if (!x->f || !x->log_f || !x->dry_f)
		return -1;
	if (config && fx_write_config(x, config))
		return -1;
	return start(x, dry_run);
}

int fx_restart(struct fx *x)
{
	bool dry = x->bd.env.dry_run;

	if (x->bd_up)
		bd_fini(&x->bd);
	x->bd_up = false;
	return start(x, dry);
}

void fx_teardown(struct fx *x)
{
	if (x->bd_up)
		bd_fini(&x->bd);
	fake_free(x->f);
	fclose(x->log_f);
	fclose(x->dry_f);
	free(x->log);
	free(x->dry);
	if (x->cfg_path[0])
		unlink(x->cfg_path);
}

int fx_guest(struct fx *x, uint32_t domid, const char *rel, const char *val)
{
	return fake_guest_write(x->f, domid,
				fx_path(x, BALLAST_AT_DOMAIN, domid, rel, NULL, NULL),
				val);
}

static void guest_u64(struct fx *x, uint32_t domid, const char *key, uint64_t v)
{
	char val[24];

	snprintf(val, sizeof(val), "%" PRIu64, v);
	fx_guest(x, domid, fx_path(x, BALLAST_AT_HOME, 0, BALLAST_DATA_DIR, key, NULL),
		 val);
}

void fx_report(struct fx *x, uint32_t domid, uint64_t seq, uint64_t current_kib,
	       uint64_t available_kib)
{
	fx_guest(x, domid, BALLAST_DATA_DIR "/" BALLAST_KEY_FRONTEND, "driver");
	fx_guest(x, domid, BALLAST_DATA_DIR "/" BALLAST_KEY_PROTOCOL, "1");
	guest_u64(x, domid, BALLAST_KEY_CURRENT, current_kib);
	guest_u64(x, domid, BALLAST_KEY_MEM_AVAILABLE, available_kib);
	fx_guest(x, domid, BALLAST_DATA_DIR "/" BALLAST_KEY_STATE, "at-target");
	guest_u64(x, domid, BALLAST_KEY_SEQ, seq);
}

void fx_run(struct fx *x, unsigned int n, uint64_t step_ms)
{
	for (unsigned int i = 0; i < n; i++) {
		bd_handle_events(&x->bd);
		bd_tick(&x->bd);
		fake_advance(x->f, step_ms);
	}
}

const char *fx_dom_str(struct fx *x, uint32_t domid, const char *rel)
{
	return fake_value(x->f, fx_path(x, BALLAST_AT_DOMAIN, domid, rel, NULL, NULL));
}

static uint64_t as_u64(const char *v)
{
	char *end;
	uint64_t n;

	if (!v || !v[0])
		return UINT64_MAX;
	n = strtoull(v, &end, 10);
	return *end ? UINT64_MAX : n;
}

uint64_t fx_u64(struct fx *x, const char *path)
{
	return as_u64(fake_value(x->f, path));
}

uint64_t fx_dom_u64(struct fx *x, uint32_t domid, const char *rel)
{
	return as_u64(fx_dom_str(x, domid, rel));
}

/* What was logged since the last fx_log_clear(). */
static const char *log_text(struct fx *x)
{
	fflush(x->log_f);
	return x->log ? x->log + x->log_mark : "";
}

bool fx_logged(struct fx *x, const char *needle)
{
	return strstr(log_text(x), needle) != NULL;
}

unsigned int fx_log_count(struct fx *x, const char *needle)
{
	unsigned int n = 0;
	const char *p;

	for (p = log_text(x); (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

void fx_log_clear(struct fx *x)
{
	fflush(x->log_f);
	x->log_mark = x->log_len;
}

bool fx_dry_has(struct fx *x, const char *needle)
{
	fflush(x->dry_f);
	return x->dry && strstr(x->dry, needle);
}

const char *fx_status_field(struct fx *x, uint32_t domid, const char *field,
			    char *buf, size_t size)
{
	const char *json, *p, *end;
	char key[64];

	json = fake_value(x->f, fx_path(x, BALLAST_AT_TOOL_DOMAIN, domid,
					BALLAST_KEY_STATUS, NULL, NULL));
	buf[0] = '\0';
	snprintf(key, sizeof(key), "\"%s\":", field);
	if (!json || !(p = strstr(json, key)))
		return buf;
	p += strlen(key);
	if (*p == '"')
		p++;
	end = p + strcspn(p, "\",}");
	snprintf(buf, size, "%.*s", (int)(end - p), p);
	return buf;
}

const char *fx_path(struct fx *x, enum ballast_root root, uint32_t id,
		    const char *a, const char *b, const char *c)
{
	char *buf = x->paths[x->next_path++ % 8];

	ballast_path(buf, BALLAST_PATH_MAX, root, id, a, b, c, NULL);
	return buf;
}
