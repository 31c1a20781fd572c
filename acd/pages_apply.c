/* pages_apply.c — the public form of a structure's application:
 *   GET  /habilitation   the form (no JavaScript: "add rows" is a submit
 *                        button that shows the same form with more rows)
 *   POST /habilitation   (CSRF-checked) more rows, or the application checked
 *                        as ac-structure-apply's JSON, made a draft, and the
 *                        applicant's confirmation link mailed
 * The confirmation and the edit link: pages_apply_link.c. */
#include "routes.h"
#include "application.h"
#include "mail.h"
#include "pages_apply.h"
#include "ac.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORM_ROWS 3 /* aidants' rows shown at first */
#define MORE_ROWS 5

static const char *const type_labels[] = { "CCAS", "France services", "Association", "Mairie",
					   "Conseil départemental", "Autre", NULL };

static const char *const declaration_labels[] = {
	"J'accepte les conditions générales d'utilisation d'Aidants Connect.",
	"Le service rendu aux usagers par les aidants de la structure est gratuit.",
	"La structure a désigné un délégué à la protection des données (DPO).",
	"Les aidants à habiliter sont des professionnels (salariés ou agents), pas des bénévoles.",
	"Aucun des aidants à habiliter n'est un élu.",
};

/* One labelled text input: name, label, type, the value, autocomplete. */
static void input(struct page *p, const char *name, const char *label, const char *type,
		  const char *value, const char *extra)
{
	page_raw(p, "<div class=\"field\"><label for=\"%s\">", name);
	page_text(p, label);
	page_raw(p, "</label><input type=\"%s\" id=\"%s\" name=\"%s\" value=\"", type, name, name);
	page_text(p, value);
	page_raw(p, "\"%s%s></div>\n", *extra ? " " : "", extra);
}

static void person(struct page *p, const char *prefix, json_t *o, int profession)
{
	char name[64];
	static const char *const keys[] = { "first_name", "last_name", "email", "profession" };
	static const char *const labels[] = { "Prénom", "Nom", "Adresse électronique", "Profession" };
	static const char *const complete[] = { "autocomplete=\"given-name\"",
						"autocomplete=\"family-name\"", "autocomplete=\"email\"",
						"autocomplete=\"organization-title\"" };
	for (int i = 0; i < (profession ? 4 : 3); i++) {
		snprintf(name, sizeof name, "%s_%s", prefix, keys[i]);
		char extra[120];
		snprintf(extra, sizeof extra, "required %s", strcmp(prefix, "applicant") ? "" : complete[i]);
		input(p, name, labels[i], i == 2 ? "email" : "text", jstr(o, keys[i], ""), extra);
	}
}

/* The aidants' rows: optional one by one (an empty row is skipped). */
static void aidant_rows(struct page *p, json_t *list, int rows)
{
	static const char *const keys[] = { "first_name", "last_name", "email", "profession" };
	static const char *const labels[] = { "Prénom", "Nom", "Adresse électronique", "Profession" };
	for (int i = 0; i < rows; i++) {
		json_t *a = json_array_get(list, (size_t)i);
		page_raw(p, "<div class=\"person\"><h3>Aidant n° %d</h3>\n", i + 1);
		for (int k = 0; k < 4; k++) {
			page_raw(p, "<div><label for=\"aidant%d_%s\">%s<span class=\"sr\">, aidant n° %d"
				 "</span></label><input type=\"%s\" id=\"aidant%d_%s\" name=\"aidant%d_%s\" "
				 "value=\"", i, keys[k], labels[k], i + 1, k == 2 ? "email" : "text", i,
				 keys[k], i, keys[k]);
			page_text(p, jstr(a, keys[k], ""));
			page_raw(p, "\"></div>\n");
		}
		page_raw(p, "</div>\n");
	}
}

