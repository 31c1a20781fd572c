/* main.c — acd: "init" creates a database, its key file and the first
 * operator; "serve" runs the HTTP API.  Every setting in one table, read from
 * flags or from a configuration file (--config) with the same keys. */
#include "server.h"
#include "territory.h"
#include "cards.h"
#include "crypto.h"
#include "fc.h"
#include "oidc.h"
#include "purge.h"
#include "maintain.h"
#include "log.h"
#include "txn.h"
#include "ac.h"

#include <curl/curl.h>
#include <errno.h>
#include <liboath/oath.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct server srv = {
	.cfg = { .listen = "127.0.0.1:8080", .threads = 16, .session_hours = 12,
		 .idle_minutes = 120, .throttle_cap = 60, .lockout_after = 10,
		 .rate_limit = 300, .rate_period = 60, .trusted_proxy = "127.0.0.1",
		 .idle_seconds = 60, .body_seconds = 300 },
};

static const char *operator_email;
static const char *key_file;
static const char *config_file;
static const char *backup_to;
static const char *migrate_from;
static struct purge_policy retention = { .mandate_years = 6, .draft_days = 1,
					 .application_days = 7 };

enum { S_STR, S_INT, S_FLAG };
static const struct setting {
	const char *key;
	int type;
	void *ptr;
	int min, max;
	const char *help;
} settings[] = {
	{ "db", S_STR, &srv.cfg.db, 0, 0, "the SQLite database file, or postgresql://... (PostgreSQL)" },
	{ "key-file", S_STR, &key_file, 0, 0, "the secret key file, mode 0600 (SQLite: PATH.key; PostgreSQL: required)" },
	{ "listen", S_STR, &srv.cfg.listen, 0, 0, "IPV4:PORT to listen on (127.0.0.1:8080; port 0 picks one)" },
	{ "ready-file", S_STR, &srv.cfg.ready_file, 0, 0, "write the bound IPV4:PORT to FILE once accepting" },
	{ "threads", S_INT, &srv.cfg.threads, 1, 256, "worker threads (16)" },
	{ "session-hours", S_INT, &srv.cfg.session_hours, 1, 24 * 30, "session lifetime (12)" },
	{ "idle-minutes", S_INT, &srv.cfg.idle_minutes, 1, 24 * 60, "session idle limit (120)" },
	{ "throttle-cap", S_INT, &srv.cfg.throttle_cap, 1, 3600, "longest delay between failed logins, s (60)" },
	{ "lockout-after", S_INT, &srv.cfg.lockout_after, 2, 1000, "consecutive failures that lock an account (10)" },
	{ "rate-limit", S_INT, &srv.cfg.rate_limit, 0, 100000, "public routes: requests in a row per address (300; 0: no limit)" },
	{ "rate-period", S_INT, &srv.cfg.rate_period, 1, 86400, "seconds in which those come back (60)" },
	{ "trusted-proxy", S_STR, &srv.cfg.trusted_proxy, 0, 0, "address whose X-Forwarded-For names the client (127.0.0.1; none)" },
	{ "max-connections", S_INT, &srv.cfg.max_connections, 0, 1000000, "connections open at once (0: the open-file limit less a reserve)" },
	{ "max-per-address", S_INT, &srv.cfg.max_per_address, 0, 1000000, "connections open at once from one address (0: no limit)" },
	{ "idle-seconds", S_INT, &srv.cfg.idle_seconds, 1, 3600, "a silent connection is closed after (60)" },
	{ "body-seconds", S_INT, &srv.cfg.body_seconds, 1, 86400, "a request's body must arrive whole within (300)" },
	{ "public-url", S_STR, &srv.cfg.public_url, 0, 0, "URL browsers reach acd at (http://LISTEN)" },
	{ "fc-issuer", S_STR, &srv.cfg.fc_issuer, 0, 0, "FranceConnect's issuer URL (mandates need it)" },
	{ "fc-client-id", S_STR, &srv.cfg.fc_client_id, 0, 0, "acd's client_id at FranceConnect" },
	{ "fc-client-secret-file", S_STR, &srv.cfg.fc_client_secret_file, 0, 0, "file holding the client secret" },
	{ "smtp-url", S_STR, &srv.cfg.smtp_url, 0, 0, "smtp://HOST:PORT for signing links sent by mail" },
	{ "mail-from", S_STR, &srv.cfg.mail_from, 0, 0, "sender of those mails (no-reply@aidantsconnect.beta.gouv.fr)" },
	{ "operator", S_STR, &operator_email, 0, 0, "init: the first operator's email" },
	{ "mandate-years", S_INT, &retention.mandate_years, 1, 100, "purge: mandates ended YEARS ago (6)" },
	{ "draft-days", S_INT, &retention.draft_days, 1, 365, "purge: drafts made DAYS ago (1)" },
	{ "application-days", S_INT, &retention.application_days, 1, 365, "purge: applications unconfirmed for DAYS (7)" },
	{ "dry-run", S_FLAG, &retention.dry_run, 0, 1, "purge: count what would go; change nothing" },
	{ "to", S_STR, &backup_to, 0, 0, "backup: the copy to write (FILE); migrate: the postgresql:// target" },
	{ "from", S_STR, &migrate_from, 0, 0, "migrate: the SQLite database to copy (PATH)" },
	{ "config", S_STR, &config_file, 0, 0, "read settings from FILE (key = value lines)" },
	{ 0 }
};

