/* SPDX-License-Identifier: MIT */
/*
 * The published release: tidy CSV (one row per cell x indicator) and JSON
 * holding the same values plus the evidence a verifier needs (record ids,
 * sums, partial decryptions and proofs).  A suppressed value is a status,
 * never 0 and never a blank that a spreadsheet would sum as 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "aggregator/audit.h"
#include "aggregator/publish.h"
#include "proto/json_hex.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/calendar.h"
#include "release/table.h"

static int
released(const struct cell_result *r)
{
	return TV_VERDICT_RELEASED(r->v);
}

/* The verdict on value i of cell r. */
static enum tv_verdict
value_verdict(const struct cell_result *r, uint32_t i)
{
	if (released(r) && r->small[i] != TV_V_RELEASE)
		return (enum tv_verdict)r->small[i];
	return r->v;
}

void
publish_summary(struct audit_release *sum, const struct tv_request *req,
    const struct cell_result *res, uint32_t k)
{
	uint32_t i, j, q;

	memset(sum, 0, sizeof *sum);
	sum->cells = req->ncells;
	tv_day_format(sum->as_of, req->as_of);
	for (i = 0; i < req->ncells; i++) {
		sum->status[tv_verdict_status(res[i].v)]++;
		if (!released(&res[i]))
			continue;
		/* release.json shows the partials of the values it shows */
		for (j = 0; res[i].small != NULL && j < k; j++)
			if (TV_VERDICT_RELEASED(value_verdict(&res[i], j)))
				break;
		if (res[i].small == NULL || j == k)
			continue;
		for (q = 0; q < res[i].nq; q++)
			if (res[i].quorum[q] < 64)
				sum->trustees |= (uint64_t)1 << res[i].quorum[q];
	}
}

/* release.csv's bytes (release/table.h). */
static char *
release_csv(const struct tv_campaign *c, const struct tv_cell *cells,
    const struct cell_result *res, uint32_t n, size_t *len)
{
	enum tv_verdict *cv = xcalloc(n + 1, sizeof *cv);
	struct tv_table_value *tv = xcalloc((size_t)n * c->k + 1, sizeof *tv);
	uint32_t i, j;
	char *buf;

	for (i = 0; i < n; i++) {
		cv[i] = res[i].v;
		for (j = 0; j < c->k; j++) {
			tv[(size_t)i * c->k + j].v = value_verdict(&res[i], j);
			tv[(size_t)i * c->k + j].value = res[i].values != NULL ?
			    res[i].values[j] : 0;
		}
	}
	if (tv_release_table(&buf, len, c->plan, c->k, cells, n, cv, tv) != 0)
		die("out of memory");
	free(cv);
	free(tv);
	return buf;
}

static json_t *
value_json(const struct tv_campaign *c, const struct cell_result *r,
    uint32_t i)
{
	enum tv_verdict vd = value_verdict(r, i);
	const char *st = tv_status_name(tv_verdict_status(vd));
	const char *reason = tv_verdict_reason(vd);
	json_t *v, *parts;
	uint32_t q;

	/* A value hidden inside a released cell goes out without its
	 * decryption: with d (or t partials) and ct_sum anyone recomputes it
	 * (formats.md III.9.3). */
	if (!TV_VERDICT_RELEASED(vd))
		return json_pack("{s:s, s:s}", "status", st, "reason", reason);
	parts = json_array();
	for (q = 0; q < r->nq; q++)
		json_array_append_new(parts, json_pack("{s:i, s:o, s:o}",
		    "trustee", (int)r->quorum[q], "d", tv_json_hex(r->pd +
		    ((size_t)q * c->k + i) * 32, 32), "proof", tv_json_hex(
		    r->proofs + ((size_t)q * c->k + i) * 64, 64)));
	v = json_pack("{s:s, s:o, s:o}", "status", st, "d", tv_json_hex(r->d +
	    32 * i, 32), "partials", parts);
	json_object_set_new(v, "value", json_integer((json_int_t)r->values[i]));
	if (*reason != 0)
		json_object_set_new(v, "reason", json_string(reason));
	return v;
}

