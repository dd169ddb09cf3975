/* SPDX-License-Identifier: MIT */
/*
 * The form's HTTP side, on libmicrohttpd with one internal polling thread
 * (every request runs in that thread, under the server lock).
 *
 *   GET  /signin   sign-in page (sets a double-submit cookie, tv_pre)
 *   POST /signin   code -> session cookie tv_sid, 303 to /
 *   GET  /         the visit form (a blank one, after a confirmation)
 *   POST /visit    record the visit: 303 to / (confirmation); refused,
 *                  303 to / too, which answers 422 with the form again,
 *                  the errors and the answers (kept in guarded memory
 *                  for that one GET: no history entry holds a POST)
 *   GET  /status   counts
 *   POST /signout
 *   GET  /static/NAME  the embedded stylesheet and icon
 *
 * Every response carries a strict CSP, nosniff, no-referrer and no-store.
 * A POST is refused before its body is read unless the Host is ours, the
 * Origin (if sent) is the Host, Sec-Fetch-Site (if sent) is same-origin,
 * the type is urlencoded, the length is under FORM_BODY_MAX and (but for
 * /signin) the session cookie is live; then the body's CSRF token must
 * match the session's.  Bodies are decoded into guarded memory, and the
 * connection's copy of each chunk is wiped once decoded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "collector/form.h"
#include "common/util.h"
#include "crypto/err.h"

#define CSP "default-src 'none'; script-src 'self'; style-src 'self'; " \
	"img-src 'self'; form-action 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'"
#define URLENCODED "application/x-www-form-urlencoded"
#define COOKIE_ATTRS "; Path=/; HttpOnly; SameSite=Strict"
#define PRE_ATTRS "; Path=/signin; HttpOnly; SameSite=Strict"

enum route { R_OTHER, R_FORM, R_VISIT, R_STATUS, R_SIGNIN, R_SIGNOUT,
	R_ASSET };

static const char *const route_name[] = { "(other)", "/", "/visit",
	"/status", "/signin", "/signout", "/static" };

struct req {
	enum route route;
	const char *method;		/* GET, HEAD, POST or "other" */
	int post, replied, too_big, malformed;
	unsigned status;
	size_t got;
	struct MHD_PostProcessor *pp;
	struct form_body *body;		/* guarded */
	struct timespec t0, t1;
};

static const char *
header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static enum route
route_of(const char *url)
{
	if (!strcmp(url, "/"))
		return R_FORM;
	if (!strcmp(url, "/visit"))
		return R_VISIT;
	if (!strcmp(url, "/status"))
		return R_STATUS;
	if (!strcmp(url, "/signin"))
		return R_SIGNIN;
	if (!strcmp(url, "/signout"))
		return R_SIGNOUT;
	if (!strncmp(url, "/static/", 8))
		return R_ASSET;
	return R_OTHER;
}

static enum form_lang
lang_of(const char *s, enum form_lang dflt)
{
	if (s != NULL && !strcmp(s, "en"))
		return LANG_EN;
	if (s != NULL && !strcmp(s, "fr"))
		return LANG_FR;
	return dflt;
}

static void
security_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Pragma", "no-cache");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy",
	    "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy",
	    "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy",
	    "camera=(), microphone=(), geolocation=()");
}

/* Queue a response: a page (handed over: MHD wipes it with sodium_free
 * once sent), or an empty body; a Location; up to two cookies. */
static enum MHD_Result
reply(struct MHD_Connection *c, struct req *r, unsigned status,
    struct html *h, const char *location, const char *cookie1,
    const char *cookie2)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (h != NULL && h->err) {
		html_release(h);
		h = NULL;
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	if (h != NULL)
		resp = MHD_create_response_from_buffer_with_free_callback(
		    h->len, h->buf, sodium_free);
	else
		resp = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		if (h != NULL)
			html_release(h);
		return MHD_NO;
	}
	if (h != NULL)
		h->buf = NULL;		/* the response owns it now */
	security_headers(resp);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/html; charset=utf-8");
	if (location != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
		    location);
	if (cookie1 != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
		    cookie1);
	if (cookie2 != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
		    cookie2);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	r->replied = 1;
	r->status = status;
	clock_gettime(CLOCK_MONOTONIC, &r->t1);
	return ret;
}

