/* SPDX-License-Identifier: MIT */
/*
 * commands.h - the collector's subcommands (one cmd_<verb>.c each) and the
 * set-up its runner (collector.c) does for them.
 */
#ifndef TV_COLLECTOR_COMMANDS_H
#define TV_COLLECTOR_COMMANDS_H

#include "collector/collector.h"

/*
 * What the runner prepares for a command, as its row in the command table
 * (collector.c) asks: SETUP_DEVICE takes --dir DIR and opens the device;
 * SETUP_UNLOCK also takes --passphrase-file FILE (else asks on the
 * terminal) and unlocks its keystore.  Closed and wiped after the command,
 * which parses its other options itself.
 */
enum { SETUP_DEVICE = 1 << 0, SETUP_UNLOCK = 1 << 1 };
struct setup {
	struct device d;	/* open iff the command needs SETUP_DEVICE */
	int open;
};

int cmd_init(int argc, char **argv);
int cmd_record(struct setup *su, int argc, char **argv);
int cmd_import(struct setup *su, int argc, char **argv);
int cmd_export(struct setup *su, int argc, char **argv);
int cmd_status(struct setup *su, int argc, char **argv);
int cmd_ship(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_purge(struct setup *su, int argc, char **argv);
int cmd_erase(struct setup *su, int argc, char **argv);

#endif
