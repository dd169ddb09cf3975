/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/elgamal.h"
#include "crypto/err.h"
#include "proto/batch.h"
#include "proto/campaign.h"
#include "proto/release.h"
#include "proto/tallyvan.pb-c.h"

int
tv_request_alloc(struct tv_request **out, uint32_t ndevices, uint32_t ncells,
    uint32_t k)
{
	struct tv_request *r = calloc(1, sizeof *r);
	uint32_t i;

	*out = NULL;
	if (r == NULL)
		return TV_ERR_NOMEM;
	r->ndevices = ndevices;
	r->ncells = ncells;
	r->devices = calloc(ndevices ? ndevices : 1, 32);
	r->cells = calloc(ncells ? ncells : 1, sizeof *r->cells);
	if (r->devices == NULL || r->cells == NULL)
		goto fail;
	for (i = 0; i < ncells; i++)
		if ((r->cells[i].ct = calloc(1, TV_CT_BYTES(k))) == NULL)
			goto fail;
	*out = r;
	return 0;
fail:
	tv_request_free(r);
	return TV_ERR_NOMEM;
}

void
tv_request_free(struct tv_request *r)
{
	uint32_t i;

	if (r == NULL)
		return;
	for (i = 0; r->cells != NULL && i < r->ncells; i++)
		free(r->cells[i].ct);
	free(r->cells);
	free(r->devices);
	free(r->prev);
	free(r->certs);
	free(r->revs);
	free(r);
}

/* The certificates and revocations as messages (their packed bytes
 * unpacked again: one encoder, proto/cert.c). */
static int
certs_to_pb(const struct tv_request *r, Tallyvan__ReleaseRequest *m)
{
	uint8_t *buf;
	size_t len;
	uint32_t i;
	int rc = 0;

	m->certs = calloc(r->ncerts + 1, sizeof *m->certs);
	m->revocations = calloc(r->nrevs + 1, sizeof *m->revocations);
	if (m->certs == NULL || m->revocations == NULL)
		return TV_ERR_NOMEM;
	for (i = 0; rc == 0 && i < r->ncerts; i++) {
		if ((rc = tv_cert_pack(&r->certs[i], &buf, &len)) != 0)
			break;
		m->certs[i] = tallyvan__device_cert__unpack(NULL, len, buf);
		free(buf);
		if (m->certs[i] == NULL)
			rc = TV_ERR_NOMEM;
		else
			m->n_certs = i + 1;
	}
	for (i = 0; rc == 0 && i < r->nrevs; i++) {
		if ((rc = tv_rev_pack(&r->revs[i], &buf, &len)) != 0)
			break;
		m->revocations[i] = tallyvan__device_revocation__unpack(NULL,
		    len, buf);
		free(buf);
		if (m->revocations[i] == NULL)
			rc = TV_ERR_NOMEM;
		else
			m->n_revocations = i + 1;
	}
	return rc;
}

static void
certs_pb_free(Tallyvan__ReleaseRequest *m)
{
	size_t i;

	for (i = 0; m->certs != NULL && i < m->n_certs; i++)
		tallyvan__device_cert__free_unpacked(m->certs[i], NULL);
	for (i = 0; m->revocations != NULL && i < m->n_revocations; i++)
		tallyvan__device_revocation__free_unpacked(m->revocations[i],
		    NULL);
	free(m->certs);
	free(m->revocations);
}

