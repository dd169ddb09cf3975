/* SPDX-License-Identifier: MIT */
/*
 * form.h - the counsellors' browser form ("collector serve"), internal.
 *
 *   cmd_serve.c    options, unlock, the laptop's terminal, signals
 *   form_http.c    libmicrohttpd: routes, headers, cookies, request bodies
 *   form_body.c    the parsed body of a POST, in guarded memory
 *   form_session.c sign-in code, sessions, CSRF and one-time form tokens
 *   form_visit.c   a posted form -> a visit -> capture_txn; status counts
 *   form_page.c    HTML of every page, built in guarded memory
 *   form_text.c    French and English strings
 *
 * What the browser types (identities, answers) lives only in guarded
 * memory (sodium_malloc): the parsed request body, the visit, and the page
 * that re-shows a refused form.  All are wiped when freed.  Nothing of it
 * is logged, and no draft is kept: a form that is not submitted leaves no
 * trace on the laptop.  See docs/counsellor-guide.md.
 */
#ifndef TV_FORM_H
#define TV_FORM_H

#include <pthread.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "collector/collector.h"

#define FORM_BODY_MAX (16u << 10)	/* request body cap, bytes */
#define FORM_PAIRS_MAX 256		/* name=value pairs per body */
#define FORM_SESSIONS_MAX 16		/* signed-in browsers */
#define FORM_ONCE_MAX 8			/* open forms per browser */
#define FORM_CODE_LEN 6			/* sign-in code digits */
#define FORM_CODE_TRIES 10		/* wrong codes before a new code */
#define FORM_IDLE_SECONDS (2 * 3600)	/* a session unused this long ends */
#define FORM_TOKEN_BYTES 32		/* session id, CSRF token */
#define FORM_ONCE_BYTES 16		/* one-time form token */
#define FORM_HEX(n) (2 * (n) + 1)

enum form_lang { LANG_FR = 0, LANG_EN = 1 };

/* A parsed application/x-www-form-urlencoded body (guarded memory).
 * Decoding only shrinks, so the arena holds any body under the cap. */
struct form_body {
	size_t n, used;
	int bad;			/* too many pairs or bytes */
	struct {
		uint32_t key, val, vlen;
	} e[FORM_PAIRS_MAX];
	char arena[FORM_BODY_MAX + 2 * FORM_PAIRS_MAX];
};

/* form_body.c */
struct form_body *form_body_new(void);
void form_body_free(struct form_body *b);
/* Append a chunk of the value of key (off 0 starts a new pair). */
int form_body_add(struct form_body *b, const char *key, const char *data,
    uint64_t off, size_t size);
/* The first value of key, or NULL; *count (optional) gets how many. */
const char *form_body_get(const struct form_body *b, const char *key,
    unsigned *count);
/* The i-th value of key (0-based), or NULL. */
const char *form_body_nth(const struct form_body *b, const char *key,
    unsigned i);

enum form_flash {
	FLASH_NONE = 0,
	FLASH_SAVED,		/* a visit was recorded: show the receipt */
	FLASH_DUP,		/* a form was sent twice: recorded once */
};

struct form_errors {
	unsigned n;
	uint8_t site, date;
	uint8_t identity[TV_PLAN_MAX_IDENTITY];
	uint8_t field[TV_PLAN_MAX_FIELDS];
};

struct form_session {
	uint8_t id[FORM_TOKEN_BYTES];
	uint8_t csrf[FORM_TOKEN_BYTES];
	uint8_t once[FORM_ONCE_MAX][FORM_ONCE_BYTES];
	uint8_t once_live[FORM_ONCE_MAX];
	unsigned once_next;
	time_t seen;
	int live;
	enum form_lang lang;
	enum form_flash flash;
	char receipt[TV_RECEIPT_LEN + 2];	/* shown once, then wiped */
	/* A refused form, shown again by the next GET / and then wiped (the
	 * POST is answered with a redirect, so that no browser history
	 * entry -- nor Chromium's session file -- holds what was typed). */
	struct form_body *again;	/* guarded, or NULL */
	struct form_errors again_errors;
	int again_failed;		/* the store refused, not the fields */
};

