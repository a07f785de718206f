// SPDX-License-Identifier: MIT
/* Generating the status JSON: see status-json.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "status-json.h"

void sj_key(yajl_gen g, const char *key)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

void sj_u64(yajl_gen g, const char *key, uint64_t v)
{
	char digits[24];

	sj_key(g, key);
	/* yajl_gen_integer takes a long long: emit the digits as a number */
	snprintf(digits, sizeof(digits), "%" PRIu64, v);
	yajl_gen_number(g, digits, strlen(digits));
}

void sj_str(yajl_gen g, const char *key, const char *v)
{
	sj_key(g, key);
	yajl_gen_string(g, (const unsigned char *)v, strlen(v));
}

void sj_bool(yajl_gen g, const char *key, bool v)
{
	sj_key(g, key);
	yajl_gen_bool(g, v);
}
