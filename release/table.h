/* SPDX-License-Identifier: MIT */
/*
 * table.h - release.csv, the evaluators' table (docs/formats.md III.9.1):
 * one function makes its bytes, so that `aggregator publish` writes it and
 * `trustee verify` rebuilds it from release.json and its own recount and
 * compares byte for byte (a table that says something else than the
 * proven values -- a label, a day range, a count, a status -- fails).
 */
#ifndef TV_TABLE_H
#define TV_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "proto/plan.h"
#include "proto/release.h"
#include "release/verdict.h"

/* One value of a cell: its verdict, and the value when it is shown. */
struct tv_table_value {
	enum tv_verdict v;
	int64_t value;
};

/*
 * The table of n cells (cells[i].count is a released cell's record count)
 * with cell verdicts cell_v[i] and values vals[i * k + j] (j: the plan's
 * indicator j, k of them), into *out (malloc'd, *len bytes, no NUL
 * counted).  0 or TV_ERR_NOMEM.
 */
int tv_release_table(char **out, size_t *len, const struct tv_plan *p,
    uint32_t k, const struct tv_cell *cells, uint32_t n,
    const enum tv_verdict *cell_v, const struct tv_table_value *vals);

#endif