struct form_server {
	struct device *d;
	pthread_mutex_t lock;		/* sessions, code, site */
	struct form_session *sessions;	/* guarded, FORM_SESSIONS_MAX */
	char *code;			/* guarded, FORM_CODE_LEN + 1 */
	unsigned code_fails;
	int site;			/* preselected site, or -1 */
	int32_t date;			/* default visit date, or -1: today */
	int log_requests;		/* route, status, time: never values */
	uint16_t port;			/* bound port, for the Host check */
	atomic_int dead;		/* the store panicked: exit 2 */
};

/* form_session.c */
void form_server_init(struct form_server *s, struct device *d);
void form_server_release(struct form_server *s);
/* A new sign-in code, printed on the laptop's terminal; every browser is
 * signed out.  Caller holds the lock. */
void form_code_rotate(struct form_server *s, const char *why);
/* 0 if code is the current code; counts failures and rotates after
 * FORM_CODE_TRIES. */
int form_code_check(struct form_server *s, const char *code);
/* The live session whose id is the hex cookie, or NULL. */
struct form_session *form_session_find(struct form_server *s,
    const char *cookie);
struct form_session *form_session_new(struct form_server *s,
    enum form_lang lang);
void form_session_end(struct form_session *ss);
/* 0 if hex is the session's CSRF token (constant time). */
int form_csrf_check(const struct form_session *ss, const char *hex);
void form_csrf_hex(const struct form_session *ss,
    char out[FORM_HEX(FORM_TOKEN_BYTES)]);
void form_session_hex(const struct form_session *ss,
    char out[FORM_HEX(FORM_TOKEN_BYTES)]);
/* One-time form tokens: issue one per rendered form; a submitted form is
 * recorded only if its token is live, and the token then dies. */
void form_once_issue(struct form_session *ss,
    char out[FORM_HEX(FORM_ONCE_BYTES)]);
int form_once_find(const struct form_session *ss, const char *hex);
void form_once_drop(struct form_session *ss, int i);
/* Random bytes as hex, for the sign-in page's double-submit token. */
void form_random_hex(char *out, size_t nbytes);

/* form_visit.c */
enum form_err {
	FE_NONE = 0,
	FE_MISSING,		/* required and not given */
	FE_CHOICE,		/* not one of the choices */
	FE_DATE,		/* not a date (FE_DATE_*: other reasons) */
	FE_PERIOD,		/* outside the campaign period */
	FE_TOOLONG,
	FE_TEXT,		/* not UTF-8 text, or control characters */
	/* Why a date was refused (the visit's, or an identity field of kind
	 * date); the message gives the pattern of the page's language. */
	FE_DATE_YEAR,		/* year of fewer than 4 digits */
	FE_DATE_AMBIG,		/* day and month read both ways (English) */
	FE_DATE_NODAY,		/* no such day, or before 1900 */
	FE_DATE_FUTURE,
};


/* Fill v from a posted body; per-field errors in e.  Returns e->n.  Dates
 * of identity fields are read in the order of lang (form_date_order). */
unsigned form_visit_parse(const struct tv_plan *p, const struct form_body *b,
    enum form_lang lang, struct visit *v, struct form_errors *e);
/* French: day first (jj/mm/aaaa); English fixes no order, so the page asks
 * for yyyy-mm-dd and takes day/month only when it reads one way. */
enum tv_date_order form_date_order(enum form_lang lang);
/* Record the visit exactly as "collector record" does.  0 or TV_ERR_*. */
int form_visit_capture(struct form_server *s, const struct visit *v,
    char receipt[TV_RECEIPT_LEN + 2]);

struct form_status {
	uint64_t captured, today, outbox, unacked;
	int has_last_ship;
	int64_t last_ship;		/* unix time */
};

int form_status_read(struct form_server *s, struct form_status *st);
/* Start today's count (meta "form_day") if the day changed. */
int form_day_mark(struct form_server *s);
/* Today's date in the laptop's time zone. */
int32_t form_today(void);

/* form_page.c: a page being built, in guarded memory. */
struct html {
	char *buf;
	size_t len, cap;
	int err;
};

