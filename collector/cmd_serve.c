/* SPDX-License-Identifier: MIT */
#include "collector/collector.h"
#include "common/util.h"

int
cmd_serve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return error("'serve' is not implemented yet"), 2;
}
