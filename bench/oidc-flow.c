/* oidc-flow — the whole OpenID Connect code flow of acd as identity provider,
 * closed loop, T threads for S seconds, pages posted without a browser:
 *
 *   GET  /oidc/authorize           keeps the ac_browser cookie, reads the
 *                                  hidden request and csrf fields
 *   POST /oidc/step  email + code  the aidant's login (a TOTP code of its card,
 *                                  computed at send time)
 *   POST /oidc/step  structure     only when the aidant has several
 *   POST /oidc/step  usager        the first usager offered
 *   POST /oidc/step  demarche      the first démarche offered; 303 to the
 *                                  client, whose Location carries the code
 *   POST /oidc/token               client_secret_basic
 *   GET  /oidc/userinfo            Bearer: the usager's identity
 *
 * A one-time code serves once per card and time step, so every flow is a
 * distinct aidant (ACCOUNTS: "email hexseed step" lines, one per flow); the run
 * ends early when they run out.
 *
 *   oidc-flow URL THREADS SECONDS ACCOUNTS CLIENT_ID CLIENT_SECRET REDIRECT_URI
 *
 * Prints {"flows":N,"failed":F,"requests":R,"seconds":S,"per_second":X} and
 * exits 1 when any flow failed (the first failures are told on stderr). */
#include "oidc_client.h"

#include <liboath/oath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_size_t flows, failed;

static void *client(void *arg)
{
	unsigned rnd = (unsigned)(size_t)arg ^ (unsigned)time(NULL);
	CURL *c = curl_easy_init();
	struct buf b = { 0 };
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, buf_collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_COOKIEFILE, ""); /* the cookie engine, in memory */
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	while (now() < bench_deadline) {
		struct account *a = next_fresh_account();
		if (!a)
			break; /* out of fresh aidants: the run ends early */
		atomic_fetch_add(oidc_flow(c, &b, a, &rnd) ? &failed : &flows, 1);
	}
	free(b.p);
	curl_easy_cleanup(c);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: oidc-flow URL THREADS SECONDS ACCOUNTS CLIENT_ID CLIENT_SECRET REDIRECT_URI\n");
		return 64;
	}
	oidc_site.base = argv[1];
	int threads = atoi(argv[2]);
	double secs = atof(argv[3]);
	oidc_site.client_id = argv[5];
	oidc_site.client_secret = argv[6];
	oidc_site.redirect_uri = argv[7];
	if (threads < 1 || threads > 64 || secs <= 0)
		return 64;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	oath_init();
	load_accounts(argv[4]);
	if (!naccounts) {
		fprintf(stderr, "oidc-flow: no accounts in %s\n", argv[4]);
		return 65;
	}
	oidc_site.redirect_enc = curl_easy_escape(NULL, oidc_site.redirect_uri, 0);
	double el = run_threads(threads, secs, client);
	printf("{\"flows\":%zu,\"failed\":%zu,\"requests\":%zu,\"seconds\":%.3f,\"per_second\":%.1f}\n",
	       atomic_load(&flows), atomic_load(&failed), atomic_load(&oidc_requests), el, atomic_load(&flows) / el);
	curl_free(oidc_site.redirect_enc);
	return atomic_load(&failed) ? 1 : 0;
}
