/* progress.c — a progress bar on stderr, as git's: only on a terminal, only
 * when the work lasts more than a moment, redrawn at most a few times a second. */
#include "ac.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct ac_progress {
	const char *title;
	size_t total;
	struct timespec start, last;
	int shown;
};

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

struct ac_progress *ac_progress_start(const char *title, size_t total)
{
	/* in the foreground of a terminal only: never in a pipe, a cron job, a log */
	if (!isatty(STDERR_FILENO) || tcgetpgrp(STDERR_FILENO) != getpgrp())
		return NULL;
	struct ac_progress *p = calloc(1, sizeof *p);
	p->title = title;
	p->total = total;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	return p;
}

static void draw(struct ac_progress *p, size_t done)
{
	int pct = p->total ? (int)(done * 100 / p->total) : 100;
	char bar[31];
	int fill = pct * 30 / 100;
	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = 0;
	fprintf(stderr, "\r%s: [%s] %3d%% (%zu/%zu)", p->title, bar, pct, done, p->total);
	fflush(stderr);
	p->shown = 1;
	clock_gettime(CLOCK_MONOTONIC, &p->last);
}

void ac_progress_update(struct ac_progress *p, size_t done)
{
	if (!p)
		return;
	/* small work that ends quickly draws nothing; large work shows at once */
	if (!p->shown && p->total < 1000 && since(&p->start) < 0.5)
		return;
	if (p->shown && since(&p->last) < 0.2 && done < p->total)
		return;
	draw(p, done);
}

void ac_progress_stop(struct ac_progress *p)
{
	if (!p)
		return;
	if (p->shown) {
		draw(p, p->total);
		fputs(", done.\n", stderr);
	}
	free(p);
}

void ac_progress_abort(struct ac_progress *p)
{
	if (!p)
		return;
	if (p->shown)
		fputc('\n', stderr); /* the bar stays where it stopped, not "done" */
	free(p);
}
