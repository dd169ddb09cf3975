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

#include "aggregator/publish.h"
#include "proto/json_hex.h"
#include "common/util.h"
#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/calendar.h"
#include "release/table.h"

static const char *
cell_site(const struct tv_campaign *c, const struct tv_cell *cell)
{
	return cell->site == 0 ? "all" : c->plan->sites[cell->site - 1].id;
}

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
	char label[16], first[11], last[11], name[48];
	json_t *o, *vals, *idl;
	uint64_t n;
	uint32_t j;

	tv_cell_name(name, cell);
	tv_period_label(label, cell->period, cell->period_id);
	tv_day_format(first, cell->first_day);
	tv_day_format(last, cell->last_day);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "cell", name,
	    "site", cell_site(c, cell), "period", tv_period_name(cell->period),
	    "period_label", label, "first_day", first, "last_day", last,
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

static char *
release_json(const struct tv_campaign *c, const struct tv_request *req,
    const struct tv_recount *rb, const struct cell_result *res, json_t *noise,
    json_t *chain)
{
	json_t *root, *arr = json_array();
	char asof[11], *text;
	uint32_t i;

	tv_day_format(asof, req->as_of);
	for (i = 0; i < req->ncells; i++)
		json_array_append_new(arr, cell_json(c, &rb->cells[i],
		    rb->ids[i], &res[i]));
	root = json_pack("{s:s, s:s, s:o, s:s, s:i, s:{s:i, s:i}, s:o, s:o}",
	    "format", "tallyvan-release/1", "campaign", c->plan->campaign,
	    "campaign_id", tv_json_hex(c->id, 32), "as_of", asof, "threshold",
	    (int)c->t, "policy", "min_cohort", (int)c->plan->policy.min_cohort,
	    "min_cell", (int)c->plan->policy.min_cell, "labels",
	    plan_labels(c), "cells", arr);
	if (root == NULL)
		die("out of memory");
	if (noise != NULL)
		json_object_set(root, "noise", noise);
	json_object_update(root, chain);
	text = json_dumps(root, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	json_decref(root);
	if (text == NULL)
		die("out of memory");
	return text;
}

static int
publish_file(const char *dir, const char *name, const char *text, size_t len)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = xmalloc(n);
	int rc;

	snprintf(path, n, "%s/%s", dir, name);
	/* A release is made once: never overwrite an earlier one. */
	if ((rc = file_write_atomic(path, text, len, 1)) != 0)
		error("cannot write '%s': %s", path, tv_strerror(rc));
	free(path);
	return rc;
}

int
publish_release(const char *dir, const struct tv_campaign *c,
    const struct tv_request *req, const struct tv_recount *rb,
    const struct cell_result *res, json_t *noise, json_t *chain)
{
	char *csv, *json;
	size_t len;
	int rc;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return error("cannot create '%s': %s", dir, strerror(errno));
	csv = release_csv(c, rb->cells, res, req->ncells, &len);
	rc = publish_file(dir, "release.csv", csv, len);
	json = release_json(c, req, rb, res, noise, chain);
	if (rc == 0)
		rc = publish_file(dir, "release.json", json, strlen(json));
	free(csv);
	free(json);
	return rc;
}
