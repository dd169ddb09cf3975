/* SPDX-License-Identifier: MIT */
/* fuzz.c - shared by the fuzz targets (see fuzz.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/group.h"
#include "proto/tallyvan.pb-c.h"
#include "tests/fuzz/fuzz.h"

volatile uint64_t fuzz_sink;

static struct tv_campaign *campaign;
static char tmpdir[256];

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: oracle failed: %s\n", file, line, what);
	abort();
}

const struct tv_campaign *
fuzz_campaign(void)
{
	char err[512];

	if (campaign != NULL)
		return campaign;
	if (tv_crypto_init() != 0)
		fuzz_fail(__FILE__, __LINE__, "libsodium init");
	if (tv_campaign_load(&campaign, FUZZ_DATA_DIR "/campaign.json", err,
	    sizeof err) != 0) {
		fprintf(stderr, "%s\n(regenerate tests/fuzz/data and the "
		    "seeds with `make fuzz-seeds`)\n", err);
		abort();
	}
	return campaign;
}

static void
seeded(uint8_t pk[32], uint8_t sk[64], const char *label)
{
	uint8_t seed[crypto_sign_SEEDBYTES];

	crypto_generichash(seed, sizeof seed, (const uint8_t *)label,
	    strlen(label), NULL, 0);
	crypto_sign_seed_keypair(pk, sk, seed);
}

void
fuzz_device(uint8_t pk[32], uint8_t sk[64])
{
	seeded(pk, sk, "tallyvan fuzz device 1");
}

void
fuzz_device2(uint8_t pk[32], uint8_t sk[64])
{
	seeded(pk, sk, "tallyvan fuzz device 2");
}

static void
tmpdir_remove(void)
{
	char cmd[300];

	if (tmpdir[0] == 0)
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

const char *
fuzz_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (tmpdir[0] != 0)
		return tmpdir;
	/* tmpfs when we can: fsync is free there. */
	if (base == NULL || *base == 0)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(tmpdir, sizeof tmpdir, "%s/tv-fuzz.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL)
		fuzz_fail(__FILE__, __LINE__, "mkdtemp");
	atexit(tmpdir_remove);
	return tmpdir;
}

/* "tallyvan/batch/v1" NUL || device (32) || seq (u64 BE) || payload */
static uint8_t *
sig_input(size_t *mlen, const uint8_t dev[32], uint64_t seq,
    const uint8_t *p, size_t plen)
{
	uint8_t *m = malloc(18 + 32 + 8 + plen + 1);
	int i;

	if (m == NULL)
		abort();
	memcpy(m, "tallyvan/batch/v1", 18);
	memcpy(m + 18, dev, 32);
	for (i = 0; i < 8; i++)
		m[50 + i] = (uint8_t)(seq >> (56 - 8 * i));
	if (plen != 0)
		memcpy(m + 58, p, plen);
	*mlen = 58 + plen;
	return m;
}

uint8_t *
fuzz_envelope(size_t *len, const uint8_t sk[64], const uint8_t pk[32],
    uint64_t seq, const uint8_t *payload, size_t plen)
{
	Tallyvan__Envelope e = TALLYVAN__ENVELOPE__INIT;
	uint8_t sig[64], *m, *out;
	size_t mlen;

	m = sig_input(&mlen, pk, seq, payload, plen);
	crypto_sign_detached(sig, NULL, m, mlen, sk);
	free(m);
	e.version = 1;
	e.device_id.len = 32;
	e.device_id.data = (uint8_t *)pk;
	e.seq = seq;
	e.payload.len = plen;
	e.payload.data = (uint8_t *)payload;
	e.signature.len = 64;
	e.signature.data = sig;
	*len = tallyvan__envelope__get_packed_size(&e);
	if ((out = malloc(*len + 1)) == NULL)
		abort();
	tallyvan__envelope__pack(&e, out);
	return out;
}

int
fuzz_sig_valid(const struct tv_envelope *env)
{
	uint8_t *m;
	size_t mlen;
	int ok;

	m = sig_input(&mlen, env->device_id, env->seq, env->payload,
	    env->payload_len);
	ok = crypto_sign_verify_detached(env->sig, m, mlen,
	    env->device_id) == 0;
	free(m);
	return ok;
}
