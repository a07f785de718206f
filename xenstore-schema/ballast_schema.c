// SPDX-License-Identifier: MIT
/*
 * The schema table and its validators. Freestanding: compiled unchanged into
 * ballast.ko, ballast-agent, ballastd, ballastctl and the tests.
 */
#include "ballast_schema.h"

static const char *const frontend_words[] = { "driver", "agent", NULL };

static const char *const state_words[] = {
	"at-target", "inflating", "deflating", "backing-off", "at-floor",
	"host-refused", "unloading", NULL
};

static const char *const reservation_words[] = {
	"pending", "granted", "refused", "impossible", NULL
};

static const char *const flag_words[] = { "0", "1", NULL };

static const char *const cpu_availability_words[] = { "online", "offline", NULL };

#define NUM(id_, place_, name_, writer_, unit_, min_, max_) \
	[id_] = { id_, place_, name_, writer_, unit_, min_, max_, NULL }
#define WORDS(id_, place_, name_, writer_, words_) \
	[id_] = { id_, place_, name_, writer_, "word", 0, 0, words_ }

#define CTL	BALLAST_PLACE_CTL
#define DATA	BALLAST_PLACE_DATA
#define POLICY	BALLAST_PLACE_TOOL_POLICY
#define RESERVE	BALLAST_PLACE_TOOL_RESERVE
#define DOMSTATE	BALLAST_PLACE_TOOL_DOMAIN
#define DOM0	BALLAST_WRITER_DOM0
#define GUEST	BALLAST_WRITER_GUEST

