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

/* RFC 9496 A.1: encodings of 0*G .. 15*G. */
static const char *const multiples[16] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
	"6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
	"94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
	"da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
	"e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
	"f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
	"44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
	"903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
	"02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
	"20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
	"bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
	"e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
	"aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
	"46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
	"e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
};

/* RFC 9496 A.2: invalid encodings. */
static const char *const bad[] = {
	/* non-canonical field encodings */
	"00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	/* negative field elements */
	"0100000000000000000000000000000000000000000000000000000000000000",
	"01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
	"c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
	"c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
	"47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
	"f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
	"87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
	/* non-square x^2 */
	"26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
	"4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
	"de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
	"bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
	"2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
	"f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
	"8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
	"2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
	/* negative xy value */
	"3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
	"a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
	"d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
	"8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
	"32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
	"227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
	"5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
	"445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
	/* s = -1, which causes y = 0 */
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

/* RFC 9496 A.3: one-way map, 64-byte input -> encoded point. */
static const struct {
	const char *in, *out;
} owm[] = {
	{ "5d1be09e3d0c82fc538112490e35701979d99e06ca3e2b5b54bffe8b4dc772c1"
	  "4d98b696a1bbfb5ca32c436cc61c16563790306c79eaca7705668b47dffe5bb6",
	  "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46" },
	{ "f116b34b8f17ceb56e8732a60d913dd10cce47a6d53bee9204be8b44f6678b27"
	  "0102a56902e2488c46120e9276cfe54638286b9e4b3cdb470b542d46c2068d38",
	  "f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b" },
	{ "8422e1bbdaab52938b81fd602effb6f89110e1e57208ad12d9ad767e2e25510c"
	  "27140775f9337088b982d83d7fcf0b2fa1edffe51952cbe7365e95c86eaf325c",
	  "006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826" },
	{ "ac22415129b61427bf464e17baee8db65940c233b98afce8d17c57beeb7876c2"
	  "150d15af1cb1fb824bbd14955f2b57d08d388aab431a391cfc33d5bafb5dbbaf",
	  "f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a" },
	{ "165d697a1ef3d5cf3c38565beefcf88c0f282b8e7dbd28544c483432f1cec767"
	  "5debea8ebb4e5fe7d6f6e5db15f15587ac4d4d4a1de7191e0c1ca6664abcc413",
	  "ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179" },
	{ "a836e6c9a9ca9f1e8d486273ad56a78c70cf18f0ce10abb1c7172ddd605d7fd2"
	  "979854f47ae1ccf204a33102095b4200e5befc0465accc263175485f0e17ea5c",
	  "e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628" },
	{ "2cdc11eaeb95daf01189417cdddbf95952993aa9cb9c640eb5058d09702c7462"
	  "2c9965a697a3b345ec24ee56335b556e677b30e6f90ac77d781064f866a3c982",
	  "80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065" },
	/* inputs that map to the same point (edge cases of the map) */
	{ "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "1200000000000000000000000000000000000000000000000000000000000000",
	  "304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f" },
	{ "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	  "304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f" },
	{ "0000000000000000000000000000000000000000000000000000000000000080"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	  "304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f" },
	{ "0000000000000000000000000000000000000000000000000000000000000000"
	  "1200000000000000000000000000000000000000000000000000000000000080",
	  "304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f" },
};

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
