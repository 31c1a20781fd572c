/* http.c — libmicrohttpd glue: finds the route, counts a public one against
 * the client's address, collects the body under its size cap, authenticates,
 * runs the handler, sends the reply, logs one line. */
#include "ac.h"
#include "server.h"
#include "routes.h"
#include "auth.h"
#include "html.h"
#include "log.h"
#include "ratelimit.h"
#include "txn.h"
#include "waiters.h"

#include <microhttpd.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <strings.h>
#include <unistd.h>

static atomic_int in_flight;

static void security_headers(struct MHD_Response *resp, const char *ctype)
{
	MHD_add_response_header(resp, "Content-Type", ctype ? ctype : "application/json");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
}

static enum MHD_Result send_reply(struct req *r)
{
	struct MHD_Response *resp = r->stream;
	if (!resp) {
		resp = MHD_create_response_from_buffer(r->outlen, r->out, MHD_RESPMEM_MUST_FREE);
		r->out = NULL;
	}
	r->stream = NULL;
	security_headers(resp, r->ctype);
	for (int i = 0; i < r->nhdr; i++)
		MHD_add_response_header(resp, r->hdr[i][0], r->hdr[i][1]);
	if (r->status == 405)
		MHD_add_response_header(resp, "Allow", r->route ? r->route->method : "GET, POST");
	enum MHD_Result ok = MHD_queue_response(r->mc, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* The cap of this request's body: NDJSON on a bulk route may be larger. */
static size_t body_max(const struct req *r)
{
	return r->route && r->route->body == BODY_BULK && r->ndjson ? BULK_MAX : BODY_MAX;
}

static int is_ndjson(struct MHD_Connection *mc)
{
	const char *ct = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Type");
	return ct && !strncmp(ct, "application/x-ndjson", 20);
}

/* A client over its rate on a public route: 429 with Retry-After and nothing
 * else done (no database, no journal, the body left unread).  /v1 answers
 * its error object, unless a browser asks for the page (as the attestation
 * check has one); the pages, a page. */
static void refuse_rate(struct req *r, int wait)
{
	char secs[16], what[200];
	snprintf(secs, sizeof secs, "%d", wait);
	reply_header(r, "Retry-After", secs);
	const char *accept = MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND, "Accept");
	if (!strncmp(r->url, "/v1/", 4) && !(accept && strstr(accept, "text/html"))) {
		reply_error(r, 429, "rate_limited",
			    "too many requests from this address; retry in %d s", wait);
		return;
	}
	int n = wait < 120 ? wait : (wait + 59) / 60;
	snprintf(what, sizeof what,
		 "Trop de demandes sont venues de votre adresse en peu de temps. "
		 "Réessayez dans %d %s.", n, wait < 120 ? (n > 1 ? "secondes" : "seconde") : "minutes");
	reply_page_error(r, 429, "Trop de demandes", what);
}

/* Keeps the last X-Forwarded-For line: a proxy that appends a line of its
 * own (haproxy's option forwardfor) writes it after any the client sent. */
static enum MHD_Result last_forwarded(void *cls, enum MHD_ValueKind kind, const char *key,
				      const char *value)
{
	(void)kind;
	if (key && value && !strcasecmp(key, "X-Forwarded-For"))
		*(const char **)cls = value;
	return MHD_YES;
}

/* 0, or the seconds this request's client must wait (ratelimit.h). */
static int rate_wait(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *xff = NULL;
	MHD_get_connection_values(mc, MHD_HEADER_KIND, last_forwarded, &xff);
	return ratelimit_take(ci ? ci->client_addr : NULL, xff);
}

/* A refusal made of the failed reads of an outage (no session, not found)
 * would mislead: the database is what failed, and the client should retry. */
static void outage_answer(struct req *r)
{
	if (r->status < 400 || r->status == 503 || r->stream || r->suspended || !store_lost(r->db))
		return;
	reply_error(r, 503, "unavailable", "the database connection was lost; retry later");
}

static void dispatch(struct req *r)
{
	if (r->too_big) {
		reply_error(r, 413, "too_large", "the body is larger than %zu bytes", body_max(r));
		return;
	}
	if (r->route->body == BODY_NONE && r->len) {
		reply_error(r, 400, "unexpected_body", "%s %s takes no body", r->method, r->route->path);
		return;
	}
	if (r->ndjson && r->route->body != BODY_BULK) {
		reply_error(r, 415, "not_bulk", "%s %s takes one JSON object, not NDJSON", r->method,
			    r->route->path);
		return;
	}
	r->db = store_conn_get(srv.db);
	if (!r->db) {
		reply_error(r, 503, "unavailable", "the database cannot be opened; retry later");
		return;
	}
	r->now = time(NULL);
	if (r->route->auth == AUTH_SESSION &&
	    (auth_session(r) != 0 || token_route_check(r, r->route->scopes) != 0)) {
		outage_answer(r);
		store_idle(r->db); /* a read left pending would pin an old snapshot */
		return;
	}
	r->suspended = 0;
	r->route->handler(r);
	outage_answer(r);
	store_idle(r->db);
	if (!r->status && !r->suspended)
		reply_error(r, 500, "internal", "the server produced no answer");
}

/* Whether this request's body is still coming after --body-seconds. */
static int body_late(const struct req *r)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - r->t0.tv_sec > srv.cfg.body_seconds;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **ctx)
{
	(void)cls;
	(void)version;
	struct req *r = *ctx;
	if (!r) {
		r = calloc(1, sizeof *r);
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		r->mc = mc;
		r->method = method;
		r->url = url;
		r->ndjson = is_ndjson(mc);
		*ctx = r;
		atomic_fetch_add(&in_flight, 1);
		int known;
		r->route = route_find(method, url, r->arg, &known);
		if (!r->route) {
			if (known)
				reply_error(r, 405, "method_not_allowed", "%s is not allowed on %s", method, url);
			else
				reply_error(r, 404, "not_found", "no such route: %s", url);
			return MHD_YES; /* the body, if any, is read and dropped */
		}
		int wait = r->route->auth == AUTH_NONE ? rate_wait(mc) : 0;
		if (wait) {
			refuse_rate(r, wait);
			return send_reply(r); /* before the body: MHD closes instead of reading it */
		}
		const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > body_max(r)) {
			/* answer before the body: MHD then closes instead of reading it */
			r->too_big = 1;
			dispatch(r);
			return send_reply(r);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		size_t max = body_max(r);
		if (!r->status && body_late(r)) {
			/* one byte a second would hold the connection for ever:
			 * the idle timeout never fires while bytes come */
			reply_error(r, 408, "body_too_slow", "the body did not arrive within %d s",
				    srv.cfg.body_seconds);
			return MHD_NO;
		}
		if (!r->status && !r->too_big) {
			if (r->len + *upload_size > max) {
				/* a body without Content-Length (chunked) past the cap:
				 * MHD cannot answer before a body ends, and reading
				 * the rest could take a gigabyte: the connection is
				 * closed now (logged as the 413 it would be) */
				r->too_big = 1;
				dispatch(r);
				return MHD_NO;
			} else {
				if (r->len + *upload_size + 1 > r->cap) {
					r->cap = (r->len + *upload_size + 1) * 2;
					if (r->cap > max + 1)
						r->cap = max + 1;
					r->body = realloc(r->body, r->cap);
				}
				memcpy(r->body + r->len, upload, *upload_size);
				r->len += *upload_size;
				r->body[r->len] = 0;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (!r->status)
		dispatch(r);
	if (r->suspended)
		return MHD_YES; /* resumed later: this function runs again */
	return send_reply(r);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **ctx,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)mc;
	struct req *r = *ctx;
	if (!r)
		return;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long us = (t1.tv_sec - r->t0.tv_sec) * 1000000L + (t1.tv_nsec - r->t0.tv_nsec) / 1000;
	/* the path only: query strings may carry people's emails; a signing
	 * link's token is a secret */
	char clean[1024];
	const char *path = !strncmp(r->url, "/sign/", 6) ? "/sign/(token)"
			   : log_clean(r->url, clean, sizeof clean);
	log_info("%s %s %d %ldus%s", r->method, path, r->status, us,
		 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	if (r->stream)
		MHD_destroy_response(r->stream);
	if (r->kept) {
		sodium_memzero(r->kept, r->kept_len);
		free(r->kept);
	}
	free(r->group); /* resumed, but the client left before the handler ran again */
	free(r->body);
	free(r->out);
	for (int i = 0; i < r->nhdr; i++) {
		free(r->hdr[i][0]);
		free(r->hdr[i][1]);
	}
	free(r);
	*ctx = NULL;
	atomic_fetch_sub(&in_flight, 1);
}

static int parse_listen(const char *spec, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	if (!colon || (size_t)(colon - spec) >= sizeof host)
		return -1;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = 0;
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* The address acd listens on, for whoever started it with port 0: written
 * whole under a temporary name then renamed, so a reader never sees half a
 * line, and only once the socket accepts (MHD listens before it returns). */
static int write_ready_file(const char *path, const char *host, unsigned port)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		log_error("--ready-file %s: path too long", path);
		return -1;
	}
	FILE *f = fopen(tmp, "w");
	if (!f) {
		log_error("--ready-file %s: %s", tmp, strerror(errno));
		return -1;
	}
	int bad = fprintf(f, "%s:%u\n", host, port) < 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path)) {
		log_error("--ready-file %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* MHD's percent-decoding of the path and the query, except %00: decoded, a
 * NUL would cut "/v1/health%00x" to "/v1/health" and the rest would pass
 * unseen.  Left as the three characters, it matches no route and no value. */
static size_t unescape(void *cls, struct MHD_Connection *mc, char *s)
{
	(void)cls;
	(void)mc;
	char *w = s;
	for (const char *p = s; *p;) {
		int hi = p[0] == '%' ? ac_hexval(p[1]) : -1, lo = hi >= 0 ? ac_hexval(p[2]) : -1;
		if (lo >= 0 && (hi | lo)) {
			*w++ = (char)(hi << 4 | lo);
			p += 3;
		} else {
			*w++ = *p++;
		}
	}
	*w = 0;
	return (size_t)(w - s);
}

/* How many connections acd may hold: --max-connections, or what the
 * open-file limit allows once raised to its hard limit, less a reserve for
 * the database, mail and FranceConnect's sockets.  MHD's own default (about
 * a thousand) let a thousand idle sockets stop every other client. */
static unsigned connection_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	rlim_t room = rl.rlim_cur > 256 + 16 ? rl.rlim_cur - 256 : 16;
	rlim_t want = srv.cfg.max_connections > 0 ? (rlim_t)srv.cfg.max_connections : room;
	if (want > room)
		log_info("--max-connections %d: the open-file limit allows %lu", srv.cfg.max_connections,
			 (unsigned long)room);
	want = want < room ? want : room;
	return want > 1000000 ? 1000000 : (unsigned)want;
}

int http_serve(void)
{
	struct sockaddr_in sa;
	if (parse_listen(srv.cfg.listen, &sa)) {
		log_error("--listen %s: expected IPV4:PORT, as in 127.0.0.1:8080", srv.cfg.listen);
		return 78;
	}
	char err[200];
	if (ratelimit_setup(srv.cfg.rate_limit, srv.cfg.rate_period, srv.cfg.trusted_proxy, err,
			    sizeof err)) {
		log_error("%s", err);
		return 78;
	}
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL); /* the pool threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);

	unsigned limit = connection_limit();
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
			MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
		on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv.cfg.threads,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)srv.cfg.idle_seconds,
		MHD_OPTION_CONNECTION_LIMIT, limit,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)srv.cfg.max_per_address,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		MHD_OPTION_END);
	if (!d) {
		log_error("cannot listen on %s: %s", srv.cfg.listen, strerror(errno));
		return 69;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char where[80];
	snprintf(where, sizeof where, "%s", srv.cfg.listen);
	*strrchr(where, ':') = 0;
	log_info("listening on http://%s:%u/ (%d threads, %u connections)", where,
		 info ? info->port : 0, srv.cfg.threads, limit);
	if (srv.cfg.ready_file && write_ready_file(srv.cfg.ready_file, where, info ? info->port : 0)) {
		MHD_stop_daemon(d);
		return 73;
	}
	static char public_url[128];
	if (!srv.cfg.public_url) {
		snprintf(public_url, sizeof public_url, "http://%s:%u", where, info ? info->port : 0);
		srv.cfg.public_url = public_url;
	}

	waiters_start(d);
	/* another acd's changes wake ours at once (PostgreSQL); the tick stays
	 * for deadlines and for what a reconnecting listener missed */
	if (store_listen(srv.db, WAITERS_CHANNEL, waiters_wake) < 0)
		log_error("cannot listen for other servers' changes: long polls see them at the next tick");
	int sig;
	sigwait(&stop, &sig);
	log_info("signal %d: finishing requests in flight", sig);
	store_listen_stop(srv.db);
	waiters_stop(); /* long polls answer now */
	/* stop accepting, and close the socket at once: a balancer's next
	 * connection is refused (and tried on another acd) rather than left in
	 * the backlog to be reset at exit; let what is running end (bounded) */
	MHD_socket ls = MHD_quiesce_daemon(d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	for (int i = 0; i < 300 && atomic_load(&in_flight) > 0; i++)
		usleep(10000);
	txn_groups_stop(); /* nothing parked left to resume once MHD stops */
	MHD_stop_daemon(d);
	if (srv.cfg.ready_file)
		unlink(srv.cfg.ready_file); /* a later start must not read this one's port */
	log_info("stopped");
	return 0;
}
