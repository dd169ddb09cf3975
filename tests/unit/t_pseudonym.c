/* SPDX-License-Identifier: MIT */
/*
 * t_pseudonym.c - identity normalisation, pseudonyms, receipts, index tags.
 *
 * The known-answer values were computed independently (Python hashlib
 * BLAKE2b) from the byte layout in docs/formats.md, so they pin the format
 * and not merely this implementation.
 */
#include <sodium.h>
#include <string.h>

#include "crypto/err.h"
#include "crypto/pseudonym.h"
#include "tests/unit/tap.h"

static uint8_t key[32], key2[32], ikey[32];

static int
norm(char *out, size_t cap, const char *in)
{
	return tv_identity_normalise(out, cap, in, strlen(in));
}

static void
check_norm(const char *in, const char *want, const char *name)
{
	char out[TV_IDENTITY_MAX + 1], again[TV_IDENTITY_MAX + 1];

	is_int(0, norm(out, sizeof out, in), name);
	is_str(want, out, name);
	/* Normalising twice changes nothing. */
	is_int(0, norm(again, sizeof again, out), "idempotent");
	is_str(out, again, "idempotent: same result");
}

/* 1 if the two-field pseudonyms of (a0, a1) and (b0, b1) agree. */
static int
same2(const char *a0, const char *a1, const char *b0, const char *b1)
{
	const char *a[2] = { a0, a1 }, *b[2] = { b0, b1 };
	uint8_t pa[32], pb[32];

	if (tv_pseudonym(pa, key, a, 2) != 0 ||
	    tv_pseudonym(pb, key, b, 2) != 0)
		return -1;
	return memcmp(pa, pb, 32) == 0;
}

static void
test_normalise(void)
{
	char out[TV_IDENTITY_MAX + 1], small[4], big[TV_IDENTITY_MAX + 2];
	size_t i;

	check_norm("\xc3\x89lodie  DUPONT", "elodie dupont",
	    "accents, case, spaces");
	check_norm("  Jean-Pierre\t ", "jean pierre", "hyphen and trim");
	check_norm("O\xe2\x80\x99" "Brien", "o brien",
	    "typographic apostrophe");
	check_norm("J.-P. d'Arc", "j p d arc", "dots and apostrophes");
	check_norm("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", "abc",
	    "fullwidth NFKC");
	check_norm("\xef\xac\x81", "fi", "ligature fi");
	check_norm("Stra\xc3\x9f" "e", "strasse", "sharp s case fold");
	check_norm("\xe1\xba\x9e", "ss", "capital sharp s");
	check_norm("Zo\xc3\xab\xc2\xa0Nu\xc3\xb1" "ez", "zoe nunez",
	    "nbsp, tilde");
	check_norm("Ann\xc2\xad" "a", "anna", "soft hyphen dropped");
	check_norm("Jean\xe2\x80\x93Luc", "jean luc", "en dash");
	check_norm("\xea\xb9\x80", "\xea\xb9\x80", "hangul recomposed (NFC)");
	check_norm("", "", "empty");
	check_norm(" - ", "", "separators only");

	is_int(TV_ERR_FORMAT, norm(out, sizeof out, "\xff"), "invalid byte");
	is_int(TV_ERR_FORMAT, norm(out, sizeof out, "a\xc0\xaf"), "overlong");
	is_int(TV_ERR_FORMAT, norm(out, sizeof out, "\xed\xa0\x80"),
	    "surrogate");
	is_int(TV_ERR_FORMAT, norm(out, sizeof out, "\xc3"), "truncated");
	is_int(TV_ERR_FORMAT, tv_identity_normalise(out, sizeof out, "a\0b", 3),
	    "embedded NUL");
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	is_int(TV_ERR_TOOBIG, norm(out, sizeof out, big), "257 bytes in");
	big[TV_IDENTITY_MAX] = '\0';
	is_int(0, norm(out, sizeof out, big), "256 bytes in");
	is_int(TV_ERR_TOOBIG, norm(small, sizeof small, "abcd"), "output cap");
	is_int(0, small[0], "output wiped on error");
	is_int(0, norm(small, sizeof small, "ABC"), "fits exactly");
	/* U+FDFA: one character, 3 bytes, 18 letters when decomposed. */
	memset(big, 0, sizeof big);
	for (i = 0; i + 3 <= 240; i += 3)
		memcpy(big + i, "\xef\xb7\xba", 3);
	is_int(TV_ERR_TOOBIG, norm(out, sizeof out, big), "growth over cap");
}

