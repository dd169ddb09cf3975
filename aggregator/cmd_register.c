/* SPDX-License-Identifier: MIT */
/*
 * aggregator register: the GDPR Art. 30 record of processing activities,
 * generated from the plan (and, with the campaign bundle, its trustees),
 * in French or English, as Markdown or self-contained HTML.  What the plan
 * cannot say (controller, DPO, legal basis) comes from options or is
 * marked "to complete".  Every string from the plan is escaped.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "aggregator/aggregator.h"
#include "aggregator/commands.h"
#include "common/util.h"
#include "crypto/err.h"
#include "proto/calendar.h"
#include "proto/campaign.h"
#include "proto/plan.h"

struct doc {
	FILE *f;
	int html, fr;
	const struct tv_plan *p;
	const struct tv_campaign *c;	/* NULL: a plan before its ceremony */
	const char *controller, *dpo, *processor, *basis;
};

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: aggregator register (--dir DIR | --campaign FILE | "
	    "--plan FILE)\n"
	    "         [--lang fr|en] [--format md|html] [--controller TEXT]\n"
	    "         [--dpo TEXT] [--processor TEXT] [--legal-basis TEXT] "
	    "OUT\n\n"
	    "Writes the GDPR Art. 30 record of processing activities\n"
	    "generated from the evaluation plan: purposes (the indicators),\n"
	    "data subjects, categories of personal data (identity and form\n"
	    "fields, and what becomes of them), recipients, transfers,\n"
	    "retention and the security measures in force.  The plan comes\n"
	    "from the aggregator directory, a campaign bundle (which also\n"
	    "names the trustees) or a plan file.  Controller, DPO, processor\n"
	    "and legal basis are marked 'to complete' unless given.  --format\n"
	    "defaults to html when OUT ends in .html, else md; --lang to en.\n"
	    "OUT '-' is standard output.\n");
	exit(code);
}

#define NUMS(...) ((const unsigned[]){ __VA_ARGS__ })

static const char *
tr(const struct doc *d, const char *en, const char *fr)
{
	return d->fr ? fr : en;
}

static const char *
label(const struct doc *d, const struct tv_label *l)
{
	return d->fr ? l->fr : l->en;
}

/* Plan text, escaped for the output format; newlines become spaces. */
static void
esc(const struct doc *d, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f)
			fputc(' ', d->f);
		else if (d->html && ch == '&')
			fputs("&amp;", d->f);
		else if (d->html && ch == '<')
			fputs("&lt;", d->f);
		else if (d->html && ch == '>')
			fputs("&gt;", d->f);
		else if (d->html && ch == '"')
			fputs("&quot;", d->f);
		else if (d->html && ch == '\'')
			fputs("&#39;", d->f);
		else if (!d->html && strchr("\\`*_[]<>|#~&!", ch))
			fprintf(d->f, "\\%c", ch);
		else
			fputc(ch, d->f);
	}
}

static void
heading(const struct doc *d, int level, const char *en, const char *fr)
{
	if (d->html)
		fprintf(d->f, "<h%d>%s</h%d>\n", level, tr(d, en, fr), level);
	else
		fprintf(d->f, "\n%.*s %s\n\n", level, "####", tr(d, en, fr));
}

/*
 * Fixed text of ours, in the document's language: each "%u" is replaced by
 * the next of nums, and `command` is set as code.  It holds no markup, so
 * it needs no escaping in either format.
 */
static void
textn(const struct doc *d, const char *en, const char *fr,
    const unsigned *nums)
{
	const char *s = tr(d, en, fr);
	int code = 0;

	for (; *s; s++) {
		if (s[0] == '%' && s[1] == 'u') {
			fprintf(d->f, "%u", *nums++);
			s++;
		} else if (*s == '`' && d->html) {
			fputs(code ? "</code>" : "<code>", d->f);
			code = !code;
		} else {
			fputc(*s, d->f);
		}
	}
}

static void
text(const struct doc *d, const char *en, const char *fr)
{
	textn(d, en, fr, NULL);
}

static void
para(const struct doc *d, const char *en, const char *fr)
{
	fputs(d->html ? "<p>" : "", d->f);
	text(d, en, fr);
	fputs(d->html ? "</p>\n" : "\n\n", d->f);
}

static void
list_begin(const struct doc *d)
{
	if (d->html)
		fputs("<ul>\n", d->f);
}

