/* SPDX-License-Identifier: MIT */
#include "collector/collector.h"
#include "common/util.h"

int
cmd_ship(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return error("'ship' is not implemented yet"), 2;
}