static enum MHD_Result
redirect(struct MHD_Connection *c, struct req *r, const char *to)
{
	return reply(c, r, MHD_HTTP_SEE_OTHER, NULL, to, NULL, NULL);
}

/* A form posted without a session: nothing is recorded, and the answer is
 * a redirect (303) to the sign-in page that says so, not a page of its
 * own -- a page made by a POST stays in the browser's history with the
 * POST's body, which a browser may save to its session file. */
static enum MHD_Result
session_ended(struct MHD_Connection *c, struct req *r)
{
	return redirect(c, r, "/signin?ended=1");
}

static enum MHD_Result
message(struct MHD_Connection *c, struct req *r, unsigned status,
    enum form_lang lang, int what)
{
	struct html h;

	html_init(&h);
	page_message(&h, lang, what);
	return reply(c, r, status, &h, NULL, NULL, NULL);
}

static enum MHD_Result
asset(struct MHD_Connection *c, struct req *r, const char *name)
{
	const struct form_asset *a;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	for (a = form_assets; a->name != NULL; a++)
		if (!strcmp(a->name, name))
			break;
	if (a->name == NULL)
		return message(c, r, MHD_HTTP_NOT_FOUND, LANG_FR,
		    MSG_NOT_FOUND);
	resp = MHD_create_response_from_buffer(a->len, (void *)a->data,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	security_headers(resp);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, a->type);
	ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	r->replied = 1;
	r->status = MHD_HTTP_OK;
	clock_gettime(CLOCK_MONOTONIC, &r->t1);
	return ret;
}

/* The Host must be an IPv4 address or localhost, with our port: a page
 * of another site cannot reach us through a name it controls (DNS
 * rebinding). */
static int
host_ok(const struct form_server *s, const char *host)
{
	char name[64];
	const char *colon;
	struct in_addr a;
	unsigned long port = 80;
	size_t n;

	if (host == NULL)
		return 0;
	colon = strrchr(host, ':');
	n = colon != NULL ? (size_t)(colon - host) : strlen(host);
	if (n == 0 || n >= sizeof name)
		return 0;
	memcpy(name, host, n);
	name[n] = 0;
	if (colon != NULL) {
		char *end;

		errno = 0;
		port = strtoul(colon + 1, &end, 10);
		if (errno != 0 || *end != 0 || end == colon + 1)
			return 0;
	}
	if (port != s->port)
		return 0;
	return !strcmp(name, "localhost") || inet_pton(AF_INET, name, &a) == 1;
}

/*
 * A state-changing request must come from one of our own pages.  Browsers
 * that send Sec-Fetch-Site say so directly.  Otherwise the Origin, if it
 * names a site, must be ours; under Referrer-Policy: no-referrer browsers
 * send "Origin: null" even for our own forms, and a client that sends
 * neither is not a browser: the SameSite=Strict cookie and the CSRF token
 * decide, as they do for every request anyway.
 */
static int
same_origin(struct MHD_Connection *c)
{
	const char *origin = header(c, "Origin");
	const char *host = header(c, MHD_HTTP_HEADER_HOST);
	const char *site = header(c, "Sec-Fetch-Site");

	if (site != NULL)
		return !strcmp(site, "same-origin") || !strcmp(site, "none");
	if (origin == NULL || !strcmp(origin, "null"))
		return 1;
	return host != NULL && !strncmp(origin, "http://", 7) &&
	    !strcmp(origin + 7, host);
}

static struct form_session *
session_of(struct form_server *s, struct MHD_Connection *c)
{
	return form_session_find(s, MHD_lookup_connection_value(c,
	    MHD_COOKIE_KIND, "tv_sid"));
}

