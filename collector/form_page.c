/* SPDX-License-Identifier: MIT */
/*
 * The pages, as HTML built in guarded memory: a refused form is re-shown
 * with what the counsellor typed (taken from the request, never from a
 * store), so the page itself is personal data until it is sent and freed.
 *
 * No script at all (the CSP forbids it), one stylesheet, one icon.  Every
 * input has a <label for>, every group of choices is a fieldset with a
 * legend, and errors are written next to their field and in a summary at
 * the top that links to each of them.
 */
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "collector/form.h"
#include "common/util.h"

#define HTML_INITIAL (64u << 10)
#define HTML_MAX (16u << 20)

void
html_init(struct html *h)
{
	memset(h, 0, sizeof *h);
	if ((h->buf = sodium_malloc(HTML_INITIAL)) == NULL)
		die("out of secure memory");
	h->cap = HTML_INITIAL;
	h->buf[0] = 0;
}

void
html_release(struct html *h)
{
	if (h->buf != NULL)
		sodium_free(h->buf);
	memset(h, 0, sizeof *h);
}

static int
html_grow(struct html *h, size_t more)
{
	size_t cap = h->cap;
	char *nb;

	if (h->err)
		return -1;
	while (cap - h->len <= more && cap <= HTML_MAX)
		cap *= 2;
	if (cap - h->len <= more)
		return h->err = 1, -1;
	if (cap == h->cap)
		return 0;
	if ((nb = sodium_malloc(cap)) == NULL)
		die("out of secure memory");
	memcpy(nb, h->buf, h->len + 1);
	sodium_free(h->buf);
	h->buf = nb;
	h->cap = cap;
	return 0;
}

static void
html_put(struct html *h, const char *s, size_t n)
{
	if (html_grow(h, n) != 0)
		return;
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->buf[h->len] = 0;
}

void
html_raw(struct html *h, const char *s)
{
	html_put(h, s, strlen(s));
}

void
html_esc(struct html *h, const char *s)
{
	const char *run = s, *rep;

	for (; *s; s++) {
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		html_put(h, run, (size_t)(s - run));
		html_raw(h, rep);
		run = s + 1;
	}
	html_put(h, run, (size_t)(s - run));
}

void
html_fmt(struct html *h, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		h->err = 1;
	else
		html_raw(h, tmp);
	sodium_memzero(tmp, sizeof tmp);
}

/* A text with up to two "%s" filled in order; everything escaped. */
static void
html_subst(struct html *h, const char *tmpl, const char *a, const char *b)
{
	const char *p;
	char part[512];
	size_t n;

	while ((p = strstr(tmpl, "%s")) != NULL) {
		n = (size_t)(p - tmpl) < sizeof part ? (size_t)(p - tmpl) :
		    sizeof part - 1;
		memcpy(part, tmpl, n);
		part[n] = 0;
		html_esc(h, part);
		html_esc(h, a != NULL ? a : "");
		a = b;
		b = NULL;
		tmpl = p + 2;
	}
	html_esc(h, tmpl);
}

static void
page_head(struct html *h, enum form_lang lang, const char *title)
{
	html_fmt(h, "<!doctype html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>",
	    tx(lang, TX_LANG_NAME));
	html_esc(h, title);
	html_raw(h, " · tallyvan</title>\n"
	    "<link rel=\"stylesheet\" href=\"/static/form.css\">\n"
	    "<link rel=\"icon\" href=\"/static/icon.svg\" "
	    "type=\"image/svg+xml\">\n"
	    "<script src=\"/static/form.js\"></script>\n</head>\n<body>\n");
}

static void
csrf_input(struct html *h, const char *csrf)
{
	html_fmt(h, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
	    csrf);
}

/* The top bar: where we are, the other language, and (signed in) the
 * form, the status page and signing out. */
