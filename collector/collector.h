/* SPDX-License-Identifier: MIT */
/*
 * collector.h - the field device: captures visits, keeps only ciphertext.
 *
 * Device directory (docs/formats.md, "Collector store"):
 *   campaign.json  the public campaign bundle
 *   device.pub     the device's Ed25519 public key, hex (for enrolment)
 *   keystore       sealed (Argon2id + secretbox, kind "device"):
 *                  Ed25519 sk (64) | pseudonym key (32) | index key (32)
 *                  | nonce key (32)
 *   store/         LMDB: meta, outbox, batches, bstate, pindex, history
 */
#ifndef TV_COLLECTOR_H
#define TV_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/pseudonym.h"
#include "proto/campaign.h"
#include "proto/history.h"
#include "proto/plan.h"
#include "proto/store.h"

enum collector_db {
	DB_META,	/* "next_record", "next_batch", "last_ship": be64 */
	DB_OUTBOX,	/* be64 record number -> packed Record */
	DB_BATCHES,	/* be64 batch seq -> sealed envelope bytes */
	DB_BSTATE,	/* be64 batch seq -> u8 batch_state */
	DB_PINDEX,	/* index tag (32) -> be32 expiry day */
	DB_HISTORY,	/* history tag (32) -> be32 expiry | sealed state */
	DB_COUNT
};

extern const char *const collector_db_names[DB_COUNT];

enum batch_state {
	BATCH_SEALED = 0,	/* persisted, never sent */
	BATCH_EXPORTED = 1,	/* written to a file at least once */
	BATCH_ACKED = 2,	/* the aggregator acknowledged it */
};

#define SECRETS_BYTES (64 + 32 + 32 + 32)

struct device {
	const char *dir;
	struct tv_campaign *c;
	struct tv_store *st;
	uint8_t *secrets;	/* sodium_malloc'd, NULL unless unlocked */
	uint8_t pk[32];
};

#define DEVICE_SK(d) ((d)->secrets)
#define DEVICE_PSEUDO_KEY(d) ((d)->secrets + 64)
#define DEVICE_INDEX_KEY(d) ((d)->secrets + 96)
#define DEVICE_NONCE_KEY(d) ((d)->secrets + 128)

enum device_flags {
	DEVICE_UNLOCK = 1 << 0,	/* ask the passphrase, load the keystore */
};

/* Open the device directory or die. */
void device_open(struct device *d, const char *dir, const char *passfile,
    unsigned flags);
/* Accepts a zeroed device; wipes the secrets. */
void device_close(struct device *d);
/* Path inside the device directory (malloc'd). */
char *device_path(const struct device *d, const char *name);

/* Next value (1, 2, ...) of a counter in DB_META, inside a write txn. */
int meta_next(struct tv_txn *t, const char *name, uint64_t *n);

/*
 * The outbox (outbox.c), shared by export and ship.  Each returns 0 or
 * TV_ERR_*.
 * outbox_seal: in one transaction, seal every pending record into signed
 *   batches of at most max records (0: the default size) with new sequence
 *   numbers; the records leave DB_OUTBOX in the same transaction.
 * outbox_list: sequence numbers, in order, of the batches whose state bit
 *   (1 << state) is in mask; *seqs is malloc'd.
 * outbox_get: a malloc'd copy of a stored batch, byte for byte.
 * outbox_mark: move a batch forward to state (never back); BATCH_ACKED
 *   also sets meta "last_ship" (be64 unix time now) in the same txn.
 */
int outbox_seal(const struct device *d, uint32_t max, uint64_t *batches,
    uint64_t *records);
int outbox_list(const struct device *d, unsigned mask, uint64_t **seqs,
    size_t *n);
int outbox_get(const struct device *d, uint64_t seq, uint8_t **buf,
    size_t *len);
int outbox_mark(const struct device *d, uint64_t seq, enum batch_state state,
    int64_t now);

/* One visit being typed: lives in sodium_malloc memory, wiped on clear. */
struct visit {
	int has_site, has_day;
	uint32_t site;
	int32_t day;
	uint64_t values[TV_PLAN_MAX_FIELDS];
	uint8_t given[TV_PLAN_MAX_FIELDS];
	char identity[TV_PLAN_MAX_IDENTITY][TV_IDENTITY_MAX + 1];
};

