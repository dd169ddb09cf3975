/* SPDX-License-Identifier: MIT */
/*
 * The form's own words, in French (the default) and English.  The plan
 * brings the labels of sites, fields and choices in both languages.
 * Strings are HTML-escaped when written, except those marked (html).
 */
#include <string.h>

#include "collector/form.h"
#include "proto/calendar.h"

static const char *const text[TX_COUNT][2] = {
	[TX_LANG_NAME] = { "fr", "en" },
	[TX_OTHER_LANG] = { "English", "Français" },
	[TX_OTHER_HREF] = { "en", "fr" },
	[TX_TITLE] = { "Saisie des visites", "Visit capture" },
	[TX_NEW_VISIT] = { "Nouvelle visite", "New visit" },
	[TX_STATUS] = { "État", "Status" },
	[TX_SIGN_OUT] = { "Se déconnecter", "Sign out" },
	[TX_SIGN_IN] = { "Se connecter", "Sign in" },
	[TX_SIGNIN_HELP] = {
		"Saisissez le code affiché sur l'ordinateur du bus.",
		"Type the code shown on the van's laptop." },
	[TX_CODE] = { "Code de connexion", "Sign-in code" },
	[TX_CODE_WRONG] = {
		"Code incorrect. Vérifiez le code affiché sur l'ordinateur.",
		"Wrong code. Check the code shown on the laptop." },
	[TX_PLACE_DATE] = { "Lieu et date", "Place and date" },
	[TX_SITE] = { "Lieu", "Place" },
	[TX_CHOOSE_SITE] = { "— Choisir le lieu —", "— Choose the place —" },
	[TX_DATE] = { "Date de la visite", "Date of the visit" },
	[TX_PERSON] = { "La personne", "The person" },
	[TX_PERSON_HELP] = {
		"Sert seulement à reconnaître une personne qui revient : "
		"ces informations ne sont jamais enregistrées en clair.",
		"Only used to recognise a person who comes back: these "
		"details are never stored in readable form." },
	[TX_SAVE] = { "Enregistrer la visite", "Record the visit" },
	[TX_CLEAR] = { "Tout effacer", "Clear all" },
	[TX_SAVED] = { "Visite enregistrée.", "Visit recorded." },
	[TX_RECEIPT] = { "Code personnel à remettre à la personne :",
		"Personal code to give to the person:" },
	[TX_RECEIPT_HELP] = {
		"Le même code revient à chaque visite de la même personne.",
		"The same person always gets the same code." },
	[TX_DUP] = {
		"Ce formulaire avait déjà été envoyé : la visite n'est "
		"enregistrée qu'une fois.",
		"This form had already been sent: the visit is recorded "
		"only once." },
	[TX_NOT_SAVED] = { "Visite non enregistrée.", "Visit not recorded." },
	[TX_TO_FIX_1] = { "1 réponse à corriger :", "1 answer to correct:" },
	[TX_TO_FIX_N] = { "%s réponses à corriger :",
		"%s answers to correct:" },
	[TX_STORE_FAILED] = {
		"L'ordinateur n'a pas pu enregistrer la visite. Réessayez ; "
		"si cela recommence, prévenez le responsable.",
		"The laptop could not record the visit. Try again; if it "
		"happens again, tell the person in charge." },
	[TX_YES] = { "Oui", "Yes" },
	[TX_NO] = { "Non", "No" },
	[TX_OPTIONAL] = { "(facultatif)", "(optional)" },
	[TX_SETS_HELP] = { "Plusieurs réponses possibles.",
		"Several answers possible." },
	[TX_E_MISSING] = { "À remplir.", "Required." },
	[TX_E_CHOOSE] = { "Choisissez une réponse.", "Choose an answer." },
	[TX_E_CHOICE] = { "Réponse non reconnue.", "Answer not recognised." },
	[TX_E_PERIOD] = { "Date hors de la campagne (du %s au %s).",
		"Date outside the campaign (%s to %s)." },
	[TX_E_TOOLONG] = { "Trop long.", "Too long." },
	[TX_E_TEXT] = { "Caractères non acceptés.",
		"Characters not accepted." },
	[TX_E_DATE] = {
		"Date non reconnue : écrivez jj/mm/aaaa, par exemple "
		"02/04/1990.",
		"Date not recognised: write yyyy-mm-dd, for example "
		"1990-04-02." },
	[TX_E_DATE_YEAR] = {
		"L'année doit avoir 4 chiffres : écrivez jj/mm/aaaa, par "
		"exemple 02/04/1990.",
		"The year needs 4 digits: write yyyy-mm-dd, for example "
		"1990-04-02." },
	[TX_E_DATE_AMBIG] = {
		"Le jour et le mois peuvent se lire dans les deux sens : "
		"écrivez jj/mm/aaaa, par exemple 02/04/1990.",
		"Day and month can be read both ways: write yyyy-mm-dd, for "
		"example 1990-04-02." },
	[TX_E_DATE_NODAY] = {
		"Cette date n'existe pas : écrivez jj/mm/aaaa, par exemple "
		"02/04/1990.",
		"This date does not exist: write yyyy-mm-dd, for example "
		"1990-04-02." },
	[TX_E_DATE_FUTURE] = { "Cette date est dans le futur.",
		"This date is in the future." },
	[TX_DATE_PATTERN] = { "jj/mm/aaaa", "yyyy-mm-dd" },
	[TX_ST_TITLE] = { "État de la collecte", "Collection status" },
	[TX_ST_TODAY] = { "Visites enregistrées aujourd'hui",
		"Visits recorded today" },
	[TX_ST_PENDING] = { "En attente d'envoi", "Waiting to be sent" },
	[TX_ST_PENDING_HELP] = {
		"%s visite(s) pas encore mises en lot, %s lot(s) "
		"pas encore reçus par le serveur.",
		"%s visit(s) not yet in a batch, %s batch(es) not yet "
		"received by the server." },
	[TX_ST_LAST] = { "Dernier envoi réussi", "Last successful sending" },
	[TX_ST_NEVER] = { "Jamais", "Never" },
	[TX_ST_TOTAL] = { "Visites enregistrées sur cet appareil",
		"Visits recorded on this device" },
	[TX_ST_CAMPAIGN] = { "Campagne", "Campaign" },
	[TX_BACK] = { "Retour au formulaire", "Back to the form" },
	[TX_M_SIGNED_OUT_TEXT] = {
		"Vous n'êtes pas connecté, ou la session a pris fin. Rien "
		"n'a été enregistré.",
		"You are not signed in, or the session ended. Nothing was "
		"recorded." },
	[TX_M_FORBIDDEN] = { "Demande refusée", "Request refused" },
	[TX_M_FORBIDDEN_TEXT] = {
		"Cette demande ne vient pas du formulaire de ce bus. Rien "
		"n'a été enregistré.",
		"This request does not come from this van's form. Nothing "
		"was recorded." },
	[TX_M_NOT_FOUND] = { "Page introuvable", "Page not found" },
	[TX_M_TOO_BIG] = { "Formulaire trop long", "Form too long" },
	[TX_M_BAD_REQUEST] = { "Demande non valide", "Invalid request" },
	[TX_M_METHOD] = { "Méthode non acceptée", "Method not allowed" },
	[TX_M_BAD_TYPE] = { "Format non accepté", "Format not accepted" },
	[TX_M_GENERIC_TEXT] = {
		"Rien n'a été enregistré. Revenez au formulaire.",
		"Nothing was recorded. Go back to the form." },
};

const char *
tx(enum form_lang lang, enum form_text id)
{
	return text[id][lang == LANG_EN];
}

const char *
tx_label(enum form_lang lang, const struct tv_label *l)
{
	if (lang == LANG_EN && l->en != NULL && l->en[0] != 0)
		return l->en;
	return l->fr != NULL ? l->fr : "";
}

void
tx_day(enum form_lang lang, char out[11], int32_t day)
{
	char iso[11];

	tv_day_format(iso, day);
	if (lang == LANG_EN) {
		memcpy(out, iso, sizeof iso);
		return;
	}
	/* YYYY-MM-DD -> DD/MM/YYYY */
	memcpy(out, iso + 8, 2);
	out[2] = '/';
	memcpy(out + 3, iso + 5, 2);
	out[5] = '/';
	memcpy(out + 6, iso, 4);
	out[10] = 0;
}
