// SPDX-License-Identifier: MIT
/* `ballastctl status`: see ballastctl-status.h. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "ballastctl-columns.h"
#include "ballastctl-status.h"
#include "status-json.h"

void bctl_status_text(FILE *out, const struct bctl_view *v)
{
	/* a line: every column at its widest, one space between */
	char line[BCTL_COL_COUNT * (BCTL_CELL_MAX + 1) + 1];
	struct bctl_layout l;

	bctl_layout(v->rows, v->n, SIZE_MAX, BCTL_COL_COUNT, &l);
	bctl_format_line(&l, NULL, line, sizeof(line));
	fprintf(out, "%s\n", line);
	for (size_t i = 0; i < v->n; i++) {
		bctl_format_line(&l, &v->rows[i], line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
	if (!v->daemon)
		fprintf(out, "(ballastd is not running: targets are as last published)\n");
	else if (v->dry_run)
		fprintf(out, "(ballastd runs with --dry-run: it prints targets, sets none)\n");
}

/* One field of a row as its table entry says, or null if unknown. */
static void json_field(yajl_gen g, const struct bctl_row *r, enum bctl_field f)
{
	const struct bctl_field_desc *d = &bctl_fields[f];
	const char *at = (const char *)r + d->offset;

	if (!bctl_known(r, f)) {
		sj_key(g, d->key);
		yajl_gen_null(g);
		return;
	}
	switch (d->kind) {
	case BCTL_U64:
		sj_u64(g, d->key, *(const uint64_t *)(const void *)at);
		break;
	case BCTL_BOOL:
		sj_bool(g, d->key, *(const bool *)(const void *)at);
		break;
	case BCTL_STR:
		sj_str(g, d->key, at);
		break;
	}
}

static void json_row(yajl_gen g, const struct bctl_row *r)
{
	yajl_gen_map_open(g);
	if (r->name[0]) {
		sj_str(g, SJ_NAME, r->name);
	} else {
		sj_key(g, SJ_NAME);
		yajl_gen_null(g);
	}
	sj_u64(g, SJ_DOMID, r->domid);
	sj_bool(g, SJ_PUBLISHED, r->published);
	sj_u64(g, SJ_ACTUAL_KIB, r->actual_kib);
	for (int f = 0; f < BCTL_F_COUNT; f++)
		json_field(g, r, (enum bctl_field)f);
	yajl_gen_map_close(g);
}

int bctl_status_json(FILE *out, const struct bctl_view *v)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	int rc = 0;

	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	sj_bool(g, SJ_BALLASTD_RUNNING, v->daemon);
	sj_bool(g, SJ_DRY_RUN, v->daemon && v->dry_run);
	sj_key(g, SJ_HOST);
	yajl_gen_map_open(g);
	sj_u64(g, SJ_TOTAL_KIB, v->host.total_kib);
	sj_u64(g, SJ_FREE_KIB, v->host.free_kib);
	sj_u64(g, SJ_SCRUB_KIB, v->host.scrub_kib);
	sj_u64(g, SJ_OUTSTANDING_KIB, v->host.outstanding_kib);
	yajl_gen_map_close(g);
	sj_key(g, SJ_DOMAINS);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < v->n; i++)
		json_row(g, &v->rows[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		fwrite(buf, 1, len, out);
	else
		rc = -ENOMEM;
	yajl_gen_free(g);
	return rc;
}

int cmd_status(struct bctl *ctl, int argc, char **argv)
{
	struct bctl_view_args a;
	struct bctl_view v;
	char err[BCTL_ERR_MAX];
	int rc;

	if (bctl_parse_view(argc, argv, &a, err, sizeof(err)) || a.iterations ||
	    a.batch) {
		fprintf(ctl->err, "ballastctl status: %s\n",
			a.iterations || a.batch ? "--iterations and --batch are top's" : err);
		return 2;
	}
	rc = bctl_view_read(ctl, &v);
	if (rc) {
		fprintf(ctl->err, "ballastctl status: cannot read Xen's state: %s\n",
			strerror(-rc));
		return 1;
	}
	if (a.json)
		rc = bctl_status_json(ctl->out, &v);
	else
		bctl_status_text(ctl->out, &v);
	bctl_view_free(&v);
	if (rc)
		fprintf(ctl->err, "ballastctl status: %s\n", strerror(-rc));
	return rc ? 1 : 0;
}