static void
list_end(const struct doc *d)
{
	fputs(d->html ? "</ul>\n" : "\n", d->f);
}

static void
item_begin(const struct doc *d)
{
	fputs(d->html ? "<li>" : "- ", d->f);
}

static void
item_end(const struct doc *d)
{
	fputs(d->html ? "</li>\n" : "\n", d->f);
}

static void
item(const struct doc *d, const char *en, const char *fr)
{
	item_begin(d);
	text(d, en, fr);
	item_end(d);
}

static void
strong(const struct doc *d, const char *text)
{
	fprintf(d->f, d->html ? "<strong>%s</strong>" : "**%s**", text);
}

/* "Key: value" where value is given text (escaped) or "to complete". */
static void
field(const struct doc *d, const char *en, const char *fr, const char *val)
{
	item_begin(d);
	strong(d, tr(d, en, fr));
	fputs(d->fr ? " : " : ": ", d->f);
	if (val != NULL)
		esc(d, val);
	else
		fprintf(d->f, d->html ? "<mark>%s</mark>" : "*%s*",
		    tr(d, "to complete", "à compléter"));
	item_end(d);
}

static void
doc_begin(const struct doc *d)
{
	if (d->html) {
		fprintf(d->f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n<title>%s — ", d->fr ? "fr" :
		    "en", tr(d, "Record of processing", "Registre des "
		    "traitements"));
		esc(d, label(d, &d->p->title));
		fputs("</title>\n<style>body{font-family:sans-serif;"
		    "max-width:52em;margin:2em auto;line-height:1.4}"
		    "mark{background:#fe6}code{background:#eee}</style>\n"
		    "</head>\n<body>\n", d->f);
	}
	heading(d, 1, "Record of processing activities (GDPR Art. 30)",
	    "Registre des activités de traitement (RGPD, art. 30)");
}

static void
doc_end(const struct doc *d)
{
	if (d->html)
		fputs("</body>\n</html>\n", d->f);
}

static void
section_identity(const struct doc *d)
{
	const struct tv_plan *p = d->p;
	char a[11], b[11], now[11], hex[65];
	uint8_t h[32];

	tv_day_format(a, p->start_day);
	tv_day_format(b, p->end_day);
	tv_day_format(now, (int32_t)(time(NULL) / 86400));
	list_begin(d);
	field(d, "Processing", "Traitement", label(d, &p->title));
	field(d, "Campaign", "Campagne", p->campaign);
	item_begin(d);
	strong(d, tr(d, "Period", "Période"));
	fprintf(d->f, "%s %s %s %s", d->fr ? " : du" : ": from", a,
	    tr(d, "to", "au"), b);
	item_end(d);
	if (d->c != NULL) {
		hex_encode(hex, d->c->id, 32);
		field(d, "Campaign id (hash of the signed plan and keys)",
		    "Identifiant de campagne (empreinte du plan signé et des "
		    "clés)", hex);
	} else {
		crypto_generichash(h, 32, (const uint8_t *)p->canonical,
		    p->canonical_len, NULL, 0);
		hex_encode(hex, h, 32);
		field(d, "Plan (BLAKE2b-256 of its canonical bytes)",
		    "Plan (BLAKE2b-256 de ses octets canoniques)", hex);
	}
	field(d, "Generated on", "Établi le", now);
	list_end(d);
	heading(d, 2, "1. Controller and contacts (Art. 30(1)(a))",
	    "1. Responsable du traitement et contacts (art. 30.1.a)");
	list_begin(d);
	field(d, "Controller", "Responsable du traitement", d->controller);
	field(d, "Data protection officer", "Délégué à la protection des "
	    "données", d->dpo);
	field(d, "Processor (hosting of the aggregator)", "Sous-traitant "
	    "(hébergement de l'agrégateur)", d->processor);
	list_end(d);
}

static const char *
distinct_text(const struct doc *d, const struct tv_indicator *ind)
{
	switch (ind->distinct) {
	case TV_PERIOD_NONE: return tr(d, "visits", "passages");
	case TV_PERIOD_WEEK: return tr(d, "distinct people per week",
	    "personnes distinctes par semaine");
	case TV_PERIOD_MONTH: return tr(d, "distinct people per month",
	    "personnes distinctes par mois");
	case TV_PERIOD_QUARTER: return tr(d, "distinct people per quarter",
	    "personnes distinctes par trimestre");
	case TV_PERIOD_YEAR: return tr(d, "distinct people per year",
	    "personnes distinctes par an");
	default: return tr(d, "distinct people over the campaign",
	    "personnes distinctes sur la campagne");
	}
}