static json_t *
cell_json(const struct tv_campaign *c, const struct tv_cell *cell,
    const uint8_t *ids, const struct cell_result *r)
{
	struct tv_cell_text t;
	json_t *o, *vals, *idl;
	char name[48];
	uint64_t n;
	uint32_t j;

	tv_cell_name(name, cell);
	tv_cell_text(&t, c->plan, cell);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "cell", name,
	    "site", t.site, "period", t.period, "period_label", t.label,
	    "first_day", t.first, "last_day", t.last,
	    "status", tv_status_name(tv_verdict_status(r->v)));
	if (*tv_verdict_reason(r->v) != 0)
		json_object_set_new(o, "reason", json_string(
		    tv_verdict_reason(r->v)));
	if (!released(r))
		return o;
	idl = json_array();
	for (n = 0; n < cell->count; n++)
		json_array_append_new(idl, tv_json_hex(ids + 16 * n, 16));
	json_object_set_new(o, "records", json_integer((json_int_t)cell->count));
	json_object_set_new(o, "ct_sum", tv_json_hex(cell->ct, TV_CT_BYTES(c->k)));
	json_object_set_new(o, "record_ids", idl);
	vals = json_object();
	for (j = 0; j < c->k; j++)
		json_object_set_new(vals, c->plan->indicators[j].id,
		    value_json(c, r, j));
	json_object_set_new(o, "values", vals);
	return o;
}

static json_t *
plan_labels(const struct tv_campaign *c)
{
	json_t *inds = json_array(), *sites = json_array();
	uint32_t i;

	for (i = 0; i < c->k; i++)
		json_array_append_new(inds, json_pack("{s:s, s:{s:s, s:s}}",
		    "id", c->plan->indicators[i].id, "label", "fr",
		    c->plan->indicators[i].label.fr, "en",
		    c->plan->indicators[i].label.en));
	for (i = 0; i < c->plan->nsites; i++)
		json_array_append_new(sites, json_pack("{s:s, s:{s:s, s:s}}",
		    "id", c->plan->sites[i].id, "label", "fr",
		    c->plan->sites[i].label.fr, "en",
		    c->plan->sites[i].label.en));
	return json_pack("{s:o, s:o}", "indicators", inds, "sites", sites);
}

/*
 * release.json is written as it is made, one cell at a time: whole, its
 * tree (every released cell's record ids, partials and proofs) was most of
 * publish's memory at national scale.  The bytes are those json_dumps()
 * gives for the whole document with the same flags: the document is
 * dumped with an empty "cells" array, and each cell, dumped alone, goes
 * between its brackets with the indentation of its depth (2) added after
 * each newline (strings never hold a raw newline: JSON escapes it).
 */
#define RELEASE_JSON_FLAGS (JSON_INDENT(1) | JSON_ENSURE_ASCII)
#define CELLS_KEY "\n \"cells\": ["

struct release_stream {
	const struct tv_campaign *c;
	const struct tv_recount *rb;
	const struct cell_result *res;
	uint32_t ncells;
	const char *doc;	/* the document with "cells": [] */
	size_t split;		/* just after that '[' */
};

/* The document without its cells. */
static char *
release_frame(const struct tv_campaign *c, const struct tv_request *req,
    json_t *noise, json_t *chain)
{
	json_t *root;
	char asof[11], *text;

	tv_day_format(asof, req->as_of);
	root = json_pack("{s:s, s:s, s:o, s:s, s:i, s:{s:i, s:i}, s:o, s:o}",
	    "format", "tallyvan-release/1", "campaign", c->plan->campaign,
	    "campaign_id", tv_json_hex(c->id, 32), "as_of", asof, "threshold",
	    (int)c->t, "policy", "min_cohort", (int)c->plan->policy.min_cohort,
	    "min_cell", (int)c->plan->policy.min_cell, "labels",
	    plan_labels(c), "cells", json_array());
	if (root == NULL)
		die("out of memory");
	if (noise != NULL)
		json_object_set(root, "noise", noise);
	json_object_update(root, chain);
	text = json_dumps(root, RELEASE_JSON_FLAGS);
	json_decref(root);
	if (text == NULL)
		die("out of memory");
	return text;
}

