/* api_attestations.c — the paper side of mandates:
 *   GET /v1/mandates/{id}/attestation     the mandate's PDF (its aidants)
 *   GET /v1/revocations/{id}/attestation  a revocation's PDF (its aidants)
 *   GET /v1/attestations/{hash}           anyone: does this paper match? (no
 *                                         personal data; HTML for browsers) */
#include "ac.h"
#include "routes.h"
#include "attestation_stored.h"
#include "auth.h"
#include "html.h"
#include "mandate.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mandate_of_arg(struct req *r, int64_t *id); /* api_mandates.c */

int api_mandate_attestation(struct req *r)
{
	int64_t id;
	if (mandate_of_arg(r, &id))
		return r->status;
	struct att_stored p;
	unsigned char *pdf;
	size_t len;
	char name[64];
	if (!att_load_mandate(r->db, id, &p))
		return reply_error(r, 404, "not_found", "no such mandate: %s", r->arg);
	if (att_make(&p, &pdf, &len, name))
		return reply_error(r, 500, "internal", "the attestation could not be made");
	return reply_pdf(r, pdf, len, name);
}

int api_revocation_attestation(struct req *r)
{
	int64_t id = ac_text_id(r->arg);
	struct att_stored p;
	unsigned char *pdf;
	size_t len;
	char name[64];
	if (!id || !att_load_revocation(r->db, id, &p) ||
	    !authz_aidant_of(r, p.structure))
		return reply_error(r, 404, "not_found", "no such revocation: %s", r->arg);
	if (att_make(&p, &pdf, &len, name))
		return reply_error(r, 500, "internal", "the attestation could not be made");
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
