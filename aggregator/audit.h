/* SPDX-License-Identifier: MIT */
/*
 * audit.h - the aggregator's append-only, hash-chained audit log: who
 * enrolled, revoked, ingested, requested, published and purged what, when.
 *
 * Stored in the "audit" db of the aggregator's store (ADB_AUDIT):
 *   be64 seq (1, 2, ...) -> the entry: one compact JSON text (ASCII only,
 *                           no newline), keys in this order:
 *     {"seq":N,"time":"2021-11-02T10:00:00Z","actor":"NAME","user":"LOGIN",
 *      "event":"ingest","details":{...},"prev":"<64 hex>"}
 *   be64 0              -> the head: be64 last seq || BLAKE2b-256(last entry)
 *
 * prev is the hex BLAKE2b-256 of the previous entry's exact bytes (64
 * zeros for entry 1), so changing, removing or reordering an entry breaks
 * the chain at that entry.  Entry 1 is always "audit_start", naming the
 * campaign.  details carry hashes, counts, device ids, batch numbers and
 * reasons -- never record content, never a secret.
 *
 * A chain can be rewritten whole by someone who controls the store: the
 * head hash printed by 'aggregator audit verify' is what the DPO records
 * elsewhere (an "anchor") and checks later with --anchor SEQ:HASH.
 *
 * Functions that append print nothing; they return 0 or TV_ERR_*.
 */
#ifndef TV_AUDIT_H
#define TV_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "aggregator/aggregator.h"

#define AUDIT_ACTOR_MAX 64	/* bytes */
#define AUDIT_ENTRY_MAX (1u << 20)	/* bytes of one entry */

/* The log's state for one open server (struct audit is private to
 * audit.c): server_open makes it, server_close frees it.  audit_new
 * takes the names: the account, and as actor the login name. */
struct audit *audit_new(void);
/* Accepts NULL. */
void audit_free(struct audit *a);

/* Who is acting: --actor NAME (validated here; dies if it is empty, longer
 * than AUDIT_ACTOR_MAX bytes, not UTF-8 or holds a control character).
 * NULL keeps the login name.  Call before any thread starts. */
void audit_actor_set(struct server *s, const char *name);

/* A JSON string for text that should be UTF-8 but may not be (a device
 * name): bytes that are not printable ASCII are replaced by '?' if the
 * whole is not valid UTF-8; control characters always are. */
json_t *audit_text(const char *s, size_t n);

/*
 * Append one entry inside the caller's write transaction t, so that the
 * entry and what it records commit together or not at all.  The log fails
 * closed: if its head is damaged (an entry already holds the next number,
 * or the head record is not one), this returns TV_ERR_STORE and what was
 * to be logged must not happen.  details is
 * borrowed (not consumed): a transaction function may be run again after a
 * map resize, and details must still be there.  NULL means {}.
 */
int audit_txn(struct tv_txn *t, const struct server *s, const char *event,
    json_t *details);
/* The same in a transaction of its own.  details is consumed (decref'd),
 * even on failure. */
int audit_event(struct server *s, const char *event, json_t *details);
/* A refused enrolment or revocation (event "enroll_refused",
 * "revoke_refused"): the device and why, best effort (a warning if the
 * log cannot be written). */
void audit_device_refused(struct server *s, const char *event,
    const uint8_t device[32], const char *why);

/* Ingest hooks (aggregator/ingest.c).  audit_ingest_txn: inside the ingest
 * transaction, "ingest" or "ingest_duplicate".  audit_ingest_refused: own
 * transaction, "ingest_refused" with the reason; a warning on failure.
 * Anyone can send bytes, and each entry is a synced write: refusals of
 * input no enrolled device signed are written at most AUDIT_ANON_PER_MIN
 * times a minute; past that they are counted, and the count is written as
 * one "ingest_refused_unlogged" entry ({"count", "first", "last"}) when
 * the next one may be written, or by audit_flush (at the end of ingest and
 * serve). */
#define AUDIT_ANON_PER_MIN 60
int audit_ingest_txn(struct tv_txn *t, const struct server *s,
    const struct ingest_result *res, size_t bytes);
void audit_ingest_refused(struct server *s, const struct ingest_result *res,
    size_t bytes);
void audit_flush(struct server *s);

/* What a release's audit entry says about it: aggregator publish fills it
 * from what it wrote into release.json (reading the file back held the
 * whole document in memory). */
struct audit_release {
	uint64_t status[3];	/* cells by tv_verdict_status() */
	uint64_t trustees;	/* bit j: trustee j's partials were combined */
	uint32_t cells;
	char as_of[11];		/* YYYY-MM-DD */
};

/*
 * Release hooks, called once the file or directory is written:
 * audit_release_request: "release_request" with the request file's hash,
 *   as-of day, cells, signed batches and devices it holds.
 * audit_publish: "publish" with the hash of every file of the release
 *   directory and of the directory as a whole, the request's hash, the
 *   cells released / suppressed / withheld and the trustees whose partial
 *   decryptions were combined (r, as release.json says them).
 *   It is idempotent: if the log already has a "publish" entry for a
 *   directory with the same hash, nothing is appended and *already (if
 *   not NULL) is set, so that a publish rerun after a crash completes.
 * Both print an error and return -1 on failure.
 */
int audit_release_request(struct server *s, const char *path,
    int32_t as_of, uint32_t ncells, uint64_t nbatches, uint32_t ndevices);
int audit_publish(struct server *s, const char *dir,
    const struct audit_release *r, int *already);
/* The release directory hash audit_publish records.  0 or TV_ERR_*. */
int audit_release_hash(const char *dir, uint8_t h[32]);


/* Chain verification, shared by the store and exported files. */
struct audit_walk {
	uint64_t n;		/* entries checked so far */
	uint8_t prev[32];	/* hash of the last entry checked */
	uint64_t bad;		/* first entry that cannot be trusted */
	char why[200];
	uint64_t anchor_seq;	/* 0: none */
	uint8_t anchor[32];
	int anchor_seen;
};
void audit_walk_init(struct audit_walk *w);
/* Check the next entry: pos is its position (store key or line number).
 * 0, or 1 with w->bad and w->why set. */
int audit_walk_entry(struct audit_walk *w, uint64_t pos, const uint8_t *buf,
    size_t len);
/* After the last entry: the anchor was met.  0 or 1 as above. */
int audit_walk_end(struct audit_walk *w);

#endif