/* Cell i's text at depth 2, after the separator from the one before. */
static int
cell_write(int fd, const struct release_stream *rs, uint32_t i)
{
	json_t *o = cell_json(rs->c, &rs->rb->cells[i], rs->rb->ids[i],
	    &rs->res[i]);
	char *text = json_dumps(o, RELEASE_JSON_FLAGS), *out, *w;
	size_t nl = 0, len;
	const char *p;
	int rc;

	json_decref(o);
	if (text == NULL)
		die("out of memory");
	for (p = text; *p != 0; p++)
		nl += *p == '\n';
	len = (size_t)(p - text);
	w = out = xmalloc(4 + len + 2 * nl);
	memcpy(w, i == 0 ? "\n  " : ",\n  ", i == 0 ? 3 : 4);
	w += i == 0 ? 3 : 4;
	for (p = text; *p != 0; p++) {
		*w++ = *p;
		if (*p == '\n') {
			*w++ = ' ';
			*w++ = ' ';
		}
	}
	rc = file_write_all(fd, out, (size_t)(w - out)) != 0 ? TV_ERR_IO : 0;
	free(out);
	free(text);
	return rc;
}

static int
release_fill(int fd, const void *ctx)
{
	const struct release_stream *rs = ctx;
	size_t len = strlen(rs->doc);
	uint32_t i;

	if (rs->ncells == 0)	/* "cells": [] as it is */
		return file_write_all(fd, rs->doc, len) ? TV_ERR_IO : 0;
	if (file_write_all(fd, rs->doc, rs->split) != 0)
		return TV_ERR_IO;
	for (i = 0; i < rs->ncells; i++)
		if (cell_write(fd, rs, i) != 0)
			return TV_ERR_IO;
	if (file_write_all(fd, "\n ", 2) != 0 ||
	    file_write_all(fd, rs->doc + rs->split, len - rs->split) != 0)
		return TV_ERR_IO;
	return 0;
}

static int
release_json_write(const char *dir, const struct tv_campaign *c,
    const struct tv_request *req, const struct tv_recount *rb,
    const struct cell_result *res, json_t *noise, json_t *chain)
{
	struct release_stream rs = { c, rb, res, req->ncells, NULL, 0 };
	size_t n = strlen(dir) + sizeof "/release.json";
	char *doc = release_frame(c, req, noise, chain), *at;
	char *path = xmalloc(n);
	int rc;

	/* The top-level key (depth 1: one space), before its empty array. */
	if ((at = strstr(doc, CELLS_KEY "]")) == NULL)
		die("internal error: release.json without its cells");
	rs.doc = doc;
	rs.split = (size_t)(at - doc) + strlen(CELLS_KEY);
	snprintf(path, n, "%s/release.json", dir);
	/* As publish_file(): made once, readable by all. */
	if ((rc = file_stream_atomic(path, FILE_EXCL | FILE_PUBLIC,
	    release_fill, &rs)) != 0)
		error("cannot write '%s': %s", path, tv_strerror(rc));
	free(path);
	free(doc);
	return rc;
}

static int
publish_file(const char *dir, const char *name, const char *text, size_t len)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = xmalloc(n);
	int rc;

	snprintf(path, n, "%s/%s", dir, name);
	/* A release is made once: never overwrite an earlier one.  It is
	 * for evaluators: readable by all. */
	if ((rc = file_write_atomic(path, text, len, FILE_EXCL |
	    FILE_PUBLIC)) != 0)
		error("cannot write '%s': %s", path, tv_strerror(rc));
	free(path);
	return rc;
}

int
publish_release(const char *dir, const struct tv_campaign *c,
    const struct tv_request *req, const struct tv_recount *rb,
    const struct cell_result *res, json_t *noise, json_t *chain)
{
	char *csv, *book;
	size_t len, booklen;
	int rc;

	if (dir_create_public(dir) != 0 && errno != EEXIST)
		return error("cannot create '%s': %s", dir, strerror(errno));
	csv = release_csv(c, rb->cells, res, req->ncells, &len);
	rc = publish_file(dir, "release.csv", csv, len);
	book = codebook_csv(c->plan, &booklen);
	if (rc == 0)
		rc = publish_file(dir, "release-codebook.csv", book, booklen);
	if (rc == 0)
		rc = release_json_write(dir, c, req, rb, res, noise, chain);
	free(csv);
	free(book);
	return rc;
}
