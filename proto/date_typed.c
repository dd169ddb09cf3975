/* SPDX-License-Identifier: MIT */
/*
 * date_typed.c - a date as people type it (docs/formats.md Part I §1.6):
 * the one parser behind every path that takes a date of an identity
 * field (the form, `collector record`, `import` and `erase`), so that
 * every spelling of one birth date gives one pseudonym.
 *
 * Nothing here depends on the process locale: the day/month order comes
 * from the caller (the plan's or the form's language), the text is made
 * ASCII with libunistring's NFKC (full-width digits and solidus), and the
 * digits are read by hand.  Never prints, never exits.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <unistr.h>

#include "crypto/err.h"
#include "proto/calendar.h"

#define TYPED_MAX 64		/* longer is not a date */
#define YEAR_MIN 1900		/* earlier is taken for a typing error */

/* Three groups of 1 to 4 ASCII digits, split by one separator, the same
 * twice: "-", "/" or ".". */
struct groups {
	int v[3];
	size_t len[3];
};

static int
split(const char *s, size_t n, struct groups *g)
{
	size_t i, k = 0;
	char sep = 0;

	memset(g, 0, sizeof *g);
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (++g->len[k] > 4)
				return -1;
			g->v[k] = g->v[k] * 10 + (s[i] - '0');
			continue;
		}
		if (strchr("-/.", s[i]) == NULL || s[i] == 0 || k == 2 ||
		    g->len[k] == 0 || (sep != 0 && s[i] != sep))
			return -1;
		sep = s[i];
		k++;
	}
	return k == 2 && g->len[2] > 0 ? 0 : -1;
}

static int
valid(int y, int m, int d)
{
	int yy, mm, dd;

	if (y < YEAR_MIN || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	/* 02-30 would land in March: the round trip tells. */
	tv_day_to_ymd(tv_day_from_ymd(y, m, d), &yy, &mm, &dd);
	return yy == y && mm == m && dd == d;
}

/* Year last: a and b are day and month in the order the caller fixes;
 * with no order, the one reading that is a real date, if only one is. */
static enum tv_date_why
day_month(const struct groups *g, enum tv_date_order order, int *m,
    int *d)
{
	int a = g->v[0], b = g->v[1], y = g->v[2], ab, ba;

	if (order == TV_DATE_DMY || a == b) {
		*d = a;
		*m = b;
		return valid(y, *m, *d) ? TV_DATE_OK : TV_DATE_IMPOSSIBLE;
	}
	ab = valid(y, b, a);	/* a the day */
	ba = valid(y, a, b);	/* a the month */
	if (ab && ba)
		return TV_DATE_AMBIGUOUS;
	*d = ab ? a : b;
	*m = ab ? b : a;
	return ab || ba ? TV_DATE_OK : TV_DATE_IMPOSSIBLE;
}

static enum tv_date_why
read_date(const char *s, size_t n, enum tv_date_order order,
    int32_t max_day, int32_t *day)
{
	struct groups g;
	enum tv_date_why why;
	int y, m = 0, d = 0;

	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL && s[n - 1])
		n--;
	while (n > 0 && strchr(" \t\r\n", s[0]) != NULL && s[0]) {
		s++;
		n--;
	}
	if (split(s, n, &g) != 0 || g.len[1] > 2)
		return TV_DATE_UNREADABLE;
	if (g.len[0] == 4) {			/* ISO order: Y-M-D */
		if (g.len[2] > 2)
			return TV_DATE_UNREADABLE;
		y = g.v[0];
		m = g.v[1];
		d = g.v[2];
		why = valid(y, m, d) ? TV_DATE_OK : TV_DATE_IMPOSSIBLE;
	} else if (g.len[0] > 2) {
		return TV_DATE_UNREADABLE;
	} else if (g.len[2] < 4) {
		return TV_DATE_SHORT_YEAR;
	} else {
		y = g.v[2];
		why = day_month(&g, order, &m, &d);
	}
	if (why != TV_DATE_OK)
		return why;
	*day = tv_day_from_ymd(y, m, d);
	return *day > max_day ? TV_DATE_FUTURE : TV_DATE_OK;
}

int
tv_date_parse(const char *s, size_t n, enum tv_date_order order,
    int32_t max_day, int32_t *day, enum tv_date_why *why)
{
	char buf[4 * TYPED_MAX];
	uint8_t *r = NULL;
	size_t rlen = sizeof buf;
	int rc = TV_ERR_FORMAT;

	*why = TV_DATE_UNREADABLE;
	if (n > TYPED_MAX || u8_check((const uint8_t *)s, n) != NULL ||
	    memchr(s, '\0', n) != NULL)
		goto out;
	/* NFKC: "１９９０／０４／０２" is 1990/04/02. */
	rc = TV_ERR_NOMEM;
	if ((r = u8_normalize(UNINORM_NFKC, (const uint8_t *)s, n,
	    (uint8_t *)buf, &rlen)) == NULL)
		goto out;
	*why = read_date((const char *)r, rlen, order, max_day, day);
	rc = *why == TV_DATE_OK ? 0 : TV_ERR_FORMAT;
out:
	if (r != NULL && r != (uint8_t *)buf) {
		sodium_memzero(r, rlen);
		free(r);
	}
	sodium_memzero(buf, sizeof buf);
	return rc;
}