static void
page_bar(struct html *h, enum form_lang lang, const char *here,
    const char *csrf)
{
	html_raw(h, "<header class=\"bar\"><span class=\"brand\">");
	html_esc(h, tx(lang, TX_TITLE));
	html_raw(h, "</span>\n<nav>");
	if (csrf != NULL) {
		html_fmt(h, "<a href=\"/\">%s</a>", tx(lang, TX_NEW_VISIT));
		html_fmt(h, "<a href=\"/status\">%s</a>", tx(lang, TX_STATUS));
	}
	html_fmt(h, "<a href=\"%s?lang=%s\" lang=\"%s\" hreflang=\"%s\">%s"
	    "</a>", here, tx(lang, TX_OTHER_HREF), tx(lang, TX_OTHER_HREF),
	    tx(lang, TX_OTHER_HREF), tx(lang, TX_OTHER_LANG));
	if (csrf != NULL) {
		html_raw(h, "<form method=\"post\" action=\"/signout\" "
		    "class=\"inline\">");
		csrf_input(h, csrf);
		html_fmt(h, "<button type=\"submit\">%s</button></form>",
		    tx(lang, TX_SIGN_OUT));
	}
	html_raw(h, "</nav></header>\n<main id=\"main\">\n");
}

static void
page_end(struct html *h)
{
	html_raw(h, "</main>\n</body>\n</html>\n");
}

void
page_signin(struct html *h, enum form_lang lang, const char *token,
    enum signin_notice notice)
{
	int wrong = notice == SIGNIN_WRONG;

	page_head(h, lang, tx(lang, TX_SIGN_IN));
	page_bar(h, lang, "/signin", NULL);
	html_fmt(h, "<h1>%s</h1>\n", tx(lang, TX_SIGN_IN));
	if (notice != SIGNIN_PLAIN)
		html_fmt(h, "<div class=\"notice errsum\" role=\"alert\">"
		    "<p>%s</p></div>\n", tx(lang, wrong ? TX_CODE_WRONG :
		    TX_M_SIGNED_OUT_TEXT));
	html_fmt(h, "<form method=\"post\" action=\"/signin\" "
	    "autocomplete=\"off\" class=\"signin\">\n<p>%s</p>\n",
	    tx(lang, TX_SIGNIN_HELP));
	csrf_input(h, token);
	html_fmt(h, "<input type=\"hidden\" name=\"lang\" value=\"%s\">\n"
	    "<div class=\"row\"><label for=\"f-code\">%s</label>"
	    "<input type=\"text\" id=\"f-code\" name=\"code\" "
	    "inputmode=\"numeric\" pattern=\"[0-9]*\" maxlength=\"%d\" "
	    "autocomplete=\"off\" autofocus%s></div>\n"
	    "<div class=\"actions\"><button type=\"submit\" "
	    "class=\"primary\">%s</button></div>\n</form>\n",
	    tx(lang, TX_LANG_NAME), tx(lang, TX_CODE), FORM_CODE_LEN,
	    wrong ? " aria-invalid=\"true\"" : "", tx(lang, TX_SIGN_IN));
	page_end(h);
}

void
page_message(struct html *h, enum form_lang lang, int what)
{
	static const enum form_text title[] = {
		[MSG_FORBIDDEN] = TX_M_FORBIDDEN,
		[MSG_NOT_FOUND] = TX_M_NOT_FOUND,
		[MSG_TOO_BIG] = TX_M_TOO_BIG,
		[MSG_BAD_REQUEST] = TX_M_BAD_REQUEST,
		[MSG_METHOD] = TX_M_METHOD,
		[MSG_BAD_TYPE] = TX_M_BAD_TYPE,
	};
	enum form_text text = what == MSG_FORBIDDEN ? TX_M_FORBIDDEN_TEXT :
	    TX_M_GENERIC_TEXT;

	page_head(h, lang, tx(lang, title[what]));
	page_bar(h, lang, "/", NULL);
	html_fmt(h, "<h1>%s</h1>\n<p>%s</p>\n<p><a class=\"button\" "
	    "href=\"%s\">%s</a></p>\n", tx(lang, title[what]),
	    tx(lang, text), "/", tx(lang, TX_BACK));
	page_end(h);
}

static void
last_ship(char *out, size_t n, enum form_lang lang, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, n, lang == LANG_EN ? "%Y-%m-%d %H:%M" :
	    "%d/%m/%Y à %H:%M", &tm);
}

static void
stat_row(struct html *h, const char *label, const char *value)
{
	html_raw(h, "<div><dt>");
	html_esc(h, label);
	html_raw(h, "</dt><dd>");
	html_esc(h, value);
	html_raw(h, "</dd></div>\n");
}

