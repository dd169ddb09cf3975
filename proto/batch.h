/* SPDX-License-Identifier: MIT */
/*
 * batch.h - sealing and opening signed, compressed batches of records.
 *
 * seal:  Batch --pack--> zstd --> Envelope{device, seq, payload, sig}
 * open:  size cap -> unpack Envelope -> (caller checks enrolment)
 *        -> verify signature -> bounded streaming decompression
 *        -> unpack Batch (budgeted allocator) -> caps and point checks.
 *
 * The signature is Ed25519 over
 *   "tallyvan/batch/v1" NUL || device_id (32) || seq (u64 BE) || payload
 * so it covers the compressed bytes and cannot be moved to another device
 * or sequence number.  Byte formats: docs/formats.md.
 */
#ifndef TV_BATCH_H
#define TV_BATCH_H

#include <stddef.h>
#include <stdint.h>

struct tv_gpoint;

#define TV_ENVELOPE_MAX (8u << 20)	/* bytes on the wire */
#define TV_BATCH_RAW_MAX (32u << 20)	/* bytes after decompression */
#define TV_BATCH_RECORDS_MAX 20000
#define TV_INDICATORS_MAX 256
#define TV_RECORD_ID_BYTES 16
#define TV_DEVICE_ID_BYTES 32
#define TV_CAMPAIGN_ID_BYTES 32
#define TV_ZSTD_WINDOWLOG_MAX 23

/* Proofs of a record (0/1 per indicator, sums per group: proof.h), opaque
 * here: the caller knows the plan and checks their length and validity. */
#define TV_PROOFS_MAX(k) ((size_t)(k) * 128 + 64 * 64)

struct tv_record {
	uint8_t id[TV_RECORD_ID_BYTES];
	uint32_t site;
	int32_t day;
	uint8_t *ct;		/* TV_CT_BYTES(k) bytes */
	uint8_t *proofs;	/* proofs_len bytes, NULL if none */
	size_t proofs_len;	/* <= TV_PROOFS_MAX(k) */
};

struct tv_batch {
	uint8_t campaign_id[TV_CAMPAIGN_ID_BYTES];
	uint8_t device_id[TV_DEVICE_ID_BYTES];
	uint64_t seq;
	uint32_t k;		/* indicators per record */
	uint32_t nrecords;
	struct tv_record *records;
	/* Every record's k + 1 points decoded (crypto/gpoint.h), record i's
	 * at pts + i * (k + 1): set by tv_batch_decode()/tv_batch_unpack(),
	 * whose point checks are these decodings, so that a sum does not
	 * decode the points a second time.  NULL in a batch built by its
	 * caller, or after tv_batch_drop_points(). */
	struct tv_gpoint *pts;
};

/* An unpacked, not yet verified envelope.  payload points into pb. */
struct tv_envelope {
	uint8_t device_id[TV_DEVICE_ID_BYTES];
	uint64_t seq;
	const uint8_t *payload;
	size_t payload_len;
	uint8_t sig[64];
	void *pb;		/* owned protobuf-c message */
};

/*
 * Seal b with the device's Ed25519 secret key (64 bytes).  *out is malloc'd
 * (free()).  Returns 0, TV_ERR_TOOBIG (over a cap), TV_ERR_NOMEM,
 * TV_ERR_RANGE (k not in 1..TV_INDICATORS_MAX, or a NULL ct),
 * TV_ERR_MISMATCH (b->device_id is not the public half of device_sk).
 * Points are not checked here: the receiving side is authoritative.
 */
int tv_batch_seal(uint8_t **out, size_t *outlen, const struct tv_batch *b,
    const uint8_t device_sk[64]);

/* Unpack the outer envelope only.  TV_ERR_TOOBIG (len over
 * TV_ENVELOPE_MAX), TV_ERR_FORMAT. */
int tv_envelope_parse(struct tv_envelope *env, const uint8_t *buf, size_t len);
/* 0 or TV_ERR_BADSIG; the key is env->device_id. */
int tv_envelope_verify(const struct tv_envelope *env);
/* Accepts a zeroed or already released envelope. */
void tv_envelope_release(struct tv_envelope *env);

/*
 * Decompress (bounded) and unpack the payload of a verified envelope.
 * Checks: version, one zstd frame and nothing after it, campaign id, device
 * id and seq equal to the envelope's, record count <= cap, every ct exactly
 * TV_CT_BYTES(k) with every point tv_point_ok() and R not the identity,
 * record ids unique within the batch.  (*out)->pts holds the points
 * decoded.  *out is freed with tv_batch_free().
 * Returns TV_ERR_TOOBIG (output, record count or allocation budget over a
 * cap, or a zstd window over 2^TV_ZSTD_WINDOWLOG_MAX), TV_ERR_MISMATCH
 * (campaign, device or seq), TV_ERR_RANGE (k not in 1..TV_INDICATORS_MAX)
 * and TV_ERR_FORMAT for everything else malformed -- including an invalid
 * or non-canonical point (bit 255 set), R = identity, a repeated record id
 * or a repeated R within the batch, and unknown protobuf fields.
 */
int tv_batch_decode(struct tv_batch **out, const struct tv_envelope *env,
    const uint8_t campaign_id[TV_CAMPAIGN_ID_BYTES], uint32_t k);
/*
 * The second half of tv_batch_decode(): unpack and check an already
 * decompressed Batch message (raw, rawlen) against env, with the same
 * checks and codes, plus TV_ERR_TOOBIG if rawlen is over the decompression
 * cap for k.  tv_batch_decode() is zstd_bounded() then this; it is exposed
 * so that the fuzzers can reach the protobuf layer without compression.
 */
int tv_batch_unpack(struct tv_batch **out, const uint8_t *raw, size_t rawlen,
    const struct tv_envelope *env,
    const uint8_t campaign_id[TV_CAMPAIGN_ID_BYTES], uint32_t k);
/* Accepts NULL. */
void tv_batch_free(struct tv_batch *b);
/* Record i's k + 1 decoded points, or NULL if b has none (see pts). */
const struct tv_gpoint *tv_batch_points(const struct tv_batch *b,
    uint32_t i);
/* Free the decoded points (8 times the ciphertexts' size) once summed;
 * the records stay.  Accepts NULL. */
void tv_batch_drop_points(struct tv_batch *b);

/* One record, packed as a Record message (the collector's outbox format).
 * *out is malloc'd. */
int tv_record_pack(uint8_t **out, size_t *outlen, const struct tv_record *r,
    uint32_t k);
/* Unpack into r (r->ct and r->proofs malloc'd, free with free()); checks
 * as decode. */
int tv_record_unpack(struct tv_record *r, const uint8_t *buf, size_t len,
    uint32_t k);

/* Frames: u32 BE length || bytes, with len <= cap.  Read returns
 * TV_ERR_NOTFOUND at a clean end of file, TV_ERR_FORMAT on a truncated
 * frame, TV_ERR_TOOBIG over cap.  *buf is malloc'd. */
#include <stdio.h>
int tv_frame_write(FILE *f, const uint8_t *buf, size_t len);
int tv_frame_read(FILE *f, uint8_t **buf, size_t *len, size_t cap);

#endif
