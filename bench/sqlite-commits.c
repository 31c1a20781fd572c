/* sqlite-commits — the durable single-row commits per second a plain C loop
 * gets from SQLite with acd's settings (WAL, synchronous=FULL): the ceiling a
 * login meets unless commits are grouped.  usage: sqlite-commits DB SECONDS */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	if (argc != 3 || sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 64;
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		     "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, at INTEGER, what TEXT)",
		     NULL, NULL, NULL);
	sqlite3_stmt *ins;
	sqlite3_prepare_v2(db, "INSERT INTO t (at, what) VALUES (?1, 'login')", -1, &ins, NULL);
	double t0 = now(), end = t0 + atof(argv[2]);
	long n = 0;
	while (now() < end) {
		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)time(NULL));
		if (sqlite3_step(ins) != SQLITE_DONE)
			return 1;
		sqlite3_reset(ins);
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return 1;
		n++;
	}
	double el = now() - t0;
	printf("{\"commits\":%ld,\"seconds\":%.3f,\"per_second\":%.1f}\n", n, el, n / el);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return 0;
}