struct visit *visit_new(void);
void visit_free(struct visit *v);
/* Set one named value: "site", "date", an identity field or a form field.
 * 0, or -1 with a message in err (naming the field, never its value). */
int visit_set(const struct tv_plan *p, struct visit *v, const char *name,
    const char *value, char *err, size_t errlen);
/* The same, dates (the visit's and identity dates) read in this day/month
 * order instead of the plan language's: the form passes its page's. */
int visit_set_in(const struct tv_plan *p, struct visit *v, const char *name,
    const char *value, enum tv_date_order order, char *err, size_t errlen);
/*
 * Identity field i of kind "date": value read with tv_date_parse() in this
 * day/month order (visit_set uses the plan's language, the form its
 * page's), kept as YYYY-MM-DD.  A date after tomorrow (UTC) is refused.
 * TV_DATE_OK, or why not (nothing kept).
 */
enum tv_date_why visit_set_date(struct visit *v, uint32_t i,
    const char *value, enum tv_date_order order);
/* The visit's own date, read the same way; a future day is not refused
 * here (visit_check checks the campaign period). */
enum tv_date_why visit_set_day(struct visit *v, const char *value,
    enum tv_date_order order);
/* The pattern to write a date in, for messages: "DD/MM/YYYY or
 * YYYY-MM-DD" (day first) or "YYYY-MM-DD". */
const char *visit_date_pattern(enum tv_date_order order);
/* Everything required is there.  0 or -1 with err (the first problem). */
int visit_check(const struct tv_plan *p, const struct visit *v, char *err,
    size_t errlen);
/* Every problem visit_check would find, each passed to fn as the field's
 * name and what is wrong ("missing"); returns how many. */
typedef void (*visit_problem_fn)(void *ctx, const char *name,
    const char *msg);
unsigned visit_check_each(const struct tv_plan *p, const struct visit *v,
    visit_problem_fn fn, void *ctx);

/* What NAME=VALUE input may set. */
enum visit_input {
	VISIT_INPUT_ANY,	/* any field of the plan ('collector record') */
	VISIT_INPUT_IDENTITY,	/* identity fields only ('collector erase') */
};
#define VISIT_INPUT_MAX (64u << 10)	/* bytes of standard input */

/*
 * visit_read_input() - the fields given on standard input (collector/
 * visit_input.c).  Not a terminal: NAME=VALUE lines, blank lines and
 * '#' comments skipped, at most VISIT_INPUT_MAX bytes, read into guarded
 * memory wiped after use.  A terminal: each identity field not yet set is
 * asked (at most TV_IDENTITY_MAX bytes each).  On a wrong line or answer,
 * wipes the text read and v (visit_free) and dies naming the line number
 * and the field, never the value.
 */
void visit_read_input(const struct tv_plan *p, struct visit *v,
    enum visit_input mode);

/* The pseudonym of v's identity fields, each normalised as its kind. */
int visit_pseudonym(const struct device *d, const struct visit *v,
    uint8_t out[TV_PSEUDONYM_BYTES]);

/*
 * Inside a write transaction: pseudonymise, evaluate the indicators
 * (distinct-person modifiers through the pseudonym index), encrypt, and
 * append the record to the outbox.  receipt (optional) gets the person's
 * receipt code.  Re-runnable: no effect outside the transaction.
 */
int capture_txn(struct tv_txn *t, const struct device *d,
    const struct visit *v, char *receipt);

/*
 * A person's visit history at tag (tv_history_tag), in a transaction
 * (history.c).  history_load: an empty history when there is none;
 * TV_ERR_BADSIG when the stored bytes do not open under this device's key.
 * history_save: sealed with a fresh nonce and the expiry the plan gives.
 */
int history_load(struct tv_txn *t, const struct device *d,
    const uint8_t *tag, struct tv_history *h);
int history_save(struct tv_txn *t, const struct device *d,
    const uint8_t *tag, const struct tv_history *h);


#endif