void
page_status(struct html *h, const struct tv_plan *p, enum form_lang lang,
    const char *csrf, const struct form_status *st)
{
	char a[32], b[32];

	page_head(h, lang, tx(lang, TX_ST_TITLE));
	page_bar(h, lang, "/status", csrf);
	html_fmt(h, "<h1>%s</h1>\n<dl class=\"stats\">\n",
	    tx(lang, TX_ST_TITLE));
	snprintf(a, sizeof a, "%llu", (unsigned long long)st->today);
	stat_row(h, tx(lang, TX_ST_TODAY), a);
	snprintf(a, sizeof a, "%llu", (unsigned long long)st->outbox);
	snprintf(b, sizeof b, "%llu", (unsigned long long)st->unacked);
	html_fmt(h, "<div><dt>%s</dt><dd>%s</dd><p class=\"hint\">",
	    tx(lang, TX_ST_PENDING), a);
	html_subst(h, tx(lang, TX_ST_PENDING_HELP), a, b);
	html_raw(h, "</p></div>\n");
	if (st->has_last_ship)
		last_ship(a, sizeof a, lang, st->last_ship);
	stat_row(h, tx(lang, TX_ST_LAST), st->has_last_ship ? a :
	    tx(lang, TX_ST_NEVER));
	snprintf(a, sizeof a, "%llu", (unsigned long long)st->captured);
	stat_row(h, tx(lang, TX_ST_TOTAL), a);
	stat_row(h, tx(lang, TX_ST_CAMPAIGN), tx_label(lang, &p->title));
	html_fmt(h, "</dl>\n<p><a class=\"button\" href=\"/\">%s</a></p>\n",
	    tx(lang, TX_BACK));
	page_end(h);
}

/*
 * The visit form.
 */

static const char *
err_text(enum form_lang lang, uint8_t e, int group)
{
	switch (e) {
	case FE_MISSING: return tx(lang, group ? TX_E_CHOOSE : TX_E_MISSING);
	case FE_CHOICE: return tx(lang, TX_E_CHOICE);
	case FE_DATE: return tx(lang, TX_E_DATE);
	case FE_TOOLONG: return tx(lang, TX_E_TOOLONG);
	case FE_TEXT: return tx(lang, TX_E_TEXT);
	case FE_DATE_YEAR: return tx(lang, TX_E_DATE_YEAR);
	case FE_DATE_AMBIG: return tx(lang, TX_E_DATE_AMBIG);
	case FE_DATE_NODAY: return tx(lang, TX_E_DATE_NODAY);
	case FE_DATE_FUTURE: return tx(lang, TX_E_DATE_FUTURE);
	default: return "";
	}
}

/* The words of error e; the period error names the campaign's dates. */
static void
err_write(struct html *h, const struct tv_plan *p, enum form_lang lang,
    uint8_t e, int group)
{
	char from[11], to[11];

	if (e != FE_PERIOD) {
		html_esc(h, err_text(lang, e, group));
		return;
	}
	tx_day(lang, from, p->start_day);
	tx_day(lang, to, p->end_day);
	html_subst(h, tx(lang, TX_E_PERIOD), from, to);
}

static void
err_para(struct html *h, const struct tv_plan *p, enum form_lang lang,
    const char *id, uint8_t e, int group)
{
	if (e == FE_NONE)
		return;
	html_fmt(h, "<p class=\"err\" id=\"e-%s\">", id);
	err_write(h, p, lang, e, group);
	html_raw(h, "</p>");
}

/* aria attributes of an input whose field has error e. */
static void
invalid_attrs(struct html *h, const char *id, uint8_t e)
{
	if (e != FE_NONE)
		html_fmt(h, " aria-invalid=\"true\" aria-describedby=\"e-%s\"",
		    id);
}

/* A line of the summary: a link to the element's first input. */
static void
summary_item(struct html *h, const struct tv_plan *p, enum form_lang lang,
    const char *anchor, const char *label, uint8_t e, int group)
{
	html_fmt(h, "<li><a href=\"#%s\">", anchor);
	html_esc(h, label);
	html_raw(h, lang == LANG_FR ? " : " : ": ");
	err_write(h, p, lang, e, group);
	html_raw(h, "</a></li>\n");
}

