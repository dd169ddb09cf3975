/* SPDX-License-Identifier: MIT */
/*
 * fuzz_keyfile - sealed key files: tv_keyfile_read() of a file holding the
 * input (mode 0600, ours), kind "device", passphrase "fuzz".
 *
 * Argon2id parameters come from the file and are bounded by the reader
 * (up to 2 GiB, 4 x SENSITIVE passes): honouring them would make every run
 * take seconds and gigabytes, so parameters inside the bounds are lowered
 * to the minimum (1 pass, 8 KiB) before the file is written.  Parameters
 * out of bounds are left alone: their refusal is part of what is fuzzed.
 * The seeds are sealed with the minimum parameters, so they open.
 * Oracle: success only with a well-formed header and the right size.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/keyfile.h"
#include "tests/fuzz/fuzz.h"

#define OPS_OFF 20
#define MEM_OFF 28
#define HDR 76

static char path[512];

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
le64_put(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static void
lower_kdf(uint8_t *f, size_t len)
{
	uint64_t ops, mem;

	if (len < HDR)
		return;
	ops = le64(f + OPS_OFF);
	mem = le64(f + MEM_OFF);
	if (ops >= crypto_pwhash_OPSLIMIT_MIN &&
	    ops <= 4 * (uint64_t)crypto_pwhash_OPSLIMIT_SENSITIVE &&
	    mem >= crypto_pwhash_MEMLIMIT_MIN && mem <= (uint64_t)2 << 30) {
		le64_put(f + OPS_OFF, crypto_pwhash_OPSLIMIT_MIN);
		le64_put(f + MEM_OFF, crypto_pwhash_MEMLIMIT_MIN);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy, *payload = NULL;
	size_t len = 0;
	int fd, rc;

	fuzz_campaign();	/* libsodium */
	if (path[0] == 0)
		snprintf(path, sizeof path, "%s/key", fuzz_tmpdir());
	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	lower_kdf(copy, size);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	fuzz_assert(fd >= 0);
	fuzz_assert(write(fd, copy, size) == (ssize_t)size);
	close(fd);
	rc = tv_keyfile_read(path, "device", "fuzz", 4, &payload, &len);
	if (rc == 0) {
		fuzz_assert(size >= HDR + crypto_secretbox_MACBYTES);
		fuzz_assert(len == size - HDR - crypto_secretbox_MACBYTES);
		fuzz_assert(memcmp(copy, "TVSEALED", 8) == 0);
		if (len != 0)
			fuzz_sink += payload[len - 1];
		sodium_free(payload);
	} else {
		fuzz_assert(payload == NULL);
		fuzz_assert(rc == TV_ERR_FORMAT || rc == TV_ERR_BADKEY ||
		    rc == TV_ERR_NOMEM);
	}
	free(copy);
	return 0;
}
