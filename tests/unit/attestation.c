/* attestation.c — the templates' identity, Paris time, and both attestations
 * rendered, from four threads at once too.  With ATT_OUT=DIR the PDFs are
 * also written there (tests/attestation.bats reads them back as text). */
#include "attestation.h"
#include "frdate.h"
#include "tpl.h"
#include "tap.h"

#include <pthread.h>
#include <stdlib.h>

/* A released template never changes (acd/templates/README): if one of these
 * fails, the text was edited — restore it and write the next version. */
static const struct { const char *name, *sha256; } released[] = {
	{ "mandat-1", "bd34a65e3c0288f193238cf7d47a0e6c4807a9631dac4c17c4ff73ca7f3d1542" },
	{ "mandat-2", "5dfa8d80644247f1616945ae37b2d03265cf6eca7f4a43ba4c38c3e986e3c2eb" },
	{ "revocation-1", "e8fba6ece9f8e47434d575462045655aef13477d6244ccb27b6502b0d803092f" },
};

#define HASH "5d41402abc4b2a76b9719d911017c592aa1f1e2b9c6d0f2e8a3b4c5d6e7f8091"
#define URL "http://127.0.0.1:8080/v1/attestations/" HASH

static const char *const two[] = { "papiers", "logement" };
static const struct att_person angela = { "Angela Claire Louise", "DUBOIS", "1962-08-24",
					  "75107", "99100" };
static const struct att_structure lyon = { "CCAS de Lyon", "1 place de la Comédie", "69001",
					   "Lyon" };
#define CREATED 1795600800      /* 2026-11-25 10:00:00 UTC */

static struct att_mandate mandate(void)
{
	struct att_mandate m = { template_current("mandat"), angela, lyon, two, 2, "long",
				 CREATED, CREATED + 365 * 86400, HASH, URL };
	return m;
}

static struct att_revocation revocation(void)
{
	struct att_revocation r = { template_current("revocation"), angela, lyon, two, 1, 0,
				    CREATED, CREATED + 40 * 86400, HASH, URL };
	return r;
}

static int is_pdf(const unsigned char *p, size_t n)
{
	return p && n > 1000 && !memcmp(p, "%PDF-", 5);
}

static int is_hex64(const char *h)
{
	if (strlen(h) != 64)
		return 0;
	for (; *h; h++)
		if (!strchr("0123456789abcdef", *h))
			return 0;
	return 1;
}

static void save(const char *name, const unsigned char *p, size_t n)
{
	const char *dir = getenv("ATT_OUT");
	if (!dir || !p)
		return;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	ok(f && fwrite(p, 1, n, f) == n && fclose(f) == 0, "wrote %s", path);
}

static void templates_(void)
{
	ok(template_find("mandat-1") != NULL, "template_find(\"mandat-1\")");
	ok(template_find("nope") == NULL, "template_find(\"nope\") is NULL");
	ok(template_find("mandat-1") && template_find("mandat-2"), "both mandat versions are kept");
	ok(template_current("mandat") == template_find("mandat-2"), "mandat-2 is the current mandat");
	ok(template_current("revocation") == template_find("revocation-1"),
	   "revocation-1 is the current revocation");
	ok(template_current("mandat-") == NULL && template_current("nope") == NULL,
	   "no current template of an unknown kind");
	for (size_t i = 0; i < sizeof released / sizeof released[0]; i++) {
		const struct template *t = template_find(released[i].name);
		char a[65] = "", b[65] = "";
		if (t) {
			template_hash(t, a);
			template_hash(t, b);
		}
		ok(is_hex64(a) && !strcmp(a, b), "%s: a stable hash of 64 hex digits", released[i].name);
		is_str(a, released[i].sha256, "%s: the released text, unchanged", released[i].name);
	}
}

static void paris(void)
{
	/* 2026: summer time from Sunday 29 March to Sunday 25 October, 01:00 UTC */
	ok(paris_offset(1774745999) == 3600 && paris_offset(1774746000) == 7200,
	   "summer time starts on 2026-03-29 01:00 UTC");
	ok(paris_offset(1792889999) == 7200 && paris_offset(1792890000) == 3600,
	   "and ends on 2026-10-25 01:00 UTC");
	char d[64], h[64];
	is_str(fr_date(CREATED, d, sizeof d), "25 novembre 2026", "a long French date");
	is_str(fr_time(CREATED, h, sizeof h), "11\u00a0h\u00a000", "10:00 UTC is 11 h 00 in Paris");
	is_str(fr_date(1798758000, d, sizeof d), "1er janvier 2027",
	       "2026-12-31 23:00 UTC is already the first of January in Paris");
	is_str(fr_date_iso("1962-08-24", d, sizeof d), "24 août 1962", "a birth date");
	ok(fr_date_iso("1962-8-24", d, sizeof d) == NULL, "a birth date that is not YYYY-MM-DD");
}