static void usage(FILE *to)
{
	fprintf(to, "usage: acd init --db PATH --operator EMAIL\n"
		    "       acd init --db postgresql://... --key-file PATH --operator EMAIL\n"
		    "       acd serve --db PATH [--listen 127.0.0.1:8080] [options]\n"
		    "       acd keys rotate --db PATH | acd keys list --db PATH\n"
		    "       acd purge --db PATH [--dry-run] [--mandate-years N] [--draft-days N]"
		    " [--application-days N]\n"
		    "       acd backup --db PATH --to FILE | acd check --db PATH\n"
		    "       acd migrate --from PATH --to postgresql://... [--key-file PATH]\n\noptions:\n");
	for (const struct setting *s = settings; s->key; s++)
		fprintf(to, "  --%-16s %s\n", s->key, s->help);
	fprintf(to, "  --help, --version\nSee acd(8).\n");
}

static int set(const struct setting *s, const char *v, const char *where)
{
	/* the copies made here, so a setting given twice (file, then flag) frees
	 * the first; the defaults are literals and are never freed */
	static char *owned[sizeof settings / sizeof settings[0]];
	if (s->type == S_STR) {
		size_t i = (size_t)(s - settings);
		free(owned[i]);
		owned[i] = strdup(v);
		*(const char **)s->ptr = owned[i];
		return 0;
	}
	if (s->type == S_FLAG) { /* a flag, or "key = 1" in a file */
		if (v && strcmp(v, "1") && strcmp(v, "0")) {
			fprintf(stderr, "acd: %s%s: expected 1 or 0, not \"%s\"\n", where, s->key, v);
			return -1;
		}
		*(int *)s->ptr = !v || !strcmp(v, "1");
		return 0;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < s->min || n > s->max) {
		fprintf(stderr, "acd: %s%s: expected a number from %d to %d, not \"%s\"\n", where,
			s->key, s->min, s->max, v);
		return -1;
	}
	*(int *)s->ptr = (int)n;
	return 0;
}

