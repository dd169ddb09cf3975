/* SPDX-License-Identifier: MIT */
/*
 * proof.h - zero-knowledge proofs over ristretto255 (Sigma protocols made
 * non-interactive by strong Fiat-Shamir: every challenge hashes a distinct
 * label, the context, the ids and the whole statement, then the
 * commitments).  crypto-notes §4; byte formats in docs/formats.md.
 *
 * Challenge:  c = reduce(BLAKE2b-512("tallyvan/proof/v1" NUL ||
 *                 u8 len(label) || label || for each field: u32le len || f))
 *
 * Every verifier checks that points pass tv_point_ok() and scalars
 * tv_scalar_ok() before hashing, and returns 0 or TV_ERR_BADSIG
 * (TV_ERR_CRYPTO for malformed points/scalars).  Every prover verifies its
 * own proof before returning it.  Nonces are hedged (random bytes hashed
 * with the witness), and every secret temporary is wiped.
 */
#ifndef TV_PROOF_H
#define TV_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define TV_PROOF01_BYTES 128	/* c0 || c1 || z0 || z1 */
#define TV_PROOFSUM_BYTES 64	/* c || z */
#define TV_DLEQ_BYTES 64	/* c || z */

/* Incremental challenge hash. */
struct tv_transcript {
	crypto_generichash_state st;
};
void tv_transcript_init(struct tv_transcript *t, const char *label);
void tv_transcript_put(struct tv_transcript *t, const void *field,
    size_t len);
void tv_transcript_put_u32(struct tv_transcript *t, uint32_t v);
/* c = scalar_reduce(BLAKE2b-512 of everything put). */
void tv_transcript_challenge(struct tv_transcript *t, uint8_t c[32]);

/*
 * (R, C) encrypts m in {0, 1} under X, with R = r*G:
 *   exists r: R = r*G and (C = r*X or C - G = r*X)
 * CDS disjunction of two Chaum-Pedersen proofs; label "bit01", statement
 * ctx (32), device (32), u32 slot, X, R, C, then A0, B0, A1, B1.
 */
int tv_proof01_prove(uint8_t proof[TV_PROOF01_BYTES], const uint8_t ctx[32],
    const uint8_t device[32], uint32_t slot, const uint8_t X[32],
    const uint8_t R[32], const uint8_t C[32], const uint8_t r[32],
    unsigned m);
int tv_proof01_verify(const uint8_t proof[TV_PROOF01_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t slot,
    const uint8_t X[32], const uint8_t R[32], const uint8_t C[32]);

/*
 * A group of slots sums to `sum` (e.g. 1 for one-hot):
 *   exists r: R = r*G and C_S - sum*G = r*X_S
 * where X_S and C_S are the sums over the group (computed by the caller).
 * Chaum-Pedersen; label "sum", statement ctx, device, u32 group,
 * u32 sum, X_S, R, C_S, then A, B.
 */
int tv_proofsum_prove(uint8_t proof[TV_PROOFSUM_BYTES], const uint8_t ctx[32],
    const uint8_t device[32], uint32_t group, uint32_t sum,
    const uint8_t XS[32], const uint8_t R[32], const uint8_t CS[32],
    const uint8_t r[32]);
int tv_proofsum_verify(const uint8_t proof[TV_PROOFSUM_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t group,
    uint32_t sum, const uint8_t XS[32], const uint8_t R[32],
    const uint8_t CS[32]);

/*
 * Partial decryption by trustee j of slot i: log_G S = log_R D, where
 * S = s*G is the trustee's public share key and D = s*R.
 * Label "pdec", statement ctx, agg (32: the aggregate's hash), u32 trustee,
 * u32 slot, S, R, D, then A, B.
 */
int tv_dleq_prove(uint8_t proof[TV_DLEQ_BYTES], const uint8_t ctx[32],
    const uint8_t agg[32], uint32_t trustee, uint32_t slot,
    const uint8_t S[32], const uint8_t R[32], const uint8_t D[32],
    const uint8_t s[32]);
int tv_dleq_verify(const uint8_t proof[TV_DLEQ_BYTES], const uint8_t ctx[32],
    const uint8_t agg[32], uint32_t trustee, uint32_t slot,
    const uint8_t S[32], const uint8_t R[32], const uint8_t D[32]);

#endif