static enum MHD_Result
signin_page(struct MHD_Connection *c, struct req *r, enum form_lang lang,
    enum signin_notice notice)
{
	char tok[FORM_HEX(FORM_TOKEN_BYTES)], cookie[128];
	struct html h;

	form_random_hex(tok, FORM_TOKEN_BYTES);
	snprintf(cookie, sizeof cookie, "tv_pre=%s" PRE_ATTRS, tok);
	html_init(&h);
	page_signin(&h, lang, tok, notice);
	return reply(c, r, notice == SIGNIN_WRONG ? MHD_HTTP_FORBIDDEN :
	    MHD_HTTP_OK, &h, NULL,
	    cookie, NULL);
}

static enum MHD_Result
form_page(struct form_server *s, struct MHD_Connection *c, struct req *r,
    struct form_session *ss)
{
	char csrf[FORM_HEX(FORM_TOKEN_BYTES)], once[FORM_HEX(FORM_ONCE_BYTES)];
	struct form_view fv = { .lang = ss->lang, .csrf = csrf, .once = once,
		.flash = ss->flash, .receipt = ss->receipt, .site = s->site,
		.date = s->date >= 0 ? s->date : form_today() };
	struct html h;

	form_csrf_hex(ss, csrf);
	form_once_issue(ss, once);
	html_init(&h);
	page_form(&h, s->d->c->plan, &fv);
	ss->flash = FLASH_NONE;
	sodium_memzero(ss->receipt, sizeof ss->receipt);
	return reply(c, r, MHD_HTTP_OK, &h, NULL, NULL, NULL);
}

/* A store that panicked (TV_ERR_DEAD) can record nothing in this process
 * again: wake the main loop (SIGUSR1, blocked in every thread and read
 * from its signalfd), which stops the form and exits 2 so that the
 * counsellor or the supervisor restarts it. */
static void
store_failed(struct form_server *s, int rc)
{
	if (rc != TV_ERR_DEAD && !tv_store_dead(s->d->st))
		return;
	if (atomic_exchange(&s->dead, 1) == 0)
		kill(getpid(), SIGUSR1);
}

static enum MHD_Result
status_page(struct form_server *s, struct MHD_Connection *c, struct req *r,
    struct form_session *ss)
{
	char csrf[FORM_HEX(FORM_TOKEN_BYTES)];
	struct form_status st;
	struct html h;
	int rc;

	if ((rc = form_status_read(s, &st)) != 0) {
		error("cannot read the store: %s", tv_strerror(rc));
		store_failed(s, rc);
		return message(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, ss->lang,
		    MSG_BAD_REQUEST);
	}
	form_csrf_hex(ss, csrf);
	html_init(&h);
	page_status(&h, s->d->c->plan, ss->lang, csrf, &st);
	return reply(c, r, MHD_HTTP_OK, &h, NULL, NULL, NULL);
}

/* Keep the refused form (its body and errors) for the GET that shows it
 * again: post, redirect, get. */
static enum MHD_Result
form_again(struct MHD_Connection *c, struct req *r, struct form_session *ss,
    const struct form_errors *e)
{
	form_body_free(ss->again);
	ss->again = r->body;
	r->body = NULL;
	ss->again_failed = e == NULL;
	if (e != NULL)
		ss->again_errors = *e;
	return redirect(c, r, "/");
}

/* The refused form, once: 422 (500 if the store refused it). */
static enum MHD_Result
form_again_page(struct form_server *s, struct MHD_Connection *c,
    struct req *r, struct form_session *ss)
{
	char csrf[FORM_HEX(FORM_TOKEN_BYTES)];
	struct form_view fv = { .lang = ss->lang, .csrf = csrf,
		.once = form_body_get(ss->again, "once", NULL),
		.body = ss->again, .failed = ss->again_failed,
		.errors = ss->again_failed ? NULL : &ss->again_errors,
		.site = s->site, .date = s->date >= 0 ? s->date : form_today() };
	enum MHD_Result ret;
	struct html h;