void html_init(struct html *h);
void html_raw(struct html *h, const char *s);
void html_esc(struct html *h, const char *s);
void html_fmt(struct html *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Frees (wipes) the buffer unless it was handed over. */
void html_release(struct html *h);

struct form_view {
	enum form_lang lang;
	const char *csrf;		/* hex */
	const char *once;		/* hex */
	const struct form_body *body;	/* re-shown answers, or NULL */
	const struct form_errors *errors;	/* or NULL */
	enum form_flash flash;
	const char *receipt;
	int failed;			/* the store refused the visit */
	int site;			/* preselected site, or -1 */
	int32_t date;
};

void page_form(struct html *h, const struct tv_plan *p,
    const struct form_view *fv);
/* The sign-in page's notice: none, a wrong code, or a form that came
 * after the session ended (sent back here, so that no page made by that
 * POST stays in the browser's history with what was typed). */
enum signin_notice { SIGNIN_PLAIN, SIGNIN_WRONG, SIGNIN_ENDED };

void page_signin(struct html *h, enum form_lang lang, const char *token,
    enum signin_notice notice);
void page_status(struct html *h, const struct tv_plan *p, enum form_lang lang,
    const char *csrf, const struct form_status *st);
/* A short page with a title, a sentence and a link. */
void page_message(struct html *h, enum form_lang lang, int what);

enum form_msg {
	MSG_FORBIDDEN = 0,	/* token or origin refused */
	MSG_NOT_FOUND,
	MSG_TOO_BIG,
	MSG_BAD_REQUEST,
	MSG_METHOD,
	MSG_BAD_TYPE,
};

/* form_text.c */
enum form_text {
	TX_LANG_NAME, TX_OTHER_LANG, TX_OTHER_HREF, TX_TITLE, TX_NEW_VISIT,
	TX_STATUS, TX_SIGN_OUT, TX_SIGN_IN, TX_SIGNIN_HELP, TX_CODE,
	TX_CODE_WRONG, TX_PLACE_DATE, TX_SITE, TX_CHOOSE_SITE, TX_DATE,
	TX_PERSON, TX_PERSON_HELP, TX_SAVE, TX_CLEAR, TX_SAVED, TX_RECEIPT,
	TX_RECEIPT_HELP, TX_DUP, TX_NOT_SAVED, TX_TO_FIX_1, TX_TO_FIX_N,
	TX_STORE_FAILED, TX_YES, TX_NO, TX_OPTIONAL, TX_SETS_HELP,
	TX_E_MISSING, TX_E_CHOOSE, TX_E_CHOICE, TX_E_DATE, TX_E_PERIOD,
	TX_E_TOOLONG, TX_E_TEXT, TX_E_DATE_YEAR, TX_E_DATE_AMBIG,
	TX_E_DATE_NODAY, TX_E_DATE_FUTURE, TX_DATE_PATTERN,
	TX_ST_TITLE, TX_ST_TODAY, TX_ST_PENDING, TX_ST_PENDING_HELP,
	TX_ST_LAST, TX_ST_NEVER, TX_ST_TOTAL, TX_ST_CAMPAIGN,
	TX_BACK,
	TX_M_SIGNED_OUT_TEXT, TX_M_FORBIDDEN,
	TX_M_FORBIDDEN_TEXT, TX_M_NOT_FOUND, TX_M_TOO_BIG, TX_M_BAD_REQUEST,
	TX_M_METHOD, TX_M_BAD_TYPE, TX_M_GENERIC_TEXT,
	TX_COUNT
};

const char *tx(enum form_lang lang, enum form_text id);
/* A plan label in the counsellor's language (French if missing). */
const char *tx_label(enum form_lang lang, const struct tv_label *l);
/* A day as the counsellor reads it: 02/11/2021 or 2021-11-02. */
void tx_day(enum form_lang lang, char out[11], int32_t day);

/* Assets embedded at build time (mk/form.mk, collector/web/embed.sh). */
struct form_asset {
	const char *name;
	const char *type;
	const unsigned char *data;
	size_t len;
};

extern const struct form_asset form_assets[];

/* form_http.c */
struct MHD_Daemon;
/* Listen on addr (IPv4 "a.b.c.d", port 0: any free port).  NULL on
 * failure, with the reason reported. */
struct MHD_Daemon *form_http_start(struct form_server *s, const char *addr,
    uint16_t port);
void form_http_stop(struct MHD_Daemon *daemon);

#endif