void apply_form(struct page *p, json_t *app, int rows, const char *action, const char *csrf,
		const char *error, const char *message)
{
	json_t *s = json_object_get(app, "structure"), *re = json_object_get(app, "referent"),
	       *de = json_object_get(app, "declarations");
	if (message) {
		page_raw(p, "<div class=\"notice\"><p><strong>L'ANCT vous demande de compléter la demande "
			    ":</strong></p><p>");
		page_text(p, message);
		page_raw(p, "</p></div>\n");
	}
	if (error) {
		page_raw(p, "<p class=\"error\" id=\"form-error\" role=\"alert\">");
		page_text(p, error);
		page_raw(p, "</p>\n");
	}
	page_raw(p, "<form method=\"post\" action=\"%s\"%s>\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
		    "<input type=\"hidden\" name=\"rows\" value=\"%d\">\n"
		    "<fieldset><legend>Vous, qui faites la demande</legend>\n"
		    "<p class=\"help\">Un lien vous sera envoyé à cette adresse pour confirmer la "
		    "demande.</p>\n", action, error ? " aria-describedby=\"form-error\"" : "", csrf, rows);
	person(p, "applicant", json_object_get(app, "applicant"), 0);
	page_raw(p, "</fieldset>\n<fieldset><legend>La structure</legend>\n");
	input(p, "siret", "SIRET (14 chiffres)", "text", jstr(s, "siret", ""),
	      "required inputmode=\"numeric\" maxlength=\"20\" aria-describedby=\"siret-help\"");
	page_raw(p, "<p class=\"help\" id=\"siret-help\">Le numéro figure sur l'avis de situation au "
		    "répertoire SIRENE.</p>\n");
	input(p, "name", "Nom de la structure", "text", jstr(s, "name", ""), "required");
	page_raw(p, "<div class=\"field\"><label for=\"type\">Type de structure</label>"
		    "<select id=\"type\" name=\"type\" required>\n");
	for (int i = 0; ac_structure_types[i]; i++)
		page_raw(p, "<option value=\"%s\"%s>%s</option>\n", ac_structure_types[i],
			 !strcmp(jstr(s, "type", ""), ac_structure_types[i]) ? " selected" : "",
			 type_labels[i]);
	page_raw(p, "</select></div>\n");
	input(p, "address", "Adresse", "text", jstr(s, "address", ""),
	      "required autocomplete=\"street-address\"");
	input(p, "zipcode", "Code postal", "text", jstr(s, "zipcode", ""),
	      "required inputmode=\"numeric\" maxlength=\"5\" autocomplete=\"postal-code\"");
	input(p, "city", "Commune", "text", jstr(s, "city", ""), "required");
	page_raw(p, "</fieldset>\n<fieldset><legend>Son référent</legend>\n"
		    "<p class=\"help\">La personne qui suivra les aidants de la structure.</p>\n");
	person(p, "referent", re, 1);
	page_raw(p, "<div class=\"check\"><input type=\"checkbox\" id=\"referent_aidant\" "
		    "name=\"referent_aidant\" value=\"1\"%s><label for=\"referent_aidant\">Le référent "
		    "sera aussi aidant (il sera formé comme les autres).</label></div>\n</fieldset>\n"
		    "<fieldset><legend>Les aidants à habiliter</legend>\n"
		    "<p class=\"help\">Une ligne par aidant ; les lignes laissées vides sont ignorées. "
		    "Pour plus de %d aidants, utilisez ac-structure-apply.</p>\n",
		 jbool(re, "aidant", 0) ? " checked" : "", APPLY_FORM_ROWS);
	aidant_rows(p, json_object_get(app, "aidants"), rows);
	if (rows < APPLY_FORM_ROWS)
		page_raw(p, "<p><button type=\"submit\" name=\"action\" value=\"more\" formnovalidate "
			    "class=\"secondary\">Ajouter %d lignes</button></p>\n", MORE_ROWS);
	page_raw(p, "</fieldset>\n<fieldset><legend>Déclarations</legend>\n");
	for (int i = 0; application_declarations[i]; i++) {
		page_raw(p, "<div class=\"check\"><input type=\"checkbox\" id=\"decl_%s\" name=\"decl_%s\" "
			    "value=\"1\" required%s><label for=\"decl_%s\">",
			 application_declarations[i], application_declarations[i],
			 jbool(de, application_declarations[i], 0) ? " checked" : "",
			 application_declarations[i]);
		page_text(p, declaration_labels[i]);
		page_raw(p, "</label></div>\n");
	}
	page_raw(p, "</fieldset>\n<button type=\"submit\" name=\"action\" value=\"send\">Envoyer la "
		    "demande</button>\n</form>\n");
}

