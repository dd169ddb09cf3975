/* SPDX-License-Identifier: MIT */
/*
 * bsgs.h - small discrete logarithms by baby-step giant-step.
 *
 * The table holds m = 2^log2m baby steps j*G keyed by the first 8 bytes of
 * the encoding (value j+1; 0 marks an empty slot, because 0*G encodes as
 * zeros).  Every hit is confirmed by one base multiplication, so a
 * corrupted or colliding table can cost time but never a wrong answer.
 *
 * Cache file (public data): "TVBSGS01" | u8 log2m | 7 zero bytes |
 * m x u64le keys (prefix of j*G) | BLAKE2b-256 of all preceding bytes.
 */
#ifndef TV_BSGS_H
#define TV_BSGS_H

#include <stdint.h>

struct tv_bsgs;

/* Build a table of 2^log2m baby steps (8 <= log2m <= 24). */
int tv_bsgs_build(struct tv_bsgs **out, unsigned log2m);
/* Write the cache file atomically (temp file + rename). */
int tv_bsgs_save(const struct tv_bsgs *t, const char *path);
/* Load and check a cache file; TV_ERR_FORMAT if it is not one of log2m. */
int tv_bsgs_load(struct tv_bsgs **out, const char *path, unsigned log2m);
/* Load path if it holds a valid table, else build it and try to save it
 * (a failed save is not an error: the table is public and rebuildable). */
int tv_bsgs_open(struct tv_bsgs **out, const char *path, unsigned log2m);
/* Find s in [0, max] with M = s*G.  TV_ERR_NOTFOUND if there is none,
 * TV_ERR_CRYPTO if M is not a valid point. */
int tv_bsgs_solve(const struct tv_bsgs *t, const uint8_t M[32], uint64_t max,
    uint64_t *s);
/* Accepts NULL. */
void tv_bsgs_free(struct tv_bsgs *t);

#endif