	form_csrf_hex(ss, csrf);
	html_init(&h);
	page_form(&h, s->d->c->plan, &fv);
	ret = reply(c, r, ss->again_failed ? MHD_HTTP_INTERNAL_SERVER_ERROR :
	    MHD_HTTP_UNPROCESSABLE_CONTENT, &h, NULL, NULL, NULL);
	form_body_free(ss->again);
	ss->again = NULL;
	sodium_memzero(&ss->again_errors, sizeof ss->again_errors);
	return ret;
}

static enum MHD_Result
get(struct form_server *s, struct MHD_Connection *c, struct req *r,
    const char *url)
{
	const char *arg = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "lang");
	enum form_lang lang = lang_of(arg, LANG_FR);
	struct form_session *ss;

	if (r->route == R_ASSET)
		return asset(c, r, url + 8);
	if (r->route == R_OTHER)
		return message(c, r, MHD_HTTP_NOT_FOUND, lang, MSG_NOT_FOUND);
	ss = session_of(s, c);
	if (r->route == R_SIGNIN)
		return ss != NULL ? redirect(c, r, "/") :
		    signin_page(c, r, lang, MHD_lookup_connection_value(c,
		    MHD_GET_ARGUMENT_KIND, "ended") != NULL ? SIGNIN_ENDED :
		    SIGNIN_PLAIN);
	if (ss == NULL)
		return redirect(c, r, lang == LANG_EN ? "/signin?lang=en" :
		    "/signin");
	ss->lang = lang_of(arg, ss->lang);
	if (r->route == R_STATUS)
		return status_page(s, c, r, ss);
	if (r->route == R_FORM)
		return ss->again != NULL ? form_again_page(s, c, r, ss) :
		    form_page(s, c, r, ss);
	return redirect(c, r, "/");	/* GET /visit, GET /signout */
}

static enum MHD_Result
signin_post(struct form_server *s, struct MHD_Connection *c, struct req *r)
{
	const char *pre = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
	    "tv_pre");
	const char *tok = form_body_get(r->body, "csrf", NULL);
	enum form_lang lang = lang_of(form_body_get(r->body, "lang", NULL),
	    LANG_FR);
	char sid[FORM_HEX(FORM_TOKEN_BYTES)], cookie[128];
	struct form_session *ss;

	if (pre == NULL || tok == NULL || strlen(pre) != 2 * FORM_TOKEN_BYTES ||
	    strlen(tok) != strlen(pre) ||
	    sodium_memcmp(pre, tok, strlen(pre)) != 0)
		return message(c, r, MHD_HTTP_FORBIDDEN, lang, MSG_FORBIDDEN);
	if (form_code_check(s, form_body_get(r->body, "code", NULL)) != 0) {
		note("wrong sign-in code (%u of %u before a new code)",
		    s->code_fails, FORM_CODE_TRIES);
		return signin_page(c, r, lang, SIGNIN_WRONG);
	}
	ss = form_session_new(s, lang);
	form_session_hex(ss, sid);
	snprintf(cookie, sizeof cookie, "tv_sid=%s" COOKIE_ATTRS, sid);
	sodium_memzero(sid, sizeof sid);
	note("a browser signed in");
	return reply(c, r, MHD_HTTP_SEE_OTHER, NULL, "/", cookie,
	    "tv_pre=" PRE_ATTRS "; Max-Age=0");
}

static enum MHD_Result
visit_post(struct form_server *s, struct MHD_Connection *c, struct req *r,
    struct form_session *ss)
{
	struct form_errors e;
	struct visit *v;
	int once, rc;

