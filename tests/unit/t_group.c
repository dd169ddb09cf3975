/* SPDX-License-Identifier: MIT */
/*
 * t_group.c - ristretto255 wrappers against RFC 9496 Appendix A and the
 * libsodium 1.0.18 pitfalls of crypto-notes §1.
 */
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/group.h"
#include "tests/unit/tap.h"
#include "tests/unit/rfc9496.h"

static const char L_HEX[] =
    "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

static void
hex32(uint8_t out[32], const char *hex)
{
	if (tap_hex(out, 32, hex) != 32)
		memset(out, 0xee, 32);	/* makes the caller's check fail */
}

static void
test_multiples(void)
{
	uint8_t want[32], got[32], n[32], acc[32];
	char name[64];
	int i, rc = 0;

	is_mem(tv_identity, (uint8_t[32]){ 0 }, 32, "tv_identity is zeros");
	hex32(want, multiples[1]);
	is_mem(tv_generator, want, 32, "tv_generator is RFC 9496 1*G");
	memcpy(acc, tv_identity, 32);
	for (i = 0; i < 16; i++) {
		hex32(want, multiples[i]);
		tv_point_small(got, (uint64_t)i);
		snprintf(name, sizeof name, "A.1: tv_point_small(%d)", i);
		is_mem(got, want, 32, name);
		memset(n, 0, sizeof n);
		n[0] = (uint8_t)i;
		tv_point_mulbase(got, n);
		snprintf(name, sizeof name, "A.1: tv_point_mulbase(%d)", i);
		is_mem(got, want, 32, name);
		snprintf(name, sizeof name, "A.1: %d*G is tv_point_ok", i);
		ok(tv_point_ok(want), name);
		snprintf(name, sizeof name, "A.1: %d additions of G", i);
		is_mem(acc, want, 32, name);
		rc |= tv_point_add(acc, acc, tv_generator);	/* aliased */
	}
	is_int(0, rc, "A.1: aliased additions succeed");
	tv_point_small(got, 16);
	is_mem(acc, got, 32, "16 additions of G equal tv_point_small(16)");
}

static void
test_bad_encodings(void)
{
	uint8_t p[32], q[32];
	char name[80];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hex32(p, bad[i]);
		snprintf(name, sizeof name, "A.2: bad encoding %zu rejected",
		    i);
		ok(!tv_point_ok(p) && !tv_point_ok_nonid(p), name);
		memset(q, 0xaa, sizeof q);
		snprintf(name, sizeof name, "A.2: bad encoding %zu: add fails",
		    i);
		ok(tv_point_add(q, p, tv_generator) == TV_ERR_CRYPTO &&
		    tv_point_sub(q, tv_generator, p) == TV_ERR_CRYPTO, name);
	}
}

static void
test_one_way_map(void)
{
	uint8_t in[64], want[32], got[32];
	char name[64];
	size_t i;

	for (i = 0; i < sizeof owm / sizeof owm[0]; i++) {
		if (tap_hex(in, sizeof in, owm[i].in) != sizeof in)
			memset(in, 0xee, sizeof in);
		hex32(want, owm[i].out);
		memset(got, 0, sizeof got);
		if (crypto_core_ristretto255_from_hash(got, in) != 0)
			memset(got, 0xee, sizeof got);
		snprintf(name, sizeof name, "A.3: one-way map vector %zu", i);
		is_mem(got, want, 32, name);
		ok(tv_point_ok(got), "A.3: map output is tv_point_ok");
	}
}

static void
test_bit255(void)
{
	uint8_t p[32], q[32], n[32] = { 7 };

	memcpy(p, tv_generator, 32);
	p[31] |= 0x80;
	/* libsodium >= 1.0.19 rejects it too; 1.0.18 does not. */
	if (strcmp(sodium_version_string(), "1.0.18") == 0)
		is_int(1, crypto_core_ristretto255_is_valid_point(p),
		    "1.0.18 is_valid_point accepts G with bit 255 set");
	else
		ok(1, "# skip: not libsodium 1.0.18");
	ok(!tv_point_ok(p), "tv_point_ok rejects G with bit 255 set");
	ok(!tv_point_ok_nonid(p), "tv_point_ok_nonid rejects it too");
	memset(q, 0xaa, sizeof q);
	is_int(TV_ERR_CRYPTO, tv_point_mul(q, n, p), "tv_point_mul rejects it");
	ok(q[0] == 0xaa && q[31] == 0xaa, "... and leaves q untouched");
	is_int(TV_ERR_CRYPTO, tv_point_add(q, tv_generator, p),
	    "tv_point_add rejects it");
	is_int(TV_ERR_CRYPTO, tv_point_sub(q, p, tv_generator),
	    "tv_point_sub rejects it");
	memcpy(p, tv_identity, 32);
	p[31] = 0x80;
	ok(!tv_point_ok(p), "identity with bit 255 set is rejected");
}