static const struct tv_choice *
first_choice(const struct tv_field *f)
{
	return &f->choices[f->type == TV_FIELD_BOOL ? 1 : 0];
}

static void
error_summary(struct html *h, const struct tv_plan *p,
    const struct form_view *fv)
{
	const struct form_errors *e = fv->errors;
	enum form_lang lang = fv->lang;
	char anchor[2 * TV_ID_MAX + 8], n[16];
	uint32_t i;

	html_fmt(h, "<div class=\"notice errsum\" role=\"alert\">"
	    "<p><strong>%s</strong> ", tx(lang, TX_NOT_SAVED));
	snprintf(n, sizeof n, "%u", e->n);
	html_subst(h, tx(lang, e->n == 1 ? TX_TO_FIX_1 : TX_TO_FIX_N), n,
	    NULL);
	html_raw(h, "</p>\n<ul>\n");
	if (e->site)
		summary_item(h, p, lang, "f-site", tx(lang, TX_SITE), e->site,
		    0);
	if (e->date)
		summary_item(h, p, lang, "f-date", tx(lang, TX_DATE), e->date,
		    0);
	for (i = 0; i < p->nidentity; i++) {
		if (!e->identity[i])
			continue;
		snprintf(anchor, sizeof anchor, "f-%s", p->identity[i].id);
		summary_item(h, p, lang, anchor,
		    tx_label(lang, &p->identity[i].label), e->identity[i], 0);
	}
	for (i = 0; i < p->nfields; i++) {
		if (!e->field[i])
			continue;
		snprintf(anchor, sizeof anchor, "c-%s-%s", p->fields[i].id,
		    first_choice(&p->fields[i])->id);
		summary_item(h, p, lang, anchor,
		    tx_label(lang, &p->fields[i].label), e->field[i], 1);
	}
	html_raw(h, "</ul></div>\n");
}

static void
flash(struct html *h, const struct tv_plan *p, const struct form_view *fv)
{
	enum form_lang lang = fv->lang;

	if (fv->failed)
		html_fmt(h, "<div class=\"notice errsum\" role=\"alert\">"
		    "<p><strong>%s</strong> %s</p></div>\n",
		    tx(lang, TX_NOT_SAVED), tx(lang, TX_STORE_FAILED));
	else if (fv->errors != NULL && fv->errors->n > 0)
		error_summary(h, p, fv);
	if (fv->flash == FLASH_SAVED)
		html_fmt(h, "<div class=\"notice ok\" role=\"status\">"
		    "<p><strong>%s</strong></p><p>%s <strong class=\"receipt\">"
		    "%s</strong><br><small>%s</small></p></div>\n",
		    tx(lang, TX_SAVED), tx(lang, TX_RECEIPT), fv->receipt,
		    tx(lang, TX_RECEIPT_HELP));
	else if (fv->flash == FLASH_DUP)
		html_fmt(h, "<div class=\"notice ok\" role=\"status\">"
		    "<p>%s</p></div>\n", tx(lang, TX_DUP));
}

static void
site_row(struct html *h, const struct tv_plan *p, const struct form_view *fv)
{
	const char *chosen = form_body_get(fv->body, "site", NULL);
	uint8_t e = fv->errors != NULL ? fv->errors->site : FE_NONE;
	uint32_t i;
	int sel;

	html_fmt(h, "<div class=\"row%s\"><label for=\"f-site\">%s</label>",
	    e ? " bad" : "", tx(fv->lang, TX_SITE));
	err_para(h, p, fv->lang, "site", e, 0);
	html_fmt(h, "<select id=\"f-site\" name=\"site\"%s",
	    e ? " autofocus" : "");
	invalid_attrs(h, "site", e);
	html_fmt(h, ">\n<option value=\"\">%s</option>\n",
	    tx(fv->lang, TX_CHOOSE_SITE));
	for (i = 0; i < p->nsites; i++) {
		sel = fv->body != NULL ? chosen != NULL &&
		    !strcmp(chosen, p->sites[i].id) : (int)i == fv->site;
		html_fmt(h, "<option value=\"%s\"%s>", p->sites[i].id,
		    sel ? " selected" : "");
		html_esc(h, tx_label(fv->lang, &p->sites[i].label));
		html_raw(h, "</option>\n");
	}
	html_raw(h, "</select></div>\n");
}

