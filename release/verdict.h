/* SPDX-License-Identifier: MIT */
/*
 * verdict.h - what became of a cell of a release request, or of one value
 * in a released cell: one enum for the trustees' ledgers, the publisher,
 * the verifier and the report, and the one spelling of its status and
 * reason in every file (docs/formats.md III.9).
 */
#ifndef TV_VERDICT_H
#define TV_VERDICT_H

/* The status a file shows. */
enum tv_status {
	TV_STATUS_RELEASED,
	TV_STATUS_SUPPRESSED,	/* hidden by the disclosure rules */
	TV_STATUS_WITHHELD,	/* not now: later, earlier, or no quorum */
};

/*
 * The verdict: a status and its reason.  The first seven are the
 * trustees' verdicts on a cell, and their numbers are the digits a
 * ledger's release entries record (trustee/ledger.h): never renumber
 * them.  The last two are the publisher's.
 */
enum tv_verdict {
	TV_V_RELEASE = 0,	/* released */
	TV_V_NOT_CLOSED = 1,	/* withheld: its period is not over */
	TV_V_MIN_COHORT = 2,	/* suppressed: fewer records than the minimum */
	TV_V_RELEASED_BEFORE = 3,	/* withheld: an earlier release has it */
	TV_V_DIFFERENCING = 4,	/* suppressed: a difference would give one */
	TV_V_SECONDARY = 5,	/* suppressed: totals would give one away */
	TV_V_REVISION = 6,	/* released: a new total after late records */
	TV_V_MIN_CELL = 7,	/* a value suppressed: under the plan's min_cell */
	TV_V_NO_QUORUM = 8,	/* withheld: fewer than t trustees released it */
	TV_V_COUNT
};

/* The trustees' verdicts end here (a ledger digit is below it). */
#define TV_V_TRUSTEE_COUNT 7

#define TV_VERDICT_RELEASED(v) ((v) == TV_V_RELEASE || (v) == TV_V_REVISION)

enum tv_status tv_verdict_status(enum tv_verdict v);
/* "released", "suppressed", "withheld". */
const char *tv_status_name(enum tv_status s);
/* The reason's name: "" for TV_V_RELEASE, "not_closed", "min_cohort"... */
const char *tv_verdict_reason(enum tv_verdict v);
/* The verdict a file's status and reason ("" or NULL: none) name: 0, or
 * TV_ERR_FORMAT for an unknown name or a reason that does not go with the
 * status. */
int tv_verdict_parse(const char *status, const char *reason,
    enum tv_verdict *v);

#endif
