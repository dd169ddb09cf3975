/* SPDX-License-Identifier: MIT */
/*
 * release.csv (table.h): tidy CSV, one row per cell x indicator.  A
 * suppressed value is a status, never 0 and never a blank a spreadsheet
 * would sum as 0.
 */
#include <stdio.h>
#include <stdlib.h>

#include "crypto/err.h"
#include "proto/calendar.h"
#include "release/table.h"

/* One row of the table, into line (a row is under 256 bytes: ids are
 * short, numbers 20 digits). */
static void
table_row(char *line, size_t size, const struct tv_plan *p,
    const struct tv_cell *cell, enum tv_verdict cv, const char *ind,
    const struct tv_table_value *tv)
{
	char label[16], first[11], last[11], count[24] = "", value[24] = "";

	tv_period_label(label, cell->period, cell->period_id);
	tv_day_format(first, cell->first_day);
	tv_day_format(last, cell->last_day);
	if (TV_VERDICT_RELEASED(cv))
		snprintf(count, sizeof count, "%llu",
		    (unsigned long long)cell->count);
	if (TV_VERDICT_RELEASED(tv->v))
		snprintf(value, sizeof value, "%lld", (long long)tv->value);
	snprintf(line, size, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
	    cell->site == 0 ? "all" : p->sites[cell->site - 1].id,
	    tv_period_name(cell->period), label, first, last, count, ind,
	    value, tv_status_name(tv_verdict_status(tv->v)),
	    tv_verdict_reason(tv->v));
}

int
tv_release_table(char **out, size_t *len, const struct tv_plan *p,
    uint32_t k, const struct tv_cell *cells, uint32_t n,
    const enum tv_verdict *cell_v, const struct tv_table_value *vals)
{
	FILE *f = open_memstream(out, len);
	char line[512];
	uint32_t i, j;

	if (f == NULL)
		return TV_ERR_NOMEM;
	fputs("site,period,period_label,first_day,last_day,records,"
	    "indicator,value,status,reason\n", f);
	for (i = 0; i < n; i++)
		for (j = 0; j < k; j++) {
			table_row(line, sizeof line, p, &cells[i], cell_v[i],
			    p->indicators[j].id, &vals[(size_t)i * k + j]);
			fputs(line, f);
		}
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return TV_ERR_NOMEM;
	}
	return 0;
}