#define FIELD_MAX 600 /* a longer value reads as empty: refused by the checks */

/* n bytes of a urlencoded key or value, decoded into out (cap bytes); 0, or
 * -1 when malformed, too long, or holding a NUL. */
static int decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int c = s[i] == '+' ? ' ' : (unsigned char)s[i];
		if (s[i] == '%') {
			if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2]))
				return -1;
			char hex[3] = { s[i + 1], s[i + 2], 0 };
			c = (int)strtol(hex, NULL, 16);
			i += 2;
		}
		if (c == 0 || k + 1 >= cap)
			return -1;
		out[k++] = (char)c;
	}
	out[k] = 0;
	return 0;
}

/* Every field of the posted form once (the first of a name wins), read in
 * one pass: a form of a thousand aidants' rows is not searched per field. */
static json_t *form_table(const char *body)
{
	json_t *kv = json_object();
	char key[64], val[FIELD_MAX + 1];
	for (const char *p = body; *p;) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		if (eq && !decode(p, (size_t)(eq - p), key, sizeof key) && !json_object_get(kv, key))
			json_object_set_new(kv, key, json_string(decode(eq + 1, n - (size_t)(eq + 1 - p), val,
									  sizeof val) ? "" : val));
		p += n + (p[n] == '&');
	}
	return kv;
}

/* A form field as a JSON string ("" when absent or too long). */
static json_t *field(json_t *kv, const char *name)
{
	const char *v = json_string_value(json_object_get(kv, name));
	return json_string(v ? v : "");
}

static json_t *field_bool(json_t *kv, const char *name)
{
	const char *v = json_string_value(json_object_get(kv, name));
	return json_boolean(v && !strcmp(v, "1"));
}

json_t *apply_from_form(const char *body, int *rows, int *more)
{
	char name[64];
	json_t *kv = form_table(body);
	const char *v = json_string_value(json_object_get(kv, "rows"));
	*rows = v ? atoi(v) : FORM_ROWS;
	if (*rows < 1 || *rows > APPLY_AIDANTS_MAX) /* an edit link shows every aidant listed */
		*rows = FORM_ROWS;
	v = json_string_value(json_object_get(kv, "action"));
	*more = v && !strcmp(v, "more");
	json_t *app = json_pack("{s:{s:o,s:o,s:o},s:{s:o,s:o,s:o,s:o,s:o,s:o},s:{s:o,s:o,s:o,s:o,s:o},"
				"s:[],s:{}}",
				"applicant", "email", field(kv, "applicant_email"), "first_name",
				field(kv, "applicant_first_name"), "last_name",
				field(kv, "applicant_last_name"),
				"structure", "siret", field(kv, "siret"), "name", field(kv, "name"),
				"type", field(kv, "type"), "address", field(kv, "address"),
				"zipcode", field(kv, "zipcode"), "city", field(kv, "city"),
				"referent", "email", field(kv, "referent_email"), "first_name",
				field(kv, "referent_first_name"), "last_name",
				field(kv, "referent_last_name"), "profession",
				field(kv, "referent_profession"), "aidant",
				field_bool(kv, "referent_aidant"),
				"aidants", "declarations");
	/* spaces typed in a SIRET or a zipcode are no digits of it */
	json_t *s = json_object_get(app, "structure");
	for (const char *const *k = (const char *const[]){ "siret", "zipcode", NULL }; *k; k++) {
		char d[32] = "";
		size_t n = 0;
		for (const char *c = jstr(s, *k, ""); *c && n + 1 < sizeof d; c++)
			if (*c != ' ')
				d[n++] = *c;
		d[n] = 0;
		json_object_set_new(s, *k, json_string(d));
	}
	json_t *list = json_object_get(app, "aidants");
	static const char *const keys[] = { "email", "first_name", "last_name", "profession" };
	for (int i = 0; i < *rows; i++) {
		json_t *a = json_object();
		int any = 0;
		for (int k = 0; k < 4; k++) {
			snprintf(name, sizeof name, "aidant%d_%s", i, keys[k]);
			json_t *f = field(kv, name);
			any |= *json_string_value(f) != 0;
			json_object_set_new(a, keys[k], f);
		}
		if (any)
			json_array_append_new(list, a);
		else
			json_decref(a);
	}
	json_t *de = json_object_get(app, "declarations");
	for (int i = 0; application_declarations[i]; i++) {
		snprintf(name, sizeof name, "decl_%s", application_declarations[i]);
		json_object_set_new(de, application_declarations[i], field_bool(kv, name));
	}
	if (*more && *rows + MORE_ROWS <= APPLY_FORM_ROWS)
		*rows += MORE_ROWS;
	json_decref(kv);
	return app;
}

