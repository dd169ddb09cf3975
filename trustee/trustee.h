/* SPDX-License-Identifier: MIT */
/*
 * trustee.h - the key holders' program.
 *
 * Ceremony (dealer-based, crypto-notes §5.3): each trustee makes a personal
 * key (keygen); a dealer on an offline machine generates the indicator keys
 * and deals t-of-n Shamir shares with Feldman commitments, each share
 * sealed to its trustee (deal); each trustee opens its share, checks it
 * against the commitments, keeps it under its passphrase and signs the
 * campaign (accept); the signatures are attached (finalize).  No secret
 * key is ever reconstructed.
 *
 * Release: each trustee verifies every signed batch and proof of a release
 * request, rebuilds every sum, applies the policy with its own ledger of
 * past releases, and writes partial decryptions with DLEQ proofs for the
 * cells it accepts (release).  Anyone can check a published release
 * against the signed batches (verify).
 */
#ifndef TV_TRUSTEE_H
#define TV_TRUSTEE_H

#include <stdint.h>
#include <stdio.h>

#include "proto/campaign.h"
#include "proto/release.h"

int cmd_keygen(int argc, char **argv);
int cmd_deal(int argc, char **argv);
int cmd_accept(int argc, char **argv);
int cmd_finalize(int argc, char **argv);
int cmd_release(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_noise(int argc, char **argv);
int cmd_budget(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
int cmd_certify(int argc, char **argv);
int cmd_revoke(int argc, char **argv);

/* Share payload: campaign_id (32) | u32le index | u32le K | K x s_i. */
#define SHARE_BYTES(k) (40 + (size_t)(k) * 32)

/* A trustee's personal Ed25519 secret key (sodium_malloc'd) or die. */
uint8_t *trustee_key_load(const char *path, const char *passfile);

/* This trustee's shares s_1j .. s_Kj of campaign c from its share file
 * (sodium_malloc'd, K x 32) or die; *index gets j. */
uint8_t *share_load(const char *path, const char *passfile,
    const struct tv_campaign *c, uint32_t *index);

/* A device public key file (a collector's device.pub: 64 hex digits) or
 * die. */
void device_pub_load(uint8_t pk[32], const char *path);
/* The campaign's trustee holding secret key sk (trustee_key_load's), or
 * free (wipe) sk and die. */
const struct tv_trustee *trustee_me(const struct tv_campaign *c,
    uint8_t *sk);


/* A paper the trustees sign in turn (trustee/paper.c): what to do with
 * it, as named callbacks. */
struct paper {
	const char *path;	/* its file */
	int exists;		/* the file held it already (else: created) */
	void *paper;		/* struct tv_cert or struct tv_revocation */
	int (*sign)(void *paper, uint32_t trustee, const uint8_t *sk);
	int (*to_json)(char **json, const void *paper,
	    const struct tv_campaign *c);
	uint32_t (*nsigs)(const void *paper);
	const char *enough;	/* said once t trustees signed */
};
/* Load the trustee's key (passphrase), sign the paper, write it back,
 * say how many signatures it has: 0, or 1 (already signed by this
 * trustee, said); dies on a system error.  The key is wiped. */
int paper_cosign(const struct paper *pp, const struct tv_campaign *c,
    const char *key, const char *passfile);

#endif
