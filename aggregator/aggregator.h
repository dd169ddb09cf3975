/* SPDX-License-Identifier: MIT */
/*
 * aggregator.h - the server side: enrols devices, ingests signed batches,
 * keeps encrypted per-cell sums, prepares release requests.  It holds no
 * decryption key and learns only record counts per (site, day).
 *
 * Directory: campaign.json (the public bundle) and store/ (LMDB):
 *   devices    device key (32) -> u8 state | u8 len(name) | name |
 *              be32 len(cert) | cert | be32 len(rev) | rev
 *              where cert is the packed DeviceCert (tallyvan.proto) signed
 *              by t trustees and checked at enrolment, rev the packed
 *              DeviceRevocation (len 0: none), state 1 enrolled, 2 revoked
 *              (batches with seq > the revocation's last_seq refused).
 *              Stores of the bare-key layout (u8 state | name) are not
 *              read: enrol the devices again with certificates.
 *   batches    device (32) | be64 seq -> BLAKE2b-256(envelope) | be32 n
 *   envelopes  device (32) | be64 seq -> the signed envelope, as received
 *   records    record id (16) -> device (32) | be64 seq
 *   rvals      R (32) -> record id (16)
 *   cells      be32 site | be32 (day + 2^31) -> be64 count | ct sum
 *   quarantine record id (16) -> device (32) | be64 seq | reason (text):
 *              records whose proofs do not verify, never summed
 *   audit      be64 seq -> one JSON entry of the hash-chained audit log;
 *              be64 0 -> be64 last seq | BLAKE2b-256(last entry)
 */
#ifndef TV_AGGREGATOR_H
#define TV_AGGREGATOR_H

#include <stddef.h>
#include <stdint.h>

#include "proto/campaign.h"
#include "proto/cert.h"
#include "proto/store.h"

enum agg_db {
	ADB_DEVICES,
	ADB_BATCHES,
	ADB_ENVELOPES,
	ADB_RECORDS,
	ADB_RVALS,
	ADB_CELLS,
	ADB_QUARANTINE,
	ADB_AUDIT,	/* audit log: be64 seq -> entry; be64 0 -> head
			 * (aggregator/audit.h) */
	ADB_COUNT
};

enum device_state {
	DEVICE_ENROLLED = 1,
	DEVICE_REVOKED = 2,
};

#define CELL_KEY_BYTES 8
#define BATCH_KEY_BYTES 40

struct audit;

struct server {
	const char *dir;
	struct tv_campaign *c;
	struct tv_store *st;
	struct audit *audit;	/* the audit log's state (audit.h) */
	struct ingest_state *ingest;	/* group commit, merge score */
};

/* The ingest's shared state (aggregator/ingest.c): server_open makes it,
 * server_close frees it.  ingest_state_new dies if out of memory; the
 * free accepts NULL. */
struct ingest_state *ingest_state_new(void);
void ingest_state_free(struct ingest_state *is);

/* Open the aggregator directory (create: the store) or die. */
void server_open(struct server *s, const char *dir, unsigned store_flags);
/* The same with a hard cap on the store's map size in bytes (0: the
 * library's default, 64 GiB); past it a write fails with TV_ERR_FULL. */
void server_open_cap(struct server *s, const char *dir, unsigned store_flags,
    size_t map_cap);
void server_close(struct server *s);

void cell_key(uint8_t key[CELL_KEY_BYTES], uint32_t site, int32_t day);

/* A devices db value, decoded. */
struct device_rec {
	uint8_t state;		/* enum device_state */
	char name[TV_CERT_NAME_MAX + 1];
	struct tv_cert cert;
	int has_rev;
	struct tv_revocation rev;
};
/* Decode a devices value (certificate and revocation parsed, not
 * verified: they were at enrolment): 0 or TV_ERR_FORMAT. */
int device_rec_parse(struct device_rec *d, const void *val, size_t vlen);
/* Encode and store d under its certificate's device key. */
int device_rec_put(struct tv_txn *t, const struct device_rec *d);
/* The name inside a devices value without decoding the rest: 0 or
 * TV_ERR_FORMAT. */
int device_rec_name(const void *val, size_t vlen, const char **name,
    size_t *nlen);
/* The message an attempt to enrol a bare key gets. */
#define ENROLL_CERT_ONLY "a device is enrolled with a certificate signed " \
	"by t trustees: see 'trustee certify'"
void cell_key_parse(const uint8_t *key, uint32_t *site, int32_t *day);

/* What became of one batch. */
struct ingest_result {
	int rc;			/* 0, or TV_ERR_* why it was refused */
	int duplicate;		/* identical batch already stored */
	uint8_t device[32];
	uint64_t seq;
	uint8_t hash[32];	/* BLAKE2b-256 of the envelope bytes */
	uint32_t nrecords;	/* records in the batch */
	uint32_t quarantined;	/* of which set aside: proofs invalid */
	int authentic;		/* signed by an enrolled device */
	char why[160];		/* refusal detail, no secret, no content */
};

/*
 * Verify and store one envelope: size cap, unpack, enrolled and not
 * revoked after an earlier batch (seq <= the revocation's last_seq still
 * counts), signature, bounded decompression, caps and point checks, every
 * record inside the campaign and inside its device's certificate (sites,
 * days; else the whole batch is TV_ERR_RANGE), then
 * one transaction storing the envelope, its records, the dedupe marks and
 * the cell sums -- or nothing.  An identical retry is answered with the
 * same result and duplicate = 1; the same (device, seq) with other content
 * is TV_ERR_CONFLICT.
 */
void ingest_envelope(struct server *s, const uint8_t *buf, size_t len,
    struct ingest_result *res);


#endif
