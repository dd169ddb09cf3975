/* SPDX-License-Identifier: MIT */
/*
 * t_keyfile.c - sealed key files: round trip, creation mode and exclusivity,
 * wrong passphrase, a flipped byte in every header field and in the box,
 * unsafe modes, symlinks, FIFOs, foreign owners (as root), wrong kind,
 * truncation and absurd KDF parameters.  Uses TV_KDF_INTERACTIVE to stay
 * fast.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/keyfile.h"
#include "tests/unit/tap.h"

#define PASS "correct horse battery staple"
#define HDR 76

static char tmp[] = "/tmp/t_keyfile.XXXXXX";
static uint8_t secret[96];

static char *
path(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", tmp, name);
	return buf[i];
}

static int
rd(const char *p, const char *kind, const char *pass)
{
	uint8_t *out = NULL;
	size_t len = 0;
	int rc = tv_keyfile_read(p, kind, pass, strlen(pass), &out, &len);

	if (rc == 0 && (len != sizeof secret || memcmp(out, secret, len) != 0))
		rc = 1;		/* "success" with the wrong bytes */
	sodium_free(out);
	return rc;
}

static uint8_t *
slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	uint8_t *buf = malloc(1 << 16);

	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

static void
spit(const char *p, const uint8_t *buf, size_t len)
{
	FILE *f;

	unlink(p);
	f = fopen(p, "wb");
	fwrite(buf, 1, len, f);
	fclose(f);
	chmod(p, 0600);
}

static void
t_roundtrip(void)
{
	struct stat sb;
	uint8_t *a, *b, *out;
	size_t alen, blen, len;

	umask(022);
	is_int(0, tv_keyfile_write(path("k"), "device", secret, sizeof secret,
	    PASS, strlen(PASS), TV_KDF_INTERACTIVE), "write");
	ok(stat(path("k"), &sb) == 0 && (sb.st_mode & 07777) == 0600,
	    "created 0600 under umask 022");
	is_int(0, rd(path("k"), "device", PASS), "read returns the payload");
	is_int(0, tv_keyfile_check_mode(path("k")), "check_mode: safe");
	a = slurp(path("k"), &alen);
	is_int(HDR + 16 + sizeof secret, alen, "file size = 76 + 16 + payload");
	ok(memcmp(a, "TVSEALED", 8) == 0 && memcmp(a + 8, "device\0\0", 8) == 0,
	    "magic and NUL-padded kind");
	ok(a[16] == 1 && a[17] == 0 && a[18] == 0 && a[19] == 0,
	    "alg = 1, little-endian");
	is_int(TV_ERR_EXISTS, tv_keyfile_write(path("k"), "device", secret, 8,
	    "other", 5, TV_KDF_INTERACTIVE), "write over existing -> EXISTS");
	b = slurp(path("k"), &blen);
	ok(alen == blen && memcmp(a, b, alen) == 0, "existing file unchanged");
	free(a);
	free(b);
	is_int(TV_ERR_BADKEY, rd(path("k"), "device", "wrong"),
	    "wrong passphrase -> BADKEY");
	is_int(TV_ERR_FORMAT, rd(path("k"), "holder", PASS),
	    "wrong kind -> FORMAT");

	is_int(0, tv_keyfile_write(path("empty"), "x", NULL, 0, "", 0,
	    TV_KDF_INTERACTIVE), "empty payload, empty passphrase");
	is_int(0, tv_keyfile_read(path("empty"), "x", "", 0, &out, &len),
	    "read empty payload");
	is_int(0, len, "empty payload is empty");
	sodium_free(out);
	is_int(TV_ERR_RANGE, tv_keyfile_write(path("x"), "longerkind", secret,
	    8, PASS, 4, TV_KDF_INTERACTIVE), "9-byte kind -> RANGE");
	is_int(TV_ERR_TOOBIG, tv_keyfile_write(path("x"), "device", secret,
	    TV_KEYFILE_MAX + 1, PASS, 4, TV_KDF_INTERACTIVE),
	    "payload over cap -> TOOBIG");
	ok(access(path("x"), F_OK) != 0, "nothing left behind");
	is_int(TV_ERR_NOTFOUND, rd(path("none"), "device", PASS),
	    "missing file -> NOTFOUND");
}

static void
t_flips(void)
{
	/* Header fields that fail a sanity check give FORMAT; any other
	 * change gives another box key (the header is bound into it). */
	static const struct {
		size_t pos;
		int want;
		const char *what;
	} at[] = {
		{ 0, TV_ERR_FORMAT, "magic" },
		{ 9, TV_ERR_FORMAT, "kind" },
		{ 16, TV_ERR_FORMAT, "alg" },
		{ 20, TV_ERR_BADKEY, "opslimit low byte" },
		{ 27, TV_ERR_FORMAT, "opslimit high byte" },
		{ 28, TV_ERR_BADKEY, "memlimit low byte (same Argon2 cost)" },
		{ 35, TV_ERR_FORMAT, "memlimit high byte" },
		{ 36, TV_ERR_BADKEY, "salt" },
		{ 51, TV_ERR_BADKEY, "salt end" },
		{ 52, TV_ERR_BADKEY, "nonce" },
		{ 75, TV_ERR_BADKEY, "nonce end" },
		{ 76, TV_ERR_BADKEY, "box (MAC)" },
		{ 100, TV_ERR_BADKEY, "box" },
		{ HDR + 16 + sizeof secret - 1, TV_ERR_BADKEY, "last byte" },
	};
	uint8_t *a;
	size_t alen, i;
	char name[128];
	int rc;

	a = slurp(path("k"), &alen);
	for (i = 0; i < sizeof at / sizeof at[0]; i++) {
		a[at[i].pos] ^= 0x01;
		spit(path("flip"), a, alen);
		a[at[i].pos] ^= 0x01;
		rc = rd(path("flip"), "device", PASS);
		snprintf(name, sizeof name, "flipped %s -> %s", at[i].what,
		    at[i].want == TV_ERR_FORMAT ? "FORMAT" : "BADKEY");
		is_int(at[i].want, rc, name);
	}
	spit(path("flip"), a, alen);
	is_int(0, rd(path("flip"), "device", PASS), "the copy itself reads");
	free(a);
}