static void
test_pseudonym(void)
{
	const char *f[2] = { "elodie", "dupont" };
	const char *bad[1] = { "\xff" };
	const char *none[1] = { NULL };
	uint8_t p[32], q[32], want[32];
	char big[TV_IDENTITY_MAX + 2];
	const char *fb[1] = { big };

	ok(same2("\xc3\x89lodie", "  DUPONT ", "elodie", "dupont") == 1,
	    "Elodie DUPONT = elodie dupont");
	ok(same2("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", "x", "abc", "x") == 1,
	    "fullwidth = ascii");
	ok(same2("\xef\xac\x81n", "x", "fin", "x") == 1, "ligature");
	ok(same2("Jean-Pierre", "Martin", "jean pierre", "martin") == 1,
	    "hyphen = space");
	ok(same2("Stra\xc3\x9f" "e", "x", "strasse", "x") == 1, "sharp s");
	ok(same2("elodie", "dupont", "elodie", "durand") == 0,
	    "different people differ");
	ok(same2("ab", "c", "a", "bc") == 0, "field boundaries matter");
	ok(same2("", "abc", "abc", "") == 0, "empty field position matters");

	tap_hex(want, sizeof want, "43fbfcf4803a72aaac7d8989e346cc0a"
	    "7a89da79aeaa8d110ea196c0de646842");
	is_int(0, tv_pseudonym(p, key, f, 2), "pseudonym ok");
	is_mem(want, p, 32, "pseudonym known answer");
	is_int(0, tv_pseudonym(q, key2, f, 2), "other key ok");
	ok(memcmp(p, q, 32) != 0, "other key, other pseudonym");
	is_int(0, tv_pseudonym(q, key, f, 1), "one field ok");
	ok(memcmp(p, q, 32) != 0, "field count matters");

	is_int(TV_ERR_FORMAT, tv_pseudonym(q, key, bad, 1), "invalid UTF-8");
	ok(sodium_is_zero(q, 32), "output wiped on error");
	is_int(TV_ERR_FORMAT, tv_pseudonym(q, key, none, 1), "NULL field");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	is_int(TV_ERR_TOOBIG, tv_pseudonym(q, key, fb, 1), "over-long field");
}

/* Kinds (docs/formats.md Part I §3.1): a code drops its separators, a
 * date is taken as the YYYY-MM-DD it was parsed to, and the known answer
 * of §3.5 for (name, name, date). */
static void
test_kinds(void)
{
	const char *f[3] = { "\xc3\x89lodie", "  DUPONT ", "1990-04-02" };
	const char *g[3] = { "elodie", "dupont", "02/04/1990" };
	const enum tv_idkind k[3] = { TV_IDKIND_NAME, TV_IDKIND_NAME,
		TV_IDKIND_DATE };
	const char *code = " AB-12 34.\xc3\xa9";
	uint8_t p[32], q[32], want[32];
	char out[TV_IDENTITY_MAX + 1], rc[12];

	is_int(0, tv_identity_normalise_kind(out, sizeof out, code,
	    strlen(code), TV_IDKIND_CODE), "code ok");
	is_str("ab1234e", out, "a code drops its separators");
	is_int(0, tv_identity_normalise_kind(out, sizeof out, "1990-04-02", 10,
	    TV_IDKIND_DATE), "date ok");
	is_str("1990-04-02", out, "a date is kept");
	is_int(TV_ERR_FORMAT, tv_identity_normalise_kind(out, sizeof out,
	    "02/04/1990", 10, TV_IDKIND_DATE), "a date not yet parsed");
	is_int(TV_ERR_FORMAT, tv_identity_normalise_kind(out, sizeof out,
	    "1990-04-2", 9, TV_IDKIND_DATE), "a date not YYYY-MM-DD");
	tap_hex(want, sizeof want, "9ad640f5429cf32a76561c0b9bcffa2d"
	    "e24895b6b4ed7f17fe70dc6466d6668a");
	is_int(0, tv_pseudonym_kinds(p, key, f, k, 3), "with kinds ok");
	is_mem(want, p, 32, "pseudonym with a date: known answer");
	tv_receipt_code(rc, p);
	is_str("XYXD3-5TMPZ", rc, "its receipt");
	is_int(TV_ERR_FORMAT, tv_pseudonym_kinds(q, key, g, k, 3),
	    "an unparsed date refused");
	is_int(0, tv_pseudonym_kinds(q, key, f, NULL, 3), "all names ok");
	ok(memcmp(p, q, 32) != 0, "the kind is part of the bytes hashed");
}

