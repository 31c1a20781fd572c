/* mixed-load — make load: C clients at once for S seconds, each looping on
 * one kind of request (client i does kind i mod 7), every answer checked:
 *   login        POST /v1/session, a distinct aidant each time (a code serves
 *                once per card and step), its code computed at send time
 *   whoami       GET /v1/session with the aidant's session
 *   list         GET /v1/mandates then GET /v1/structures (the aidant's)
 *   mandate      a whole mandate, as at the desk: a fresh aidant's login, the
 *                draft, the usager's signing page and consent, FranceConnect's
 *                login on the stand-in (its pages posted without a browser,
 *                redirections followed), back to /fc/callback, then the
 *                aidant's confirmation with the card's next code
 *   attestation  GET /v1/attestations/HASH, the QR code's check
 *   import       POST /v1/cards, 100 new cards a request (NDJSON)
 *   oidc         the identity provider's whole code flow (oidc_client.c)
 *
 *   mixed-load URL CLIENTS SECONDS ACCOUNTS CLIENT_ID CLIENT_SECRET REDIRECT_URI
 * with AC_TOKEN an aidant's session (whoami, list, draft), AC_OP_TOKEN an
 * operator's API token of scope cards:write (import), AC_HASH the mandate's
 * attestation hash.  Prints one JSON line per kind
 * {"kind","requests","errors","per_second","p50_ms","p99_ms","max_ms"} and a
 * last {"kind":"all",...}; exits 1 when any request failed. */
#include "oidc_client.h"

#include <jansson.h>
#include <liboath/oath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum kind { LOGIN, WHOAMI, LIST, MANDATE, ATTESTATION, IMPORT, OIDC, KINDS };
static const char *const kind_name[KINDS] = { "login", "whoami", "list", "mandate",
					      "attestation", "import", "oidc" };

static const char *session, *op_token, *hash;
static atomic_size_t serial = 1, told;

/* The latencies of one client, in seconds. */
struct lat {
	double *v;
	size_t n, cap;
	size_t errors;
	enum kind kind;
};
static struct lat lats[256];

static void note(struct lat *l, double dt)
{
	if (l->n == l->cap) {
		l->cap = l->cap * 2 + 1024;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			abort();
	}
	l->v[l->n++] = dt;
}

static void fail(struct lat *l, const char *what, long status, const struct buf *b)
{
	l->errors++;
	if (atomic_fetch_add(&told, 1) < 5)
		fprintf(stderr, "mixed-load: %s: HTTP %ld: %.200s\n", what, status, b->p ? b->p : "");
}

/* One request with a JSON or NDJSON body (or none), a bearer token; status. */
static long call(CURL *c, struct buf *b, const char *method, const char *path, const char *type,
		 const char *body, const char *bearer)
{
	char url[512], auth[200], ct[80];
	snprintf(url, sizeof url, "%s%s", oidc_site.base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	struct curl_slist *h = NULL;
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
	if (bearer)
		h = curl_slist_append(h, auth);
	snprintf(ct, sizeof ct, "Content-Type: %s", type);
	if (type)
		h = curl_slist_append(h, ct);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
	curl_slist_free_all(h);
	return status;
}

/* code: the card's one-time code at t, as the aidant reads it. */
static void card_code(const struct account *a, time_t t, char code[9])
{
	oath_totp_generate(a->seed, a->seedlen, t, (unsigned)a->step, 0, 6, code);
}

/* A page of a browser at an absolute URL, redirections followed (the
 * cookie engine keeps each site's cookies): the final status, 0 when the
 * request failed; form: a POST body, else GET. */
static long browse(CURL *c, struct buf *b, const char *url, const char *form)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (form) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(form));
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	return status;
}

/* The text between marker and the next quote in b, copied into out. */
static int after(const struct buf *b, const char *marker, char *out, size_t cap)
{
	const char *p = b->p ? strstr(b->p, marker) : NULL;
	if (!p)
		return -1;
	p += strlen(marker);
	size_t n = strcspn(p, "\"");
	if (n >= cap)
		return -1;
	memcpy(out, p, n);
	out[n] = 0;
	return 0;
}

/* The usagers FranceConnect's stand-in knows, but Angela, whose mandate the
 * code flows and the attestation checks use: a new mandate replaces the
 * usager's older one for the same démarches. */
static const char *const signers[] = { "pierre", "fatima", "jean" };