static void parse(void)
{
	struct blks b;
	char err[256] = "";
	const struct tvar v[] = { { "a", "x < y" }, { "none", NULL } };
	ok(tpl_parse("Nom : {{a}}\n{{none}} gone\n", v, 2, NULL, 0, &b, err, sizeof err) == 0 &&
	   b.n == 1 && !strcmp(b.v[0].markup, "Nom\xc2\xa0: x &lt; y"),
	   "values escaped, a line without its value left out, a non-breaking space before \":\"");
	blks_free(&b);
	ok(tpl_parse("{{typo}}\n", v, 2, NULL, 0, &b, err, sizeof err) == -1 &&
	   strstr(err, "line 1: unknown value {{typo}}"), "an unknown value is an error: %s", err);
	blks_free(&b);
	ok(tpl_parse("a **b\n", v, 2, NULL, 0, &b, err, sizeof err) == -1, "unbalanced **");
	blks_free(&b);
	ok(tpl_parse("[[nope]]\n", v, 2, NULL, 0, &b, err, sizeof err) == -1, "unknown directive");
	blks_free(&b);
}

/* The mandate rendered alone, before the threads start: theirs must be the
 * same bytes (the PDF carries no clock of its own, only created_at). */
static unsigned char *reference;
static size_t reference_len;

static void *render_both(void *arg)
{
	int *good = arg;
	struct att_mandate m = mandate();
	struct att_revocation r = revocation();
	for (int i = 0; i < 3; i++) {
		unsigned char *p = NULL, *q = NULL;
		size_t n = 0, k = 0;
		char err[256];
		if (attestation_mandate_pdf(&m, &p, &n, err, sizeof err) == 0 && n == reference_len &&
		    !memcmp(p, reference, n) &&
		    attestation_revocation_pdf(&r, &q, &k, err, sizeof err) == 0 && is_pdf(q, k))
			++*good;
		free(p);
		free(q);
	}
	return NULL;
}

static void render(void)
{
	unsigned char *p = NULL;
	size_t n = 0;
	char err[256] = "";
	struct att_mandate m = mandate();
	ok(attestation_mandate_pdf(&m, &p, &n, err, sizeof err) == 0 && is_pdf(p, n),
	   "a mandate attestation%s%s", *err ? ": " : "", err);
	save("mandate.pdf", p, n);
	reference = p;
	reference_len = n;

	static const char *const all[] = { "papiers", "famille", "social", "travail", "logement",
					   "transports", "argent", "justice", "etranger", "loisirs" };
	m.demarches = all;
	m.ndemarches = 10;
	m.duration = "short";
	m.expires_at = CREATED + 86400;
	m.usager.birthplace = NULL;
	ok(attestation_mandate_pdf(&m, &p, &n, err, sizeof err) == 0 && is_pdf(p, n),
	   "every démarche, for 24 hours, no birthplace%s%s", *err ? ": " : "", err);
	save("mandate-all.pdf", p, n);
	free(p);

	m = mandate();
	m.remote = m.no_credentials_kept = 1;
	ok(attestation_mandate_pdf(&m, &p, &n, err, sizeof err) == 0 && is_pdf(p, n),
	   "a mandate signed at a distance, no credentials kept%s%s", *err ? ": " : "", err);
	save("mandate-remote.pdf", p, n);
	free(p);
	m.tpl = template_find("mandat-1");
	ok(attestation_mandate_pdf(&m, &p, &n, err, sizeof err) == 0 && is_pdf(p, n),
	   "a mandat-1 attestation is still made, remote or not%s%s", *err ? ": " : "", err);
	save("mandate-v1.pdf", p, n);
	free(p);

	struct att_revocation r = revocation();
	ok(attestation_revocation_pdf(&r, &p, &n, err, sizeof err) == 0 && is_pdf(p, n),
	   "a revocation attestation%s%s", *err ? ": " : "", err);
	save("revocation.pdf", p, n);
	free(p);
	r.ndemarches = 2;
	r.whole = 1;
	ok(attestation_revocation_pdf(&r, &p, &n, err, sizeof err) == 0 && is_pdf(p, n),
	   "a revocation that ends the mandate%s%s", *err ? ": " : "", err);
	save("revocation-whole.pdf", p, n);
	free(p);

	static const char *const bad[] = { "papiers", "nope" };
	m = mandate();
	m.demarches = bad;
	ok(attestation_mandate_pdf(&m, &p, &n, err, sizeof err) == -1 && !p &&
	   strstr(err, "nope"), "an unknown démarche: %s", err);
	m = mandate();
	m.duration = "forever";
	ok(attestation_mandate_pdf(&m, &p, &n, err, sizeof err) == -1, "an unknown duration: %s", err);
	m = mandate();
	m.hash = "abc";
	ok(attestation_mandate_pdf(&m, &p, &n, err, sizeof err) == -1, "a short hash: %s", err);

	pthread_t t[4];
	int good[4] = { 0 };
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, render_both, &good[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ok(good[0] + good[1] + good[2] + good[3] == 12,
	   "four threads rendering at once, the same bytes as alone");
	free(reference);
}

int main(void)
{
	templates_();
	paris();
	parse();
	render();
	return tap_done();
}
