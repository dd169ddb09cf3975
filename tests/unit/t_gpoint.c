/* SPDX-License-Identifier: MIT */
/*
 * t_gpoint.c - the libdecaf layer (crypto/gpoint.h) against libsodium
 * 1.0.18 (crypto/group.h) and RFC 9496 Appendix A (tests/unit/rfc9496.h):
 *
 *   - known answers: every A.1 multiple of G decodes, re-encodes to the
 *     same bytes and equals the same chain of additions in both libraries;
 *     every A.2 invalid encoding is refused by libsodium, tv_point_ok()
 *     and tv_gpoint_decode();
 *   - bit 255 set and non-canonical (s >= p) encodings are refused by
 *     tv_point_ok() and tv_gpoint_decode();
 *   - random differential tests (sums, differences, scalar and double
 *     multiplications, random byte strings accepted or refused alike),
 *     from a seed printed first: SEED=N reruns one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <decaf/point_255.h>
#include <sodium.h>

#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "crypto/gpoint.h"
#include "crypto/group.h"
#include "tests/unit/tap.h"
#include "tests/unit/rfc9496.h"

#define NRAND 200

static uint8_t seed[randombytes_SEEDBYTES];
static uint64_t stream_ctr;

static void
hex32(uint8_t out[32], const char *hex)
{
	if (tap_hex(out, 32, hex) != 32)
		memset(out, 0xee, 32);
}

/* Deterministic bytes from the seed: one ChaCha20 stream per call. */
static void
rnd(uint8_t *buf, size_t n)
{
	uint8_t s[randombytes_SEEDBYTES];
	size_t i;

	memcpy(s, seed, sizeof s);
	for (i = 0; i < 8; i++)
		s[i] ^= (uint8_t)(stream_ctr >> (8 * i));
	stream_ctr++;
	randombytes_buf_deterministic(buf, n, s);
}

static void
rnd_scalar(uint8_t s[32])
{
	uint8_t wide[64];

	rnd(wide, sizeof wide);
	crypto_core_ristretto255_scalar_reduce(s, wide);
}

static void
rnd_point(uint8_t p[32])
{
	uint8_t s[32];

	rnd_scalar(s);
	tv_point_mulbase(p, s);
}

/* 1 iff s decodes in the new layer and re-encodes to s. */
static int
roundtrip(const uint8_t s[32])
{
	struct tv_gpoint p;
	uint8_t e[32];

	if (tv_gpoint_decode(&p, s) != 0)
		return 0;
	tv_gpoint_encode(e, &p);
	return memcmp(e, s, 32) == 0;
}

static void
test_multiples(void)
{
	struct tv_gpoint acc, g, p;
	uint8_t want[32], got[32], sod[32];
	char name[80];
	int i;

	tv_gpoint_identity(&acc);
	is_int(0, tv_gpoint_decode(&g, tv_generator), "G decodes");
	tv_gpoint_generator(&p);
	ok(tv_gpoint_eq(&p, &g), "tv_gpoint_generator is libdecaf's base = "
	    "RFC 9496's G");
	memcpy(sod, tv_identity, 32);
	for (i = 0; i < 16; i++) {
		hex32(want, multiples[i]);
		snprintf(name, sizeof name, "A.1: %d*G decodes and re-encodes "
		    "to the same bytes", i);
		ok(roundtrip(want), name);
		tv_gpoint_encode(got, &acc);
		snprintf(name, sizeof name, "A.1: %d decoded additions of G", i);
		is_mem(got, want, 32, name);
		snprintf(name, sizeof name, "A.1: %d libsodium additions of G",
		    i);
		is_mem(sod, want, 32, name);
		tv_point_small(got, (uint64_t)i);
		snprintf(name, sizeof name, "A.1: libsodium %d*G", i);
		is_mem(got, want, 32, name);
		if (tv_gpoint_decode(&p, want) == 0 && tv_gpoint_eq(&p, &acc))
			ok(1, "A.1: decoded sum equals the decoded vector");
		else
			ok(0, "A.1: decoded sum equals the decoded vector");
		tv_gpoint_add(&acc, &acc, &g);
		if (tv_point_add(sod, sod, tv_generator) != 0)
			memset(sod, 0xee, 32);
	}
}