int
tv_request_write(FILE *f, const struct tv_request *r, uint32_t k)
{
	Tallyvan__ReleaseRequest m = TALLYVAN__RELEASE_REQUEST__INIT;
	Tallyvan__CellRequest *cells = NULL, **cellp = NULL;
	Tallyvan__LedgerStatement stm[TV_REQUEST_MAX_STATEMENTS],
	    *stmp[TV_REQUEST_MAX_STATEMENTS];
	ProtobufCBinaryData *devs = NULL;
	uint8_t *buf = NULL;
	size_t len;
	uint32_t i;
	int rc = TV_ERR_NOMEM;

	cells = calloc(r->ncells + 1, sizeof *cells);
	cellp = calloc(r->ncells + 1, sizeof *cellp);
	devs = calloc(r->ndevices + 1, sizeof *devs);
	if (cells == NULL || cellp == NULL || devs == NULL)
		goto out;
	rc = TV_ERR_TOOBIG;
	if (r->nprev > TV_REQUEST_MAX_STATEMENTS)
		goto out;
	if ((rc = certs_to_pb(r, &m)) != 0)
		goto out;
	rc = TV_ERR_NOMEM;
	m.version = 1;
	m.campaign_id.data = (uint8_t *)r->campaign_id;
	m.campaign_id.len = 32;
	m.as_of = r->as_of;
	m.envelopes = r->nenvelopes;
	for (i = 0; i < r->ndevices; i++)
		devs[i] = (ProtobufCBinaryData){ 32, r->devices[i] };
	m.n_devices = r->ndevices;
	m.devices = devs;
	for (i = 0; i < r->ncells; i++) {
		const struct tv_cell *c = &r->cells[i];

		tallyvan__cell_request__init(&cells[i]);
		cells[i].site = c->site;
		cells[i].period = (uint32_t)c->period;
		cells[i].period_id = c->period_id;
		cells[i].first_day = c->first_day;
		cells[i].last_day = c->last_day;
		cells[i].count = c->count;
		cells[i].ct_sum = (ProtobufCBinaryData){ TV_CT_BYTES(k), c->ct };
		cellp[i] = &cells[i];
	}
	m.n_cells = r->ncells;
	m.cells = cellp;
	if (r->has_previous)
		m.previous_release = (ProtobufCBinaryData){ 32,
		    (uint8_t *)r->previous };
	for (i = 0; i < r->nprev; i++) {
		const struct tv_statement *st = &r->prev[i];

		tallyvan__ledger_statement__init(&stm[i]);
		stm[i].trustee = st->trustee;
		stm[i].request = (ProtobufCBinaryData){ 32,
		    (uint8_t *)st->request };
		stm[i].length = st->length;
		stm[i].head = (ProtobufCBinaryData){ 32, (uint8_t *)st->head };
		stm[i].signature = (ProtobufCBinaryData){ 64,
		    (uint8_t *)st->sig };
		stmp[i] = &stm[i];
	}
	m.n_previous_ledgers = r->nprev;
	m.previous_ledgers = stmp;
	len = tallyvan__release_request__get_packed_size(&m);
	if (len > TV_REQUEST_HEAD_MAX) {
		rc = TV_ERR_TOOBIG;
		goto out;
	}
	if ((buf = malloc(len ? len : 1)) == NULL)
		goto out;
	tallyvan__release_request__pack(&m, buf);
	rc = tv_frame_write(f, buf, len);
out:
	certs_pb_free(&m);
	free(buf);
	free(devs);
	free(cellp);
	free(cells);
	return rc;
}

static int
cell_from_pb(struct tv_cell *c, const Tallyvan__CellRequest *p, uint32_t k)
{
	if (p->ct_sum.len != TV_CT_BYTES(k) || p->first_day > p->last_day ||
	    p->period < TV_PERIOD_DAY || p->period > TV_PERIOD_CAMPAIGN)
		return TV_ERR_FORMAT;
	for (uint32_t i = 0; i <= k; i++)
		if (!tv_point_ok(p->ct_sum.data + 32 * i))
			return TV_ERR_FORMAT;
	c->site = p->site;
	c->period = (enum tv_period)p->period;
	c->period_id = p->period_id;
	c->first_day = p->first_day;
	c->last_day = p->last_day;
	c->count = p->count;
	memcpy(c->ct, p->ct_sum.data, TV_CT_BYTES(k));
	return 0;
}

/* The release this request follows, and its trustees' statements. */
static int
previous_from_pb(struct tv_request *r, const Tallyvan__ReleaseRequest *m)
{
	const Tallyvan__LedgerStatement *p;
	size_t i;

	if (m->previous_release.len != 0 && m->previous_release.len != 32)
		return TV_ERR_FORMAT;
	if (m->n_previous_ledgers > TV_REQUEST_MAX_STATEMENTS)
		return TV_ERR_TOOBIG;
	r->has_previous = m->previous_release.len == 32;
	if (r->has_previous)
		memcpy(r->previous, m->previous_release.data, 32);
	r->nprev = (uint32_t)m->n_previous_ledgers;
	if ((r->prev = calloc(r->nprev + 1, sizeof *r->prev)) == NULL)
		return TV_ERR_NOMEM;
	for (i = 0; i < r->nprev; i++) {
		p = m->previous_ledgers[i];
		if (p->request.len != 32 || p->head.len != 32 ||
		    p->signature.len != 64 || p->trustee < 1 ||
		    p->trustee > TV_TRUSTEES_MAX)
			return TV_ERR_FORMAT;
		r->prev[i].trustee = p->trustee;
		r->prev[i].length = p->length;
		memcpy(r->prev[i].request, p->request.data, 32);
		memcpy(r->prev[i].head, p->head.data, 32);
		memcpy(r->prev[i].sig, p->signature.data, 64);
	}
	return 0;
}

