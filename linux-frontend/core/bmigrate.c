// SPDX-License-Identifier: MIT
/*
 * Balloon compaction, one page's protocol: see bmigrate.h.
 */
#include "bmigrate.h"

void bmigrate_begin(struct bmigrate *m)
{
	m->step = BMIGRATE_TAKE_OLD;
	m->outcome = BMIGRATE_UNDONE;
}

enum bmigrate_step bmigrate_next(const struct bmigrate *m)
{
	return m->step;
}

static void finish(struct bmigrate *m, enum bmigrate_outcome o)
{
	m->step = BMIGRATE_DONE;
	m->outcome = o;
}

void bmigrate_result(struct bmigrate *m, bool ok)
{
	switch (m->step) {
	case BMIGRATE_TAKE_OLD:
		if (ok)
			m->step = BMIGRATE_GIVE_NEW;
		else
			finish(m, BMIGRATE_UNDONE);
		break;
	case BMIGRATE_GIVE_NEW:
		if (ok)
			finish(m, BMIGRATE_MOVED);
		else
			m->step = BMIGRATE_GIVE_OLD;
		break;
	case BMIGRATE_GIVE_OLD:
		finish(m, ok ? BMIGRATE_UNDONE : BMIGRATE_RELEASED);
		break;
	case BMIGRATE_DONE:
		break;	/* a result after the end changes nothing */
	}
}

bool bmigrate_may_try(uint64_t now_ms, uint64_t refused_ms)
{
	if (!refused_ms || now_ms < refused_ms)
		return true;	/* none yet, or the clock went back */
	return now_ms - refused_ms >= BMIGRATE_BACKOFF_MS;
}