static void
section_purposes(const struct doc *d)
{
	const struct tv_plan *p = d->p;
	uint32_t i;

	heading(d, 2, "2. Purposes (Art. 30(1)(b))", "2. Finalités "
	    "(art. 30.1.b)");
	fputs(d->html ? "<p>" : "", d->f);
	text(d, "Evaluation of ", "Évaluation de : ");
	esc(d, label(d, &p->title));
	text(d, ". The evaluation counts, by site and by week, month "
	    "and whole campaign, the following indicators, and nothing "
	    "else:", ". L'évaluation dénombre, par site et par semaine, mois "
	    "et sur toute la campagne, les indicateurs suivants, et rien "
	    "d'autre :");
	fputs(d->html ? "</p>\n" : "\n\n", d->f);
	list_begin(d);
	for (i = 0; i < p->nindicators; i++) {
		item_begin(d);
		esc(d, label(d, &p->indicators[i].label));
		fprintf(d->f, " (%s%s%s)", distinct_text(d,
		    &p->indicators[i]), p->indicators[i].distinct !=
		    TV_PERIOD_NONE && p->indicators[i].scope == TV_SCOPE_SITE ?
		    tr(d, ", per site", ", par site") : "",
		    tv_pred_has_history(&p->indicators[i].when) ? tr(d,
		    ", from the person's earlier visits", ", d'après les "
		    "venues précédentes de la personne") : "");
		item_end(d);
	}
	list_end(d);
	list_begin(d);
	field(d, "Legal basis (Art. 6)", "Base légale (art. 6)", d->basis);
	list_end(d);
}

static void
section_subjects(const struct doc *d)
{
	const struct tv_plan *p = d->p;
	uint32_t i;

	heading(d, 2, "3. Categories of data subjects (Art. 30(1)(c))",
	    "3. Catégories de personnes concernées (art. 30.1.c)");
	para(d, "People who visit the outreach service, without appointment, "
	    "at its sites:", "Les personnes reçues par le service itinérant, "
	    "sans rendez-vous, sur ses lieux de stationnement :");
	list_begin(d);
	for (i = 0; i < p->nsites; i++) {
		item_begin(d);
		esc(d, label(d, &p->sites[i].label));
		item_end(d);
	}
	list_end(d);
}

static void
choices_list(const struct doc *d, const struct tv_field *f)
{
	uint32_t j;

	if (f->type == TV_FIELD_BOOL) {
		text(d, " (yes / no)", " (oui / non)");
		return;
	}
	fputs(" (", d->f);
	for (j = 0; j < f->nchoices; j++) {
		if (j > 0)
			fputs(d->fr ? " ; " : "; ", d->f);
		esc(d, label(d, &f->choices[j].label));
	}
	fputs(f->type == TV_FIELD_SET ? tr(d, "; several possible)",
	    " ; plusieurs possibles)") : ")", d->f);
}

static void
section_data(const struct doc *d)
{
	const struct tv_plan *p = d->p;
	uint32_t i;

	heading(d, 2, "4. Categories of personal data (Art. 30(1)(c))",
	    "4. Catégories de données personnelles (art. 30.1.c)");
	heading(d, 3, "4.1 Identity", "4.1 Identité");
	para(d, "Typed on the collector during the visit and used only there, "
	    "in protected memory, to compute a keyed pseudonym (BLAKE2b with a "
	    "key of that device) after normalisation. They are never stored "
	    "nor transmitted; the pseudonym is not stored either.",
	    "Saisies sur le collecteur pendant la visite et utilisées "
	    "seulement là, en mémoire protégée, pour calculer un pseudonyme à "
	    "clé (BLAKE2b avec une clé propre à l'appareil) après "
	    "normalisation. Elles ne sont ni conservées ni transmises ; le "
	    "pseudonyme non plus.");
	list_begin(d);
	for (i = 0; i < p->nidentity; i++) {
		item_begin(d);
		esc(d, label(d, &p->identity[i].label));
		item_end(d);
	}
	list_end(d);
	heading(d, 3, "4.2 Visit form", "4.2 Formulaire de visite");
	para(d, "Answered on the collector and evaluated there into the "
	    "indicator bits of section 2; the answers themselves are never "
	    "stored nor transmitted. Only the indicator bits leave the device, "
	    "each encrypted.", "Renseigné sur le collecteur et traduit là en "
	    "indicateurs (section 2) ; les réponses elles-mêmes ne sont ni "
	    "conservées ni transmises. Seuls les indicateurs quittent "
	    "l'appareil, chacun chiffré.");
	list_begin(d);
	for (i = 0; i < p->nfields; i++) {
		item_begin(d);
		esc(d, label(d, &p->fields[i].label));
		choices_list(d, &p->fields[i]);
		item_end(d);
	}
	list_end(d);
}

