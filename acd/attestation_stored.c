/* attestation_stored.c — a mandate's or a revocation's attestation made
 * again from its stored fields (the same hash, the same paper). */
#include "attestation_stored.h"
#include "attestation.h"
#include "log.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int att_load_mandate(store_conn *db, int64_t id, struct att_stored *p)
{
	static const char q[] =
		"SELECT u.given_name, u.family_name, u.birthdate, u.birthplace, u.birthcountry,"
		" s.name, s.address, s.zipcode, s.city, m.demarches, m.duration, m.template,"
		" m.attestation_hash, m.structure_id, m.created_at, m.expires_at, m.usager_id,"
		" m.remote, m.no_credentials_kept, m.attestation_email"
		" FROM mandates m JOIN usagers u ON u.id = m.usager_id"
		" JOIN structures s ON s.id = m.structure_id WHERE m.id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_ROW)
		return 0;
	memset(p, 0, sizeof *p);
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
	p->usager = store_col_int(st, 16);
	p->remote = (int)store_col_int(st, 17);
	p->no_credentials_kept = (int)store_col_int(st, 18);
	snprintf(p->attestation_email, sizeof p->attestation_email, "%s", store_col_text(st, 19));
	p->id = p->mandate = id;
	return 1;
}

int att_load_revocation(store_conn *db, int64_t id, struct att_stored *p)
{
	static const char q[] = "SELECT mandate_id, demarches, whole, revoked_at, template,"
				" attestation_hash FROM revocations WHERE id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_ROW)
		return 0;
	/* copied out first: loading the mandate reuses the connection */
	int64_t mandate = store_col_int(st, 0), at = store_col_int(st, 3);
	int whole = (int)store_col_int(st, 2);
	char which[DEMARCHES_MAX], tname[32], hash[65];
	snprintf(which, sizeof which, "%s", store_col_text(st, 1));
	snprintf(tname, sizeof tname, "%s", store_col_text(st, 4));
	snprintf(hash, sizeof hash, "%s", store_col_text(st, 5));
	if (!att_load_mandate(db, mandate, p))
		return 0;
	p->id = id;
	p->revocation = 1;
	p->whole = whole;
	p->revoked_at = at;
	memcpy(p->which, which, sizeof which);
	memcpy(p->rtpl, tname, sizeof tname);
	memcpy(p->rhash, hash, sizeof hash);
	return 1;
}

static size_t split_codes(char *csv, const char *codes[16])
{
	size_t n = 0;
	char *save;
	for (char *s = strtok_r(csv, ",", &save); s && n < 16; s = strtok_r(NULL, ",", &save))
		codes[n++] = s;
	return n;
}

int att_make(struct att_stored *p, unsigned char **pdf, size_t *len, char name[64])
{
	const char *tname = p->revocation ? p->rtpl : p->tpl, *hash = p->revocation ? p->rhash : p->hash;
	const struct template *tpl = template_find(tname);
	if (!tpl) {
		log_error("attestation: unknown template %s", tname);
		return -1;
	}
	char url[700], err[256];
	const char *codes[16];
	snprintf(url, sizeof url, "%s/v1/attestations/%s", srv.cfg.public_url, hash);
	struct att_person who = { p->given, p->family, p->birthdate, p->birthplace, p->birthcountry };
	struct att_structure where = { p->name, p->address, p->zipcode, p->city };
	int rc;
	if (p->revocation) {
		struct att_revocation a = {
			.tpl = tpl, .usager = who, .structure = where,
			.demarches = codes, .ndemarches = split_codes(p->which, codes), .whole = p->whole,
			.mandate_created_at = (time_t)p->created, .revoked_at = (time_t)p->revoked_at,
			.hash = hash, .verify_url = url,
		};
		rc = attestation_revocation_pdf(&a, pdf, len, err, sizeof err);
		snprintf(name, 64, "revocation-%lld.pdf", (long long)p->id);
	} else {
		struct att_mandate a = {
			.tpl = tpl, .usager = who, .structure = where,
			.demarches = codes, .ndemarches = split_codes(p->demarches, codes),
			.duration = p->duration, .created_at = (time_t)p->created,
			.expires_at = (time_t)p->expires, .hash = hash, .verify_url = url,
			.remote = p->remote, .no_credentials_kept = p->no_credentials_kept,
		};
		rc = attestation_mandate_pdf(&a, pdf, len, err, sizeof err);
		snprintf(name, 64, "mandat-%lld.pdf", (long long)p->id);
	}
	if (rc)
		log_error("attestation of %s %lld: %s", p->revocation ? "revocation" : "mandate",
			  (long long)p->id, err);
	return rc;
}

int reply_pdf(struct req *r, unsigned char *pdf, size_t len, const char *name)
{
	char disp[200];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", name);
	reply_header(r, "Content-Disposition", disp);
	reply_bytes(r, 200, "application/pdf", pdf, len);
	free(pdf);
	return 200;
}
