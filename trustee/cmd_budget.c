/* SPDX-License-Identifier: MIT */
#include <string.h>
#include <stdlib.h>

#include "common/util.h"
#include "trustee/ledger.h"
#include "trustee/trustee.h"

int
cmd_budget(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--ledger") != 0) {
		fprintf(argc == 2 && !strcmp(argv[1], "--help") ? stdout :
		    stderr, "usage: trustee budget --ledger DIR\n\n"
		    "Prints every privacy-budget entry of my ledger (one per\n"
		    "release made with noise: cost, running total, the request)\n"
		    "and checks the hash chain and the sums.  Exit 1 if broken.\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	return ledger_budget_show(argv[2]) == 0 ? 0 : 1;
}