static void
section_kept(const struct doc *d)
{
	heading(d, 3, "4.3 What is kept", "4.3 Ce qui est conservé");
	list_begin(d);
	item(d, "On the collector and the aggregator, per visit: a random "
	    "record number, the site, the day and the encrypted indicators "
	    "(with proofs that each is 0 or 1). No identifier of the person.",
	    "Sur le collecteur et l'agrégateur, par visite : un numéro "
	    "aléatoire, le site, le jour et les indicateurs chiffrés (avec des "
	    "preuves que chacun vaut 0 ou 1). Aucun identifiant de la "
	    "personne.");
	item(d, "On the collector only, for indicators that count distinct "
	    "people: keyed tags meaning \"already counted for this indicator "
	    "in this period\", each with an expiry day. Without the device's "
	    "key a tag cannot be linked to a person.", "Sur le collecteur "
	    "seulement, pour les indicateurs qui comptent des personnes "
	    "distinctes : des marques à clé signifiant « déjà comptée pour cet "
	    "indicateur sur cette période », chacune avec une date "
	    "d'expiration. Sans la clé de l'appareil, une marque ne peut être "
	    "reliée à personne.");
	if (d->p->history_scopes != 0)
		item(d, "On the collector only, for the indicators computed "
		    "from a person's earlier visits: per person (and per site "
		    "where the plan says so), a sealed history of the date of "
		    "first contact and of at most 32 recent visits, each with "
		    "whether it met the conditions the plan follows (no other "
		    "answer). It never leaves the device.", "Sur le collecteur "
		    "seulement, pour les indicateurs calculés d'après les venues "
		    "précédentes d'une personne : par personne (et par site si "
		    "le plan le demande), un historique scellé de la date de "
		    "première venue et d'au plus 32 venues récentes, chacune "
		    "avec le fait qu'elle remplissait ou non les conditions que "
		    "le plan suit (aucune autre réponse). Il ne quitte jamais "
		    "l'appareil.");
	item(d, "Given to the person on request: a receipt code derived from "
	    "the pseudonym, for access and erasure requests (Art. 11(2)).",
	    "Remis à la personne si elle le souhaite : un code de reçu dérivé "
	    "du pseudonyme, pour ses demandes d'accès et d'effacement "
	    "(art. 11.2).");
	list_end(d);
	para(d, "To assess by the DPO: some answers may reveal special "
	    "categories of data (Art. 9), e.g. health; they never leave the "
	    "device in clear and are released only as counts.", "À apprécier "
	    "par le DPO : certaines réponses peuvent révéler des catégories "
	    "particulières de données (art. 9), par exemple la santé ; elles "
	    "ne quittent jamais l'appareil en clair et ne sont publiées qu'en "
	    "effectifs.");
}