static void
test_identity(void)
{
	uint8_t q[32], n[32], bad_p[32];
	uint8_t zero[32] = { 0 };

	ok(tv_point_ok(tv_identity), "identity is tv_point_ok");
	ok(!tv_point_ok_nonid(tv_identity), "identity is not ok_nonid");
	ok(tv_point_ok_nonid(tv_generator), "G is ok_nonid");
	is_int(0, tv_point_add(q, tv_identity, tv_generator), "id + G");
	is_mem(q, tv_generator, 32, "id + G = G");
	is_int(0, tv_point_add(q, tv_generator, tv_identity), "G + id");
	is_mem(q, tv_generator, 32, "G + id = G");
	is_int(0, tv_point_add(q, tv_identity, tv_identity), "id + id");
	is_mem(q, tv_identity, 32, "id + id = id");
	is_int(0, tv_point_sub(q, tv_generator, tv_generator), "G - G");
	is_mem(q, tv_identity, 32, "G - G = id");
	is_int(0, tv_point_sub(q, tv_generator, tv_identity), "G - id");
	is_mem(q, tv_generator, 32, "G - id = G");

	memset(q, 0xaa, sizeof q);
	is_int(0, tv_point_mul(q, zero, tv_generator), "0*G is not an error");
	is_mem(q, tv_identity, 32, "0*G = id");
	crypto_core_ristretto255_scalar_random(n);
	memset(q, 0xaa, sizeof q);
	is_int(0, tv_point_mul(q, n, tv_identity), "n*id is not an error");
	is_mem(q, tv_identity, 32, "n*id = id");
	hex32(n, L_HEX);
	memset(q, 0xaa, sizeof q);
	is_int(0, tv_point_mul(q, n, tv_generator), "L*G is not an error");
	is_mem(q, tv_identity, 32, "L*G = id");
	memset(q, 0xaa, sizeof q);
	tv_point_mulbase(q, n);
	is_mem(q, tv_identity, 32, "mulbase(L) = id");
	memset(q, 0xaa, sizeof q);
	tv_point_mulbase(q, zero);
	is_mem(q, tv_identity, 32, "mulbase(0) = id");

	hex32(bad_p, bad[12]);
	memset(q, 0xaa, sizeof q);
	n[0] = 1;
	is_int(TV_ERR_CRYPTO, tv_point_mul(q, n, bad_p),
	    "tv_point_mul on an invalid point: TV_ERR_CRYPTO");
	ok(sodium_is_zero(q, 32) == 0 && q[0] == 0xaa && q[31] == 0xaa,
	    "... and q untouched");
}

static void
test_mul_consistency(void)
{
	uint8_t n[32], p[32], q[32], x[32], y[32];
	int i, good = 1;

	/* n*(x*G) = (n*x)*G = x*(n*G). */
	for (i = 0; i < 8; i++) {
		crypto_core_ristretto255_scalar_random(n);
		crypto_core_ristretto255_scalar_random(x);
		tv_point_mulbase(p, x);
		if (tv_point_mul(q, n, p) != 0)
			good = 0;
		crypto_core_ristretto255_scalar_mul(y, n, x);
		tv_point_mulbase(p, y);
		if (memcmp(p, q, 32) != 0)
			good = 0;
	}
	ok(good, "n*(x*G) = (n*x)*G for random scalars");
	tv_point_small(p, 1000);
	tv_point_small(q, 999);
	ok(tv_point_add(q, q, tv_generator) == 0 && memcmp(p, q, 32) == 0,
	    "999*G + G = 1000*G");
	tv_point_small(p, UINT64_MAX);
	ok(tv_point_ok_nonid(p), "tv_point_small(2^64-1) is a valid point");
}

static void
test_scalar_ok(void)
{
	uint8_t s[32];
	int i;

	memset(s, 0, 32);
	ok(tv_scalar_ok(s), "scalar 0 ok");
	s[0] = 1;
	ok(tv_scalar_ok(s), "scalar 1 ok");
	hex32(s, L_HEX);
	s[0]--;
	ok(tv_scalar_ok(s), "scalar L-1 ok");
	s[0]++;
	ok(!tv_scalar_ok(s), "scalar L rejected");
	s[0]++;
	ok(!tv_scalar_ok(s), "scalar L+1 rejected");
	memset(s, 0xff, 32);
	ok(!tv_scalar_ok(s), "scalar 2^256-1 rejected");
	memset(s, 0, 32);
	s[31] = 0x10;
	ok(tv_scalar_ok(s), "scalar 2^252 (< L) ok");
	s[16] = 1;
	ok(!tv_scalar_ok(s), "scalar 2^252 + 2^128 (> L) rejected");
	for (i = 0; i < 100; i++) {
		crypto_core_ristretto255_scalar_random(s);
		if (!tv_scalar_ok(s))
			break;
	}
	is_int(100, i, "100 random scalars ok");
}

static void
test_cmov(void)
{
	uint8_t a[40], b[40], o[40];

	memset(a, 0x5a, sizeof a);
	randombytes_buf(b, sizeof b);
	b[0] = 0x00;
	tv_cmov(o, a, b, 0, sizeof o);
	is_mem(o, a, sizeof o, "cmov bit 0 gives a");
	tv_cmov(o, a, b, 1, sizeof o);
	is_mem(o, b, sizeof o, "cmov bit 1 gives b");
	memcpy(o, a, sizeof o);
	tv_cmov(o, o, b, 1, sizeof o);
	is_mem(o, b, sizeof o, "cmov with o aliasing a");
	tv_cmov(o, tv_identity, tv_generator, 1, 32);
	is_mem(o, tv_generator, 32, "cmov(id, G, 1) = G");
	tv_cmov(o, tv_identity, tv_generator, 0, 32);
	is_mem(o, tv_identity, 32, "cmov(id, G, 0) = id");
}

int
main(void)
{
	is_int(0, tv_crypto_init(), "tv_crypto_init");
	is_int(0, tv_crypto_init(), "tv_crypto_init twice");
	test_multiples();
	test_bad_encodings();
	test_one_way_map();
	test_bit255();
	test_identity();
	test_mul_consistency();
	test_scalar_ok();
	test_cmov();
	return tap_done();
}