static void
test_bad(void)
{
	struct tv_gpoint p;
	uint8_t s[32];
	char name[80];
	size_t i;
	int refused = 0;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hex32(s, bad[i]);
		snprintf(name, sizeof name, "A.2 %zu: libsodium refuses", i);
		is_int(0, crypto_core_ristretto255_is_valid_point(s), name);
		snprintf(name, sizeof name, "A.2 %zu: tv_point_ok refuses", i);
		is_int(0, tv_point_ok(s), name);
		snprintf(name, sizeof name, "A.2 %zu: tv_gpoint_decode refuses",
		    i);
		is_int(TV_ERR_CRYPTO, tv_gpoint_decode(&p, s), name);
		refused++;
	}
	is_int(29, refused, "all 29 A.2 vectors tried");
}

/* Bit 255: 1.0.18's decoder ignores it, libdecaf's canonicity check
 * refuses it; tv_point_ok and tv_gpoint_decode refuse it explicitly. */
static void
test_bit255(void)
{
	struct tv_gpoint p;
	uint8_t s[32];
	int i, sod = 0, ours = 0, decaf = 0;

	for (i = 0; i < 16; i++) {
		hex32(s, multiples[i]);
		s[31] |= 0x80;
		sod += crypto_core_ristretto255_is_valid_point(s) == 1;
		ours += tv_point_ok(s);
		decaf += tv_gpoint_decode(&p, s) == 0;
	}
	for (i = 0; i < NRAND; i++) {
		rnd_point(s);
		s[31] |= 0x80;
		sod += crypto_core_ristretto255_is_valid_point(s) == 1;
		ours += tv_point_ok(s);
		decaf += tv_gpoint_decode(&p, s) == 0;
	}
	if (strcmp(sodium_version_string(), "1.0.18") == 0)
		is_int(16 + NRAND, sod, "1.0.18 accepts every valid point "
		    "with bit 255 set (the pitfall)");
	else
		ok(1, "# skip: not libsodium 1.0.18");
	is_int(0, ours, "tv_point_ok refuses every bit-255 encoding");
	is_int(0, decaf, "tv_gpoint_decode refuses every bit-255 encoding");
}

/* libdecaf's own decoder, without our bit-255 test: what decision 40
 * says it does, so a changed libdecaf shows here. */
static void
test_raw_decaf(void)
{
	decaf_255_point_t p;
	uint8_t s[32];
	size_t i;
	int bit = 0, bad_ok = 0, nc = 0;

	for (i = 0; i < 16 + NRAND; i++) {
		if (i < 16)
			hex32(s, multiples[i]);
		else
			rnd_point(s);
		s[31] |= 0x80;
		bit += decaf_255_point_decode(p, s, DECAF_TRUE) ==
		    DECAF_SUCCESS;
	}
	is_int(0, bit, "raw libdecaf decode refuses bit 255 set (A.1 and "
	    "200 random points)");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hex32(s, bad[i]);
		bad_ok += decaf_255_point_decode(p, s, DECAF_TRUE) ==
		    DECAF_SUCCESS;
	}
	is_int(0, bad_ok, "raw libdecaf decode refuses every A.2 vector");
	for (i = 0; i < 19; i++) {
		memset(s, 0xff, 32);
		s[31] = 0x7f;
		s[0] = (uint8_t)(0xed + i);
		nc += decaf_255_point_decode(p, s, DECAF_TRUE) == DECAF_SUCCESS;
	}
	is_int(0, nc, "raw libdecaf decode refuses p + j, j = 0..18");
	memset(s, 0, 32);
	ok(decaf_255_point_decode(p, s, DECAF_TRUE) == DECAF_SUCCESS &&
	    decaf_255_point_decode(p, s, DECAF_FALSE) == DECAF_FAILURE,
	    "raw libdecaf: zero encoding valid iff allow_identity");
}