/* A TrusteeSig list and body, as proto/cert.c reads them from bytes. */
static int
sigs_from_pb(struct tv_trustee_sig *sigs, uint32_t *nsigs,
    Tallyvan__TrusteeSig **ps, size_t n)
{
	size_t i;

	if (n > TV_CERT_SIGS_MAX)
		return TV_ERR_TOOBIG;
	for (i = 0; i < n; i++) {
		if (ps[i]->sig.len != 64)
			return TV_ERR_FORMAT;
		sigs[i].trustee = ps[i]->trustee;
		memcpy(sigs[i].sig, ps[i]->sig.data, 64);
	}
	*nsigs = (uint32_t)n;
	return 0;
}

static int
certs_from_pb(struct tv_request *r, const Tallyvan__ReleaseRequest *m)
{
	size_t i;
	int rc;

	r->certs = calloc(m->n_certs ? m->n_certs : 1, sizeof *r->certs);
	r->revs = calloc(m->n_revocations ? m->n_revocations : 1,
	    sizeof *r->revs);
	if (r->certs == NULL || r->revs == NULL)
		return TV_ERR_NOMEM;
	r->ncerts = (uint32_t)m->n_certs;
	r->nrevs = (uint32_t)m->n_revocations;
	for (i = 0; i < m->n_certs; i++)
		if ((rc = tv_cert_parse_body(&r->certs[i], m->certs[i]->body.data,
		    m->certs[i]->body.len)) != 0 ||
		    (rc = sigs_from_pb(r->certs[i].sigs, &r->certs[i].nsigs,
		    m->certs[i]->sigs, m->certs[i]->n_sigs)) != 0)
			return rc;
	for (i = 0; i < m->n_revocations; i++)
		if ((rc = tv_rev_parse_body(&r->revs[i],
		    m->revocations[i]->body.data,
		    m->revocations[i]->body.len)) != 0 ||
		    (rc = sigs_from_pb(r->revs[i].sigs, &r->revs[i].nsigs,
		    m->revocations[i]->sigs, m->revocations[i]->n_sigs)) != 0)
			return rc;
	return 0;
}

static int
request_from_pb(struct tv_request **out, const Tallyvan__ReleaseRequest *m,
    uint32_t k)
{
	struct tv_request *r = NULL;
	size_t i;
	int rc = TV_ERR_FORMAT;

	if (m->version != 1 || m->campaign_id.len != 32 ||
	    m->n_devices > TV_REQUEST_MAX_DEVICES ||
	    m->n_cells > TV_REQUEST_MAX_CELLS ||
	    m->n_certs > TV_REQUEST_MAX_CERTS ||
	    m->n_revocations > TV_REQUEST_MAX_REVOCATIONS)
		goto out;
	if ((rc = tv_request_alloc(&r, (uint32_t)m->n_devices,
	    (uint32_t)m->n_cells, k)) != 0)
		goto out;
	memcpy(r->campaign_id, m->campaign_id.data, 32);
	r->as_of = m->as_of;
	r->nenvelopes = m->envelopes;
	rc = TV_ERR_FORMAT;
	for (i = 0; i < m->n_devices; i++) {
		if (m->devices[i].len != 32)
			goto out;
		memcpy(r->devices[i], m->devices[i].data, 32);
	}
	for (i = 0; i < m->n_cells; i++)
		if (cell_from_pb(&r->cells[i], m->cells[i], k) != 0)
			goto out;
	if ((rc = previous_from_pb(r, m)) != 0 ||
	    (rc = certs_from_pb(r, m)) != 0)
		goto out;
	*out = r;
	r = NULL;
	rc = 0;
out:
	tv_request_free(r);
	return rc;
}

