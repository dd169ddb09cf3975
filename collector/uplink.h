/* SPDX-License-Identifier: MIT */
/*
 * uplink.h - one batch to the aggregator over HTTP(S), with libcurl.
 *
 * POST <url>/v1/batches, the stored batch bytes as a raw body.  The answer
 * is sorted into what the caller must do: mark the batch acknowledged
 * (only after a 200 whose JSON names this device, sequence number and the
 * BLAKE2b-256 of the bytes sent), send it again later, or stop.
 */
#ifndef TV_UPLINK_H
#define TV_UPLINK_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct uplink_conf {
	const char *url;	/* base URL: http://host:port or https://... */
	const char *cacert;	/* CA bundle for https, NULL: the system's */
	long connect_timeout;	/* seconds */
	long timeout;		/* seconds, whole request */
	long low_speed_time;	/* abort under 1 KiB/s for this long */
};

enum uplink_verdict {
	UPLINK_ACKED,		/* 200 with a matching acknowledgement */
	UPLINK_RETRY,		/* no answer, 408, 429, 5xx: try again */
	UPLINK_REFUSED,		/* 400, 401, 413, other 4xx: look first */
	UPLINK_CONFLICT,	/* 409: this seq holds other bytes there */
	UPLINK_BAD_ANSWER,	/* an answer that is not ours: try again */
	UPLINK_STOPPED,		/* *stop became non-zero */
};

struct uplink;

/* NULL on failure (message in err).  stop is polled during transfers. */
struct uplink *uplink_new(const struct uplink_conf *conf,
    volatile sig_atomic_t *stop, char *err, size_t errlen);
/* Accepts NULL. */
void uplink_free(struct uplink *u);

/* Send one batch.  msg gets a one-line account (status, server detail),
 * never batch content.  *nrecords is the acknowledged record count. */
enum uplink_verdict uplink_send(struct uplink *u, const uint8_t device[32],
    uint64_t seq, const uint8_t *buf, size_t len, uint32_t *nrecords,
    char *msg, size_t msglen);

#endif
