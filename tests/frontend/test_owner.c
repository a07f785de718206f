// SPDX-License-Identifier: MIT
/* One frontend per guest (core/bowner.c): who may drive, by data/ballast. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bowner.h"
#include "owner.h"
#include "run_suite.h"

static bool may(enum ballast_frontend self, const char *frontend,
		const char *state, enum ballast_frontend *holder)
{
	return bowner_may_drive(self, frontend, frontend ? strlen(frontend) : 0,
				state, state ? strlen(state) : 0, holder);
}

static void test_claims(void)
{
	enum ballast_frontend holder = BALLAST_FRONTEND__COUNT;

	/* nobody yet, its own claim (a restart), a claim let go */
	CU_ASSERT(may(BALLAST_FRONTEND_AGENT, NULL, NULL, &holder));
	CU_ASSERT(may(BALLAST_FRONTEND_AGENT, "agent", "at-target", &holder));
	CU_ASSERT(may(BALLAST_FRONTEND_AGENT, "driver", "unloading", &holder));
	CU_ASSERT(may(BALLAST_FRONTEND_DRIVER, "agent", "unloading", &holder));
	CU_ASSERT(holder == BALLAST_FRONTEND__COUNT);
	/* the other one drives: refused, and said who */
	CU_ASSERT(!may(BALLAST_FRONTEND_AGENT, "driver", "at-target", &holder));
	CU_ASSERT(holder == BALLAST_FRONTEND_DRIVER);
	CU_ASSERT(!may(BALLAST_FRONTEND_AGENT, "driver", "inflating", &holder));
	CU_ASSERT(!may(BALLAST_FRONTEND_DRIVER, "agent", "deflating", &holder));
	CU_ASSERT(holder == BALLAST_FRONTEND_AGENT);
}

/* Garbage is no claim: the keys are the guest's own, any process may write them. */
static void test_garbage(void)
{
	enum ballast_frontend holder = BALLAST_FRONTEND__COUNT;

	CU_ASSERT(may(BALLAST_FRONTEND_AGENT, "driverx", "at-target", &holder));
	CU_ASSERT(may(BALLAST_FRONTEND_AGENT, "", "at-target", &holder));
	CU_ASSERT(may(BALLAST_FRONTEND_AGENT, "driver", NULL, &holder));
	CU_ASSERT(may(BALLAST_FRONTEND_AGENT, "driver", "sleeping", &holder));
	CU_ASSERT(holder == BALLAST_FRONTEND__COUNT);
	/* a length that cuts the word */
	CU_ASSERT(bowner_may_drive(BALLAST_FRONTEND_AGENT, "driver", 3,
				   "at-target", 9, &holder));
}

/* The agent: not while ballast.ko is loaded, nor while it claims the guest. */
static void test_agent_refuses(void)
{
	char dir[] = "/tmp/ballast-module-XXXXXX", gone[64], why[320] = "";

	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(gone, sizeof(gone), "%s/none", dir);
	/* loaded (/sys/module/ballast is there): refused, whatever xenstore says */
	CU_ASSERT(owner_check(dir, NULL, 0, NULL, 0, why, sizeof(why)) == -EBUSY);
	CU_ASSERT(strstr(why, "ballast.ko is loaded") != NULL);
	CU_ASSERT(strstr(why, "one frontend per guest") != NULL);
	CU_ASSERT(owner_check(dir, "agent", 5, "at-target", 9, why, sizeof(why)) == -EBUSY);
	/* not loaded */
	CU_ASSERT(owner_check(gone, NULL, 0, NULL, 0, why, sizeof(why)) == 0);
	CU_ASSERT(owner_check(gone, "agent", 5, "at-target", 9, why, sizeof(why)) == 0);
	CU_ASSERT(owner_check(gone, "driver", 6, "unloading", 9, why, sizeof(why)) == 0);
	/* the module's claim stands in xenstore */
	CU_ASSERT(owner_check(gone, "driver", 6, "at-target", 9, why, sizeof(why)) == -EBUSY);
	CU_ASSERT(strstr(why, "data/ballast/frontend says \"driver\" drives this guest (state \"at-target\")") != NULL);
	CU_ASSERT(rmdir(dir) == 0);
	CU_ASSERT(OWNER_EXIT_REFUSED != 0 && OWNER_EXIT_REFUSED != 1 && OWNER_EXIT_REFUSED != 2);
}

int main(void)
{
	static const struct suite_case tests[] = {
		{ "the other frontend's claim refuses, its own does not", test_claims },
		{ "an invalid claim is none", test_garbage },
		{ "the agent refuses while ballast.ko drives", test_agent_refuses },
	};

	return RUN_SUITE("frontend owner", tests);
}
