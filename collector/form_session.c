/* SPDX-License-Identifier: MIT */
/*
 * Who may use the form.  The operator unlocks the keystore at the laptop;
 * the laptop's terminal shows a short sign-in code; a browser that types
 * it gets a session: a random 32-byte id in an HttpOnly, SameSite=Strict
 * cookie, a random CSRF token that every form carries, and one-time
 * tokens so that a form sent twice (a double tap) is recorded once.
 *
 * FORM_CODE_TRIES wrong codes replace the code (shown again on the
 * laptop), so guessing 6 digits succeeds with probability 1e-5 at most
 * per code.  A new code signs every browser out.  All comparisons of
 * secrets are constant time.  Sessions live in guarded memory only: a
 * restart signs everybody out.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "collector/form.h"
#include "common/util.h"

void
form_server_init(struct form_server *s, struct device *d)
{
	memset(s, 0, sizeof *s);
	s->d = d;
	s->site = -1;
	s->date = -1;
	pthread_mutex_init(&s->lock, NULL);
	s->sessions = sodium_malloc(FORM_SESSIONS_MAX * sizeof *s->sessions);
	s->code = sodium_malloc(FORM_CODE_LEN + 1);
	if (s->sessions == NULL || s->code == NULL)
		die("out of secure memory");
	memset(s->sessions, 0, FORM_SESSIONS_MAX * sizeof *s->sessions);
}

void
form_server_release(struct form_server *s)
{
	if (s->sessions != NULL)
		sodium_free(s->sessions);
	if (s->code != NULL)
		sodium_free(s->code);
	pthread_mutex_destroy(&s->lock);
	memset(s, 0, sizeof *s);
}

void
form_code_rotate(struct form_server *s, const char *why)
{
	uint32_t i;

	for (i = 0; i < FORM_SESSIONS_MAX; i++)
		form_session_end(&s->sessions[i]);
	for (i = 0; i < FORM_CODE_LEN; i++)
		s->code[i] = (char)('0' + randombytes_uniform(10));
	s->code[FORM_CODE_LEN] = 0;
	s->code_fails = 0;
	if (why != NULL)
		note("%s: new sign-in code, every tablet must sign in again",
		    why);
	/* The one place the code is shown: the laptop's own terminal. */
	printf("sign-in code: %s\n", s->code);
	fflush(stdout);
}

int
form_code_check(struct form_server *s, const char *code)
{
	if (code != NULL && strlen(code) == FORM_CODE_LEN &&
	    sodium_memcmp(code, s->code, FORM_CODE_LEN) == 0)
		return 0;
	if (++s->code_fails >= FORM_CODE_TRIES)
		form_code_rotate(s, "too many wrong sign-in codes");
	return -1;
}

struct form_session *
form_session_find(struct form_server *s, const char *cookie)
{
	struct form_session *found = NULL;
	uint8_t id[FORM_TOKEN_BYTES];
	time_t now = time(NULL);
	uint32_t i;

	if (cookie == NULL || hex_decode(id, sizeof id, cookie) != 0)
		return NULL;
	for (i = 0; i < FORM_SESSIONS_MAX; i++) {
		struct form_session *ss = &s->sessions[i];

		if (ss->live && now - ss->seen > FORM_IDLE_SECONDS)
			form_session_end(ss);
		/* Every slot is compared: the time does not tell which. */
		if (sodium_memcmp(ss->id, id, sizeof id) == 0 && ss->live)
			found = ss;
	}
	sodium_memzero(id, sizeof id);
	if (found != NULL)
		found->seen = now;
	return found;
}

struct form_session *
form_session_new(struct form_server *s, enum form_lang lang)
{
	struct form_session *ss = &s->sessions[0];
	uint32_t i;

	/* A free slot, else the one unused the longest. */
	for (i = 0; i < FORM_SESSIONS_MAX; i++) {
		if (!s->sessions[i].live) {
			ss = &s->sessions[i];
			break;
		}
		if (s->sessions[i].seen < ss->seen)
			ss = &s->sessions[i];
	}
	form_session_end(ss);
	randombytes_buf(ss->id, sizeof ss->id);
	randombytes_buf(ss->csrf, sizeof ss->csrf);
	ss->live = 1;
	ss->seen = time(NULL);
	ss->lang = lang;
	return ss;
}

void
form_session_end(struct form_session *ss)
{
	form_body_free(ss->again);
	sodium_memzero(ss, sizeof *ss);
}

int
form_csrf_check(const struct form_session *ss, const char *hex)
{
	uint8_t tok[FORM_TOKEN_BYTES];
	int rc = -1;

	if (hex != NULL && hex_decode(tok, sizeof tok, hex) == 0 &&
	    sodium_memcmp(tok, ss->csrf, sizeof tok) == 0)
		rc = 0;
	sodium_memzero(tok, sizeof tok);
	return rc;
}

void
form_csrf_hex(const struct form_session *ss,
    char out[FORM_HEX(FORM_TOKEN_BYTES)])
{
	hex_encode(out, ss->csrf, sizeof ss->csrf);
}

void
form_session_hex(const struct form_session *ss,
    char out[FORM_HEX(FORM_TOKEN_BYTES)])
{
	hex_encode(out, ss->id, sizeof ss->id);
}

void
form_once_issue(struct form_session *ss, char out[FORM_HEX(FORM_ONCE_BYTES)])
{
	unsigned i = ss->once_next++ % FORM_ONCE_MAX;

	randombytes_buf(ss->once[i], FORM_ONCE_BYTES);
	ss->once_live[i] = 1;
	hex_encode(out, ss->once[i], FORM_ONCE_BYTES);
}

int
form_once_find(const struct form_session *ss, const char *hex)
{
	uint8_t tok[FORM_ONCE_BYTES];
	int i, found = -1;

	if (hex == NULL || hex_decode(tok, sizeof tok, hex) != 0)
		return -1;
	for (i = 0; i < FORM_ONCE_MAX; i++)
		if (sodium_memcmp(tok, ss->once[i], sizeof tok) == 0 &&
		    ss->once_live[i])
			found = i;
	return found;
}

void
form_once_drop(struct form_session *ss, int i)
{
	sodium_memzero(ss->once[i], FORM_ONCE_BYTES);
	ss->once_live[i] = 0;
}

void
form_random_hex(char *out, size_t nbytes)
{
	uint8_t b[FORM_TOKEN_BYTES];

	if (nbytes > sizeof b)
		nbytes = sizeof b;
	randombytes_buf(b, nbytes);
	hex_encode(out, b, nbytes);
	sodium_memzero(b, sizeof b);
}
