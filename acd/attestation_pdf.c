/* attestation_pdf.c — a mandate's or a revocation's fields made into the
 * values and the démarche list of its template, then into a PDF. */
#include "attestation.h"
#include "ac.h"
#include "frdate.h"
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATE_MAX 64

/* The template's values that describe the usager and the structure. */
struct common {
	char usager[512], birthdate[DATE_MAX];
	struct tvar v[10];
};

static size_t common_vars(const struct att_person *u, const struct att_structure *s,
			  struct common *c)
{
	snprintf(c->usager, sizeof c->usager, "%s %s", u->given_name ? u->given_name : "",
		 u->family_name ? u->family_name : "");
	const char *born = fr_date_iso(u->birthdate, c->birthdate, sizeof c->birthdate);
	/* born in France goes without saying: its country code is not printed */
	const char *country = u->birthcountry && strcmp(u->birthcountry, "99100") ? u->birthcountry
										   : NULL;
	const struct tvar v[] = {
		{ "usager", c->usager }, { "given_name", u->given_name },
		{ "family_name", u->family_name }, { "birthdate", born ? born : u->birthdate },
		{ "birthplace", u->birthplace }, { "birthcountry", country },
		{ "structure", s->name }, { "address", s->address }, { "zipcode", s->zipcode },
		{ "city", s->city },
	};
	memcpy(c->v, v, sizeof v);
	return sizeof v / sizeof v[0];
}

/* The catalogue's label and examples of each démarche; -1 for an unknown code. */
static int items_of(const char *const *codes, size_t n, struct tpl_item *items, char *err,
		    size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const struct ac_demarche *d = ac_demarche_find(codes[i]);
		if (!d) {
			snprintf(err, errlen, "unknown démarche \"%s\"", codes[i]);
			return -1;
		}
		items[i] = (struct tpl_item){ d->label, d->examples };
	}
	return 0;
}

static int render(const struct template *tpl, const struct tvar *v, size_t nv,
		  const char *const *codes, size_t ncodes, const struct pdf_doc *doc,
		  unsigned char **pdf, size_t *len, char *err, size_t errlen)
{
	*pdf = NULL;
	*len = 0;
	if (!tpl || !doc->hash || strlen(doc->hash) != 64 || !doc->verify_url || !*doc->verify_url) {
		snprintf(err, errlen, "an attestation needs its template, hash and address");
		return -1;
	}
	struct tpl_item *items = calloc(ncodes ? ncodes : 1, sizeof *items);
	struct blks b = { 0 };
	int rc = items ? items_of(codes, ncodes, items, err, errlen) : -1;
	if (!items)
		snprintf(err, errlen, "out of memory");
	if (rc == 0)
		rc = tpl_parse(tpl->text, v, nv, items, ncodes, &b, err, errlen);
	if (rc == 0)
		rc = pdf_render(&b, doc, pdf, len, err, errlen);
	blks_free(&b);
	free(items);
	return rc;
}

/* "du 25 novembre 2026": a one-day mandate also gives the hour it starts
 * and ends at, since both dates say little about 24 hours. */
static const char *bound(time_t t, int with_time, char *buf, size_t len)
{
	char d[DATE_MAX], h[DATE_MAX];
	fr_date(t, d, sizeof d);
	if (with_time)
		snprintf(buf, len, "%s à %s", d, fr_time(t, h, sizeof h));
	else
		snprintf(buf, len, "%s", d);
	return buf;
}

int attestation_mandate_pdf(const struct att_mandate *m, unsigned char **pdf, size_t *len,
			    char *err, size_t errlen)
{
	const char *duration = ac_duration_label(m->duration);
	if (!duration) {
		snprintf(err, errlen, "unknown duration \"%s\"", m->duration ? m->duration : "");
		return -1;
	}
	int short_one = !strcmp(m->duration, "short");
	if (short_one)  /* the catalogue's "1 jour" would read as a calendar day */
		duration = "24 heures";
	char start[2 * DATE_MAX], end[2 * DATE_MAX], date[DATE_MAX];
	struct common c;
	size_t n = common_vars(&m->usager, &m->structure, &c);
	struct tvar v[24];
	memcpy(v, c.v, n * sizeof v[0]);
	v[n++] = (struct tvar){ "duration", duration };
	v[n++] = (struct tvar){ "start", bound(m->created_at, short_one, start, sizeof start) };
	v[n++] = (struct tvar){ "end", bound(m->expires_at, short_one, end, sizeof end) };
	v[n++] = (struct tvar){ "date", fr_date(m->created_at, date, sizeof date) };
	/* mandat-2 on: handed over at a desk, or mailed after a signature at a
	 * distance (with the aidant's declaration when made) */
	v[n++] = (struct tvar){ "desk", m->remote ? NULL : "1" };
	v[n++] = (struct tvar){ "remote", m->remote ? "1" : NULL };
	v[n++] = (struct tvar){ "no_credentials_kept", m->no_credentials_kept ? "1" : NULL };
	struct pdf_doc doc = { "Attestation de mandat Aidants Connect", m->created_at,
			       m->tpl ? m->tpl->name : "", m->hash, m->verify_url };
	return render(m->tpl, v, n, m->demarches, m->ndemarches, &doc, pdf, len, err, errlen);
}

int attestation_revocation_pdf(const struct att_revocation *r, unsigned char **pdf, size_t *len,
			       char *err, size_t errlen)
{
	char signed_on[DATE_MAX], date[DATE_MAX], at[DATE_MAX];
	struct common c;
	size_t n = common_vars(&r->usager, &r->structure, &c);
	struct tvar v[24];
	memcpy(v, c.v, n * sizeof v[0]);
	v[n++] = (struct tvar){ "mandate_date", fr_date(r->mandate_created_at, signed_on,
							 sizeof signed_on) };
	v[n++] = (struct tvar){ "date", fr_date(r->revoked_at, date, sizeof date) };
	v[n++] = (struct tvar){ "time", fr_time(r->revoked_at, at, sizeof at) };
	v[n++] = (struct tvar){ "whole", r->whole ? "1" : NULL };
	v[n++] = (struct tvar){ "partial", r->whole ? NULL : "1" };
	struct pdf_doc doc = { "Attestation de révocation de mandat Aidants Connect", r->revoked_at,
			       r->tpl ? r->tpl->name : "", r->hash, r->verify_url };
	return render(r->tpl, v, n, r->demarches, r->ndemarches, &doc, pdf, len, err, errlen);
}