static void
section_recipients(const struct doc *d)
{
	const struct tv_policy *pol = &d->p->policy;
	uint32_t i;

	heading(d, 2, "5. Recipients (Art. 30(1)(d))", "5. Destinataires "
	    "(art. 30.1.d)");
	list_begin(d);
	item_begin(d);
	textn(d, "Evaluators: aggregates only, by site and "
	    "period; a cell of fewer than %u visits is never decrypted and "
	    "is published as suppressed.", "Évaluateurs : des agrégats "
	    "seulement, par site et période ; une case de moins de %u "
	    "passages n'est jamais déchiffrée et est publiée comme masquée.",
	    NUMS(pol->min_cohort));
	item_end(d);
	item_begin(d);
	if (d->c != NULL) {
		textn(d, "Trustees (%u of %u needed to decrypt): ",
		    "Dépositaires de clés (%u sur %u nécessaires pour "
		    "déchiffrer) : ", NUMS(d->c->t, d->c->n));
		for (i = 0; i < d->c->n; i++) {
			if (i > 0)
				fputs(", ", d->f);
			esc(d, d->c->trustees[i].name);
		}
		text(d, ". They receive the encrypted batches and decrypt "
		    "only released sums.", ". Ils reçoivent les lots chiffrés "
		    "et ne déchiffrent que les sommes publiées.");
	} else {
		text(d, "Trustees: named at the key ceremony; they decrypt "
		    "only released sums.", "Dépositaires de clés : désignés "
		    "lors de la cérémonie des clés ; ils ne déchiffrent que "
		    "les sommes publiées.");
	}
	item_end(d);
	item(d, "Operator of the aggregator server: encrypted records only; "
	    "it can learn the number of visits per site and day, never an "
	    "answer or an indicator.", "Opérateur du serveur d'agrégation : "
	    "des enregistrements chiffrés seulement ; il peut connaître le "
	    "nombre de passages par site et par jour, jamais une réponse ni "
	    "un indicateur.");
	list_end(d);
	heading(d, 2, "6. Transfers outside the EU (Art. 30(1)(e))",
	    "6. Transferts hors de l'UE (art. 30.1.e)");
	para(d, "None.", "Aucun.");
}

static void
section_retention(const struct doc *d)
{
	unsigned r = d->p->policy.retention_days;

	heading(d, 2, "7. Retention (Art. 30(1)(f))", "7. Durées de "
	    "conservation (art. 30.1.f)");
	list_begin(d);
	item_begin(d);
	textn(d, "Retention period: %u days.", "Durée de "
	    "conservation : %u jours.", NUMS(r));
	item_end(d);
	item_begin(d);
	textn(d, "Collector: each distinct-person tag expires %u "
	    "days after the end of its period; batches acknowledged by the "
	    "aggregator are deleted once all their visits are more than %u "
	    "days old (`collector purge`). A batch not yet "
	    "delivered is never deleted.", "Collecteur : chaque marque de "
	    "personne distincte expire %u jours après la fin de sa période ; "
	    "les lots dont l'agrégateur a accusé réception sont effacés quand "
	    "toutes leurs visites ont plus de %u jours (`collector "
	    "purge`). Un lot non encore livré n'est jamais effacé.",
	    NUMS(r, r));
	item_end(d);
	item_begin(d);
	textn(d, "Aggregator: after the final release, the signed "
	    "batches and per-visit data whose visits are all more than %u days "
	    "old are deleted (`aggregator purge`); the encrypted "
	    "sums per site and day and the published aggregates are kept.",
	    "Agrégateur : après la publication finale, les lots signés et les "
	    "données par visite dont toutes les visites ont plus de %u jours "
	    "sont effacés (`aggregator purge`) ; les sommes "
	    "chiffrées par site et par jour et les agrégats publiés sont "
	    "conservés.", NUMS(r));
	item_end(d);
	if (d->p->history_scopes != 0) {
		item_begin(d);
		textn(d, "Collector: each visit history expires %u days after "
		    "the end of the campaign, or sooner when the plan's "
		    "conditions look back only a few days (`collector purge`; "
		    "docs/formats.md Part I §1.9b).", "Collecteur : chaque "
		    "historique de venues expire %u jours après la fin de la "
		    "campagne, ou plus tôt quand les conditions du plan ne "
		    "regardent que quelques jours en arrière (`collector "
		    "purge`).", NUMS(r));
		item_end(d);
	}
	item(d, "On request of a person (with their identity, on the "
	    "collector that recorded them): their distinct-person tags and "
	    "visit history are erased (`collector erase`).", "À la demande "
	    "d'une personne (avec son identité, sur le collecteur qui l'a "
	    "enregistrée) : ses marques de personne distincte et son "
	    "historique de venues sont effacés (`collector erase`).");
	item(d, "The audit log holds no personal data and is kept for "
	    "accountability.", "Le journal d'audit ne contient aucune donnée "
	    "personnelle et est conservé pour la traçabilité.");
	list_end(d);
}

