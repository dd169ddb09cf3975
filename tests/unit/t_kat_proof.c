/* SPDX-License-Identifier: MIT */
/*
 * t_kat_proof.c - known-answer vectors for the proofs, the dealing and the
 * threshold decryption (docs/formats.md, Part IV §7).
 *
 * Every secret and every nonce is fixed: scalar(name) =
 * reduce(BLAKE2b-512(name)), bytes32(name) = BLAKE2b-256(name), names in
 * ASCII without NUL.  The proofs go through the explicit-nonce provers of
 * crypto/proof_internal.h and the dealing through
 * crypto/shamir_internal.h; every result is also checked with the public
 * verifiers.  The output is compared byte for byte with tests/kat/proof.exp
 * (run from the repository root).  `t_kat_proof -w FILE` writes it to
 * FILE instead, to regenerate the vectors after a deliberate change.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "crypto/err.h"
#include "crypto/group.h"
#include "crypto/proof.h"
#include "crypto/proof_internal.h"
#include "crypto/shamir.h"
#include "crypto/shamir_internal.h"
#include "tests/unit/tap.h"

#define EXP_PATH "tests/kat/proof.exp"
#define K 3		/* slots */
#define T 2		/* threshold */
#define N 3		/* trustees */
#define OUT_CAP 65536

static char out[OUT_CAP];
static size_t outlen;

static void
emit(const char *name, const uint8_t *b, size_t len)
{
	char hex[2 * TV_PROOF01_BYTES + 1];
	int n;

	assert(len <= TV_PROOF01_BYTES);
	sodium_bin2hex(hex, sizeof hex, b, len);
	n = snprintf(out + outlen, OUT_CAP - outlen, "%s = %s\n", name, hex);
	if (n > 0 && (size_t)n < OUT_CAP - outlen)
		outlen += (size_t)n;
}

