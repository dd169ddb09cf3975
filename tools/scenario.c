/* SPDX-License-Identifier: MIT */
/*
 * scenario - a seeded synthetic outreach campaign for the demo plan
 * (docs/examples/demo-plan.json) and its ground truth.
 *
 * Writes visits-A.csv and visits-B.csv (two collectors: sites 0-3 and
 * 4-6) and truth.csv, the indicator values of every cell computed here
 * from person numbers -- independently of pseudonyms, the collector and
 * the cryptography -- so that tests can compare released values with it.
 * Repeat visitors are typed differently each time (case, accents, spaces)
 * as counsellors do, which exercises identity normalisation.
 *
 * --demo reproduces the seed article's first milestone: 126 people
 * received, 60 who got immediate advice, 18 invited to a second meeting.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "common/util.h"
#include "proto/calendar.h"

#define NSITES 7
#define NWEEKS 9
#define NIND 16
#define MAXPEOPLE 2000
#define MAXVISITS 4

enum { O_ADVICE, O_ONLINE, O_APPT, O_REFERRAL, O_SECOND, NOUT };
static const char *const outcome_ids[NOUT] = { "immediate_advice",
	"online_procedure", "appointment", "referral", "second_meeting" };
enum { T_EMPLOY, T_TRAIN, T_GUIDE, T_DIGITAL, T_HOUSING, T_HEALTH,
	T_CHILD, T_MOBILITY, NTOPIC };
static const char *const topic_ids[NTOPIC] = { "employment", "training",
	"guidance", "digital", "housing", "health", "childcare", "mobility" };
static const char *const site_ids[NSITES] = { "a-bellevue", "a-gare",
	"a-plateau", "b-moulins", "b-tilleuls", "c-centre", "c-rives" };
static const char *const indicator_ids[NIND] = { "visits",
	"people_received", "people_received_month", "people_immediate_advice",
	"people_second_meeting", "visits_employment", "visits_training",
	"visits_housing_or_health", "young_women_employment", "referrals",
	"visits_women", "visits_men", "visits_gender_other",
	"people_came_back_30", "people_seen_twice", "return_visits_30" };
static const char *const week_mondays[NWEEKS] = { "2021-10-25",
	"2021-11-01", "2021-11-08", "2021-11-15", "2021-11-22", "2021-11-29",
	"2021-12-06", "2021-12-13", "2022-01-03" };
static const char *const genders[] = { "f", "m", "x" };
static const char *const ages[] = { "16-17", "18-25", "26-44", "45-64",
	"65-plus" };

/* A name as written with accents, and as typed without them. */
struct name { const char *display, *plain; };
static const struct name firsts[] = {
	{ "Élodie", "Elodie" }, { "Karim", "Karim" },
	{ "Fatoumata", "Fatoumata" }, { "Jérôme", "Jerome" },
	{ "Inès", "Ines" }, { "Mamadou", "Mamadou" }, { "Léa", "Lea" },
	{ "Yasmine", "Yasmine" }, { "Théo", "Theo" }, { "Aïcha", "Aicha" },
	{ "François", "Francois" }, { "Chloé", "Chloe" },
	{ "Mehdi", "Mehdi" }, { "Zoé", "Zoe" }, { "Noël", "Noel" },
	{ "Hélène", "Helene" }, { "Sofiane", "Sofiane" },
	{ "Maëlle", "Maelle" }, { "Océane", "Oceane" }, { "Kevin", "Kevin" },
	{ "Nadia", "Nadia" }, { "Loïc", "Loic" }, { "Anaïs", "Anais" },
	{ "Bastien", "Bastien" },
};
static const struct name lasts[] = {
	{ "Dupont", "Dupont" }, { "Benali", "Benali" },
	{ "Traoré", "Traore" }, { "Lefèvre", "Lefevre" },
	{ "N'Diaye", "N'Diaye" }, { "Moreau", "Moreau" },
	{ "Haddad", "Haddad" }, { "Garçon", "Garcon" },
	{ "Da Silva", "Da Silva" }, { "Le Gall", "Le Gall" },
	{ "Boucher", "Boucher" }, { "Diallo", "Diallo" },
	{ "Rousseau", "Rousseau" }, { "Nguyen", "Nguyen" },
	{ "Petit-Jean", "Petit-Jean" }, { "Bérénger", "Berenger" },
	{ "Kaya", "Kaya" }, { "Lemaître", "Lemaitre" },
};
#define NFIRST (sizeof firsts / sizeof firsts[0])
#define NLAST (sizeof lasts / sizeof lasts[0])

