// SPDX-License-Identifier: MIT
/*
 * Every schema validator against SCHEMA.md. The ranges and words come from
 * the document's key table, read at start-up, not from ballast_keys[]; the
 * value rules from fuzz_decimal.h. Input: one byte choosing the key (or the
 * sequence check, or the default floor), then the value's bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballast_schema.h"
#include "fuzz_decimal.h"
#include "fuzz_input.h"

#define MAX_WORDS	16
#define WORD_LEN	32

struct doc_key {
	bool seen;
	bool is_words;
	uint64_t min, max;
	size_t n_words;
	char words[MAX_WORDS][WORD_LEN];
};

static struct doc_key doc[BALLAST_K__COUNT];

static const char *const place_prefix[] = {
	[BALLAST_PLACE_CTL] = "CTL",
	[BALLAST_PLACE_DATA] = "DATA",
	[BALLAST_PLACE_TOOL_POLICY] = "POLICY",
	[BALLAST_PLACE_TOOL_RESERVE] = "RESERVE",
	[BALLAST_PLACE_TOOL_DOMAIN] = "DOMAIN",
};

static void die(const char *what, const char *line)
{
	fprintf(stderr, "fuzz-schema: %s: %s: %s\n", FUZZ_SCHEMA_MD, what, line);
	exit(2);
}

static int key_of_path(const char *path)
{
	for (int i = 0; i < BALLAST_K__COUNT; i++) {
		char want[64];

		snprintf(want, sizeof(want), "%s/%s",
			 place_prefix[ballast_keys[i].place], ballast_keys[i].name);
		if (!strcmp(want, path))
			return i;
	}
	return -1;
}

/* "| `DATA/seq` | guest | dom0 | count | 1..9223372036854775807 | ... |" */
static void read_row(char *line)
{
	char *cell[6], *save = NULL, *t;
	int n = 0, id;
	struct doc_key *k;

	for (t = strtok_r(line, "|", &save); t && n < 6; t = strtok_r(NULL, "|", &save)) {
		while (*t == ' ' || *t == '`')
			t++;
		for (char *e = t + strlen(t); e > t && (e[-1] == ' ' || e[-1] == '`'); )
			*--e = '\0';
		cell[n++] = t;
	}
	if (n < 6)
		die("short row", line);
	id = key_of_path(cell[0]);
	if (id < 0)
		die("no such key in ballast_schema.h", cell[0]);
	k = &doc[id];
	if (k->seen)
		die("key twice", cell[0]);
	k->seen = true;
	if (strstr(cell[4], "..")) {
		char *end;

		k->min = strtoull(cell[4], &end, 10);
		if (strncmp(end, "..", 2))
			die("bad range", cell[4]);
		k->max = strtoull(end + 2, &end, 10);
		if (*end)
			die("bad range", cell[4]);
		return;
	}
	k->is_words = true;
	for (t = strtok_r(cell[4], ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		if (k->n_words == MAX_WORDS || strlen(t) >= WORD_LEN)
			die("too many or too long words", cell[4]);
		strcpy(k->words[k->n_words++], t);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *f = fopen(FUZZ_SCHEMA_MD, "r");
	char line[1024];
	bool in_table = false;

	(void)argc;
	(void)argv;
	if (!f)
		die("cannot open", "");
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "schema-table-begin"))
			in_table = true;
		else if (strstr(line, "schema-table-end"))
			in_table = false;
		else if (in_table && !strncmp(line, "| `", 3))
			read_row(line);
	}
	fclose(f);
	for (int i = 0; i < BALLAST_K__COUNT; i++)
		if (!doc[i].seen)
			die("key not in the table", ballast_keys[i].name);
	return 0;
}

/* The reason given must be true of the value (SCHEMA.md, "Values"). */
static void check_reason(const struct doc_key *k, const char *s, size_t len,
			 enum ballast_verdict v)
{
	uint64_t n = 0;
	bool digits = fuzz_all_digits(s, len);