const struct ballast_key_info ballast_keys[BALLAST_K__COUNT] = {
	NUM(BALLAST_K_TARGET, CTL, BALLAST_KEY_TARGET, DOM0, "KiB",
	    BALLAST_MIN_TARGET_KIB, BALLAST_MAX_MEMORY_KIB),
	NUM(BALLAST_K_RATE_MIN, CTL, BALLAST_KEY_RATE_MIN, DOM0, "KiB/s",
	    4, BALLAST_MAX_RATE_KIB_S),
	NUM(BALLAST_K_RATE_MAX, CTL, BALLAST_KEY_RATE_MAX, DOM0, "KiB/s",
	    4, BALLAST_MAX_RATE_KIB_S),
	WORDS(BALLAST_K_UNCOOPERATIVE, CTL, BALLAST_KEY_UNCOOPERATIVE, DOM0,
	      flag_words),
	WORDS(BALLAST_K_FRONTEND, DATA, BALLAST_KEY_FRONTEND, GUEST,
	      frontend_words),
	NUM(BALLAST_K_PROTOCOL, DATA, BALLAST_KEY_PROTOCOL, GUEST, "count",
	    1, 65535),
	NUM(BALLAST_K_CURRENT, DATA, BALLAST_KEY_CURRENT, GUEST, "KiB",
	    0, BALLAST_MAX_MEMORY_KIB),
	NUM(BALLAST_K_BALLOONED, DATA, BALLAST_KEY_BALLOONED, GUEST, "KiB",
	    0, BALLAST_MAX_MEMORY_KIB),
	NUM(BALLAST_K_FLOOR, DATA, BALLAST_KEY_FLOOR, GUEST, "KiB",
	    0, BALLAST_MAX_MEMORY_KIB),
	WORDS(BALLAST_K_STATE, DATA, BALLAST_KEY_STATE, GUEST, state_words),
	NUM(BALLAST_K_RATE, DATA, BALLAST_KEY_RATE, GUEST, "KiB/s",
	    0, BALLAST_MAX_RATE_KIB_S),
	NUM(BALLAST_K_ALLOC_FAILURES, DATA, BALLAST_KEY_ALLOC_FAILURES, GUEST,
	    "count", 0, BALLAST_MAX_COUNTER),
	NUM(BALLAST_K_HOST_REFUSALS, DATA, BALLAST_KEY_HOST_REFUSALS, GUEST,
	    "count", 0, BALLAST_MAX_COUNTER),
	NUM(BALLAST_K_BAD_TARGETS, DATA, BALLAST_KEY_BAD_TARGETS, GUEST,
	    "count", 0, BALLAST_MAX_COUNTER),
	NUM(BALLAST_K_OOM_DEFLATES, DATA, BALLAST_KEY_OOM_DEFLATES, GUEST,
	    "count", 0, BALLAST_MAX_COUNTER),
	NUM(BALLAST_K_MEM_AVAILABLE, DATA, BALLAST_KEY_MEM_AVAILABLE, GUEST,
	    "KiB", 0, BALLAST_MAX_MEMORY_KIB),
	NUM(BALLAST_K_COMMITTED_AS, DATA, BALLAST_KEY_COMMITTED_AS, GUEST,
	    "KiB", 0, BALLAST_MAX_COMMITTED_KIB),
	NUM(BALLAST_K_PSI_SOME_AVG10, DATA, BALLAST_KEY_PSI_SOME_AVG10, GUEST,
	    "0.01%", 0, BALLAST_MAX_CENTIPCT),
	NUM(BALLAST_K_PSI_FULL_AVG10, DATA, BALLAST_KEY_PSI_FULL_AVG10, GUEST,
	    "0.01%", 0, BALLAST_MAX_CENTIPCT),
	NUM(BALLAST_K_SWAP_IN, DATA, BALLAST_KEY_SWAP_IN, GUEST, "count",
	    0, BALLAST_MAX_COUNTER),
	NUM(BALLAST_K_SWAP_OUT, DATA, BALLAST_KEY_SWAP_OUT, GUEST, "count",
	    0, BALLAST_MAX_COUNTER),
	NUM(BALLAST_K_MAJOR_FAULTS, DATA, BALLAST_KEY_MAJOR_FAULTS, GUEST,
	    "count", 0, BALLAST_MAX_COUNTER),
	NUM(BALLAST_K_OOM_KILLS, DATA, BALLAST_KEY_OOM_KILLS, GUEST, "count",
	    0, BALLAST_MAX_COUNTER),
	NUM(BALLAST_K_SEQ, DATA, BALLAST_KEY_SEQ, GUEST, "count",
	    1, BALLAST_MAX_COUNTER),
	NUM(BALLAST_K_POLICY_MIN, POLICY, BALLAST_KEY_MIN, DOM0, "KiB",
	    BALLAST_MIN_TARGET_KIB, BALLAST_MAX_MEMORY_KIB),
	NUM(BALLAST_K_POLICY_MAX, POLICY, BALLAST_KEY_MAX, DOM0, "KiB",
	    BALLAST_MIN_TARGET_KIB, BALLAST_MAX_MEMORY_KIB),
	NUM(BALLAST_K_POLICY_SHARES, POLICY, BALLAST_KEY_SHARES, DOM0, "count",
	    1, BALLAST_MAX_SHARES),
	NUM(BALLAST_K_RES_SIZE, RESERVE, BALLAST_KEY_SIZE, DOM0, "KiB",
	    1, BALLAST_MAX_MEMORY_KIB),
	WORDS(BALLAST_K_RES_STATUS, RESERVE, BALLAST_KEY_STATUS, DOM0,
	      reservation_words),
	NUM(BALLAST_K_DOM_BOOST, DOMSTATE, BALLAST_KEY_BOOST, DOM0, "%",
	    0, BALLAST_MAX_BOOST_PCT),
	NUM(BALLAST_K_DOM_REPORT_SEQ, DOMSTATE, BALLAST_KEY_REPORT_SEQ, DOM0,
	    "count", 1, BALLAST_MAX_COUNTER),
	/* CLOCK_MONOTONIC: the same for every process of one boot */
	NUM(BALLAST_K_DOM_REPORT_RECEIVED, DOMSTATE, BALLAST_KEY_REPORT_RECEIVED,
	    DOM0, "ms", 1, BALLAST_MAX_COUNTER),
	/* vCPUs: the guest's CPU evidence (SCHEMA.md, "vCPUs") */
	NUM(BALLAST_K_CPUS_ONLINE, DATA, BALLAST_KEY_CPUS_ONLINE, GUEST,
	    "count", 1, BALLAST_MAX_VCPUS),
	NUM(BALLAST_K_PSI_CPU_SOME_AVG10, DATA, BALLAST_KEY_PSI_CPU_SOME_AVG10,
	    GUEST, "0.01%", 0, BALLAST_MAX_CENTIPCT),
	NUM(BALLAST_K_LOAD_AVG1, DATA, BALLAST_KEY_LOAD_AVG1, GUEST, "0.01",
	    0, BALLAST_MAX_LOAD_CENTI),
	NUM(BALLAST_K_RUNNABLE, DATA, BALLAST_KEY_RUNNABLE, GUEST, "count",
	    0, BALLAST_MAX_TASKS),
	NUM(BALLAST_K_STEAL, DATA, BALLAST_KEY_STEAL, GUEST, "ms",
	    0, BALLAST_MAX_COUNTER),
	NUM(BALLAST_K_CPU_OFFLINE_REFUSALS, DATA,
	    BALLAST_KEY_CPU_OFFLINE_REFUSALS, GUEST, "count",
	    0, BALLAST_MAX_COUNTER),
	/* vCPU 0 is never asked to go offline, so 0 is no vCPU number here */
	NUM(BALLAST_K_CPU_REFUSED, DATA, BALLAST_KEY_CPU_REFUSED, GUEST,
	    "count", 1, BALLAST_MAX_VCPUS - 1),
	NUM(BALLAST_K_POLICY_VCPUS_MIN, POLICY, BALLAST_KEY_VCPUS_MIN, DOM0,
	    "count", 1, BALLAST_MAX_VCPUS),
	NUM(BALLAST_K_POLICY_VCPUS_MAX, POLICY, BALLAST_KEY_VCPUS_MAX, DOM0,
	    "count", 1, BALLAST_MAX_VCPUS),
	NUM(BALLAST_K_POLICY_CPU_SHARES, POLICY, BALLAST_KEY_CPU_SHARES, DOM0,
	    "count", 1, BALLAST_MAX_SHARES),
	WORDS(BALLAST_K_POLICY_VCPU_SCALING, POLICY, BALLAST_KEY_VCPU_SCALING,
	      DOM0, flag_words),
	NUM(BALLAST_K_RES_KEEPALIVE, RESERVE, BALLAST_KEY_KEEPALIVE, DOM0, "count",
	    0, UINT32_MAX),
};

