/* SPDX-License-Identifier: MIT */
/*
 * commands.h - the aggregator's subcommands (one cmd_<verb>.c each) and the
 * set-up its runner (aggregator.c) does for them.
 */
#ifndef TV_AGGREGATOR_COMMANDS_H
#define TV_AGGREGATOR_COMMANDS_H

#include "aggregator/aggregator.h"

/*
 * What the runner prepares for a command, as its row in the command table
 * (aggregator.c) asks: SETUP_STORE takes --dir DIR and opens the server
 * (closed after the command), SETUP_ACTOR takes --actor NAME for the
 * audit log.  Such a command parses its other options itself and never
 * sees --dir or --actor.
 */
enum { SETUP_STORE = 1 << 0, SETUP_ACTOR = 1 << 1 };
struct setup {
	struct server s;	/* open iff the command needs SETUP_STORE */
	int open;
};

int cmd_init(int argc, char **argv);
int cmd_enroll(struct setup *su, int argc, char **argv);
int cmd_revoke(struct setup *su, int argc, char **argv);
int cmd_devices(struct setup *su, int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_request(struct setup *su, int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_status(struct setup *su, int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_quarantine(struct setup *su, int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_register(int argc, char **argv);

#endif