/* Noise under encryption and its privacy budget, when the plan asks. */
static void
noise_item(const struct doc *d)
{
	const struct tv_noise_policy *n = &d->p->policy.noise;
	int gauss = n->mech == TV_NOISE_GAUSSIAN;

	if (n->mech == TV_NOISE_NONE)
		return;
	item_begin(d);
	if (gauss)
		text(d, "Noise: each trustee adds discrete Gaussian noise of "
		    "variance ", "Bruit : chaque dépositaire ajoute un bruit "
		    "gaussien discret de variance ");
	else
		text(d, "Noise: each trustee adds discrete Laplace noise of "
		    "scale ", "Bruit : chaque dépositaire ajoute un bruit de "
		    "Laplace discret d'échelle ");
	fprintf(d->f, "%llu/%llu", (unsigned long long)n->num,
	    (unsigned long long)n->den);
	text(d, " to every released value, under encryption, before "
	    "decryption (integer-only samplers); each trustee's ledger "
	    "charges every release to a privacy budget capped at ", " à "
	    "chaque valeur publiée, sous chiffrement, avant déchiffrement "
	    "(tirages en entiers) ; le registre de chaque dépositaire impute "
	    "chaque publication sur un budget de confidentialité plafonné à ");
	fprintf(d->f, "%s = %llu/%llu", gauss ? "ρ (zCDP)" : "ε",
	    (unsigned long long)n->cap_num, (unsigned long long)n->cap_den);
	text(d, " and refuses a release beyond it.", " et refuse toute "
	    "publication au-delà.");
	item_end(d);
}

static void
section_security(const struct doc *d)
{
	const struct tv_plan *p = d->p;

	heading(d, 2, "8. Security measures (Art. 30(1)(g), Art. 32)",
	    "8. Mesures de sécurité (art. 30.1.g, art. 32)");
	list_begin(d);
	item(d, "Pseudonymisation and encryption at source: identities never "
	    "leave the typing memory; each indicator is encrypted on the "
	    "device (additively homomorphic ElGamal on ristretto255).",
	    "Pseudonymisation et chiffrement à la source : l'identité ne "
	    "quitte pas la mémoire de saisie ; chaque indicateur est chiffré "
	    "sur l'appareil (ElGamal additif sur ristretto255).");
	if (p->proofs)
		item(d, "Zero-knowledge proofs that each encrypted indicator "
		    "is 0 or 1, checked at ingest and by every trustee.",
		    "Preuves à divulgation nulle que chaque indicateur chiffré "
		    "vaut 0 ou 1, vérifiées à la réception et par chaque "
		    "dépositaire.");
	item(d, "Keys at rest sealed under a passphrase (Argon2id, "
	    "XSalsa20-Poly1305), files of mode 0600; secrets never on the "
	    "command line; no core dumps.", "Clés au repos scellées sous "
	    "phrase de passe (Argon2id, XSalsa20-Poly1305), fichiers en mode "
	    "0600 ; aucun secret en ligne de commande ; pas de vidage "
	    "mémoire.");
	item(d, "Batches signed by each enrolled device (Ed25519), checked "
	    "before decompression; a device counts only with a certificate "
	    "signed by the threshold of trustees (sites, days); revoked "
	    "devices refused.", "Lots signés par chaque appareil enrôlé "
	    "(Ed25519), vérifiés avant décompression ; un appareil ne compte "
	    "qu'avec un certificat signé par le seuil de dépositaires "
	    "(sites, jours) ; appareils révoqués refusés.");
	item_begin(d);
	if (d->c != NULL)
		textn(d, "Threshold decryption: %u of %u trustees "
		    "are needed; each recomputes every sum from the signed "
		    "batches before decrypting, with proofs anyone can verify.",
		    "Déchiffrement à seuil : %u dépositaires sur %u sont "
		    "nécessaires ; chacun recalcule chaque somme à partir des "
		    "lots signés avant de déchiffrer, avec des preuves "
		    "vérifiables par tous.", NUMS(d->c->t, d->c->n));
	else
		text(d, "Threshold decryption: t of n trustees are needed "
		    "(set at the key ceremony).", "Déchiffrement à seuil : t "
		    "dépositaires sur n sont nécessaires (fixé lors de la "
		    "cérémonie des clés).");
	item_end(d);
	item_begin(d);
	textn(d, "Disclosure control: minimum cohort of %u visits "
	    "per released cell", "Contrôle de la divulgation : effectif "
	    "minimal de %u passages par case publiée",
	    NUMS(p->policy.min_cohort));
	if (p->policy.min_cell > 0)
		textn(d, ", values under %u suppressed", ", valeurs "
		    "inférieures à %u masquées", NUMS(p->policy.min_cell));
	if (p->policy.noise.mech == TV_NOISE_NONE)
		text(d, "; secondary suppression against recovery by "
		    "differences across the hierarchy and between releases",
		    " ; masquage secondaire contre la reconstitution par "
		    "différence dans la hiérarchie et entre publications");
	text(d, "; only closed periods are released, each once.", " ; seules "
	    "les périodes closes sont publiées, une seule fois.");
	item_end(d);
	noise_item(d);
	item(d, "Hash-chained audit log of enrolments, ingests, releases and "
	    "purges, with a verifier (`aggregator audit verify`).",
	    "Journal d'audit chaîné par empreintes des enrôlements, "
	    "réceptions, publications et purges, avec un vérificateur "
	    "(`aggregator audit verify`).");
	list_end(d);
}

