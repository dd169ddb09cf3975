/* SPDX-License-Identifier: MIT */
/*
 * record_proof.h - the proofs a device attaches to a record when the plan
 * asks for them, checked once at ingest and again by every key holder.
 *
 * Layout of tv_record.proofs: for each indicator i, a 0/1 proof (128
 * bytes) of (R, C_i) under X_i, slot i; then for each group g of the plan,
 * a sum proof (64 bytes) that the group's bits add up to its sum, over
 * X_S = sum of the members' keys and C_S = sum of their C_i.  Context:
 * the campaign id; device: the device's Ed25519 public key.  Proofs bind
 * the record to its device and campaign: copied to another device, or
 * re-randomised, they no longer verify (strong Fiat-Shamir, proof.h).
 */
#ifndef TV_RECORD_PROOF_H
#define TV_RECORD_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include "proto/batch.h"
#include "proto/campaign.h"

/* Bytes of proofs per record for this campaign (0: the plan asks none). */
size_t tv_record_proofs_len(const struct tv_campaign *c);

/* Records a device puts in one batch: about 1 MiB of records, proofs
 * counted (so that a batch stays far under TV_ENVELOPE_MAX whatever K and
 * the groups are), at most 2000, at least 1 (docs/formats.md Part III
 * §III.3).  The collector's outbox and the benchmark generator use it. */
uint32_t tv_record_batch_size(const struct tv_campaign *c);

/* Prove a record encrypted with randomness r (secret) and bits (k bytes,
 * 0/1).  Sets rec->proofs (malloc'd) and rec->proofs_len.  TV_ERR_RANGE if
 * the bits break a group's sum (a plan whose groups are not what it says). */
int tv_record_prove(struct tv_record *rec, const struct tv_campaign *c,
    const uint8_t device[32], const uint8_t r[32], const uint8_t *bits);

/* 0, or TV_ERR_BADSIG with a reason in why ("indicator 'x': not 0 or 1",
 * "group 'g': does not add up to 1", "proofs missing"). */
int tv_record_verify(const struct tv_record *rec, const struct tv_campaign *c,
    const uint8_t device[32], char *why, size_t whylen);

#endif