static const char *const verdict_strs[BALLAST_E__COUNT] = {
	[BALLAST_OK] = "ok",
	[BALLAST_E_MISSING] = "missing",
	[BALLAST_E_EMPTY] = "empty",
	[BALLAST_E_TOO_LONG] = "too long",
	[BALLAST_E_SIGN] = "signed",
	[BALLAST_E_NOT_NUMBER] = "not a decimal number",
	[BALLAST_E_LEADING_ZERO] = "leading zero",
	[BALLAST_E_OVERFLOW] = "overflows 64 bits",
	[BALLAST_E_BELOW_MIN] = "below minimum",
	[BALLAST_E_ABOVE_MAX] = "above maximum",
	[BALLAST_E_UNKNOWN_WORD] = "unknown word",
	[BALLAST_E_STALE_SEQ] = "stale sequence number",
};

static const char *word_at(const char *const *words, unsigned int n,
			   unsigned int i)
{
	return i < n ? words[i] : "?";
}

const char *ballast_frontend_word(enum ballast_frontend f)
{
	return word_at(frontend_words, BALLAST_FRONTEND__COUNT, f);
}

const char *ballast_state_word(enum ballast_state s)
{
	return word_at(state_words, BALLAST_STATE__COUNT, s);
}

const char *ballast_reservation_word(enum ballast_reservation_status s)
{
	return word_at(reservation_words, BALLAST_RES__COUNT, s);
}