static int read_config(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "acd: --config %s: %s\n", path, strerror(errno));
		return -1;
	}
	char line[1024];
	int lineno = 0, rc = 0;
	while (!rc && fgets(line, sizeof line, f)) {
		lineno++;
		char *p = line + strspn(line, " \t");
		p[strcspn(p, "#\r\n")] = 0;
		if (!*p)
			continue;
		char *eq = strchr(p, '=');
		if (!eq) {
			fprintf(stderr, "acd: %s:%d: expected key = value\n", path, lineno);
			rc = -1;
			break;
		}
		char *k = p, *v = eq + 1, *e = eq;
		while (e > k && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = 0;
		v += strspn(v, " \t");
		for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = 0;
		const struct setting *s = settings;
		while (s->key && strcmp(s->key, k))
			s++;
		if (!s->key || !strcmp(k, "config")) {
			fprintf(stderr, "acd: %s:%d: unknown key \"%s\"\n", path, lineno, k);
			rc = -1;
		} else {
			char where[300];
			snprintf(where, sizeof where, "%s:%d: ", path, lineno);
			rc = set(s, v, where);
		}
	}
	fclose(f);
	return rc;
}

static int parse(int argc, char **argv)
{
	struct option lo[40];
	int n = 0;
	for (const struct setting *s = settings; s->key; s++, n++)
		lo[n] = (struct option){ s->key, s->type == S_FLAG ? no_argument : required_argument,
					 NULL, n };
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n++] = (struct option){ "version", no_argument, NULL, 'V' };
	lo[n] = (struct option){ 0 };
	/* "acd keys VERB --db ...": the options come after the verb */
	int first = !strcmp(argv[1], "keys") && argc > 2 ? 3 : 2;
	/* flags win over the file: read --config first */
	for (int i = first; i < argc; i++) {
		const char *file = !strcmp(argv[i], "--config") && i + 1 < argc ? argv[i + 1]
				   : !strncmp(argv[i], "--config=", 9) ? argv[i] + 9 : NULL;
		if (file && read_config(file))
			return 78;
	}
	int c;
	optind = first;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == 'V') {
			printf("acd %s\n", AC_VERSION);
			exit(0);
		}
		if (c == '?' || c == ':') {
			fprintf(stderr, "acd: unknown or incomplete option %s\n", argv[optind - 1]);
			usage(stderr);
			return 64;
		}
		if (set(&settings[c], optarg, "--"))
			return 64;
	}
	if (optind < argc) {
		fprintf(stderr, "acd: unexpected argument \"%s\"\n", argv[optind]);
		return 64;
	}
	if (!strcmp(argv[1], "migrate")) /* two databases, named --from and --to */
		return 0;
	if (!srv.cfg.db) {
		fprintf(stderr, "acd: --db PATH is required\n");
		return 64;
	}
	if (store_is_pg(srv.cfg.db) && !key_file) {
		/* no file beside a database that is not a file: the same key on every acd */
		fprintf(stderr, "acd: --db postgresql://... needs --key-file PATH\n");
		return 64;
	}
	if (srv.cfg.public_url) {
		/* links are built as PUBLIC_URL/sign/...: no trailing slash */
		char *u = (char *)srv.cfg.public_url;
		size_t len = strlen(u);
		while (len > 0 && u[len - 1] == '/')
			u[--len] = 0;
		if (strncmp(u, "http://", 7) && strncmp(u, "https://", 8)) {
			fprintf(stderr, "acd: --public-url %s: expected http:// or https://\n", u);
			return 64;
		}
	}
	return 0;
}

/* The key file: --key-file, or beside the SQLite database db, db.key. */
static const char *key_beside(const char *db)
{
	static char p[4096 + 8];
	if (key_file)
		return key_file;
	snprintf(p, sizeof p, "%s.key", db);
	return p;
}
static const char *key_path(void) { return key_beside(srv.cfg.db); }

struct first_operator {
	char email[256];
	uint8_t seed[APP_SEED];
};

