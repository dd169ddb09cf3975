/* SPDX-License-Identifier: MIT */
/*
 * Is a hidden cell computable from the published ones (pinned.h)?  Exact
 * linear algebra over the relations, modulo a 61-bit prime.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/err.h"
#include "release/pinned.h"

#define P ((UINT64_C(1) << 61) - 1)

typedef unsigned __int128 u128;

static uint64_t
mod_p(u128 x)
{
	uint64_t s = (uint64_t)(x & P) + (uint64_t)(x >> 61);

	s = (s & P) + (s >> 61);
	return s >= P ? s - P : s;
}

static uint64_t
inv_p(uint64_t a)	/* a^(P-2) */
{
	uint64_t r = 1, e = P - 2;

	while (e > 0) {
		if (e & 1)
			r = mod_p((u128)r * a);
		a = mod_p((u128)a * a);
		e >>= 1;
	}
	return r;
}

static int
touches(const struct tv_relation *r, const uint32_t *col)
{
	uint32_t j;

	for (j = 0; j < r->n; j++)
		if (col[r->kids[j]] != UINT32_MAX)
			return 1;
	return r->parent != TV_REL_KNOWN && col[r->parent] != UINT32_MAX;
}

/* One equation a row: +1 for the total, -1 (P - 1) for each part, on the
 * open cells only; relations without an open cell say nothing.  NULL if
 * out of memory. */
static uint64_t *
system_build(const struct tv_relation *r, uint32_t nrel, const uint32_t *col,
    uint32_t ncols, uint32_t *nrows)
{
	uint64_t *a, *row;
	uint32_t i, j, n = 0, c;
	int any;

	for (i = 0; i < nrel; i++)
		n += touches(&r[i], col);
	if ((a = calloc((size_t)n * ncols + 1, sizeof *a)) == NULL)
		return NULL;
	n = 0;
	for (i = 0; i < nrel; i++) {
		row = a + (size_t)n * ncols;
		any = 0;
		if (r[i].parent != TV_REL_KNOWN &&
		    (c = col[r[i].parent]) != UINT32_MAX) {
			row[c] = 1;
			any = 1;
		}
		for (j = 0; j < r[i].n; j++)
			if ((c = col[r[i].kids[j]]) != UINT32_MAX) {
				row[c] = mod_p((u128)row[c] + P - 1);
				any = 1;
			}
		n += any;
	}
	*nrows = n;
	return a;
}

/* Reduced row echelon form in place; pivot[k] = column of row k. */
static uint32_t
rref(uint64_t *a, uint32_t nrows, uint32_t ncols, uint32_t *pivot)
{
	uint32_t rank = 0, c, i, j;
	uint64_t *pr, *ri, f, inv;

	for (c = 0; c < ncols && rank < nrows; c++) {
		for (i = rank; i < nrows && a[(size_t)i * ncols + c] == 0; i++)
			;
		if (i == nrows)
			continue;
		pr = a + (size_t)rank * ncols;
		if (i != rank)
			for (j = c; j < ncols; j++) {
				f = pr[j];
				pr[j] = a[(size_t)i * ncols + j];
				a[(size_t)i * ncols + j] = f;
			}
		inv = inv_p(pr[c]);
		for (j = c; j < ncols; j++)
			pr[j] = mod_p((u128)pr[j] * inv);
		for (i = 0; i < nrows; i++) {
			ri = a + (size_t)i * ncols;
			if (i == rank || (f = ri[c]) == 0)
				continue;
			for (j = c; j < ncols; j++)
				if (pr[j] != 0)
					ri[j] = mod_p((u128)ri[j] + P -
					    mod_p((u128)f * pr[j]));
		}
		pivot[rank++] = c;
	}
	return rank;
}

/* 1 and *cell if a pivot row of the reduced system a says "a target
 * cell = a known number"; else 0. */
static int
pinned_row(const uint64_t *a, uint32_t rank, uint32_t ncols,
    const uint32_t *pivot, const uint32_t *cellof, const uint8_t *target,
    uint32_t *cell)
{
	const uint64_t *row;
	uint32_t k, j;

	for (k = 0; k < rank; k++) {
		row = a + (size_t)k * ncols;
		for (j = 0; j < ncols && (j == pivot[k] || row[j] == 0); j++)
			;
		if (j == ncols && target[cellof[pivot[k]]]) {
			*cell = cellof[pivot[k]];
			return 1;
		}
	}
	return 0;
}

int
tv_pinned_find(const struct tv_relation *r, uint32_t nrel, uint32_t ncells,
    const uint8_t *open, const uint8_t *target, uint32_t *cell)
{
	uint32_t *col = calloc(ncells + 1, sizeof *col), *cellof = NULL;
	uint32_t *pivot = NULL, ncols = 0, nrows = 0, rank, c;
	uint64_t *a = NULL;
	int rc = TV_ERR_NOMEM;

	if (col == NULL)
		goto out;
	for (c = 0; c < ncells; c++)
		col[c] = open[c] ? ncols++ : UINT32_MAX;
	if (ncols > TV_PINNED_MAX_OPEN) {
		rc = TV_ERR_TOOBIG;
		goto out;
	}
	if ((cellof = calloc(ncols + 1, sizeof *cellof)) == NULL)
		goto out;
	for (c = 0; c < ncells; c++)
		if (col[c] != UINT32_MAX)
			cellof[col[c]] = c;
	if ((a = system_build(r, nrel, col, ncols, &nrows)) == NULL ||
	    (pivot = calloc(nrows + 1, sizeof *pivot)) == NULL)
		goto out;
	rank = rref(a, nrows, ncols, pivot);
	rc = pinned_row(a, rank, ncols, pivot, cellof, target, cell);
out:
	free(a);
	free(pivot);
	free(cellof);
	free(col);
	return rc;
}
