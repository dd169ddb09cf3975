/* SPDX-License-Identifier: MIT */
/*
 * cert.h - device certificates and revocations, signed by the trustees.
 *
 * Which devices count is the trustees' decision, not the aggregator's
 * (THREATS.md: the aggregator can invent device keys).  A certificate says
 * "this Ed25519 key may sign records for these sites between these days";
 * a revocation says "of this key, only batches with seq <= last_seq
 * count".  Each is valid iff at least t DISTINCT trustees of the campaign
 * bundle signed its canonical body with their Ed25519 keys; any invalid
 * signature, unknown trustee index or repeated index makes it invalid
 * (nothing is ignored silently).
 *
 * Certificate body (canonical bytes, what is signed):
 *   "tallyvan/device-cert/v1" NUL || campaign_id (32) || device key (32) ||
 *   u32le len(name) || name (UTF-8, 1..64 bytes, no control chars) ||
 *   u32le nsites || nsites x u32le site index (strictly increasing) ||
 *   i32le valid_from || i32le valid_until      (days since 1970-01-01,
 *                                               inclusive, from <= until)
 * Revocation body:
 *   "tallyvan/device-revocation/v1" NUL || campaign_id (32) ||
 *   device key (32) || u64le last_seq
 * Files (JSON) and the request's DeviceCert / DeviceRevocation messages:
 * docs/formats.md, "Device certificates and revocations".
 */
#ifndef TV_CERT_H
#define TV_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "proto/campaign.h"
#include "proto/plan.h"

#define TV_CERT_NAME_MAX 64
#define TV_CERT_SITES_MAX TV_PLAN_MAX_SITES
#define TV_CERT_SIGS_MAX TV_TRUSTEES_MAX
#define TV_CERT_FILE_MAX (64u << 10)	/* a .cert or .rev file */
/* The largest body: label, ids, name, every site, window. */
#define TV_CERT_BODY_MAX (24 + 64 + 4 + TV_CERT_NAME_MAX + 4 + \
	4 * TV_CERT_SITES_MAX + 8)
#define TV_REV_BODY_BYTES (30 + 64 + 8)
/* A packed DeviceCert or DeviceRevocation message, at most. */
#define TV_CERT_PACKED_MAX (TV_CERT_BODY_MAX + 16 + TV_CERT_SIGS_MAX * 80)

struct tv_trustee_sig {
	uint32_t trustee;	/* index 1..n in the campaign bundle */
	uint8_t sig[64];	/* Ed25519 over the body */
};

struct tv_cert {
	uint8_t campaign_id[32];
	uint8_t device[32];
	char name[TV_CERT_NAME_MAX + 1];	/* NUL-terminated */
	uint32_t nsites;
	uint32_t sites[TV_CERT_SITES_MAX];	/* strictly increasing */
	int32_t valid_from, valid_until;	/* inclusive days */
	uint32_t nsigs;
	struct tv_trustee_sig sigs[TV_CERT_SIGS_MAX];
};

struct tv_revocation {
	uint8_t campaign_id[32];
	uint8_t device[32];
	uint64_t last_seq;	/* batches with seq > last_seq do not count */
	uint32_t nsigs;
	struct tv_trustee_sig sigs[TV_CERT_SIGS_MAX];
};

/*
 * The canonical body of c into body (room for TV_CERT_BODY_MAX bytes);
 * *len gets its length.  TV_ERR_FORMAT if c breaks a rule of the body
 * (name, sites, window); the plan's site count is checked by verify.
 */
int tv_cert_body(const struct tv_cert *c, uint8_t *body, size_t *len);
/* Parse a body into c (its signatures untouched): TV_ERR_FORMAT on any
 * deviation (label, lengths, name, order of sites, window, trailing
 * bytes), TV_ERR_TOOBIG over the caps. */
int tv_cert_parse_body(struct tv_cert *c, const uint8_t *body, size_t len);
/* 1 iff site index s is in c (binary search). */
int tv_cert_has_site(const struct tv_cert *c, uint32_t s);

/* The revocation body (TV_REV_BODY_BYTES) and its parser. */
void tv_rev_body(const struct tv_revocation *r,
    uint8_t body[TV_REV_BODY_BYTES]);
int tv_rev_parse_body(struct tv_revocation *r, const uint8_t *body,
    size_t len);

/*
 * Sign with trustee `index`'s Ed25519 secret key sk (only read) and
 * append the signature.  TV_ERR_EXISTS if this index already signed,
 * TV_ERR_TOOBIG if full, TV_ERR_FORMAT if the body is invalid.
 */
int tv_cert_sign(struct tv_cert *c, uint32_t index, const uint8_t sk[64]);
int tv_rev_sign(struct tv_revocation *r, uint32_t index,
    const uint8_t sk[64]);

/*
 * Check against campaign cp: same campaign id, a valid body (every site
 * index < the plan's nsites), and every attached signature valid, from a
 * distinct trustee index of the bundle, at least t of them.
 * 0; TV_ERR_MISMATCH (other campaign), TV_ERR_FORMAT (body, or a site out
 * of the plan), TV_ERR_NOTFOUND (unknown trustee index), TV_ERR_EXISTS
 * (one trustee twice), TV_ERR_BADSIG (a bad signature), TV_ERR_RANGE
 * (fewer than t signatures).  *nvalid, if not NULL, gets the number of
 * signatures checked valid before the verdict.
 */
int tv_cert_verify(const struct tv_cert *c, const struct tv_campaign *cp,
    uint32_t *nvalid);
int tv_rev_verify(const struct tv_revocation *r, const struct tv_campaign *cp,
    uint32_t *nvalid);

/*
 * Packed DeviceCert / DeviceRevocation messages (tallyvan.proto): what the
 * aggregator stores and what a release request carries.  pack: *out
 * malloc'd; unpack: TV_ERR_FORMAT / TV_ERR_TOOBIG on anything malformed
 * (signatures are parsed, not verified).
 */
int tv_cert_pack(const struct tv_cert *c, uint8_t **out, size_t *len);
int tv_cert_unpack(struct tv_cert *c, const uint8_t *buf, size_t len);
int tv_rev_pack(const struct tv_revocation *r, uint8_t **out, size_t *len);
int tv_rev_unpack(struct tv_revocation *r, const uint8_t *buf, size_t len);

/*
 * JSON file forms ("tallyvan-device-cert/1", "tallyvan-device-revocation/1").
 * Site ids are the plan's.  Readers: at most TV_CERT_FILE_MAX bytes,
 * TV_ERR_MISMATCH for an unknown or absent "format", TV_ERR_FORMAT for
 * anything else malformed (signatures are parsed, not verified).
 * Writers: *json malloc'd, NUL-terminated.
 */
int tv_cert_from_json(struct tv_cert *c, const char *json, size_t len,
    const struct tv_plan *p);
int tv_cert_to_json(char **json, const struct tv_cert *c,
    const struct tv_plan *p);
int tv_rev_from_json(struct tv_revocation *r, const char *json, size_t len);
int tv_rev_to_json(char **json, const struct tv_revocation *r);
/* Read a file (capped) and parse it; TV_ERR_IO / TV_ERR_TOOBIG too. */
int tv_cert_load(struct tv_cert *c, const char *path,
    const struct tv_plan *p);
int tv_rev_load(struct tv_revocation *r, const char *path);

#endif
