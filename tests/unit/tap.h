/* SPDX-License-Identifier: MIT */
/*
 * tap.h - a minimal TAP producer for the unit tests.
 *
 * Each test binary calls ok()/is_int()/is_mem() and ends with
 * `return tap_done();`, which exits non-zero if any check failed.
 */
#ifndef TV_TAP_H
#define TV_TAP_H

#include <stdio.h>
#include <string.h>
#include <stddef.h>

static int tap_n, tap_fail;

static inline int
tap_ok(int cond, const char *file, int line, const char *name)
{
	tap_n++;
	if (!cond)
		tap_fail++;
	printf("%s %d - %s", cond ? "ok" : "not ok", tap_n, name);
	if (!cond)
		printf("  (%s:%d)", file, line);
	printf("\n");
	fflush(stdout);
	return cond;
}

#define ok(cond, name) tap_ok(!!(cond), __FILE__, __LINE__, (name))
#define is_int(want, got, name) do {					\
	long long w_ = (long long)(want), g_ = (long long)(got);	\
	if (!tap_ok(w_ == g_, __FILE__, __LINE__, (name)))		\
		printf("#   want %lld, got %lld\n", w_, g_);		\
} while (0)
#define is_mem(a, b, n, name) \
	tap_ok(memcmp((a), (b), (n)) == 0, __FILE__, __LINE__, (name))
#define is_str(a, b, name) do {						\
	const char *a_ = (a), *b_ = (b);				\
	if (!tap_ok(a_ != NULL && b_ != NULL && strcmp(a_, b_) == 0,	\
	    __FILE__, __LINE__, (name)))				\
		printf("#   want '%s', got '%s'\n", a_ ? a_ : "(null)",	\
		    b_ ? b_ : "(null)");				\
} while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_fail)
		printf("# %d of %d checks failed\n", tap_fail, tap_n);
	return tap_fail ? 1 : 0;
}

/* Parse lowercase/uppercase hex into out; returns bytes written. */
static inline size_t
tap_hex(unsigned char *out, size_t cap, const char *hex)
{
	size_t n = 0;
	unsigned v;

	while (hex[0] && hex[1] && n < cap && sscanf(hex, "%2x", &v) == 1) {
		out[n++] = (unsigned char)v;
		hex += 2;
	}
	return n;
}

#endif