static void emitf(const uint8_t *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));
static void kat_scalar(uint8_t [32], const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
emitf(const uint8_t *b, size_t len, const char *fmt, ...)
{
	char name[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	emit(name, b, len);
}

/* s = reduce(BLAKE2b-512(name)). */
static void
kat_scalar(uint8_t s[32], const char *fmt, ...)
{
	char name[64];
	uint8_t h[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	crypto_generichash(h, sizeof h, (const uint8_t *)name, strlen(name),
	    NULL, 0);
	crypto_core_ristretto255_scalar_reduce(s, h);
}

static void
kat_bytes32(uint8_t b[32], const char *name)
{
	crypto_generichash(b, 32, (const uint8_t *)name, strlen(name), NULL, 0);
}

static uint8_t ctx[32], dev[32], x[K][32], X[K][32];
static uint8_t R[32], C[K][32], Ra[32], Ca[K][32];
static uint8_t shares[K][N * 32], commit[K][T * 32];

/* R = r*G, C_i = r*X_i + m_i*G, with a fixed r. */
static void
encrypt_fixed(uint8_t Ro[32], uint8_t Co[K][32], const uint8_t r[32],
    const uint8_t m[K])
{
	uint8_t rX[32], mG[32];
	unsigned i;

	tv_point_mulbase(Ro, r);
	for (i = 0; i < K; i++) {
		tv_point_mul(rX, r, X[i]);
		tv_point_small(mG, m[i]);
		tv_point_add(Co[i], rX, mG);
	}
}

static void
kat_keys_record(void)
{
	static const uint8_t m[K] = { 0, 1, 0 };
	uint8_t r[32], w[32], cf[32], zf[32], p01[TV_PROOF01_BYTES];
	uint8_t ps[TV_PROOFSUM_BYTES], XS[32], CS[32];
	unsigned i, good = 0;

	kat_bytes32(ctx, "tallyvan/kat/ctx");
	kat_bytes32(dev, "tallyvan/kat/device");
	emit("ctx", ctx, 32);
	emit("device", dev, 32);
	for (i = 0; i < K; i++) {
		kat_scalar(x[i], "tallyvan/kat/x/%u", i);
		tv_point_mulbase(X[i], x[i]);
		emitf(x[i], 32, "x[%u]", i);
		emitf(X[i], 32, "X[%u]", i);
	}

	kat_scalar(r, "tallyvan/kat/r");
	encrypt_fixed(R, C, r, m);
	emit("r", r, 32);
	emit("R", R, 32);
	for (i = 0; i < K; i++) {
		emitf(&m[i], 1, "m[%u]", i);
		emitf(C[i], 32, "C[%u]", i);
	}

	for (i = 0; i < K; i++) {
		kat_scalar(w, "tallyvan/kat/bit01/w/%u", i);
		kat_scalar(cf, "tallyvan/kat/bit01/cf/%u", i);
		kat_scalar(zf, "tallyvan/kat/bit01/zf/%u", i);
		emitf(w, 32, "bit01[%u].w", i);
		emitf(cf, 32, "bit01[%u].cf", i);
		emitf(zf, 32, "bit01[%u].zf", i);
		if (tv_proof01_prove_nonces(p01, ctx, dev, i, X[i], R, C[i], r,
		    m[i], w, cf, zf) == 0 &&
		    tv_proof01_verify(p01, ctx, dev, i, X[i], R, C[i]) == 0)
			good++;
		emitf(p01, sizeof p01, "bit01[%u].proof", i);
	}
	is_int(K, good, "KAT 0/1 proofs prove and verify");

	memcpy(XS, X[0], 32);
	memcpy(CS, C[0], 32);
	for (i = 1; i < K; i++) {
		tv_point_add(XS, XS, X[i]);
		tv_point_add(CS, CS, C[i]);
	}
	kat_scalar(w, "tallyvan/kat/sum/w");
	emit("sum.XS", XS, 32);
	emit("sum.CS", CS, 32);
	emit("sum.w", w, 32);
	is_int(0, tv_proofsum_prove_nonce(ps, ctx, dev, 0, 1, XS, R, CS, r,
	    w), "KAT sum proof (group 0, sum 1)");
	is_int(0, tv_proofsum_verify(ps, ctx, dev, 0, 1, XS, R, CS),
	    "... verifies");
	emit("sum.proof", ps, sizeof ps);
}

static void
kat_dealing(void)
{
	static const unsigned quorums[3][2] = { { 1, 2 }, { 1, 3 }, { 2, 3 } };
	uint8_t coeffs[T * 32], S[32], lambda[32];
	unsigned i, j, q, checked = 0;

	for (i = 0; i < K; i++) {
		memcpy(coeffs, x[i], 32);
		kat_scalar(coeffs + 32, "tallyvan/kat/a/%u/1", i);
		emitf(coeffs + 32, 32, "a[%u][1]", i);
		if (tv_shamir_deal_coeffs(shares[i], commit[i], coeffs, T, N)
		    != 0)
			continue;
		emitf(commit[i], 32, "A[%u][0]", i);
		emitf(commit[i] + 32, 32, "A[%u][1]", i);
		for (j = 1; j <= N; j++) {
			emitf(shares[i] + 32 * (j - 1), 32, "s[%u][%u]", i, j);
			if (tv_shamir_verkey(S, j, commit[i], T) == 0 &&
			    tv_shamir_check(shares[i] + 32 * (j - 1), j,
			    commit[i], T) == 0)
				checked++;
			emitf(S, 32, "S[%u][%u]", i, j);
		}
	}
	is_int(K * N, checked, "KAT shares pass tv_shamir_check");

	for (q = 0; q < 3; q++) {
		for (j = 0; j < 2; j++) {
			tv_lagrange0(lambda, quorums[q][j], quorums[q], 2);
			emitf(lambda, 32, "lambda{%u,%u}[%u]", quorums[q][0],
			    quorums[q][1], quorums[q][j]);
		}
	}
}

/*
 * The aggregate of the record above and a second one (m = 1, 0, 0), its
 * partial decryptions with DLEQ proofs, and the combination by each
 * quorum.  agg stands for the protocol's aggregate hash: any 32 bytes.
 */
static void
kat_release(void)
{
	static const uint8_t m2[K] = { 1, 0, 0 };
	static const unsigned quorums[3][2] = { { 1, 2 }, { 1, 3 }, { 2, 3 } };
	static const unsigned want[K] = { 1, 1, 0 };
	crypto_generichash_state st;
	uint8_t r2[32], R2[32], C2[K][32], agg[32], w[32], S[32];
	uint8_t D[K][N][32], pd[TV_DLEQ_BYTES], lambda[32], T1[32], acc[32];
	uint8_t M[32], vG[32], v[1];
	unsigned i, j, q, a, good = 0, dec = 0;

	kat_scalar(r2, "tallyvan/kat/r2");
	encrypt_fixed(R2, C2, r2, m2);
	emit("r2", r2, 32);
	tv_point_add(Ra, R, R2);
	emit("agg.R", Ra, 32);
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, Ra, 32);
	for (i = 0; i < K; i++) {
		tv_point_add(Ca[i], C[i], C2[i]);
		emitf(Ca[i], 32, "agg.C[%u]", i);
		crypto_generichash_update(&st, Ca[i], 32);
	}
	crypto_generichash_final(&st, agg, 32);
	emit("agg.hash", agg, 32);

	for (i = 0; i < K; i++) {
		for (j = 1; j <= N; j++) {
			tv_point_mul(D[i][j - 1], shares[i] + 32 * (j - 1), Ra);
			tv_shamir_verkey(S, j, commit[i], T);
			kat_scalar(w, "tallyvan/kat/pdec/w/%u/%u", i, j);
			emitf(w, 32, "pdec[%u][%u].w", i, j);
			emitf(D[i][j - 1], 32, "pdec[%u][%u].D", i, j);
			if (tv_dleq_prove_nonce(pd, ctx, agg, j, i, S, Ra,
			    D[i][j - 1], shares[i] + 32 * (j - 1), w) == 0 &&
			    tv_dleq_verify(pd, ctx, agg, j, i, S, Ra,
			    D[i][j - 1]) == 0)
				good++;
			emitf(pd, sizeof pd, "pdec[%u][%u].proof", i, j);
		}
	}
	is_int(K * N, good, "KAT partial decryptions prove and verify");

	/* x_i*R* = sum lambda_j D_ij; M_i = C*_i - x_i*R* = v_i*G. */
	for (q = 0; q < 3; q++) {
		for (i = 0; i < K; i++) {
			memcpy(acc, tv_identity, 32);
			for (a = 0; a < 2; a++) {
				j = quorums[q][a];
				tv_lagrange0(lambda, j, quorums[q], 2);
				tv_point_mul(T1, lambda, D[i][j - 1]);
				tv_point_add(acc, acc, T1);
			}
			tv_point_sub(M, Ca[i], acc);
			tv_point_small(vG, want[i]);
			if (memcmp(M, vG, 32) == 0)
				dec++;
			if (q == 0) {
				emitf(M, 32, "M[%u]", i);
				v[0] = (uint8_t)want[i];
				emitf(v, 1, "v[%u]", i);
			}
		}
	}
	is_int(3 * K, dec, "every quorum decrypts the aggregate to 1, 1, 0");
}

/* Compares out with the .exp file, naming the first differing line. */
static void
compare(void)
{
	static char exp[OUT_CAP];
	FILE *f;
	size_t n = 0, i, line = 1;

	if ((f = fopen(EXP_PATH, "rb")) != NULL) {
		n = fread(exp, 1, sizeof exp, f);
		fclose(f);
	}
	ok(f != NULL, "read " EXP_PATH);
	for (i = 0; i < n && i < outlen && exp[i] == out[i]; i++)
		if (out[i] == '\n')
			line++;
	if (!ok(n == outlen && i == n, "output matches " EXP_PATH " byte for "
	    "byte"))
		printf("#   first difference at line %zu\n", line);
}

/* Writes out to path (regeneration: `t_kat_proof -w tests/kat/proof.exp`). */
static int
write_exp(const char *path)
{
	FILE *f;
	int good;

	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	good = fwrite(out, 1, outlen, f) == outlen;
	return (fclose(f) == 0) & good;
}

int
main(int argc, char **argv)
{
	is_int(0, tv_crypto_init(), "tv_crypto_init");
	kat_keys_record();
	kat_dealing();
	kat_release();
	if (argc == 3 && strcmp(argv[1], "-w") == 0)
		ok(write_exp(argv[2]), "wrote the vectors");
	else
		compare();
	return tap_done();
}