	once = form_once_find(ss, form_body_get(r->body, "once", NULL));
	if (once < 0) {
		ss->flash = FLASH_DUP;
		return redirect(c, r, "/");
	}
	v = visit_new();
	if (form_visit_parse(s->d->c->plan, r->body, ss->lang, v, &e) > 0) {
		visit_free(v);
		return form_again(c, r, ss, &e);
	}
	rc = form_visit_capture(s, v, ss->receipt);
	if (rc == 0)
		s->site = (int)v->site;
	visit_free(v);
	if (rc != 0) {
		error("visit not recorded: %s %s", tv_strerror(rc),
		    tv_store_errmsg(s->d->st));
		store_failed(s, rc);
		sodium_memzero(ss->receipt, sizeof ss->receipt);
		return form_again(c, r, ss, NULL);
	}
	form_once_drop(ss, once);
	ss->flash = FLASH_SAVED;
	return redirect(c, r, "/");
}

static enum MHD_Result
post_finish(struct form_server *s, struct MHD_Connection *c, struct req *r)
{
	struct form_session *ss;

	if (MHD_destroy_post_processor(r->pp) != MHD_YES)
		r->malformed = 1;	/* it also delivers the last pair */
	r->pp = NULL;
	if (r->too_big)
		return message(c, r, MHD_HTTP_CONTENT_TOO_LARGE, LANG_FR,
		    MSG_TOO_BIG);
	if (r->malformed || r->body->bad)
		return message(c, r, MHD_HTTP_BAD_REQUEST, LANG_FR,
		    MSG_BAD_REQUEST);
	if (r->route == R_SIGNIN)
		return signin_post(s, c, r);
	if ((ss = session_of(s, c)) == NULL)
		return session_ended(c, r);
	if (form_csrf_check(ss, form_body_get(r->body, "csrf", NULL)) != 0)
		return message(c, r, MHD_HTTP_FORBIDDEN, ss->lang,
		    MSG_FORBIDDEN);
	if (r->route == R_VISIT)
		return visit_post(s, c, r, ss);
	form_session_end(ss);
	note("a browser signed out");
	return reply(c, r, MHD_HTTP_SEE_OTHER, NULL, "/signin", NULL,
	    "tv_sid=" COOKIE_ATTRS "; Max-Age=0");
}

static enum MHD_Result
post_iter(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	return form_body_add(cls, key, data, off, size) == 0 ? MHD_YES :
	    MHD_NO;
}

/* Everything that can be refused before reading the body is. */
static enum MHD_Result
post_start(struct form_server *s, struct MHD_Connection *c, struct req *r)
{
	const char *type = header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *len = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
	size_t n = sizeof URLENCODED - 1;

	if (r->route == R_OTHER)
		return message(c, r, MHD_HTTP_NOT_FOUND, LANG_FR,
		    MSG_NOT_FOUND);
	if (r->route != R_VISIT && r->route != R_SIGNIN &&
	    r->route != R_SIGNOUT)
		return message(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, LANG_FR,
		    MSG_METHOD);
	if (!same_origin(c))
		return message(c, r, MHD_HTTP_FORBIDDEN, LANG_FR,
		    MSG_FORBIDDEN);
	if (type == NULL || strncasecmp(type, URLENCODED, n) != 0 ||
	    (type[n] != 0 && type[n] != ';'))
		return message(c, r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, LANG_FR,
		    MSG_BAD_TYPE);
	if (len != NULL && strtoull(len, NULL, 10) > FORM_BODY_MAX)
		return message(c, r, MHD_HTTP_CONTENT_TOO_LARGE, LANG_FR,
		    MSG_TOO_BIG);
	if (r->route != R_SIGNIN && session_of(s, c) == NULL)
		return session_ended(c, r);
	if ((r->body = form_body_new()) == NULL)
		return MHD_NO;
	r->pp = MHD_create_post_processor(c, 1024, post_iter, r->body);
	return r->pp != NULL ? MHD_YES : MHD_NO;
}