/* One whole mandate made by aidant a; 0 when the mandate was created. */
static int mandate_flow(CURL *c, struct buf *b, struct lat *l, const struct account *a)
{
	char body[512], code[9], token[80], url[512], id[24], csrf[80], action[200], form[400];
	long st;
	time_t login_at = time(NULL);
	card_code(a, login_at, code);
	snprintf(body, sizeof body, "{\"email\":\"%s\",\"code\":\"%s\"}", a->email, code);
	if ((st = call(c, b, "POST", "/v1/session", "application/json", body, NULL)) != 201 ||
	    after(b, "\"token\":\"", token, sizeof token))
		return fail(l, "mandate: login", st, b), -1;
	if ((st = call(c, b, "POST", "/v1/mandates/drafts", "application/json",
		       "{\"demarches\":[\"argent\",\"logement\"],\"duration\":\"short\"}", token)) != 201 ||
	    after(b, "\"url\":\"", url, sizeof url) || after(b, "\"id\":", id, sizeof id))
		return fail(l, "mandate: draft", st, b), -1;
	id[strcspn(id, ",}")] = 0;

	/* the usager's browser: a fresh one each time */
	curl_easy_setopt(c, CURLOPT_COOKIELIST, "ALL");
	if ((st = browse(c, b, url, NULL)) != 200 || after(b, "name=\"csrf\" value=\"", csrf, sizeof csrf))
		return fail(l, "mandate: signing page", st, b), -1;
	snprintf(form, sizeof form, "csrf=%s&consent=1", csrf);
	if ((st = browse(c, b, url, form)) != 200 || after(b, "action=\"", action, sizeof action))
		return fail(l, "mandate: FranceConnect's login page", st, b), -1;
	char *here = NULL, origin[256];
	curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &here);
	const char *path = here ? strstr(here, "://") : NULL;
	path = path ? strchr(path + 3, '/') : NULL;
	if (!path || (size_t)(path - here) >= sizeof origin)
		return fail(l, "mandate: FranceConnect's address", st, b), -1;
	snprintf(origin, sizeof origin, "%.*s%s", (int)(path - here), here, action);
	static atomic_size_t turn;
	snprintf(form, sizeof form, "login=%s&password=123", signers[atomic_fetch_add(&turn, 1) % 3]);
	if ((st = browse(c, b, origin, form)) != 200 || !strstr(b->p ? b->p : "", "Identité vérifiée"))
		return fail(l, "mandate: back from FranceConnect", st, b), -1;

	/* the aidant confirms with the code the card shows now, or the next one
	 * while it still shows the login's (a step serves once): both within the
	 * step of tolerance acd gives, whichever side of a step's end the login
	 * fell on */
	time_t t = time(NULL), next = (login_at / a->step + 1) * a->step;
	card_code(a, t < next ? next : t, code);
	snprintf(body, sizeof body, "{\"consent\":true,\"code\":\"%s\"}", code);
	snprintf(url, sizeof url, "/v1/mandates/drafts/%s/confirm", id);
	if ((st = call(c, b, "POST", url, "application/json", body, token)) != 201 ||
	    !strstr(b->p ? b->p : "", "attestation_hash"))
		return fail(l, "mandate: confirmation", st, b), -1;
	return 0;
}

/* One request (or flow) of the client's kind; 0 when its answer was right. */
static int once(CURL *c, struct buf *b, struct lat *l, unsigned *rnd)
{
	char body[16384], path[200];
	long st;
	switch (l->kind) {
	case LOGIN: {
		struct account *a = next_fresh_account();
		if (!a)
			return 1; /* out of fresh aidants: this client stops */
		char code[9];
		oath_totp_generate(a->seed, a->seedlen, time(NULL), (unsigned)a->step, 0, 6, code);
		snprintf(body, sizeof body, "{\"email\":\"%s\",\"code\":\"%s\"}", a->email, code);
		if ((st = call(c, b, "POST", "/v1/session", "application/json", body, NULL)) != 201)
			fail(l, "login", st, b);
		return 0;
	}
	case WHOAMI:
		if ((st = call(c, b, "GET", "/v1/session", NULL, NULL, session)) != 200)
			fail(l, "whoami", st, b);
		return 0;
	case LIST:
		if ((st = call(c, b, "GET", "/v1/mandates", NULL, NULL, session)) != 200 ||
		    !strstr(b->p ? b->p : "", "\"id\""))
			fail(l, "list mandates", st, b);
		else if ((st = call(c, b, "GET", "/v1/structures", NULL, NULL, session)) != 200)
			fail(l, "list structures", st, b);
		return 0;
	case MANDATE: {
		struct account *a = next_fresh_account();
		if (!a)
			return 1;
		mandate_flow(c, b, l, a); /* a failure counted by fail() */
		return 0;
	}
	case ATTESTATION:
		snprintf(path, sizeof path, "/v1/attestations/%s", hash);
		if ((st = call(c, b, "GET", path, NULL, NULL, NULL)) != 200 ||
		    !strstr(b->p ? b->p : "", "active"))
			fail(l, "attestation", st, b);
		return 0;
	case IMPORT: {
		size_t first = atomic_fetch_add(&serial, 100), n = 0;
		for (size_t i = first; i < first + 100; i++)
			n += (size_t)snprintf(body + n, sizeof body - n,
					      "{\"serial\":\"LOAD%08zu\",\"seed\":\"%040zx\"}\n", i,
					      i * 7919 + 1);
		if ((st = call(c, b, "POST", "/v1/cards", "application/x-ndjson", body, op_token)) != 200 ||
		    strstr(b->p ? b->p : "", "\"ok\":false"))
			fail(l, "import", st, b);
		return 0;
	}
	case OIDC: {
		struct account *a = next_fresh_account();
		if (!a)
			return 1;
		if (oidc_flow(c, b, a, rnd))
			l->errors++;
		curl_easy_setopt(c, CURLOPT_USERNAME, NULL);
		curl_easy_setopt(c, CURLOPT_PASSWORD, NULL);
		return 0;
	}
	default:
		return 1;
	}
}

