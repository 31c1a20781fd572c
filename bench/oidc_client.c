/* oidc_client.c — the démarche site's side of acd's OpenID Connect code
 * flow, pages posted without a browser (oidc_client.h): shared by oidc-flow
 * and mixed-load. */
#include "oidc_client.h"

#include <jansson.h>
#include <liboath/oath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct oidc_site oidc_site;
atomic_size_t oidc_requests;
static atomic_int told;

size_t buf_collect(char *p, size_t s, size_t n, void *u)
{
	struct buf *b = u;
	size_t k = s * n;
	if (b->len + k + 1 > b->cap) {
		b->cap = (b->len + k + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			return 0;
	}
	memcpy(b->p + b->len, p, k);
	b->len += k;
	b->p[b->len] = 0;
	return k;
}

/* One request on the thread's handle; every setting that varies is set each
 * time.  form: a POST body, else GET.  basic: client_secret_basic.  bearer: an
 * access token.  Returns the HTTP status (0 when the request failed). */
long oidc_request(CURL *c, struct buf *b, const char *path, const char *form, int basic,
		  const char *bearer)
{
	char url[2048];
	snprintf(url, sizeof url, "%s%s", oidc_site.base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (form) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(form));
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(c, CURLOPT_USERNAME, basic ? oidc_site.client_id : NULL);
	curl_easy_setopt(c, CURLOPT_PASSWORD, basic ? oidc_site.client_secret : NULL);
	struct curl_slist *h = NULL;
	char auth[200];
	if (bearer) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
	long status = 0;
	atomic_fetch_add(&oidc_requests, 1);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	else
		buf_collect((char *)curl_easy_strerror(rc), 1, strlen(curl_easy_strerror(rc)), b);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	return status;
}

/* The value of attribute attr in the HTML tag that holds marker (such as
 * name="request"), copied into out; 0, or -1 when there is none. */
static int tag_attr(const char *html, const char *marker, const char *attr, char *out, size_t cap)
{
	const char *m = html ? strstr(html, marker) : NULL;
	if (!m)
		return -1;
	const char *start = m;
	while (start > html && *start != '<')
		start--;
	const char *end = strchr(m, '>');
	if (!end)
		return -1;
	char key[40];
	snprintf(key, sizeof key, " %s=\"", attr);
	const char *v = start;
	while ((v = strstr(v, key)) && v < end) {
		v += strlen(key);
		size_t n = strcspn(v, "\"");
		if (n + 1 > cap || v + n > end)
			return -1;
		memcpy(out, v, n);
		out[n] = 0;
		return 0;
	}
	return -1;
}

struct page_state {
	char request[80], csrf[80];
};

static int read_form(const struct buf *b, struct page_state *ps)
{
	return tag_attr(b->p, "name=\"request\"", "value", ps->request, sizeof ps->request) ||
			       tag_attr(b->p, "name=\"csrf\"", "value", ps->csrf, sizeof ps->csrf)
		       ? -1
		       : 0;
}

static void tell(const char *step, long status, const struct buf *b)
{
	if (atomic_fetch_add(&told, 1) >= 3)
		return;
	char snip[301] = "";
	if (b->p) {
		/* the page's text without its markup, for a person to read */
		size_t n = 0;
		int in_tag = 0;
		for (const char *p = b->p; *p && n < 300; p++) {
			if (*p == '<')
				in_tag = 1;
			else if (*p == '>')
				in_tag = 0, snip[n++] = ' ';
			else if (!in_tag && *p != '\n')
				snip[n++] = *p;
		}
		snip[n] = 0;
	}
	fprintf(stderr, "oidc-flow: %s: HTTP %ld: %s\n", step, status, snip);
}

int oidc_flow(CURL *c, struct buf *b, const struct account *a, unsigned *rnd)
{
	char path[2048], form[1024], state[40], nonce[40];
	struct page_state ps;
	long st;
	snprintf(state, sizeof state, "st%08x%08x%08x", rand_r(rnd), rand_r(rnd), (unsigned)time(NULL));
	snprintf(nonce, sizeof nonce, "no%08x%08x%08x", rand_r(rnd), rand_r(rnd), rand_r(rnd));
	curl_easy_setopt(c, CURLOPT_COOKIELIST, "ALL"); /* a new browser each flow */

	snprintf(path, sizeof path,
		 "/oidc/authorize?response_type=code&client_id=%s&redirect_uri=%s"
		 "&scope=openid%%20given_name%%20family_name%%20birthdate%%20gender%%20birthplace"
		 "%%20birthcountry%%20email%%20preferred_username"
		 "&state=%s&nonce=%s&acr_values=eidas1&prompt=login",
		 oidc_site.client_id, oidc_site.redirect_enc, state, nonce);
	if ((st = oidc_request(c, b, path, NULL, 0, NULL)) != 200 || read_form(b, &ps))
		return tell("authorize", st, b), -1;

	char code[10];
	oath_totp_generate(a->seed, a->seedlen, time(NULL), (unsigned)a->step, 0, 6, code);
	char *email = curl_easy_escape(c, a->email, 0);
	snprintf(form, sizeof form, "request=%s&csrf=%s&email=%s&code=%s", ps.request, ps.csrf, email, code);
	curl_free(email);
	if ((st = oidc_request(c, b, "/oidc/step", form, 0, NULL)) != 200 || read_form(b, &ps))
		return tell("login", st, b), -1;

	char value[80];
	if (!tag_attr(b->p, "name=\"structure\"", "value", value, sizeof value)) {
		snprintf(form, sizeof form, "request=%s&csrf=%s&structure=%s", ps.request, ps.csrf, value);
		if ((st = oidc_request(c, b, "/oidc/step", form, 0, NULL)) != 200 || read_form(b, &ps))
			return tell("structure", st, b), -1;
	}
	if (tag_attr(b->p, "name=\"usager\"", "value", value, sizeof value))
		return tell("usager page (no usager offered)", 200, b), -1;
	snprintf(form, sizeof form, "request=%s&csrf=%s&usager=%s", ps.request, ps.csrf, value);
	if ((st = oidc_request(c, b, "/oidc/step", form, 0, NULL)) != 200 || read_form(b, &ps))
		return tell("usager", st, b), -1;

	if (tag_attr(b->p, "name=\"demarche\"", "value", value, sizeof value))
		return tell("démarche page (no démarche offered)", 200, b), -1;
	snprintf(form, sizeof form, "request=%s&csrf=%s&demarche=%s", ps.request, ps.csrf, value);
	st = oidc_request(c, b, "/oidc/step", form, 0, NULL);
	char *loc = NULL;
	curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
	if (st != 303 || !loc || strncmp(loc, oidc_site.redirect_uri, strlen(oidc_site.redirect_uri)))
		return tell("démarche (no redirection to the client)", st, b), -1;
	const char *q = strstr(loc, "?code=");
	if (!q)
		q = strstr(loc, "&code=");
	const char *s = strstr(loc, "state=");
	if (!q || !s || strncmp(s + 6, state, strlen(state)))
		return tell("démarche (no code, or not our state, in the Location)", st, b), -1;
	char authz[100];
	size_t n = strcspn(q + 6, "&");
	if (n >= sizeof authz)
		return tell("démarche (code too long)", st, b), -1;
	memcpy(authz, q + 6, n);
	authz[n] = 0;

	snprintf(form, sizeof form, "grant_type=authorization_code&code=%s&redirect_uri=%s", authz,
		 oidc_site.redirect_enc);
	if ((st = oidc_request(c, b, "/oidc/token", form, 1, NULL)) != 200)
		return tell("token", st, b), -1;
	json_t *tok = json_loads(b->p, 0, NULL);
	const char *at = json_string_value(json_object_get(tok, "access_token"));
	const char *idt = json_string_value(json_object_get(tok, "id_token"));
	if (!at || !idt || strlen(at) >= 100) {
		json_decref(tok);
		return tell("token (no access_token or id_token)", st, b), -1;
	}
	char access[100];
	strcpy(access, at);
	json_decref(tok);

	if ((st = oidc_request(c, b, "/oidc/userinfo", NULL, 0, access)) != 200)
		return tell("userinfo", st, b), -1;
	json_t *who = json_loads(b->p, 0, NULL);
	int ok = json_string_value(json_object_get(who, "family_name")) &&
		 json_string_value(json_object_get(who, "sub"));
	json_decref(who);
	if (!ok)
		return tell("userinfo (no identity)", st, b), -1;
	return 0;
}

