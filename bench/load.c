/* load — a small closed-loop HTTP load generator for make bench: T threads,
 * each on its own kept-alive libcurl handle, for S seconds.
 *   load health URL T S            GET URL/v1/health
 *   load login  URL T S ACCOUNTS   POST URL/v1/session, each login a distinct
 *                                  account (ACCOUNTS: "email hexseed step" lines),
 *                                  its code computed at send time, so none is a replay
 *   load get    URL T S PATH       GET URL/PATH with the session of $AC_TOKEN
 * Prints {"requests":N,"failed":F,"seconds":S,"per_second":R}. */
#include "closed_loop.h"

#include <curl/curl.h>
#include <liboath/oath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *base;
static int login_mode;
static const char *get_path, *token;
static atomic_size_t done, failed;

static size_t sink(char *p, size_t s, size_t n, void *u)
{
	(void)p;
	(void)u;
	return s * n;
}

static void *client(void *arg)
{
	(void)arg;
	CURL *c = curl_easy_init();
	char url[512], body[300];
	snprintf(url, sizeof url, "%s%s", base, login_mode ? "/v1/session" : get_path ? get_path : "/v1/health");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	char auth[300];
	if (get_path && token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	while (now() < bench_deadline) {
		long want = 200;
		if (login_mode) {
			struct account *a = next_fresh_account();
			if (!a)
				break; /* out of fresh accounts: the run ends early */
			char code[9];
			oath_totp_generate((char *)a->seed, a->seedlen, time(NULL), (unsigned)a->step, 0, 6,
					   code);
			snprintf(body, sizeof body, "{\"email\":\"%s\",\"code\":\"%s\"}", a->email, code);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
			want = 201;
		}
		long status = 0;
		if (curl_easy_perform(c) == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		atomic_fetch_add(status == want ? &done : &failed, 1);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 5 || (strcmp(argv[1], "health") && strcmp(argv[1], "login") && strcmp(argv[1], "get")) ||
	    (strcmp(argv[1], "health") && argc != 6)) {
		fprintf(stderr, "usage: load health URL THREADS SECONDS | load login URL THREADS SECONDS ACCOUNTS"
				" | load get URL THREADS SECONDS PATH\n");
		return 64;
	}
	if (!strcmp(argv[1], "get")) {
		get_path = argv[5];
		token = getenv("AC_TOKEN");
	}
	login_mode = !strcmp(argv[1], "login");
	base = argv[2];
	int threads = atoi(argv[3]);
	double secs = atof(argv[4]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	oath_init();
	if (login_mode)
		load_accounts(argv[5]);
	if (threads < 1 || threads > 64)
		return 64;
	double el = run_threads(threads, secs, client);
	printf("{\"requests\":%zu,\"failed\":%zu,\"seconds\":%.3f,\"per_second\":%.1f}\n",
	       atomic_load(&done), atomic_load(&failed), el, atomic_load(&done) / el);
	return atomic_load(&failed) ? 1 : 0;
}