static void *client(void *arg)
{
	size_t i = (size_t)arg - 1;
	struct lat *l = &lats[i];
	l->kind = (enum kind)(i % KINDS);
	unsigned rnd = (unsigned)i ^ (unsigned)time(NULL);
	CURL *c = curl_easy_init();
	struct buf b = { 0 };
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, buf_collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	while (now() < bench_deadline) {
		double t0 = now();
		if (once(c, &b, l, &rnd))
			break;
		note(l, now() - t0);
	}
	free(b.p);
	curl_easy_cleanup(c);
	return NULL;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The figures of the latencies in v (sorted here). */
static void report(const char *kind, double *v, size_t n, size_t errors, double el)
{
	qsort(v, n, sizeof *v, by_value);
	double p50 = n ? v[(n - 1) / 2] : 0, p99 = n ? v[(size_t)((n - 1) * 0.99)] : 0,
	       max = n ? v[n - 1] : 0;
	printf("{\"kind\":\"%s\",\"requests\":%zu,\"errors\":%zu,\"per_second\":%.1f,"
	       "\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f}\n",
	       kind, n, errors, n / el, p50 * 1e3, p99 * 1e3, max * 1e3);
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: mixed-load URL CLIENTS SECONDS ACCOUNTS CLIENT_ID CLIENT_SECRET"
				" REDIRECT_URI (AC_TOKEN, AC_OP_TOKEN, AC_HASH set)\n");
		return 64;
	}
	oidc_site.base = argv[1];
	int clients = atoi(argv[2]);
	double secs = atof(argv[3]);
	oidc_site.client_id = argv[5];
	oidc_site.client_secret = argv[6];
	oidc_site.redirect_uri = argv[7];
	session = getenv("AC_TOKEN");
	op_token = getenv("AC_OP_TOKEN");
	hash = getenv("AC_HASH");
	if (clients < KINDS || clients > 256 || secs <= 0 || !session || !op_token || !hash)
		return 64;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	oath_init();
	load_accounts(argv[4]);
	oidc_site.redirect_enc = curl_easy_escape(NULL, oidc_site.redirect_uri, 0);
	double el = run_threads(clients, secs, client);
	size_t all_n = 0, all_errors = 0;
	for (int i = 0; i < clients; i++)
		all_n += lats[i].n;
	double *all = malloc((all_n + 1) * sizeof *all);
	size_t at = 0;
	for (int k = 0; k < KINDS; k++) {
		size_t n = 0, errors = 0;
		for (int i = 0; i < clients; i++)
			if (lats[i].kind == (enum kind)k) {
				memcpy(all + at + n, lats[i].v, lats[i].n * sizeof *all);
				n += lats[i].n;
				errors += lats[i].errors;
			}
		double *mine = malloc((n + 1) * sizeof *mine);
		memcpy(mine, all + at, n * sizeof *mine);
		report(kind_name[k], mine, n, errors, el);
		free(mine);
		at += n;
		all_errors += errors;
	}
	report("all", all, at, all_errors, el);
	free(all);
	for (int i = 0; i < clients; i++)
		free(lats[i].v);
	curl_free(oidc_site.redirect_enc);
	return all_errors ? 1 : 0;
}
