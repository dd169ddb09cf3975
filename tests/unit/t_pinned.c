/* SPDX-License-Identifier: MIT */
/*
 * tv_pinned_find (release/pinned.h) on small systems whose answer is known by
 * hand: a part alone under a published total is pinned; two are not; a
 * chain of relations pins; a 2x2 table with its margins hides a cycle of
 * four cells but not three; a sum known from an earlier release (a
 * relation whose total is TV_REL_KNOWN) pins a part like a total does.
 */
#include <stdint.h>
#include <stdlib.h>

#include "crypto/err.h"
#include "release/pinned.h"
#include "tests/unit/tap.h"

/* relation i: parent p[i] = sum of kids */
static struct tv_relation
rel(uint32_t parent, uint32_t n, uint32_t *kids)
{
	struct tv_relation r = { parent, n, kids };

	return r;
}

static int
check(const struct tv_relation *r, uint32_t nrel, uint32_t ncells,
    const char *open_s, const char *target_s, uint32_t *cell)
{
	uint8_t open[16], target[16];
	uint32_t c;

	for (c = 0; c < ncells; c++) {
		open[c] = open_s[c] == '1';
		target[c] = target_s[c] == '1';
	}
	return tv_pinned_find(r, nrel, ncells, open, target, cell);
}

int
main(void)
{
	uint32_t ab[] = { 1, 2 }, cd[] = { 3, 4 };
	uint32_t row1[] = { 0, 1 }, row2[] = { 2, 3 }, col1[] = { 0, 2 },
	    col2[] = { 1, 3 }, rows[] = { 4, 5 };
	struct tv_relation one[1], chain[2], table[5], known[2];
	uint32_t cell = 99, n, c;
	struct tv_relation *many;
	uint8_t *all;

	/* total 0 = a 1 + b 2 */
	one[0] = rel(0, 2, ab);
	is_int(1, check(one, 1, 3, "010", "010", &cell), "a alone: pinned");
	is_int(1, (int)cell, "... and it is a");
	is_int(0, check(one, 1, 3, "011", "011", &cell), "a and b: not");
	is_int(0, check(one, 1, 3, "111", "111", &cell), "all open: not");
	/* 0 = 1 + 2, 2 = 3 + 4: with 0, 3, 4 published, b then a */
	chain[0] = rel(0, 2, ab);
	chain[1] = rel(2, 2, cd);
	is_int(1, check(chain, 2, 5, "01100", "01000", &cell),
	    "a chain pins a");
	is_int(1, (int)cell, "... a");
	is_int(0, check(chain, 2, 5, "01110", "01110", &cell),
	    "one more open: not");
	/* x11 0, x12 1, x21 2, x22 3; rows 4 5, columns 6 7 */
	table[0] = rel(4, 2, row1);
	table[1] = rel(5, 2, row2);
	table[2] = rel(6, 2, col1);
	table[3] = rel(7, 2, col2);
	table[4] = rel(8, 2, rows);
	is_int(0, check(table, 5, 9, "111100000", "111100000", &cell),
	    "2x2: a cycle of four hidden cells is safe");
	is_int(1, check(table, 5, 9, "111000000", "111000000", &cell),
	    "2x2: three are not");
	is_int(0, check(table, 5, 9, "111000000", "000000000", &cell),
	    "nothing asked for: nothing found");
	/* 0 = 1 + 2 with 0 hidden, and 1 + 2 known from before: b published
	 * gives a; without the earlier sum, it does not */
	known[0] = rel(0, 2, ab);
	known[1] = rel(TV_REL_KNOWN, 2, ab);
	is_int(1, check(known, 2, 3, "110", "010", &cell),
	    "an earlier sum pins a");
	is_int(1, (int)cell, "... a");
	is_int(0, check(known, 1, 3, "110", "010", &cell),
	    "without it: not");
	is_int(0, check(known, 2, 3, "111", "011", &cell),
	    "with both parts hidden: not");
	is_int(1, check(known, 2, 3, "111", "100", &cell),
	    "... but their total is the earlier sum");
	/* too big to check */
	n = TV_PINNED_MAX_OPEN + 1;
	all = malloc(n);
	many = calloc(1, sizeof *many);
	for (c = 0; c < n; c++)
		all[c] = 1;
	is_int(TV_ERR_TOOBIG, tv_pinned_find(many, 0, n, all, all, &cell),
	    "over the size limit: not checked, and said so");
	free(all);
	free(many);
	return tap_done();
}
