/* SPDX-License-Identifier: MIT */
#include <string.h>
#include <stdlib.h>

#include "common/util.h"
#include "trustee/ledger.h"
#include "trustee/trustee.h"

int
cmd_ledger(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--ledger") != 0) {
		fprintf(argc == 2 && !strcmp(argv[1], "--help") ? stdout :
		    stderr, "usage: trustee ledger --ledger DIR\n\n"
		    "Prints every entry of my ledger's chain (its start, each\n"
		    "release with its verdicts, each refused request), checks\n"
		    "that each names the head before it, and ends with the\n"
		    "number of entries and the head: what my partial decryptions\n"
		    "sign, and what to compare a backup against\n"
		    "(docs/operations.md).  Exit 1 if the chain is broken.\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	return ledger_chain_show(argv[2]) == 0 ? 0 : 1;
}
