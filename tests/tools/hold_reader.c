/* SPDX-License-Identifier: MIT */
/*
 * hold_reader STOREDIR: open an LMDB store read-only, begin a read
 * transaction, print "ready" and wait to be killed.  Killed with -9, it
 * leaves its reader slot behind, pinning the snapshot it read: the stale
 * reader of tests/cli/http_stale_readers.sh.
 */
#include <stdio.h>
#include <unistd.h>

#include <lmdb.h>

int
main(int argc, char **argv)
{
	MDB_env *env;
	MDB_txn *txn;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: hold_reader STOREDIR\n");
		return 2;
	}
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, 16)) != 0 ||
	    (rc = mdb_env_open(env, argv[1], MDB_RDONLY, 0600)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0) {
		fprintf(stderr, "hold_reader: %s\n", mdb_strerror(rc));
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