	switch (v) {
	case BALLAST_E_EMPTY:
		FUZZ_ASSERT(len == 0);
		break;
	case BALLAST_E_TOO_LONG:
		FUZZ_ASSERT(len > BALLAST_MAX_VALUE_LEN);
		break;
	case BALLAST_E_SIGN:
		FUZZ_ASSERT(!k->is_words && len && (s[0] == '-' || s[0] == '+'));
		break;
	case BALLAST_E_NOT_NUMBER:
		FUZZ_ASSERT(!k->is_words && !digits);
		break;
	case BALLAST_E_LEADING_ZERO:
		FUZZ_ASSERT(!k->is_words && len > 1 && s[0] == '0');
		break;
	case BALLAST_E_OVERFLOW:
		FUZZ_ASSERT(!k->is_words && digits && fuzz_digits_overflow(s, len));
		break;
	case BALLAST_E_BELOW_MIN:
		FUZZ_ASSERT(fuzz_strict_decimal(s, len, &n) && n < k->min);
		break;
	case BALLAST_E_ABOVE_MAX:
		FUZZ_ASSERT(fuzz_strict_decimal(s, len, &n) && n > k->max);
		break;
	case BALLAST_E_UNKNOWN_WORD:
		FUZZ_ASSERT(k->is_words);
		break;
	default:
		FUZZ_ASSERT(!"a reason no value can have");
	}
}

static void check_key(int id, const char *s, size_t len)
{
	const struct doc_key *k = &doc[id];
	uint64_t out = 0xdeadbeef, want = 0;
	bool ok = false;
	enum ballast_verdict v = ballast_parse_key((enum ballast_key_id)id, s,
						   len, &out);

	if (k->is_words) {
		for (size_t i = 0; i < k->n_words && !ok; i++)
			if (strlen(k->words[i]) == len && !memcmp(k->words[i], s, len)) {
				ok = true;
				want = i;
			}
	} else {
		ok = fuzz_strict_decimal(s, len, &want) && want >= k->min &&
		     want <= k->max;
	}
	if (ok) {
		FUZZ_ASSERT(v == BALLAST_OK);
		FUZZ_ASSERT(out == want);
		return;
	}
	FUZZ_ASSERT(v != BALLAST_OK);
	FUZZ_ASSERT(out == 0xdeadbeef);		/* untouched on refusal */
	FUZZ_ASSERT(strcmp(ballast_verdict_str(v), "unknown verdict"));
	check_reason(k, s, len, v);
}

/* "newer than the last one accepted, or 1"; seq itself 1..2^63-1. */
static void check_seq(struct fuzz_in *in)
{
	uint64_t last = fuzz_u64(in, 8), seq = fuzz_u64(in, 8);
	enum ballast_verdict v = ballast_check_seq(last, seq);
	bool in_range = seq >= doc[BALLAST_K_SEQ].min && seq <= doc[BALLAST_K_SEQ].max;

	FUZZ_ASSERT((v == BALLAST_OK) == (in_range && (seq == 1 || seq > last)));
	if (v != BALLAST_OK && in_range)
		FUZZ_ASSERT(v == BALLAST_E_STALE_SEQ);
}

/* Continuous and increasing (ballast_schema.h). */
static void check_floor(struct fuzz_in *in)
{
	uint64_t size = fuzz_u64(in, 8) % (BALLAST_MAX_MEMORY_KIB + 1);
	uint64_t f0 = ballast_default_floor_kib(size);
	uint64_t f1 = ballast_default_floor_kib(size + 1);

	FUZZ_ASSERT(f0 <= f1 && f1 - f0 <= 1);
	FUZZ_ASSERT(f0 >= 8 * 1024 && (size < 16 * 1024 || f0 <= size));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int pick;

	if (size == 0)
		return 0;
	pick = data[0] % (BALLAST_K__COUNT + 3);
	in.p++;
	in.left--;
	if (pick == BALLAST_K__COUNT) {
		check_seq(&in);
	} else if (pick == BALLAST_K__COUNT + 1) {
		check_floor(&in);
	} else if (pick == BALLAST_K__COUNT + 2) {
		uint64_t out;

		/* absent key, and an id outside the table */
		FUZZ_ASSERT(ballast_parse_key(BALLAST_K_SEQ, NULL, 0, &out) ==
			    BALLAST_E_MISSING);
		FUZZ_ASSERT(ballast_parse_key(BALLAST_K__COUNT, (const char *)in.p,
					      in.left, &out) != BALLAST_OK);
	} else {
		check_key((int)pick, (const char *)in.p, in.left);
	}
	return 0;
}