static enum MHD_Result
post_chunk(struct req *r, const char *data, size_t *size)
{
	r->got += *size;
	if (r->got > FORM_BODY_MAX)
		r->too_big = 1;
	else if (!r->malformed &&
	    MHD_post_process(r->pp, data, *size) != MHD_YES)
		r->malformed = 1;
	/* The connection's buffer held what was typed: wipe our part. */
	sodium_memzero((void *)(uintptr_t)data, *size);
	*size = 0;
	return r->got > 4 * FORM_BODY_MAX ? MHD_NO : MHD_YES;
}

static enum MHD_Result
request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	struct form_server *s = cls;
	struct req *r = *ctx;

	(void)version;
	if (r == NULL) {
		*ctx = r = xcalloc(1, sizeof *r);
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		r->route = route_of(url);
		r->post = !strcmp(method, "POST");
		r->method = r->post ? "POST" : !strcmp(method, "GET") ? "GET" :
		    !strcmp(method, "HEAD") ? "HEAD" : "other";
		if (!host_ok(s, header(c, MHD_HTTP_HEADER_HOST)))
			return message(c, r, MHD_HTTP_BAD_REQUEST, LANG_FR,
			    MSG_BAD_REQUEST);
		if (r->post)
			return post_start(s, c, r);
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return message(c, r, MHD_HTTP_METHOD_NOT_ALLOWED,
			    LANG_FR, MSG_METHOD);
		/* Answered at the next call: libmicrohttpd 0.9.75 closes
		 * the connection when a response is queued at the first. */
		return MHD_YES;
	}
	if (*upload_size > 0 && (r->replied || !r->post)) {
		/* Refused, or a GET with a body: the body is dropped. */
		r->got += *upload_size;
		*upload_size = 0;
		return r->got > 4 * FORM_BODY_MAX ? MHD_NO : MHD_YES;
	}
	if (r->replied)
		return MHD_YES;
	if (*upload_size > 0)
		return post_chunk(r, upload, upload_size);
	return r->post ? post_finish(s, c, r) : get(s, c, r, url);
}

static enum MHD_Result
request_locked(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	struct form_server *s = cls;
	enum MHD_Result ret;

	pthread_mutex_lock(&s->lock);
	ret = request(cls, c, url, method, version, upload, upload_size, ctx);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static void
completed(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode why)
{
	struct form_server *s = cls;
	struct req *r = *ctx;
	double ms;

	(void)c;
	(void)why;
	if (r == NULL)
		return;
	if (s->log_requests && r->replied) {
		ms = (double)(r->t1.tv_sec - r->t0.tv_sec) * 1e3 +
		    (double)(r->t1.tv_nsec - r->t0.tv_nsec) / 1e6;
		note("%s %s %u %.3f ms", r->method,
		    route_name[r->route], r->status, ms);
	}
	if (r->pp != NULL)
		MHD_destroy_post_processor(r->pp);
	form_body_free(r->body);
	free(r);
	*ctx = NULL;
}

__attribute__((format(printf, 2, 0))) static void
httpd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fprintf(stderr, "%s: httpd: ", progname);
	vfprintf(stderr, fmt, ap);
}

struct MHD_Daemon *
form_http_start(struct form_server *s, const char *addr, uint16_t port)
{
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		error("'%s' is not an IPv4 address", addr);
		return NULL;
	}
	/* Requests wait for s->port (port 0 binds any free port). */
	pthread_mutex_lock(&s->lock);
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
	    port, NULL, NULL, request_locked, s,
	    MHD_OPTION_EXTERNAL_LOGGER, httpd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)16,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, s,
	    MHD_OPTION_END);
	if (d != NULL) {
		info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
		s->port = info != NULL ? info->port : port;
	}
	pthread_mutex_unlock(&s->lock);
	if (d == NULL)
		error("cannot listen on %s:%u", addr, (unsigned)port);
	return d;
}

void
form_http_stop(struct MHD_Daemon *daemon)
{
	if (daemon != NULL)
		MHD_stop_daemon(daemon);
}