/* s = p + j (j = 0..18), the only non-canonical encodings with bit 255
 * clear; and the identity's and G's other field representatives. */
static void
test_noncanonical(void)
{
	struct tv_gpoint p;
	uint8_t s[32];
	int j, sod = 0, ours = 0, decaf = 0;

	for (j = 0; j < 19; j++) {
		memset(s, 0xff, 32);
		s[31] = 0x7f;
		s[0] = (uint8_t)(0xed + j);	/* p = 2^255 - 19 = ed ff .. 7f */
		sod += crypto_core_ristretto255_is_valid_point(s) == 1;
		ours += tv_point_ok(s);
		decaf += tv_gpoint_decode(&p, s) == 0;
	}
	is_int(0, sod, "libsodium refuses p + j, j = 0..18");
	is_int(0, ours, "tv_point_ok refuses p + j");
	is_int(0, decaf, "tv_gpoint_decode refuses p + j");
	ok(tv_gpoint_decode(&p, tv_identity) == 0 && roundtrip(tv_identity),
	    "the identity (32 zero bytes) decodes and re-encodes");
}

/* Random byte strings: accepted or refused alike; accepted ones
 * re-encode to themselves. */
static void
test_random_strings(void)
{
	struct tv_gpoint p;
	uint8_t s[32];
	int i, agree = 0, valid = 0, rt = 0;
	const int n = 20000;

	for (i = 0; i < n; i++) {
		rnd(s, sizeof s);
		if (i % 2 == 0)
			s[31] &= 0x7f;	/* half with bit 255 clear */
		if (i % 4 == 0)
			s[0] &= 0xfe;	/* and some non-negative */
		if (tv_point_ok(s) == (tv_gpoint_decode(&p, s) == 0))
			agree++;
		if (tv_point_ok(s)) {
			valid++;
			rt += roundtrip(s);
		}
	}
	is_int(n, agree, "20000 random strings: accepted/refused alike");
	ok(valid > 0, "... some of them valid");
	is_int(valid, rt, "... every valid one re-encodes to itself");
}

static void
test_sums(void)
{
	struct tv_gpoint acc, d, p;
	uint8_t sod[32], dsub[32], q[32], got[32];
	int i, same = 1;

	tv_gpoint_identity(&acc);
	tv_gpoint_identity(&d);
	memcpy(sod, tv_identity, 32);
	memcpy(dsub, tv_identity, 32);
	for (i = 0; i < NRAND; i++) {
		rnd_point(q);
		if (tv_gpoint_decode(&p, q) != 0)
			same = 0;
		tv_gpoint_add(&acc, &acc, &p);
		tv_gpoint_sub(&d, &d, &p);
		if (tv_point_add(sod, sod, q) != 0 ||
		    tv_point_sub(dsub, dsub, q) != 0)
			same = 0;
		tv_gpoint_encode(got, &acc);
		if (memcmp(got, sod, 32) != 0)
			same = 0;
		tv_gpoint_encode(got, &d);
		if (memcmp(got, dsub, 32) != 0)
			same = 0;
	}
	ok(same, "200 random points: running sums and differences "
	    "byte-identical to libsodium at every step");
	tv_gpoint_add(&acc, &acc, &d);
	tv_gpoint_encode(got, &acc);
	is_mem(got, tv_identity, 32, "sum + (-sum) encodes as the identity");
}