static void
put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
t_shape(void)
{
	static uint8_t big[HDR + 16 + TV_KEYFILE_MAX + 1];
	uint8_t *a;
	size_t alen;

	a = slurp(path("k"), &alen);
	spit(path("cut"), a, 40);
	is_int(TV_ERR_FORMAT, rd(path("cut"), "device", PASS),
	    "truncated to 40 bytes -> FORMAT");
	spit(path("cut"), a, HDR + 15);
	is_int(TV_ERR_FORMAT, rd(path("cut"), "device", PASS),
	    "shorter than header + MAC -> FORMAT");
	spit(path("cut"), a, 0);
	is_int(TV_ERR_FORMAT, rd(path("cut"), "device", PASS),
	    "empty file -> FORMAT");
	spit(path("cut"), a, alen - 1);
	is_int(TV_ERR_BADKEY, rd(path("cut"), "device", PASS),
	    "one byte short -> BADKEY");
	memset(big, 0, sizeof big);
	memcpy(big, a, HDR);
	spit(path("cut"), big, sizeof big);
	is_int(TV_ERR_FORMAT, rd(path("cut"), "device", PASS),
	    "over the size cap -> FORMAT");

	put64(a + 28, 1ull << 40);
	spit(path("absurd"), a, alen);
	is_int(TV_ERR_FORMAT, rd(path("absurd"), "device", PASS),
	    "memlimit 2^40 -> FORMAT");
	put64(a + 28, 1ull << 26);
	put64(a + 20, 0);
	spit(path("absurd"), a, alen);
	is_int(TV_ERR_FORMAT, rd(path("absurd"), "device", PASS),
	    "opslimit 0 -> FORMAT");
	put64(a + 20, 1000);
	spit(path("absurd"), a, alen);
	is_int(TV_ERR_FORMAT, rd(path("absurd"), "device", PASS),
	    "opslimit 1000 -> FORMAT");
	put64(a + 20, 2);
	put64(a + 28, 1024);
	spit(path("absurd"), a, alen);
	is_int(TV_ERR_FORMAT, rd(path("absurd"), "device", PASS),
	    "memlimit 1 KiB -> FORMAT");
	free(a);
}

static void
t_perm(void)
{
	uint8_t *a;
	size_t alen;

	chmod(path("k"), 0640);
	is_int(TV_ERR_PERM, rd(path("k"), "device", PASS), "0640 -> PERM");
	chmod(path("k"), 0644);
	is_int(TV_ERR_PERM, rd(path("k"), "device", PASS), "0644 -> PERM");
	is_int(TV_ERR_PERM, tv_keyfile_check_mode(path("k")),
	    "check_mode: 0644 -> PERM");
	chmod(path("k"), 0602);
	is_int(TV_ERR_PERM, rd(path("k"), "device", PASS), "0602 -> PERM");
	chmod(path("k"), 0600);
	is_int(0, rd(path("k"), "device", PASS), "0600 again reads");

	if (symlink(path("k"), path("link")) != 0)
		ok(0, "symlink");
	is_int(TV_ERR_PERM, rd(path("link"), "device", PASS),
	    "symlink to a valid key file -> PERM");
	is_int(TV_ERR_PERM, tv_keyfile_check_mode(path("link")),
	    "check_mode: symlink -> PERM");
	if (symlink(path("nowhere"), path("dangling")) != 0)
		ok(0, "symlink");
	is_int(TV_ERR_EXISTS, tv_keyfile_write(path("dangling"), "device",
	    secret, 8, PASS, 4, TV_KDF_INTERACTIVE),
	    "write through a dangling symlink -> EXISTS");
	ok(access(path("nowhere"), F_OK) != 0, "symlink target not created");
	chmod(tmp, 0700);
	is_int(TV_ERR_PERM, rd(tmp, "device", PASS), "a directory -> PERM");
	if (mkfifo(path("fifo"), 0600) != 0)
		ok(0, "mkfifo");
	is_int(TV_ERR_PERM, rd(path("fifo"), "device", PASS),
	    "a FIFO -> PERM (without blocking)");

	if (geteuid() != 0)
		return;
	a = slurp(path("k"), &alen);
	spit(path("foreign"), a, alen);
	free(a);
	if (chown(path("foreign"), 65534, 65534) != 0)
		ok(0, "chown");
	is_int(TV_ERR_PERM, rd(path("foreign"), "device", PASS),
	    "owned by uid 65534 -> PERM (root run)");
	is_int(TV_ERR_PERM, tv_keyfile_check_mode(path("foreign")),
	    "check_mode: foreign owner -> PERM");
}

int
main(void)
{
	char cmd[64];

	if (sodium_init() < 0 || mkdtemp(tmp) == NULL)
		return 2;
	randombytes_buf(secret, sizeof secret);
	t_roundtrip();
	t_flips();
	t_shape();
	t_perm();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		ok(0, "remove the temp dir");
	return tap_done();
}
