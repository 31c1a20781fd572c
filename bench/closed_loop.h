/* closed_loop.h — what the load generators of make bench share: the aidants
 * whose cards they compute codes for, and T threads looping until a deadline. */
#ifndef BENCH_CLOSED_LOOP_H
#define BENCH_CLOSED_LOOP_H

#include <stdatomic.h>
#include <stddef.h>

struct account {
	char email[128];
	char seed[64];
	size_t seedlen;
	int step;
};

/* ACCOUNTS file: "email hexseed step" lines; bad lines are skipped; exits 66
 * when the file cannot be read. */
extern struct account *accounts;
extern size_t naccounts;
void load_accounts(const char *path);

/* The next account not yet used, or NULL when all are: a one-time code serves
 * once per card and step, so each login is a distinct aidant. */
struct account *next_fresh_account(void);

double now(void);

/* Runs work(i) in each of threads threads (1 to 256) until secs have passed
 * (work loops while now() < bench_deadline); returns the elapsed seconds. */
extern double bench_deadline;
double run_threads(int threads, double secs, void *(*work)(void *));

#endif
