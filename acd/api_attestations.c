/* api_attestations.c — the paper side of mandates:
 *   GET /v1/mandates/{id}/attestation     the mandate's PDF (its aidants)
 *   GET /v1/revocations/{id}/attestation  a revocation's PDF (its aidants)
 *   GET /v1/attestations/{hash}           anyone: does this paper match? (no
 *                                         personal data; HTML for browsers) */
#include "routes.h"
#include "attestation.h"
#include "auth.h"
#include "html.h"
#include "log.h"
#include "mandate.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What both attestations print, read from one row of a mandate. */
struct printed {
	char given[256], family[256], birthdate[16], birthplace[16], birthcountry[16];
	char name[256], address[512], zipcode[8], city[256];
	char demarches[DEMARCHES_MAX], duration[16], tpl[32], hash[65];
	int64_t structure, created, expires;
	const char *codes[16];
	size_t ncodes;
	char url[700];
};

static void split_codes(struct printed *p, char *csv)
{
	p->ncodes = 0;
	for (char *s = strtok(csv, ","); s && p->ncodes < 16; s = strtok(NULL, ","))
		p->codes[p->ncodes++] = s;
}

static int load_mandate(store_conn *db, int64_t id, struct printed *p)
{
	static const char q[] =
		"SELECT u.given_name, u.family_name, u.birthdate, u.birthplace, u.birthcountry,"
		" s.name, s.address, s.zipcode, s.city, m.demarches, m.duration, m.template,"
		" m.attestation_hash, m.structure_id, m.created_at, m.expires_at"
		" FROM mandates m JOIN usagers u ON u.id = m.usager_id"
		" JOIN structures s ON s.id = m.structure_id WHERE m.id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_ROW)
		return 0;
	char *dst[] = { p->given, p->family, p->birthdate, p->birthplace, p->birthcountry, p->name,
			p->address, p->zipcode, p->city, p->demarches, p->duration, p->tpl, p->hash };
	size_t cap[] = { sizeof p->given, sizeof p->family, sizeof p->birthdate,
			 sizeof p->birthplace, sizeof p->birthcountry, sizeof p->name,
			 sizeof p->address, sizeof p->zipcode, sizeof p->city, sizeof p->demarches,
			 sizeof p->duration, sizeof p->tpl, sizeof p->hash };
	for (int i = 0; i < 13; i++)
		snprintf(dst[i], cap[i], "%s", store_col_text(st, i));
	p->structure = store_col_int(st, 13);
	p->created = store_col_int(st, 14);
	p->expires = store_col_int(st, 15);
	return 1;
}

static int reply_pdf(struct req *r, unsigned char *pdf, size_t len, const char *name)
{
	char disp[200];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", name);
	reply_header(r, "Content-Disposition", disp);
	reply_bytes(r, 200, "application/pdf", pdf, len);
	free(pdf);
	return 200;
}

int mandate_of_arg(struct req *r, int64_t *id); /* api_mandates.c */

int api_mandate_attestation(struct req *r)
{
	int64_t id;
	if (mandate_of_arg(r, &id))
		return r->status;
	struct printed p;
	if (!load_mandate(r->db, id, &p))
		return reply_error(r, 404, "not_found", "no such mandate: %s", r->arg);
	const struct template *tpl = template_find(p.tpl);
	if (!tpl)
		return reply_error(r, 500, "internal", "unknown template %s", p.tpl);
	snprintf(p.url, sizeof p.url, "%s/v1/attestations/%s", srv.cfg.public_url, p.hash);
	split_codes(&p, p.demarches);
	struct att_mandate a = {
		.tpl = tpl,
		.usager = { p.given, p.family, p.birthdate, p.birthplace, p.birthcountry },
		.structure = { p.name, p.address, p.zipcode, p.city },
		.demarches = p.codes, .ndemarches = p.ncodes, .duration = p.duration,
		.created_at = (time_t)p.created, .expires_at = (time_t)p.expires,
		.hash = p.hash, .verify_url = p.url,
	};
	unsigned char *pdf;
	size_t len;
	char err[256], name[64];
	if (attestation_mandate_pdf(&a, &pdf, &len, err, sizeof err)) {
		log_error("attestation of mandate %lld: %s", (long long)id, err);
		return reply_error(r, 500, "internal", "the attestation could not be made");
	}
	snprintf(name, sizeof name, "mandat-%lld.pdf", (long long)id);
	return reply_pdf(r, pdf, len, name);
}

