/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - what the fuzz targets share: the fixed test campaign
 * (tests/fuzz/data/campaign.json), a fixed device key pair, a private
 * temporary directory, an independent signer and signature oracle, and a
 * sink that keeps the optimiser from deleting the work.
 *
 * Every target defines LLVMFuzzerTestOneInput() (and may define
 * LLVMFuzzerInitialize()); it is linked either with libFuzzer (clang,
 * `make fuzz`) or with tests/fuzz/replay.c (any compiler, `make check`).
 * A target aborts (fuzz_assert) when an oracle disagrees with the code.
 */
#ifndef TV_FUZZ_H
#define TV_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "proto/batch.h"
#include "proto/campaign.h"

#ifndef FUZZ_DATA_DIR
#define FUZZ_DATA_DIR "tests/fuzz/data"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

extern volatile uint64_t fuzz_sink;

#define fuzz_assert(c) ((c) ? (void)0 : \
	fuzz_fail(__FILE__, __LINE__, #c))
void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));

/* libsodium, then the campaign of tests/fuzz/data (aborts if it does not
 * load: regenerate it with `make fuzz-seeds`). */
const struct tv_campaign *fuzz_campaign(void);
/* The fixed device (seed "tallyvan fuzz device 1") and a second one. */
void fuzz_device(uint8_t pk[32], uint8_t sk[64]);
void fuzz_device2(uint8_t pk[32], uint8_t sk[64]);
/* A private directory, removed at exit. */
const char *fuzz_tmpdir(void);

/* Pack a signed Envelope around payload (malloc'd); the signature input
 * is rebuilt here from docs/formats-wire.md, not taken from batch.c. */
uint8_t *fuzz_envelope(size_t *len, const uint8_t sk[64],
    const uint8_t pk[32], uint64_t seq, const uint8_t *payload, size_t plen);
/* The oracle: 1 iff env's signature is valid for its device and seq. */
int fuzz_sig_valid(const struct tv_envelope *env);

#endif
