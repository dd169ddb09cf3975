/* SPDX-License-Identifier: MIT */
/*
 * proof_internal.h - the provers of proof.h with explicit nonces.
 *
 * The public provers draw hedged nonces and call these.  Only the
 * known-answer test (tests/unit/t_kat_proof.c) calls them directly: one
 * nonce used for two challenges with the same witness gives
 * z1 - z2 = (c1 - c2)*witness, i.e. the witness.
 *
 * Each nonce is reduced mod L before use.  Inputs, self-verification and
 * return codes are those of the public provers.
 */
#ifndef TV_PROOF_INTERNAL_H
#define TV_PROOF_INTERNAL_H

#include <stdint.h>

#include "proof.h"

/* w: the real branch's nonce; cf, zf: the simulated branch's challenge
 * and response. */
int tv_proof01_prove_nonces(uint8_t proof[TV_PROOF01_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t slot,
    const uint8_t X[32], const uint8_t R[32], const uint8_t C[32],
    const uint8_t r[32], unsigned m, const uint8_t w[32],
    const uint8_t cf[32], const uint8_t zf[32]);
int tv_proofsum_prove_nonce(uint8_t proof[TV_PROOFSUM_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t group,
    uint32_t sum, const uint8_t XS[32], const uint8_t R[32],
    const uint8_t CS[32], const uint8_t r[32], const uint8_t w[32]);
int tv_dleq_prove_nonce(uint8_t proof[TV_DLEQ_BYTES], const uint8_t ctx[32],
    const uint8_t agg[32], uint32_t trustee, uint32_t slot,
    const uint8_t S[32], const uint8_t R[32], const uint8_t D[32],
    const uint8_t s[32], const uint8_t w[32]);

/*
 * The verifiers as they were before decision 41: each commitment
 * recomputed with libsodium's separate multiplications (z*G, c*P, then a
 * subtraction).  Same inputs, same answers as the public verifiers
 * (tests/unit/t_proof.c checks that); kept for the side-by-side
 * benchmark (tvbench micro) and that differential test only.
 */
int tv_proof01_verify_sodium(const uint8_t proof[TV_PROOF01_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t slot,
    const uint8_t X[32], const uint8_t R[32], const uint8_t C[32]);
int tv_proofsum_verify_sodium(const uint8_t proof[TV_PROOFSUM_BYTES],
    const uint8_t ctx[32], const uint8_t device[32], uint32_t group,
    uint32_t sum, const uint8_t XS[32], const uint8_t R[32],
    const uint8_t CS[32]);
int tv_dleq_verify_sodium(const uint8_t proof[TV_DLEQ_BYTES],
    const uint8_t ctx[32], const uint8_t agg[32], uint32_t trustee,
    uint32_t slot, const uint8_t S[32], const uint8_t R[32],
    const uint8_t D[32]);

#endif