const char *ballast_cpu_availability_word(enum ballast_cpu_availability a)
{
	return word_at(cpu_availability_words, BALLAST_CPU__COUNT, a);
}

const char *ballast_verdict_str(enum ballast_verdict v)
{
	if ((unsigned int)v >= BALLAST_E__COUNT)
		return "unknown verdict";
	return verdict_strs[v];
}

enum ballast_verdict ballast_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!s)
		return BALLAST_E_MISSING;
	if (len == 0)
		return BALLAST_E_EMPTY;
	if (s[0] == '-' || s[0] == '+')
		return BALLAST_E_SIGN;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return BALLAST_E_NOT_NUMBER;
	if (len > BALLAST_MAX_VALUE_LEN)
		return BALLAST_E_TOO_LONG;
	if (len > 1 && s[0] == '0')
		return BALLAST_E_LEADING_ZERO;
	for (i = 0; i < len; i++) {
		uint64_t digit = (uint64_t)(s[i] - '0');

		/* v * 10 + digit must stay within 64 bits */
		if (v > (BALLAST_U64_MAX - digit) / 10)
			return BALLAST_E_OVERFLOW;
		v = v * 10 + digit;
	}
	*out = v;
	return BALLAST_OK;
}

static bool word_equals(const char *word, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (word[i] == '\0' || word[i] != s[i])
			return false;
	return word[len] == '\0';
}

/* @s (@len > 0 bytes) as an index in @words. */
static enum ballast_verdict match_word(const char *const *words, const char *s,
				       size_t len, uint64_t *out)
{
	unsigned int i;

	if (len > BALLAST_MAX_VALUE_LEN)
		return BALLAST_E_TOO_LONG;
	for (i = 0; words[i]; i++) {
		if (word_equals(words[i], s, len)) {
			*out = i;
			return BALLAST_OK;
		}
	}
	return BALLAST_E_UNKNOWN_WORD;
}

enum ballast_verdict ballast_parse_key(enum ballast_key_id id, const char *s,
				       size_t len, uint64_t *out)
{
	const struct ballast_key_info *k;
	enum ballast_verdict v;
	uint64_t value;

	if ((unsigned int)id >= BALLAST_K__COUNT)
		return BALLAST_E_UNKNOWN_WORD;
	k = &ballast_keys[id];
	if (!s)
		return BALLAST_E_MISSING;
	if (len == 0)
		return BALLAST_E_EMPTY;

	if (k->words)
		return match_word(k->words, s, len, out);

	v = ballast_parse_u64(s, len, &value);
	if (v != BALLAST_OK)
		return v;
	if (value < k->min)
		return BALLAST_E_BELOW_MIN;
	if (value > k->max)
		return BALLAST_E_ABOVE_MAX;
	*out = value;
	return BALLAST_OK;
}

enum ballast_verdict ballast_parse_cpu_availability(const char *s, size_t len,
						    uint64_t *out)
{
	if (!s)
		return BALLAST_E_MISSING;
	if (len == 0)
		return BALLAST_E_EMPTY;
	return match_word(cpu_availability_words, s, len, out);
}

uint64_t ballast_default_floor_kib(uint64_t size_kib)
{
	const uint64_t mib = 1024;

	if (size_kib < 128 * mib)
		return 8 * mib + size_kib / 2;
	if (size_kib < 512 * mib)
		return 40 * mib + size_kib / 4;
	if (size_kib < 2048 * mib)
		return 104 * mib + size_kib / 8;
	if (size_kib < 8192 * mib)
		return 232 * mib + size_kib / 16;
	return 488 * mib + size_kib / 32;
}

enum ballast_verdict ballast_check_seq(uint64_t last_seq, uint64_t seq)
{
	if (seq == 0 || seq > BALLAST_MAX_COUNTER)
		return seq == 0 ? BALLAST_E_BELOW_MIN : BALLAST_E_ABOVE_MAX;
	if (seq == 1 || seq > last_seq)
		return BALLAST_OK;
	return BALLAST_E_STALE_SEQ;
}