static void
test_mul(void)
{
	struct tv_gpoint p, r;
	uint8_t n[32], q[32], want[32], got[32], L[32];
	int i, same = 1;

	for (i = 0; i < NRAND / 4; i++) {
		rnd_scalar(n);
		rnd_point(q);
		if (tv_point_mul(want, n, q) != 0 ||
		    tv_gpoint_decode(&p, q) != 0 || tv_gpoint_mul(&r, n, &p) != 0)
			same = 0;
		tv_gpoint_encode(got, &r);
		if (memcmp(got, want, 32) != 0)
			same = 0;
	}
	ok(same, "50 random n*P byte-identical to libsodium");
	memset(n, 0, 32);
	tv_gpoint_decode(&p, tv_generator);
	ok(tv_gpoint_mul(&r, n, &p) == 0, "0*G is not an error");
	tv_gpoint_encode(got, &r);
	is_mem(got, tv_identity, 32, "0*G = identity");
	hex32(L, "edd3f55c1a631258d69cf7a2def9de14"
	    "00000000000000000000000000000010");
	is_int(TV_ERR_CRYPTO, tv_gpoint_mul(&r, L, &p), "scalar L refused");
	memset(n, 0xff, 32);
	is_int(TV_ERR_CRYPTO, tv_gpoint_mul(&r, n, &p),
	    "scalar 2^256-1 refused");
	is_int(TV_ERR_CRYPTO, tv_gpoint_double_mul_vt(&r, L, L, &p),
	    "double_mul_vt refuses L");
	is_int(TV_ERR_CRYPTO, tv_scalar_neg(n, L), "tv_scalar_neg refuses L");
}

/* a*G + b*P (and a*P + b*Q) against libsodium's separate products. */
static void
test_double_mul(void)
{
	struct tv_gpoint P, Q, r;
	uint8_t a[32], b[32], nb[32], sum[32], p[32], q[32], x[32], y[32];
	uint8_t got[32];
	int i, same = 1, same2 = 1, neg = 1;

	for (i = 0; i < NRAND / 4; i++) {
		rnd_scalar(a);
		rnd_scalar(b);
		rnd_point(p);
		rnd_point(q);
		if (i == 0)
			memset(a, 0, 32);	/* b*P alone */
		if (i % 5 == 1)
			memset(b, 0, 32);	/* a*G alone: libdecaf 1.0.2's
						 * vt function gives the identity */
		if (i == 2)
			memcpy(p, tv_identity, 32);
		if (i == 3) {
			memset(a, 0, 32);
			memset(b, 0, 32);
		}
		tv_point_mulbase(x, a);
		if (tv_point_mul(y, b, p) != 0 || tv_point_add(x, x, y) != 0)
			same = 0;
		if (tv_gpoint_decode(&P, p) != 0 ||
		    tv_gpoint_double_mul_vt(&r, a, b, &P) != 0)
			same = 0;
		tv_gpoint_encode(got, &r);
		if (memcmp(got, x, 32) != 0)
			same = 0;
		if (tv_point_mul(x, a, p) != 0 || tv_point_mul(y, b, q) != 0 ||
		    tv_point_add(x, x, y) != 0 || tv_gpoint_decode(&Q, q) != 0 ||
		    tv_gpoint_double_mul(&r, a, &P, b, &Q) != 0)
			same2 = 0;
		tv_gpoint_encode(got, &r);
		if (memcmp(got, x, 32) != 0)
			same2 = 0;
		/* z*G - c*P as z*G + (L - c)*P. */
		if (tv_scalar_neg(nb, b) != 0)
			neg = 0;
		crypto_core_ristretto255_scalar_add(sum, nb, b);
		if (!sodium_is_zero(sum, 32) || !tv_scalar_ok(nb))
			neg = 0;
	}
	ok(same, "50 random a*G + b*P (vt) byte-identical to libsodium's "
	    "mulbase + mul + add (including a = 0, b = 0, P = identity)");
	ok(same2, "50 random a*P + b*Q byte-identical to libsodium");
	ok(neg, "tv_scalar_neg(b) + b = 0 and is canonical");
}

/* tv_gct_add_to_bytes: a stored (byte) sum plus a decoded one, as
 * tv_ct_add; in place too; an invalid stored point refused. */
