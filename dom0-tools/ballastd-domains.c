// SPDX-License-Identifier: MIT
/* The domain table: see ballastd-domains.h. */
#include <stdlib.h>

#include "ballastd-domains.h"

struct bd_dom *bd_dom_get(struct bd_table *t, uint32_t domid, bool create)
{
	struct bd_dom *d;

	for (size_t i = 0; i < t->n; i++)
		if (t->d[i].who.domid == domid)
			return &t->d[i];
	if (!create)
		return NULL;
	d = realloc(t->d, (t->n + 1) * sizeof(*d));
	if (!d)
		return NULL;
	t->d = d;
	d = &d[t->n++];
	*d = (struct bd_dom){ .who.domid = domid };
	bd_guest_init(&d->guest);
	return d;
}

void bd_dom_drop(struct bd_table *t, size_t i)
{
	free(t->d[i].status_json);
	t->d[i] = t->d[--t->n];
}

void bd_table_free(struct bd_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->d[i].status_json);
	free(t->d);
	*t = (struct bd_table){ 0 };
}
