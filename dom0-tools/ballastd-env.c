// SPDX-License-Identifier: MIT
/* ballastd's ground floor: logging, the once-a-minute limiter, validated reads. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ballastd-env.h"

void bd_log(struct bd_env *env, int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio == LOG_DEBUG)
		return;	/* debugging lines are for a debugger, not for the journal */
	va_start(ap, fmt);
	if (env->cfg.log == BD_LOG_SYSLOG) {
		vsyslog(prio, fmt, ap);
	} else {
		if (env->log_prio_prefix)	/* sd-daemon(3): the journal takes it */
			fprintf(env->log_out, "<%d>", prio);
		vfprintf(env->log_out, fmt, ap);
		fputc('\n', env->log_out);
		fflush(env->log_out);
	}
	va_end(ap);
}

/* @msg, with " (@what: @n)" appended unless @n is 0. */
static void log_counted(struct bd_env *env, int prio, const char *msg,
			const char *what, uint64_t n)
{
	if (n)
		bd_log(env, prio, "%s (%s: %" PRIu64 ")", msg, what, n);
	else
		bd_log(env, prio, "%s", msg);
}

bool bd_log_held_back(struct bd_log_limit *lim, uint64_t now_ms)
{
	if (now_ms >= lim->quiet_until_ms)
		return false;
	lim->held_back++;
	return true;
}

void bd_log_said(struct bd_log_limit *lim, uint64_t now_ms)
{
	lim->held_back = 0;
	lim->quiet_until_ms = now_ms + BD_LOG_QUIET_MS;
}

void bd_log_failure(struct bd_env *env, struct bd_log_limit *lim, int prio,
		    const char *fmt, ...)
{
	uint64_t now_ms = env->io.ops->now_ms(env->io.ctx);
	char msg[512];
	va_list ap;

	lim->failing = true;
	if (bd_log_held_back(lim, now_ms))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_counted(env, prio, msg, "repeats since the last line", lim->held_back);
	bd_log_said(lim, now_ms);
}

void bd_log_recovered(struct bd_env *env, struct bd_log_limit *lim,
		      const char *what_fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	if (!lim->failing)
		return;
	va_start(ap, what_fmt);
	n = vsnprintf(msg, sizeof(msg) - 32, what_fmt, ap);
	va_end(ap);
	if (n >= 0)
		strcat(msg, ": working again");
	log_counted(env, LOG_NOTICE, msg, "failures not logged", lim->held_back);
	*lim = (struct bd_log_limit){ 0 };
}

void bd_log_guest(struct bd_env *env, struct bd_log_budget *b, int prio,
		  const char *fmt, ...)
{
	uint64_t now_ms = env->io.ops->now_ms(env->io.ctx);
	char msg[512];
	va_list ap;

	if (!b->said || now_ms - b->window_start_ms >= BD_LOG_QUIET_MS) {
		b->window_start_ms = now_ms;
		b->said = 0;
	}
	if (b->said >= BD_GUEST_LINES) {
		b->held_back++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_counted(env, prio, msg, "lines about this guest held back", b->held_back);
	b->held_back = 0;
	b->said++;
}

enum ballast_verdict bd_read_key(struct bd_env *env, const char *path,
				 enum ballast_key_id id, uint64_t *out)
{
	enum ballast_verdict v;
	char *val = NULL;
	size_t len = 0;

	if (bio_read(&env->io, BIO_TXN_NONE, path, &val, &len))
		return BALLAST_E_MISSING;
	v = ballast_parse_key(id, val, len, out);
	free(val);
	return v;
}

int bd_read_u64(struct bd_env *env, const char *path, uint64_t *out)
{
	char *val = NULL;
	size_t len = 0;
	int rc;

	rc = bio_read(&env->io, BIO_TXN_NONE, path, &val, &len);
	if (rc)
		return rc;
	rc = ballast_parse_u64(val, len, out) == BALLAST_OK ? 0 : -EINVAL;
	free(val);
	return rc;
}