int
tv_request_read(FILE *f, struct tv_request **out, uint32_t k)
{
	Tallyvan__ReleaseRequest *m = NULL;
	uint8_t *buf = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = tv_frame_read(f, &buf, &len, TV_REQUEST_HEAD_MAX)) != 0)
		goto out;
	if ((m = tallyvan__release_request__unpack(NULL, len, buf)) == NULL) {
		rc = TV_ERR_FORMAT;
		goto out;
	}
	rc = request_from_pb(out, m, k);
out:
	if (m != NULL)
		tallyvan__release_request__free_unpacked(m, NULL);
	free(buf);
	return rc;
}

static void
put_le(crypto_generichash_state *st, uint64_t v, size_t n)
{
	uint8_t b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	crypto_generichash_update(st, b, n);
}

void
tv_cell_agg_hash(uint8_t h[32], const uint8_t campaign_id[32], uint32_t k,
    const struct tv_cell *cell)
{
	static const char label[] = "tallyvan/aggregate/v1";
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)label, sizeof label);
	crypto_generichash_update(&st, campaign_id, 32);
	put_le(&st, cell->site, 4);
	put_le(&st, (uint32_t)cell->period, 4);
	put_le(&st, (uint32_t)cell->period_id, 4);
	put_le(&st, (uint32_t)cell->first_day, 4);
	put_le(&st, (uint32_t)cell->last_day, 4);
	put_le(&st, cell->count, 8);
	crypto_generichash_update(&st, cell->ct, TV_CT_BYTES(k));
	crypto_generichash_final(&st, h, 32);
}

void
tv_cell_name(char out[48], const struct tv_cell *cell)
{
	snprintf(out, 48, "%u/%u/%d", cell->site, (unsigned)cell->period,
	    cell->period_id);
}

const enum tv_period tv_hier_kinds[TV_HIER_KINDS] = {
	TV_PERIOD_WEEK, TV_PERIOD_MONTH, TV_PERIOD_QUARTER, TV_PERIOD_CAMPAIGN,
};

/* The closed periods of one kind, in order; how many (out may be NULL). */
static uint32_t
hier_periods(const struct tv_plan *p, uint32_t site, enum tv_period kind,
    int32_t as_of, struct tv_cell *out)
{
	int32_t pid, first, last, day = p->start_day;
	uint32_t n = 0;

	while (day <= p->end_day) {
		pid = tv_hier_period_id(kind, day);
		tv_hier_bounds(kind, pid, p->start_day, p->end_day, &first,
		    &last);
		if (tv_cell_closed(p, last, as_of)) {
			if (out != NULL) {
				out[n].site = site;
				out[n].period = kind;
				out[n].period_id = pid;
				out[n].first_day = first;
				out[n].last_day = last;
			}
			n++;
		}
		day = last + 1;
	}
	return n;
}

uint32_t
tv_request_cells(const struct tv_plan *p, int32_t as_of, struct tv_cell *out)
{
	uint32_t site, i, n = 0;

	for (site = 0; site <= p->nsites; site++)
		for (i = 0; i < TV_HIER_KINDS; i++)
			n += hier_periods(p, site, tv_hier_kinds[i], as_of,
			    out != NULL ? out + n : NULL);
	return n;
}

int
tv_request_cells_check(const struct tv_request *req, const struct tv_plan *p,
    uint32_t *bad)
{
	uint32_t n = tv_request_cells(p, req->as_of, NULL), i;
	struct tv_cell *want = calloc(n ? n : 1, sizeof *want);
	const struct tv_cell *a, *b;
	int rc = 0;

	if (want == NULL)
		return TV_ERR_NOMEM;
	tv_request_cells(p, req->as_of, want);
	for (i = 0; i < req->ncells && rc == 0; i++) {
		a = &req->cells[i];
		b = &want[i];
		if (i >= n || a->site != b->site || a->period != b->period ||
		    a->period_id != b->period_id ||
		    a->first_day != b->first_day || a->last_day != b->last_day)
			rc = TV_ERR_FORMAT;
	}
	*bad = rc != 0 ? i - 1 : i;
	if (rc == 0 && req->ncells != n)
		rc = TV_ERR_FORMAT;	/* cells missing at the end */
	free(want);
	return rc;
}