int api_revocation_attestation(struct req *r)
{
	static const char q[] = "SELECT mandate_id, demarches, whole, revoked_at, template,"
				" attestation_hash FROM revocations WHERE id = $1";
	char *end;
	long long id = strtoll(r->arg, &end, 10);
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, *r->arg && !*end && id > 0 ? id : 0);
	if (store_step(st) != STORE_ROW)
		return reply_error(r, 404, "not_found", "no such revocation: %s", r->arg);
	int64_t mandate = store_col_int(st, 0);
	char which[DEMARCHES_MAX], tname[32], hash[65];
	snprintf(which, sizeof which, "%s", store_col_text(st, 1));
	int whole = (int)store_col_int(st, 2);
	time_t at = (time_t)store_col_int(st, 3);
	snprintf(tname, sizeof tname, "%s", store_col_text(st, 4));
	snprintf(hash, sizeof hash, "%s", store_col_text(st, 5));
	struct printed p;
	if (!load_mandate(r->db, mandate, &p) || !authz_aidant_of(r, p.structure))
		return reply_error(r, 404, "not_found", "no such revocation: %s", r->arg);
	const struct template *tpl = template_find(tname);
	if (!tpl)
		return reply_error(r, 500, "internal", "unknown template %s", tname);
	snprintf(p.url, sizeof p.url, "%s/v1/attestations/%s", srv.cfg.public_url, hash);
	split_codes(&p, which);
	struct att_revocation a = {
		.tpl = tpl,
		.usager = { p.given, p.family, p.birthdate, p.birthplace, p.birthcountry },
		.structure = { p.name, p.address, p.zipcode, p.city },
		.demarches = p.codes, .ndemarches = p.ncodes, .whole = whole,
		.mandate_created_at = (time_t)p.created, .revoked_at = at,
		.hash = hash, .verify_url = p.url,
	};
	unsigned char *pdf;
	size_t len;
	char err[256], name[64];
	if (attestation_revocation_pdf(&a, &pdf, &len, err, sizeof err)) {
		log_error("attestation of revocation %lld: %s", id, err);
		return reply_error(r, 500, "internal", "the attestation could not be made");
	}
	snprintf(name, sizeof name, "revocation-%lld.pdf", id);
	return reply_pdf(r, pdf, len, name);
}

static int html_wanted(struct req *r)
{
	const char *a = req_header(r, "Accept");
	return a && strstr(a, "text/html");
}

static int verify_page(struct req *r, json_t *o)
{
	struct page p = { 0 };
	const char *status = json_string_value(json_object_get(o, "status"));
	const char *kind = json_string_value(json_object_get(o, "kind"));
	page_begin(&p, "Vérification d'une attestation");
	page_raw(&p, "<h1>Vérification d'une attestation</h1>\n");
	if (!status) {
		page_raw(&p, "<p class=\"error\">Cette empreinte ne correspond à aucune attestation "
			     "délivrée par Aidants Connect. Le document a pu être modifié.</p>\n");
	} else {
		page_raw(&p, "<p class=\"ok\">Cette attestation de %s a bien été délivrée par Aidants "
			     "Connect.</p>\n<dl>\n<dt>État du mandat</dt><dd>%s</dd>\n",
			 !strcmp(kind, "mandate") ? "mandat" : "révocation",
			 !strcmp(status, "active") ? "en cours" : !strcmp(status, "expired") ? "expiré"
			 : "révoqué");
		page_raw(&p, "<dt>Signé le</dt><dd>");
		page_text(&p, json_string_value(json_object_get(o, "created_at")));
		page_raw(&p, " (UTC)</dd>\n<dt>Fin prévue</dt><dd>");
		page_text(&p, json_string_value(json_object_get(o, "expires_at")));
		page_raw(&p, " (UTC)</dd>\n</dl>\n");
	}
	page_raw(&p, "<p>Empreinte : <code>");
	page_text(&p, json_string_value(json_object_get(o, "hash")));
	page_raw(&p, "</code></p>\n");
	page_end(&p);
	json_decref(o);
	return reply_page(r, status ? 200 : 404, &p);
}

int api_attestation_verify(struct req *r)
{
	static const char qm[] = "SELECT created_at, expires_at, revoked_at FROM mandates"
				 " WHERE attestation_hash = $1";
	static const char qr[] = "SELECT m.created_at, m.expires_at, m.revoked_at FROM revocations v"
				 " JOIN mandates m ON m.id = v.mandate_id WHERE v.attestation_hash = $1";
	int ok = strlen(r->arg) == 64 && strspn(r->arg, "0123456789abcdef") == 64;
	const char *kind = "mandate";
	store_stmt *st = store_prep(r->db, qm);
	store_bind_text(st, 1, ok ? r->arg : "");
	int found = store_step(st) == STORE_ROW;
	if (!found) {
		kind = "revocation";
		st = store_prep(r->db, qr);
		store_bind_text(st, 1, ok ? r->arg : "");
		found = store_step(st) == STORE_ROW;
	}
	if (!found) {
		if (html_wanted(r))
			return verify_page(r, json_pack("{s:s}", "hash", r->arg));
		return reply_error(r, 404, "not_found", "no attestation has this hash");
	}
	char c[32], e[32];
	iso_time((time_t)store_col_int(st, 0), c);
	iso_time((time_t)store_col_int(st, 1), e);
	const char *status = !store_col_null(st, 2) ? "revoked"
			     : store_col_int(st, 1) <= r->now ? "expired" : "active";
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "hash", r->arg, "kind", kind, "status", status,
			      "created_at", c, "expires_at", e);
	return html_wanted(r) ? verify_page(r, o) : reply_json(r, 200, o);
}