static void
test_ct_to_bytes(void)
{
	enum { K = 4 };
	struct tv_gpoint v[K + 1];
	uint8_t a[TV_CT_BYTES(K)], b[TV_CT_BYTES(K)], ref[TV_CT_BYTES(K)];
	uint8_t got[TV_CT_BYTES(K)];
	int i, j, same = 1;

	for (i = 0; i < 20; i++) {
		for (j = 0; j <= K; j++) {
			rnd_point(a + 32 * j);
			rnd_point(b + 32 * j);
		}
		if (i == 0)
			memset(a + 32, 0, 32);	/* an identity point */
		memcpy(ref, a, sizeof ref);
		if (tv_ct_add(ref, b, K) != 0 || tv_gct_decode(v, b, K) != 0)
			same = 0;
		if (tv_gct_add_to_bytes(got, a, v, K) != 0 ||
		    memcmp(got, ref, sizeof got) != 0)
			same = 0;
		if (tv_gct_add_to_bytes(a, a, v, K) != 0 ||
		    memcmp(a, ref, sizeof a) != 0)
			same = 0;
	}
	ok(same, "20 byte sum + decoded sum byte-identical to tv_ct_add "
	    "(separate and in place)");
	a[32 * 2 + 31] |= 0x80;
	is_int(TV_ERR_CRYPTO, tv_gct_add_to_bytes(got, a, v, K),
	    "tv_gct_add_to_bytes refuses a stored bit-255 point");
}

/* The ciphertext helpers: byte sums as tv_ct_add, and a failed add
 * leaves the sum unchanged. */
static void
test_ct(void)
{
	enum { K = 4 };
	struct tv_gpoint sum[K + 1], one[K + 1];
	uint8_t ct[TV_CT_BYTES(K)], ref[TV_CT_BYTES(K)], got[TV_CT_BYTES(K)];
	uint8_t before[TV_CT_BYTES(K)];
	int i, j, same = 1;

	tv_gct_zero(sum, K);
	tv_ct_zero(ref, K);
	for (i = 0; i < 20; i++) {
		for (j = 0; j <= K; j++)
			rnd_point(ct + 32 * j);
		if (i % 2 == 0) {
			if (tv_gct_add_bytes(sum, ct, K) != 0)
				same = 0;
		} else {
			if (tv_gct_decode(one, ct, K) != 0)
				same = 0;
			tv_gct_add(sum, one, K);
		}
		if (tv_ct_add(ref, ct, K) != 0)
			same = 0;
	}
	tv_gct_encode(got, sum, K);
	ok(same && memcmp(got, ref, sizeof got) == 0,
	    "20 ciphertext sums byte-identical to tv_ct_add");
	memcpy(before, got, sizeof before);
	ct[32 * 3 + 31] |= 0x80;	/* point 3 invalid, 0..2 valid */
	is_int(TV_ERR_CRYPTO, tv_gct_add_bytes(sum, ct, K),
	    "tv_gct_add_bytes refuses a ciphertext with a bit-255 point");
	tv_gct_encode(got, sum, K);
	is_mem(got, before, sizeof got, "... and the sum is unchanged");
	is_int(TV_ERR_CRYPTO, tv_gct_decode(one, ct, K),
	    "tv_gct_decode refuses it too");
	tv_gct_decode(one, ref, K);
	tv_gct_sub(sum, one, K);
	tv_gct_encode(got, sum, K);
	tv_ct_zero(ref, K);
	is_mem(got, ref, sizeof got, "sum - sum = zero ciphertext");
	test_ct_to_bytes();
}

int
main(void)
{
	const char *e = getenv("SEED");
	unsigned long long s;

	is_int(0, tv_crypto_init(), "tv_crypto_init");
	if (e != NULL && *e != '\0')
		s = strtoull(e, NULL, 10);
	else
		s = ((unsigned long long)randombytes_random() << 32) |
		    randombytes_random();
	printf("# seed %llu (rerun: SEED=%llu)\n", s, s);
	memset(seed, 0, sizeof seed);
	memcpy(seed, &s, sizeof s);
	test_multiples();
	test_bad();
	test_bit255();
	test_noncanonical();
	test_raw_decaf();
	test_random_strings();
	test_sums();
	test_mul();
	test_double_mul();
	test_ct();
	return tap_done();
}
