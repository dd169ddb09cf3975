/* SPDX-License-Identifier: MIT */
/* The names of statuses and verdicts (verdict.h). */
#include <string.h>

#include "crypto/err.h"
#include "release/verdict.h"

static const char *const reason_names[TV_V_COUNT] = {
	"", "not_closed", "min_cohort", "released_before", "differencing",
	"secondary", "revision", "min_cell", "no_quorum",
};

static const char *const status_names[] = {
	"released", "suppressed", "withheld",
};

enum tv_status
tv_verdict_status(enum tv_verdict v)
{
	switch (v) {
	case TV_V_RELEASE:
	case TV_V_REVISION: return TV_STATUS_RELEASED;
	case TV_V_NOT_CLOSED:
	case TV_V_RELEASED_BEFORE:
	case TV_V_NO_QUORUM: return TV_STATUS_WITHHELD;
	default: return TV_STATUS_SUPPRESSED;
	}
}

const char *
tv_status_name(enum tv_status s)
{
	return (unsigned)s < sizeof status_names / sizeof *status_names ?
	    status_names[s] : "?";
}

const char *
tv_verdict_reason(enum tv_verdict v)
{
	return (unsigned)v < TV_V_COUNT ? reason_names[v] : "?";
}

int
tv_verdict_parse(const char *status, const char *reason, enum tv_verdict *v)
{
	unsigned i;

	if (status == NULL)
		return TV_ERR_FORMAT;
	if (reason == NULL)
		reason = "";
	for (i = 0; i < TV_V_COUNT; i++)
		if (strcmp(reason_names[i], reason) == 0 &&
		    strcmp(status_names[tv_verdict_status(i)], status) == 0) {
			*v = (enum tv_verdict)i;
			return 0;
		}
	return TV_ERR_FORMAT;
}