/* The visit's date: text in the page's pattern (today's date written in
 * it), not a date picker, whose order follows the tablet's locale. */
static void
date_row(struct html *h, const struct tv_plan *p, const struct form_view *fv)
{
	const char *typed = form_body_get(fv->body, "date", NULL);
	uint8_t e = fv->errors != NULL ? fv->errors->date : FE_NONE;
	char day[11];

	tx_day(fv->lang, day, fv->date);
	html_fmt(h, "<div class=\"row%s\"><label for=\"f-date\">%s <span "
	    "class=\"hint\">(%s)</span></label>", e ? " bad" : "",
	    tx(fv->lang, TX_DATE), tx(fv->lang, TX_DATE_PATTERN));
	err_para(h, p, fv->lang, "date", e, 0);
	html_fmt(h, "<input type=\"text\" id=\"f-date\" name=\"date\" "
	    "autocomplete=\"off\" spellcheck=\"false\" maxlength=\"32\" "
	    "placeholder=\"%s\" value=\"", tx(fv->lang, TX_DATE_PATTERN));
	html_esc(h, fv->body != NULL ? (typed != NULL ? typed : "") : day);
	html_fmt(h, "\"%s", e && !fv->errors->site ? " autofocus" : "");
	invalid_attrs(h, "date", e);
	html_raw(h, "></div>\n");
}

/* Identity fields: text.  A date (kind "date") is text too, never a
 * browser date picker, whose order follows the tablet's locale: the
 * pattern of the page's language is in the label and the placeholder,
 * and the server reads it in that order (form_date_order). */
static void
identity_row(struct html *h, const struct tv_plan *p,
    const struct form_view *fv, uint32_t i, int focus)
{
	const struct tv_idfield *f = &p->identity[i];
	uint8_t e = fv->errors != NULL ? fv->errors->identity[i] : FE_NONE;
	const char *typed = form_body_get(fv->body, f->id, NULL);
	int date = f->kind == TV_IDKIND_DATE;

	html_fmt(h, "<div class=\"row%s\"><label for=\"f-%s\">", e ? " bad" :
	    "", f->id);
	html_esc(h, tx_label(fv->lang, &f->label));
	if (date)
		html_fmt(h, " <span class=\"hint\">(%s)</span>",
		    tx(fv->lang, TX_DATE_PATTERN));
	html_raw(h, "</label>");
	err_para(h, p, fv->lang, f->id, e, 0);
	html_fmt(h, "<input type=\"text\" id=\"f-%s\" name=\"%s\" "
	    "autocomplete=\"off\" autocapitalize=\"%s\" spellcheck=\"false\" "
	    "maxlength=\"%d\"%s", f->id, f->id, date ? "off" : "words",
	    date ? 32 : TV_IDENTITY_MAX, focus ? " autofocus" : "");
	if (date)
		html_fmt(h, " placeholder=\"%s\"", tx(fv->lang,
		    TX_DATE_PATTERN));
	html_raw(h, " value=\"");
	html_esc(h, typed != NULL ? typed : "");
	html_raw(h, "\"");
	invalid_attrs(h, f->id, e);
	html_raw(h, "></div>\n");
}

static int
is_chosen(const struct form_body *b, const struct tv_field *f,
    const char *choice)
{
	const char *c;
	unsigned i;

	for (i = 0; (c = form_body_nth(b, f->id, i)) != NULL; i++)
		if (!strcmp(c, choice))
			return 1;
	return 0;
}

static void
choice_item(struct html *h, const struct tv_field *f, const char *choice,
    const char *label, int checked, int focus)
{
	html_fmt(h, "<div class=\"choice\"><input type=\"%s\" "
	    "id=\"c-%s-%s\" name=\"%s\" value=\"%s\"%s%s><label "
	    "for=\"c-%s-%s\">", f->type == TV_FIELD_SET ? "checkbox" :
	    "radio", f->id, choice, f->id, choice, checked ? " checked" : "",
	    focus ? " autofocus" : "", f->id, choice);
	html_esc(h, label);
	html_raw(h, "</label></div>\n");
}