static void
register_write(struct doc *d)
{
	doc_begin(d);
	section_identity(d);
	section_purposes(d);
	section_subjects(d);
	section_data(d);
	section_kept(d);
	section_recipients(d);
	section_retention(d);
	section_security(d);
	doc_end(d);
}

struct register_opts {
	const char *dir, *campaign, *plan, *out, *lang, *format;
};

static void
opts_parse(struct register_opts *o, struct doc *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "campaign", required_argument, NULL, 'c' },
		{ "plan", required_argument, NULL, 'p' },
		{ "lang", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "controller", required_argument, NULL, 'C' },
		{ "dpo", required_argument, NULL, 'D' },
		{ "processor", required_argument, NULL, 'P' },
		{ "legal-basis", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': o->dir = optarg; break;
		case 'c': o->campaign = optarg; break;
		case 'p': o->plan = optarg; break;
		case 'l': o->lang = optarg; break;
		case 'f': o->format = optarg; break;
		case 'C': d->controller = optarg; break;
		case 'D': d->dpo = optarg; break;
		case 'P': d->processor = optarg; break;
		case 'B': d->basis = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (optind + 1 != argc || !!o->dir + !!o->campaign + !!o->plan != 1)
		usage(2);
	o->out = argv[optind];
	if (o->lang && strcmp(o->lang, "fr") && strcmp(o->lang, "en"))
		die("--lang: fr or en");
	if (o->format && strcmp(o->format, "md") && strcmp(o->format, "html"))
		die("--format: md or html");
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static void
source_load(const struct register_opts *o, struct doc *d,
    struct tv_campaign **c, struct tv_plan **p)
{
	char err[512], path[4096];
	int rc;

	if (o->plan != NULL) {
		if ((rc = tv_plan_load(p, o->plan, err, sizeof err)) != 0)
			die_err(rc, "%s", err);
		d->p = *p;
		return;
	}
	if (o->dir != NULL)
		snprintf(path, sizeof path, "%s/campaign.json", o->dir);
	if ((rc = tv_campaign_load(c, o->dir ? path : o->campaign, err,
	    sizeof err)) != 0)
		die_err(rc, "%s", err);
	d->c = *c;
	d->p = (*c)->plan;
}

int
cmd_register(int argc, char **argv)
{
	struct register_opts o = { 0 };
	struct doc d = { 0 };
	struct tv_campaign *c = NULL;
	struct tv_plan *p = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	opts_parse(&o, &d, argc, argv);
	d.fr = o.lang && !strcmp(o.lang, "fr");
	d.html = o.format ? !strcmp(o.format, "html") :
	    ends_with(o.out, ".html") || ends_with(o.out, ".htm");
	source_load(&o, &d, &c, &p);
	if ((d.f = open_memstream(&buf, &len)) == NULL)
		die("out of memory");
	register_write(&d);
	if (fclose(d.f) != 0)
		die("out of memory");
	if (!strcmp(o.out, "-"))
		rc = fwrite(buf, 1, len, stdout) == len ? 0 : TV_ERR_IO;
	else
		rc = file_write_atomic(o.out, buf, len, 0);
	free(buf);
	tv_campaign_free(c);
	tv_plan_free(p);
	if (rc != 0)
		die("cannot write '%s': %s", o.out, tv_strerror(rc));
	if (strcmp(o.out, "-"))
		note("record of processing written to %s", o.out);
	return 0;
}
