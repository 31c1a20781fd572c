/* closed_loop.c — see closed_loop.h. */
#include "closed_loop.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct account *accounts;
size_t naccounts;
double bench_deadline;
static atomic_size_t next_account;

double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

void load_accounts(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(66);
	}
	char line[512], hex[129];
	size_t cap = 0;
	struct account a;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%127s %128s %d", a.email, hex, &a.step) != 3)
			continue;
		if (oath_hex2bin(hex, a.seed, &(size_t){ sizeof a.seed }) != OATH_OK)
			continue;
		a.seedlen = strlen(hex) / 2;
		if (naccounts == cap)
			accounts = realloc(accounts, (cap = cap * 2 + 1024) * sizeof *accounts);
		accounts[naccounts++] = a;
	}
	fclose(f);
}

struct account *next_fresh_account(void)
{
	size_t i = atomic_fetch_add(&next_account, 1);
	return i < naccounts ? &accounts[i] : NULL;
}

double run_threads(int threads, double secs, void *(*work)(void *))
{
	pthread_t t[256];
	double t0 = now();
	bench_deadline = t0 + secs;
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, work, (void *)(size_t)(i + 1));
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	return now() - t0;
}