struct person {
	unsigned first, last, site, gender, age, nvisits;
	int32_t birth;
	int advice, second;	/* in the advice / second-meeting group */
};

struct visit_gen {
	unsigned person, site, topics, outcomes;
	int32_t day;
	int first;
};

static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned
below(unsigned n)
{
	return (unsigned)(rng() % n);
}

static int
chance(unsigned percent)
{
	return below(100) < percent;
}

/* Choose exactly k of n people for a flag. */
static void
choose(struct person *pp, unsigned n, unsigned k, int second)
{
	unsigned *idx = xcalloc(n, sizeof *idx), i, j, t;

	for (i = 0; i < n; i++)
		idx[i] = i;
	for (i = 0; i < n; i++) {
		j = i + below(n - i);
		t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	for (i = 0; i < k && i < n; i++) {
		if (second)
			pp[idx[i]].second = 1;
		else
			pp[idx[i]].advice = 1;
	}
	free(idx);
}

static void
people_make(struct person *pp, unsigned n)
{
	unsigned i, j;
	static const unsigned visit_pct[MAXVISITS] = { 55, 25, 12, 8 };
	unsigned r;

	for (i = 0; i < n; i++) {
		struct person *p = &pp[i];
again:
		p->first = below(NFIRST);
		p->last = below(NLAST);
		p->birth = tv_day_from_ymd(1950 + (int)below(57),
		    1 + (int)below(12), 1 + (int)below(28));
		for (j = 0; j < i; j++)	/* one identity, one person */
			if (pp[j].first == p->first && pp[j].last == p->last &&
			    pp[j].birth == p->birth)
				goto again;
		p->site = below(NSITES);
		r = below(100);
		p->gender = r < 48 ? 0 : r < 96 ? 1 : 2;
		r = below(100);
		p->age = r < 5 ? 0 : r < 35 ? 1 : r < 75 ? 2 : r < 95 ? 3 : 4;
		for (p->nvisits = 1, r = below(100); p->nvisits < MAXVISITS &&
		    r >= visit_pct[p->nvisits - 1]; p->nvisits++)
			r -= visit_pct[p->nvisits - 1];
	}
}

static unsigned
device_of(unsigned site)
{
	return site < 4 ? 0 : 1;
}

static unsigned
visits_make(const struct person *pp, unsigned n, struct visit_gen *vv)
{
	unsigned i, j, w, nv = 0, weeks, key_advice, key_second, s, nvis;
	int32_t monday;

	for (i = 0; i < n; i++) {
		const struct person *p = &pp[i];

		/* Returns: most people invited to a second meeting come back,
		 * and the invitation is then usually made at the first visit
		 * (whether they come back within 30 days depends on the
		 * weeks drawn). */
		nvis = p->nvisits;
		if (p->second && nvis == 1 && chance(60))
			nvis = 2;
		/* Distinct weeks: a person comes at most once a week. */
		for (weeks = 0; __builtin_popcount(weeks) < (int)nvis;)
			weeks |= 1u << below(NWEEKS);
		key_advice = below(nvis);
		key_second = p->second && nvis > 1 && chance(75) ? 0 :
		    below(nvis);
		for (w = 0, j = 0; w < NWEEKS; w++) {
			if (!(weeks & (1u << w)))
				continue;
			struct visit_gen *v = &vv[nv++];

			s = p->site;
			if (chance(15))	/* another van stop, same collector */
				s = device_of(s) == 0 ? below(4) : 4 + below(3);
			tv_day_parse(week_mondays[w], &monday);
			v->person = i;
			v->site = s;
			v->day = monday + (int32_t)(s % 5);
			v->first = j == 0;
			v->topics = 1u << (chance(60) ? T_EMPLOY : below(NTOPIC));
			while (chance(40))
				v->topics |= 1u << below(NTOPIC);
			v->outcomes = 0;
			if (p->advice && (j == key_advice || chance(30)))
				v->outcomes |= 1u << O_ADVICE;
			if (p->second && (j == key_second || chance(10)))
				v->outcomes |= 1u << O_SECOND;
			if (chance(25))
				v->outcomes |= 1u << O_ONLINE;
			if (chance(25))
				v->outcomes |= 1u << O_APPT;
			if (chance(20))
				v->outcomes |= 1u << O_REFERRAL;
			j++;
		}
	}
	return nv;
}

static int
visit_cmp(const void *a, const void *b)
{
	const struct visit_gen *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	return x->person < y->person ? -1 : x->person > y->person;
}

static void
name_write(FILE *f, const struct name *nm, int variant)
{
	const char *s;

	switch (variant) {
	case 1:		/* typed without accents, in lower case */
	case 2:		/* ... or in capitals */
		fputc('"', f);
		for (s = nm->plain; *s; s++)
			fputc(variant == 1 ? tolower((unsigned char)*s) :
			    toupper((unsigned char)*s), f);
		fputc('"', f);
		break;
	case 3:		/* stray spaces */
		fprintf(f, "\"  ");
		for (s = nm->display; *s; s++)
			fprintf(f, *s == ' ' ? "   " : "%c", *s);
		fprintf(f, " \"");
		break;
	default:
		fprintf(f, "\"%s\"", nm->display);
	}
}

static void
set_write(FILE *f, unsigned mask, const char *const *ids, unsigned n)
{
	unsigned i, first = 1;

	for (i = 0; i < n; i++)
		if (mask & (1u << i)) {
			fprintf(f, "%s%s", first ? "" : "|", ids[i]);
			first = 0;
		}
}

static void
csv_write_device(const char *path, const struct person *pp,
    const struct visit_gen *vv, unsigned nv, unsigned dev)
{
	FILE *f = fopen(path, "w");
	char day[11], birth[11];
	unsigned i;

	if (f == NULL)
		die("cannot write '%s'", path);
	fprintf(f, "date,site,first_name,last_name,birth_date,gender,age_band,"
	    "topics,outcomes,first_contact\n");
	for (i = 0; i < nv; i++) {
		const struct visit_gen *v = &vv[i];
		const struct person *p = &pp[v->person];

		if (device_of(v->site) != dev)
			continue;
		tv_day_format(day, v->day);
		tv_day_format(birth, p->birth);
		fprintf(f, "%s,%s,", day, site_ids[v->site]);
		name_write(f, &firsts[p->first], v->first ? 0 : (int)below(4));
		fputc(',', f);
		name_write(f, &lasts[p->last], v->first ? 0 : (int)below(4));
		fprintf(f, ",%s,%s,%s,", birth, genders[p->gender],
		    ages[p->age]);
		set_write(f, v->topics, topic_ids, NTOPIC);
		fputc(',', f);
		set_write(f, v->outcomes, outcome_ids, NOUT);
		fprintf(f, ",%s\n", v->first ? "yes" : "no");
	}
	if (fclose(f) != 0)
		die("cannot write '%s'", path);
}

struct tcell {
	unsigned site;		/* 0 = all, else index + 1 */
	enum tv_period kind;
	int32_t pid;
	unsigned records, values[NIND];
};

struct truth {
	struct tcell *cells;
	unsigned ncells, cap;
	unsigned totals[NIND];
};

static struct tcell *
tcell_get(struct truth *t, unsigned site, enum tv_period kind, int32_t pid)
{
	unsigned i;

	for (i = 0; i < t->ncells; i++)
		if (t->cells[i].site == site && t->cells[i].kind == kind &&
		    t->cells[i].pid == pid)
			return &t->cells[i];
	if (t->ncells == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->cells = realloc(t->cells, t->cap * sizeof *t->cells);
		if (t->cells == NULL)
			die("out of memory");
	}
	memset(&t->cells[t->ncells], 0, sizeof *t->cells);
	t->cells[t->ncells].site = site;
	t->cells[t->ncells].kind = kind;
	t->cells[t->ncells].pid = pid;
	return &t->cells[t->ncells++];
}

/* The release hierarchy's rule, written out again here: a week belongs to
 * the month (quarter) holding its Thursday; day 0 was a Thursday. */
static int32_t
thursday(int32_t day)
{
	return day - (day + 3) % 7 + 3;
}

/* What the truth remembers of a person's earlier visits (all on one
 * collector, captured in date order): first day, number, and the days of
 * those with an invitation to a second meeting. */
struct past {
	int32_t first;
	unsigned n, ninvited;
	int32_t invited[MAXVISITS];
};

/* The history indicators, from the person's past, then the visit joins it. */
static void
history_bits(const struct visit_gen *v, struct past *h, uint8_t *seen,
    unsigned b[NIND])
{
	unsigned i, back = 0;

	for (i = 0; i < h->ninvited; i++)
		back |= v->day - h->invited[i] <= 30;
	if (back)
		b[13] = !(seen[4]++);
	if (h->n >= 1)
		b[14] = !(seen[5]++);
	b[15] = h->n >= 1 && v->day - h->first <= 30;
	if (h->n++ == 0)
		h->first = v->day;
	if (v->outcomes & (1u << O_SECOND))
		h->invited[h->ninvited++] = v->day;
}

/* The demo plan's indicators, written out by hand from their definition
 * (people are people here, not pseudonyms). */
static void
visit_bits(const struct visit_gen *v, const struct person *p,
    uint8_t *seen, unsigned *months, struct past *h, unsigned b[NIND])
{
	unsigned month = (unsigned)tv_period_id(TV_PERIOD_MONTH,
	    thursday(v->day)) % 32;

	memset(b, 0, NIND * sizeof *b);
	b[0] = 1;
	b[1] = !(seen[0]++);
	b[2] = !(*months & (1u << month));
	*months |= 1u << month;
	if (v->outcomes & (1u << O_ADVICE))
		b[3] = !(seen[1]++);
	if (v->outcomes & (1u << O_SECOND))
		b[4] = !(seen[2]++);
	b[5] = !!(v->topics & (1u << T_EMPLOY));
	b[6] = !!(v->topics & (1u << T_TRAIN));
	b[7] = !!(v->topics & ((1u << T_HOUSING) | (1u << T_HEALTH)));
	if (p->gender == 0 && p->age == 1 && (v->topics & (1u << T_EMPLOY)))
		b[8] = !(seen[3]++);
	b[9] = !!(v->outcomes & (1u << O_REFERRAL));
	b[10 + p->gender] = 1;
	history_bits(v, h, seen, b);
}

static void
truth_compute(struct truth *t, const struct person *pp, unsigned n,
    const struct visit_gen *vv, unsigned nv)
{
	static const enum tv_period kinds[] = { TV_PERIOD_WEEK,
	    TV_PERIOD_MONTH, TV_PERIOD_QUARTER, TV_PERIOD_CAMPAIGN };
	uint8_t (*seen)[6] = xcalloc(n, 6);
	struct past *past = xcalloc(n, sizeof *past);
	unsigned *months = xcalloc(n, sizeof *months), b[NIND], i, k, s, j;
	struct tcell *c;

	for (i = 0; i < nv; i++) {
		const struct visit_gen *v = &vv[i];

		visit_bits(v, &pp[v->person], seen[v->person],
		    &months[v->person], &past[v->person], b);
		for (j = 0; j < NIND; j++)
			t->totals[j] += b[j];
		for (k = 0; k < 4; k++)
			for (s = 0; s < 2; s++) {
				c = tcell_get(t, s ? v->site + 1 : 0, kinds[k],
				    kinds[k] == TV_PERIOD_CAMPAIGN ? 0 :
				    kinds[k] == TV_PERIOD_WEEK ?
				    tv_period_id(kinds[k], v->day) :
				    tv_period_id(kinds[k], thursday(v->day)));
				c->records++;
				for (j = 0; j < NIND; j++)
					c->values[j] += b[j];
			}
	}
	free(seen);
	free(past);
	free(months);
}

static void
truth_write(const char *path, const struct truth *t)
{
	FILE *f = fopen(path, "w");
	char label[16];
	unsigned i, j;

	if (f == NULL)
		die("cannot write '%s'", path);
	fprintf(f, "site,period,period_label,indicator,value,records\n");
	for (i = 0; i < t->ncells; i++) {
		const struct tcell *c = &t->cells[i];

		tv_period_label(label, c->kind, c->pid);
		for (j = 0; j < NIND; j++)
			fprintf(f, "%s,%s,%s,%s,%u,%u\n", c->site ?
			    site_ids[c->site - 1] : "all",
			    tv_period_name(c->kind), label, indicator_ids[j],
			    c->values[j], c->records);
	}
	if (fclose(f) != 0)
		die("cannot write '%s'", path);
}

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: scenario --out DIR [--seed N] [--demo]\n\n"
	    "Writes DIR/visits-A.csv, DIR/visits-B.csv and DIR/truth.csv for\n"
	    "docs/examples/demo-plan.json.  --demo: the seed article's\n"
	    "126 / 60 / 18.\n");
	exit(code);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "demo", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct person pp[MAXPEOPLE];
	static struct visit_gen vv[MAXPEOPLE * MAXVISITS];
	struct truth t = { 0 };
	const char *out = NULL;
	unsigned long seed = 2021;
	unsigned n, na, ns, nv;
	char path[4096];
	int ch, demo = 0;

	progname = "scenario";
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 's': seed = opt_ulong("--seed", optarg, ~0UL); break;
		case 'd': demo = 1; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (out == NULL || optind != argc)
		usage(2);
	rng_state = seed;
	n = demo ? 126 : 60 + below(200);
	na = demo ? 60 : n * (30 + below(40)) / 100;
	ns = demo ? 18 : n * (5 + below(20)) / 100;
	people_make(pp, n);
	choose(pp, n, na, 0);
	choose(pp, n, ns, 1);
	nv = visits_make(pp, n, vv);
	qsort(vv, nv, sizeof *vv, visit_cmp);
	snprintf(path, sizeof path, "%s/visits-A.csv", out);
	csv_write_device(path, pp, vv, nv, 0);
	snprintf(path, sizeof path, "%s/visits-B.csv", out);
	csv_write_device(path, pp, vv, nv, 1);
	truth_compute(&t, pp, n, vv, nv);
	snprintf(path, sizeof path, "%s/truth.csv", out);
	truth_write(path, &t);
	printf("seed %lu: %u visits, %u people received, %u got immediate "
	    "advice, %u invited to a second meeting\n", seed, t.totals[0],
	    t.totals[1], t.totals[3], t.totals[4]);
	printf("follow-up: %u came back within 30 days of the invitation, "
	    "%u seen twice or more, %u never seen again, %u return visits "
	    "within 30 days of the first\n", t.totals[13], t.totals[14],
	    t.totals[1] - t.totals[14], t.totals[15]);
	free(t.cells);
	return 0;
}