static int init_work(struct txn *t, void *arg)
{
	static const char ins[] = "INSERT INTO accounts (id, email, first_name, last_name,"
				  " is_operator, created_at, idle_since) VALUES (1, $1, '', '', 1, $2, $2)";
	struct first_operator *op = arg;
	store_stmt *st = store_prep(t->db, ins);
	store_bind_text(st, 1, op->email);
	store_bind_int(st, 2, t->now);
	if (store_exec(st) != STORE_DONE)
		return -1;
	char serial[16];
	if (card_app_insert(t, 1, 0, "active", op->seed, serial))
		return -1;
	return journal_append(t, "operator_create", 0, op->email,
			      json_pack("{s:s}", "card", serial)) ||
	       journal_append(t, "card_enroll", 0, serial,
			      json_pack("{s:s,s:s}", "email", op->email, "kind", "app"));
}

static int cmd_init(void)
{
	char err[512];
	struct first_operator op;
	if (!operator_email) {
		fprintf(stderr, "acd: init needs --operator EMAIL\n");
		return 64;
	}
	snprintf(op.email, sizeof op.email, "%s", operator_email);
	if (ac_email_normalize(op.email)) {
		fprintf(stderr, "acd: --operator \"%s\" is not a valid email address\n", operator_email);
		return 64;
	}
	const char *kp = key_path();
	FILE *probe = store_is_pg(srv.cfg.db) ? NULL : fopen(srv.cfg.db, "r");
	if (probe) {
		fclose(probe);
		fprintf(stderr, "acd: %s already exists: refusing to overwrite a database\n", srv.cfg.db);
		return 73;
	}
	if (crypto_key_create(kp, err, sizeof err)) {
		fprintf(stderr, "acd: %s\n", err);
		return 73;
	}
	srv.db = store_open(srv.cfg.db, STORE_CREATE, err, sizeof err);
	if (!srv.db) {
		fprintf(stderr, "acd: %s\n", err);
		unlink(kp); /* no half-made installation left behind */
		return 73;
	}
	crypto_random(op.seed, sizeof op.seed);
	struct req r = { 0 };
	r.db = store_conn_get(srv.db);
	r.now = time(NULL);
	r.who.account = 1;
	snprintf(r.who.email, sizeof r.who.email, "%s", op.email);
	if (!r.db || txn_run(&r, 1, init_work, &op)) {
		fprintf(stderr, "acd: cannot create the first operator\n");
		return 70;
	}
	char *b32 = NULL;
	char *uri = card_otpauth_uri(op.email, op.seed, sizeof op.seed, APP_DIGITS, APP_STEP,
				      APP_ALGORITHM, &b32);
	json_t *out = json_pack("{s:s,s:s,s:s}", "email", op.email, "totp_secret", b32,
				"otpauth_uri", uri);
	ac_print(out);
	json_decref(out);
	free(uri);
	free(b32);
	store_close(srv.db);
	return ac_finish(0);
}

static int rotate_work(struct txn *t, void *arg)
{
	t->actor = "acd";
	return keys_rotate(t, arg);
}

/* Opens the existing database and its key file for a command: 0 or an exit status. */
static int open_existing(void)
{
	char err[512];
	if (!store_is_pg(srv.cfg.db) && access(srv.cfg.db, F_OK) != 0) {
		fprintf(stderr, "acd: %s: no such database (create it with acd init)\n", srv.cfg.db);
		return 78;
	}
	if (crypto_key_load(key_path(), err, sizeof err)) {
		fprintf(stderr, "acd: %s\n", err);
		return 78;
	}
	srv.db = store_open(srv.cfg.db, STORE_EXISTING, err, sizeof err);
	if (!srv.db) {
		fprintf(stderr, "acd: %s\n", err);
		return 78;
	}
	if (territory_backfill(srv.db)) {
		store_close(srv.db);
		return 70;
	}
	return 0;
}

/* The provider's signing keys, made (rotate != 0: again, retiring the
 * current ones) in one transaction; one JSON line per new key when print. */