static int show(struct req *r, int status, json_t *app, int rows, const char *error)
{
	char browser[33], csrf[65];
	page_browser_id(r, browser);
	page_csrf(browser, "habilitation", csrf);
	struct page p = { 0 };
	page_begin(&p, "Demande d'habilitation");
	page_raw(&p, "<h1>Demande d'habilitation d'une structure</h1>\n"
		     "<p>Votre structure (CCAS, France services, association, mairie...) souhaite que "
		     "ses professionnels aident les usagers dans leurs démarches en ligne avec Aidants "
		     "Connect. Remplissez cette demande : l'ANCT l'examinera une fois votre adresse "
		     "électronique confirmée.</p>\n");
	apply_form(&p, app, rows, "/habilitation", csrf, error, NULL);
	page_end(&p);
	return reply_page(r, status, &p);
}

int page_apply_show(struct req *r)
{
	return show(r, 200, NULL, FORM_ROWS, NULL);
}

int page_apply_post(struct req *r)
{
	char browser[33];
	if (!page_csrf_ok(r, "habilitation", browser))
		return reply_page_error(r, 403, "Demande refusée",
					"Ce formulaire ne vient pas de la page de demande d'habilitation, "
					"ou il a été ouvert dans un autre navigateur. Rouvrez la page "
					"/habilitation et remplissez-la de nouveau.");
	int rows, more;
	json_t *app = apply_from_form(r->body ? r->body : "", &rows, &more);
	struct fail f = { 0 };
	char fr[300];
	int rc;
	if (more)
		rc = show(r, 200, app, rows, NULL);
	else if (application_check(app, &f, fr, sizeof fr))
		rc = show(r, 400, app, rows, fr);
	else if (!mail_configured())
		rc = reply_page_error(r, 503, "Service indisponible",
				      "Les courriels ne peuvent pas être envoyés pour l'instant : la demande "
				      "n'est pas enregistrée. Réessayez plus tard.");
	else {
		int64_t id;
		char err[256] = "";
		if (application_open(r, app, &id, err, sizeof err)) {
			json_decref(app);
			return r->status ? r->status
					 : reply_page_error(r, 500, "Erreur", "La demande n'a pas pu être "
							    "enregistrée : réessayez dans un instant.");
		}
		struct page p = { 0 };
		page_begin(&p, "Vérifiez votre messagerie");
		page_raw(&p, "<h1>Vérifiez votre messagerie</h1>\n");
		if (*err)
			page_raw(&p, "<p class=\"error\" role=\"alert\">Votre demande est enregistrée, mais "
				     "le courriel de confirmation n'a pas pu être envoyé. Refaites la "
				     "demande un peu plus tard.</p>\n");
		else {
			page_raw(&p, "<p class=\"ok\">Votre demande n° %lld est enregistrée. Un courriel "
				     "vient d'être envoyé à <strong>", (long long)id);
			page_text(&p, jstr(json_object_get(app, "applicant"), "email", ""));
			page_raw(&p, "</strong> : ouvrez le lien qu'il contient pour confirmer votre "
				     "adresse et envoyer la demande à l'ANCT.</p>\n<p>Sans confirmation dans "
				     "les 7 jours, la demande est effacée.</p>\n");
		}
		page_end(&p);
		rc = reply_page(r, 200, &p);
	}
	json_decref(app);
	return rc;
}