static void
field_group(struct html *h, const struct tv_plan *p,
    const struct form_view *fv, uint32_t i, int focus)
{
	const struct tv_field *f = &p->fields[i];
	uint8_t e = fv->errors != NULL ? fv->errors->field[i] : FE_NONE;
	enum form_lang lang = fv->lang;
	uint32_t k, c;

	html_fmt(h, "<fieldset class=\"q%s\" id=\"q-%s\"", e ? " bad" : "",
	    f->id);
	invalid_attrs(h, f->id, e);
	html_raw(h, "><legend>");
	html_esc(h, tx_label(lang, &f->label));
	if (f->type != TV_FIELD_SET && !f->required)
		html_fmt(h, " <small>%s</small>", tx(lang, TX_OPTIONAL));
	html_raw(h, "</legend>");
	if (f->type == TV_FIELD_SET)
		html_fmt(h, "<p class=\"hint\">%s</p>", tx(lang, TX_SETS_HELP));
	err_para(h, p, lang, f->id, e, 1);
	html_raw(h, "<div class=\"choices\">\n");
	for (k = 0; k < f->nchoices; k++) {
		/* Yes before no. */
		c = f->type == TV_FIELD_BOOL ? f->nchoices - 1 - k : k;
		choice_item(h, f, f->choices[c].id, f->type == TV_FIELD_BOOL ?
		    tx(lang, c ? TX_YES : TX_NO) :
		    tx_label(lang, &f->choices[c].label),
		    is_chosen(fv->body, f, f->choices[c].id), focus && k == 0);
	}
	html_raw(h, "</div></fieldset>\n");
}

/* Focus goes to the first field in error, else to the first identity
 * field: the counsellor starts typing at once. */
static int
focus_index(const struct tv_plan *p, const struct form_errors *e)
{
	uint32_t i;

	if (e == NULL || e->n == 0)
		return 0;
	if (e->site || e->date)
		return -1;
	for (i = 0; i < p->nidentity; i++)
		if (e->identity[i])
			return (int)i;
	for (i = 0; i < p->nfields; i++)
		if (e->field[i])
			return (int)(p->nidentity + i);
	return 0;
}

void
page_form(struct html *h, const struct tv_plan *p, const struct form_view *fv)
{
	enum form_lang lang = fv->lang;
	int focus = focus_index(p, fv->errors);
	uint32_t i;

	page_head(h, lang, tx(lang, TX_NEW_VISIT));
	page_bar(h, lang, "/", fv->csrf);
	html_fmt(h, "<h1>%s</h1>\n", tx(lang, TX_NEW_VISIT));
	flash(h, p, fv);
	html_raw(h, "<form method=\"post\" action=\"/visit\" "
	    "autocomplete=\"off\" accept-charset=\"utf-8\" novalidate>\n");
	csrf_input(h, fv->csrf);
	html_fmt(h, "<input type=\"hidden\" name=\"once\" value=\"%s\">\n"
	    "<fieldset class=\"group\"><legend>%s</legend>"
	    "<div class=\"cols\">\n", fv->once, tx(lang, TX_PLACE_DATE));
	site_row(h, p, fv);
	date_row(h, p, fv);
	html_fmt(h, "</div></fieldset>\n<fieldset class=\"group\"><legend>%s"
	    "</legend><p class=\"hint\">%s</p><div class=\"cols\">\n",
	    tx(lang, TX_PERSON), tx(lang, TX_PERSON_HELP));
	for (i = 0; i < p->nidentity; i++)
		identity_row(h, p, fv, i, focus == (int)i);
	html_raw(h, "</div></fieldset>\n");
	for (i = 0; i < p->nfields; i++)
		field_group(h, p, fv, i, focus == (int)(p->nidentity + i));
	html_fmt(h, "<div class=\"actions\"><button type=\"submit\" "
	    "class=\"primary\">%s</button><a class=\"button\" href=\"/\">%s"
	    "</a></div>\n</form>\n", tx(lang, TX_SAVE), tx(lang, TX_CLEAR));
	page_end(h);
}