static int make_keys(int rotate, int print)
{
	struct req r = { 0 };
	r.db = store_conn_get(srv.db);
	r.now = time(NULL);
	if (!r.db)
		return 70;
	if (!rotate && keys_present(r.db) == 1)
		return 0;
	json_t *made = json_array(), *k;
	size_t i;
	int rc = txn_run(&r, 1, rotate_work, made) ? 70 : 0;
	if (rc)
		fprintf(stderr, "acd: cannot make the signing keys\n");
	else
		log_info("signing keys %s (RS256, ES256)", rotate ? "rotated" : "made");
	if (print && !rc)
		json_array_foreach(made, i, k) ac_print(k);
	json_decref(made);
	free(r.out);
	return rc;
}

static int cmd_keys(const char *verb)
{
	if (!verb || (strcmp(verb, "rotate") && strcmp(verb, "list"))) {
		fprintf(stderr, "acd: keys rotate or keys list\n");
		return 64;
	}
	int rc = open_existing();
	if (rc)
		return rc;
	if (!strcmp(verb, "rotate"))
		rc = make_keys(1, 1);
	else {
		store_conn *c = store_conn_get(srv.db);
		json_t *all = c ? keys_list(c) : NULL, *k;
		size_t i;
		json_array_foreach(all, i, k) ac_print(k);
		rc = all ? 0 : 70;
		json_decref(all);
	}
	store_close(srv.db);
	return ac_finish(rc);
}

/* Retention, meant for a daily cron job beside a running acd: one line of
 * counts.  75 when the write-ahead log could not be emptied yet (a reader
 * held it): the purge is done, the next run empties it. */
static int cmd_purge(void)
{
	int rc = open_existing();
	if (rc)
		return rc;
	struct req r = { 0 };
	r.db = store_conn_get(srv.db);
	r.now = time(NULL);
	json_t *counts = NULL;
	if (!r.db || purge_run(&r, &retention, &counts)) {
		fprintf(stderr, "acd: purge: %s; nothing was purged\n",
			r.status == 503 ? "the database stayed busy, retry" : "the database refused it");
		free(r.out);
		store_close(srv.db);
		return r.status == 503 ? 75 : 70;
	}
	free(r.out);
	int busy = !retention.dry_run && store_truncate_log(r.db) != 0;
	json_object_set_new(counts, "dry_run", json_boolean(retention.dry_run));
	ac_print(counts);
	json_decref(counts);
	store_close(srv.db);
	if (busy)
		fprintf(stderr, "acd: purge: done, but the write-ahead log is still in use: what was "
				"purged may linger in it until the next run\n");
	return ac_finish(busy ? 75 : 0);
}

static int cmd_serve(void)
{
	char err[512];
	int opened = open_existing();
	if (opened)
		return opened;
	if (fc_setup(err, sizeof err)) {
		fprintf(stderr, "acd: %s\n", err);
		store_close(srv.db);
		return 78;
	}
	if (make_keys(0, 0)) {
		store_close(srv.db);
		return 70;
	}
	int rc = http_serve();
	store_close(srv.db);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 64 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("acd %s\n", AC_VERSION);
		return 0;
	}
	int rc = parse(argc, argv);
	if (rc)
		return rc;
	curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread: it is not thread-safe */
	if (oath_init() != OATH_OK) {
		fprintf(stderr, "acd: liboath cannot start\n");
		return 70;
	}
	if (!strcmp(argv[1], "init"))
		return cmd_init();
	if (!strcmp(argv[1], "serve"))
		return cmd_serve();
	if (!strcmp(argv[1], "keys"))
		return cmd_keys(argc > 2 ? argv[2] : NULL);
	if (!strcmp(argv[1], "purge"))
		return cmd_purge();
	if (!strcmp(argv[1], "backup"))
		return cmd_backup(srv.cfg.db, backup_to);
	if (!strcmp(argv[1], "check"))
		return cmd_check(srv.cfg.db, key_path());
	if (!strcmp(argv[1], "migrate")) /* the source's key, beside it unless named */
		return cmd_migrate(migrate_from, backup_to, migrate_from ? key_beside(migrate_from) : key_file);
	fprintf(stderr, "acd: unknown command \"%s\" (init, serve, keys, purge, backup, check or migrate)\n",
		argv[1]);
	return 64;
}