static int
crockford_ok(const char *s)
{
	static const char alpha[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	size_t i;

	if (strlen(s) != 11 || s[5] != '-')
		return 0;
	for (i = 0; i < 11; i++)
		if (i != 5 && strchr(alpha, s[i]) == NULL)
			return 0;
	return 1;
}

static void
test_receipt(void)
{
	const char *f[2] = { "elodie", "dupont" };
	char r1[TV_RECEIPT_LEN + 2], r2[TV_RECEIPT_LEN + 2];
	uint8_t p[32];
	int i, good = 1;

	tv_pseudonym(p, key, f, 2);
	tv_receipt_code(r1, p);
	is_str("ZJAK8-64MVV", r1, "receipt known answer");
	tv_receipt_code(r2, p);
	is_str(r1, r2, "receipt deterministic");
	for (i = 0; i < 200; i++) {
		randombytes_buf(p, sizeof p);
		tv_receipt_code(r1, p);
		good &= crockford_ok(r1);
	}
	ok(good, "receipts are XXXXX-XXXXX in Crockford base32");
	memset(p, 0, sizeof p);
	tv_receipt_code(r1, p);
	p[31] = 1;
	tv_receipt_code(r2, p);
	ok(strcmp(r1, r2) != 0, "receipt depends on the whole pseudonym");
}

static void
test_index_tag(void)
{
	const char *f[2] = { "elodie", "dupont" };
	uint8_t p[32], t[32], u[32], want[32];

	tv_pseudonym(p, key, f, 2);
	tv_index_tag(t, ikey, p, 3, 2, -5, 7);
	tap_hex(want, sizeof want, "82c1c8e4467bacd431cee73173ce34d4"
	    "a2e00fa906c5500896f49e9c23f4579e");
	is_mem(want, t, 32, "index tag known answer");
	tv_index_tag(u, ikey, p, 3, 2, -5, 7);
	is_mem(t, u, 32, "index tag deterministic");
	tv_index_tag(u, ikey, p, 4, 2, -5, 7);
	ok(memcmp(t, u, 32) != 0, "indicator changes the tag");
	tv_index_tag(u, ikey, p, 3, 3, -5, 7);
	ok(memcmp(t, u, 32) != 0, "period kind changes the tag");
	tv_index_tag(u, ikey, p, 3, 2, -4, 7);
	ok(memcmp(t, u, 32) != 0, "period id changes the tag");
	tv_index_tag(u, ikey, p, 3, 2, -5, 8);
	ok(memcmp(t, u, 32) != 0, "site changes the tag");
	tv_index_tag(u, key, p, 3, 2, -5, 7);
	ok(memcmp(t, u, 32) != 0, "index key changes the tag");
	p[0] ^= 1;
	tv_index_tag(u, ikey, p, 3, 2, -5, 7);
	ok(memcmp(t, u, 32) != 0, "pseudonym changes the tag");
}

/* Known answers computed separately (Python's hashlib.blake2b), as in
 * docs/formats.md Part I §3.5. */
static void
test_history_tag(void)
{
	const char *f[2] = { "elodie", "dupont" };
	uint8_t p[32], t[32], u[32], want[32];

	tv_pseudonym(p, key, f, 2);
	tv_history_tag(t, ikey, p, 7);
	tap_hex(want, sizeof want, "045c55703dfc754c47c2f4eadf8ac36d"
	    "687521d5889b61a9288be7f18c422999");
	is_mem(want, t, 32, "history tag (site 7) known answer");
	tv_history_tag(u, ikey, p, UINT32_MAX);
	tap_hex(want, sizeof want, "fbd363f48c58c3a9cb4b0d4db3b41df0"
	    "103cb39ebc965a6ccb3d0ab82d5c8176");
	is_mem(want, u, 32, "history tag (collector) known answer");
	tv_history_key(u, ikey);
	tap_hex(want, sizeof want, "b1488f563a73a1669e6329943c025383"
	    "e87589a64049b6302c64f2523450a581");
	is_mem(want, u, 32, "history key known answer");
}

int
main(void)
{
	int i;

	if (sodium_init() < 0)
		return 2;
	for (i = 0; i < 32; i++) {
		key[i] = (uint8_t)i;
		key2[i] = (uint8_t)(i + 1);
		ikey[i] = (uint8_t)(32 + i);
	}
	test_normalise();
	test_pseudonym();
	test_kinds();
	test_receipt();
	test_index_tag();
	test_history_tag();
	return tap_done();
}
