/* SPDX-License-Identifier: MIT */
/*
 * uplink.c - see uplink.h.  The connection is kept between batches; every
 * send has connect, total and low-speed limits, so a dead or slow network
 * turns into UPLINK_RETRY instead of a hang.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "collector/uplink.h"
#include "common/util.h"

#define ANSWER_MAX 4096

struct uplink {
	CURL *curl;
	struct curl_slist *headers;
	char *endpoint;
	volatile sig_atomic_t *stop;
	char answer[ANSWER_MAX + 1];
	size_t answer_len;
	char curl_err[CURL_ERROR_SIZE];
};

/* Keep the first ANSWER_MAX bytes of the answer; drop the rest. */
static size_t
answer_cb(char *data, size_t size, size_t n, void *ctx)
{
	struct uplink *u = ctx;
	size_t len = size * n, room = ANSWER_MAX - u->answer_len;

	memcpy(u->answer + u->answer_len, data, len < room ? len : room);
	u->answer_len += len < room ? len : room;
	return len;
}

static int
progress_cb(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	struct uplink *u = ctx;

	(void)dt, (void)dn, (void)ut, (void)un;
	return u->stop != NULL && *u->stop;	/* non-zero aborts */
}

static int
uplink_setup(struct uplink *u, const struct uplink_conf *c)
{
	CURL *h = u->curl;
	int bad = 0;

	u->headers = curl_slist_append(NULL,
	    "Content-Type: application/octet-stream");
	u->headers = curl_slist_append(u->headers, "Expect:");
	bad |= curl_easy_setopt(h, CURLOPT_URL, u->endpoint);
	bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	bad |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, u->headers);
	bad |= curl_easy_setopt(h, CURLOPT_USERAGENT, "tallyvan-collector/1");
	bad |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->connect_timeout);
	bad |= curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout);
	bad |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	bad |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->low_speed_time);
	bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, answer_cb);
	bad |= curl_easy_setopt(h, CURLOPT_WRITEDATA, u);
	bad |= curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb);
	bad |= curl_easy_setopt(h, CURLOPT_XFERINFODATA, u);
	bad |= curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	bad |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, u->curl_err);
	if (c->cacert != NULL)
		bad |= curl_easy_setopt(h, CURLOPT_CAINFO, c->cacert);
	return bad || u->headers == NULL ? -1 : 0;
}

struct uplink *
uplink_new(const struct uplink_conf *conf, volatile sig_atomic_t *stop,
    char *err, size_t errlen)
{
	struct uplink *u = xcalloc(1, sizeof *u);
	size_t n = strlen(conf->url);

	while (n > 0 && conf->url[n - 1] == '/')
		n--;
	u->endpoint = xmalloc(n + sizeof "/v1/batches");
	snprintf(u->endpoint, n + sizeof "/v1/batches", "%.*s/v1/batches",
	    (int)n, conf->url);
	u->stop = stop;
	if (strncmp(conf->url, "http://", 7) != 0 &&
	    strncmp(conf->url, "https://", 8) != 0) {
		snprintf(err, errlen, "'%s': not an http:// or https:// URL",
		    conf->url);
	} else if ((u->curl = curl_easy_init()) == NULL ||
	    uplink_setup(u, conf) != 0) {
		snprintf(err, errlen, "cannot set up libcurl (%s)",
		    curl_version());
	} else {
		return u;
	}
	uplink_free(u);
	return NULL;
}

void
uplink_free(struct uplink *u)
{
	if (u == NULL)
		return;
	if (u->curl != NULL)
		curl_easy_cleanup(u->curl);
	curl_slist_free_all(u->headers);
	free(u->endpoint);
	free(u);
}

/* The acknowledgement must name exactly what was sent. */
static int
ack_check(const char *answer, size_t len, const uint8_t device[32],
    uint64_t seq, const uint8_t *buf, size_t buflen, uint32_t *nrecords)
{
	char want_dev[65], want_hash[65];
	uint8_t hash[32];
	json_t *a, *jseq, *jrec;
	const char *dev, *h;
	int ok;

	hex_encode(want_dev, device, 32);
	crypto_generichash(hash, sizeof hash, buf, buflen, NULL, 0);
	hex_encode(want_hash, hash, 32);
	if ((a = json_loadb(answer, len, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return -1;
	dev = json_string_value(json_object_get(a, "device"));
	h = json_string_value(json_object_get(a, "hash"));
	jseq = json_object_get(a, "seq");
	jrec = json_object_get(a, "records");
	ok = dev != NULL && h != NULL && json_is_integer(jseq) &&
	    json_is_integer(jrec) && strcmp(dev, want_dev) == 0 &&
	    strcmp(h, want_hash) == 0 &&
	    (uint64_t)json_integer_value(jseq) == seq &&
	    json_integer_value(jrec) >= 0;
	if (ok)
		*nrecords = (uint32_t)json_integer_value(jrec);
	json_decref(a);
	return ok ? 0 : -1;
}

/* The server's "detail", made printable, for the operator. */
static void
answer_detail(const struct uplink *u, char *out, size_t outlen)
{
	json_t *a = json_loadb(u->answer, u->answer_len, 0, NULL);
	const char *d = json_string_value(json_object_get(a, "detail"));
	size_t i;

	snprintf(out, outlen, "%s", d != NULL ? d : "no detail");
	for (i = 0; out[i] != 0; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
	json_decref(a);
}

static enum uplink_verdict
verdict_of(long status)
{
	if (status == 409)
		return UPLINK_CONFLICT;
	if (status == 408 || status == 425 || status == 429 || status >= 500)
		return UPLINK_RETRY;
	if (status >= 400)
		return UPLINK_REFUSED;
	return UPLINK_BAD_ANSWER;	/* 1xx, 2xx other than 200, 3xx */
}

enum uplink_verdict
uplink_send(struct uplink *u, const uint8_t device[32], uint64_t seq,
    const uint8_t *buf, size_t len, uint32_t *nrecords, char *msg,
    size_t msglen)
{
	char detail[256];
	long status = 0;
	CURLcode rc;

	u->answer_len = 0;
	u->curl_err[0] = 0;
	curl_easy_setopt(u->curl, CURLOPT_POSTFIELDS, buf);
	curl_easy_setopt(u->curl, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)len);
	rc = curl_easy_perform(u->curl);
	if (rc == CURLE_ABORTED_BY_CALLBACK && u->stop != NULL && *u->stop) {
		snprintf(msg, msglen, "interrupted");
		return UPLINK_STOPPED;
	}
	if (rc != CURLE_OK) {
		snprintf(msg, msglen, "%s", u->curl_err[0] ? u->curl_err :
		    curl_easy_strerror(rc));
		return UPLINK_RETRY;
	}
	curl_easy_getinfo(u->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status == 200) {
		if (ack_check(u->answer, u->answer_len, device, seq, buf, len,
		    nrecords) == 0) {
			snprintf(msg, msglen, "acknowledged");
			return UPLINK_ACKED;
		}
		snprintf(msg, msglen, "HTTP 200 but the acknowledgement "
		    "does not name this batch");
		return UPLINK_BAD_ANSWER;
	}
	answer_detail(u, detail, sizeof detail);
	snprintf(msg, msglen, "HTTP %ld: %s", status, detail);
	return verdict_of(status);
}
