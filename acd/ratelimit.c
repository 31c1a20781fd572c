/* ratelimit.c — see ratelimit.h.  Each address's bucket is one time, when it
 * is full again (GCRA's "theoretical arrival time"): a request at now moves it
 * to max(tat, now) + interval, and goes on while that stays within one period
 * of now, so `limit` requests pass in a row, then one per interval.  The
 * addresses are hashed under a key drawn at start: no client can aim its
 * addresses at one set of the table to push others out. */
#include "ratelimit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define SETS 4096 /* x WAYS: 32,768 addresses in 512 KiB, whatever the clients */
#define WAYS 8
#define LOCKS 64  /* lock i guards sets i, i + 64...: threads rarely wait on each other */

struct cell {
	uint64_t key; /* the address's hash; 0: empty */
	int64_t tat;  /* µs on the monotonic clock: when the bucket is full again */
};

/* What a client counts as: the family and the bytes that name it. */
struct ip {
	int family;
	unsigned char b[16];
};

static struct cell table[SETS][WAYS];
static pthread_mutex_t locks[LOCKS];
static int64_t interval; /* µs a token takes to come back; 0: no limit */
static int64_t window;   /* interval x limit: the whole bucket */
static struct ip proxy;  /* family 0: none trusted */
static unsigned char hkey[crypto_shorthash_KEYBYTES];

static int ip_parse(const char *s, size_t n, struct ip *a)
{
	char text[INET6_ADDRSTRLEN + 2];
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n > 2 && s[0] == '[' && s[n - 1] == ']')
		s++, n -= 2;
	if (!n || n >= sizeof text)
		return -1;
	memcpy(text, s, n);
	text[n] = 0;
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, text, a->b) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, text, a->b) == 1)
		a->family = AF_INET6;
	else
		return -1;
	return 0;
}

/* ::ffff:a.b.c.d is the IPv4 client a.b.c.d (a dual-stack socket). */
static void ip_unmap(struct ip *a)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (a->family == AF_INET6 && !memcmp(a->b, mapped, sizeof mapped)) {
		memmove(a->b, a->b + 12, 4);
		memset(a->b + 4, 0, 12);
		a->family = AF_INET;
	}
}

static void ip_of(const struct sockaddr *sa, struct ip *a)
{
	memset(a, 0, sizeof *a);
	if (sa && sa->sa_family == AF_INET) {
		a->family = AF_INET;
		memcpy(a->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		a->family = AF_INET6;
		memcpy(a->b, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		ip_unmap(a);
	} /* else family 0: whatever it is, one bucket for all such peers */
}

static int ip_same(const struct ip *a, const struct ip *b)
{
	return a->family == b->family && !memcmp(a->b, b->b, sizeof a->b);
}

/* The last address of X-Forwarded-For: the one the proxy itself wrote, when
 * it appends the peer it saw to whatever the client sent. */
static int forwarded_client(const char *xff, struct ip *a)
{
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	if (ip_parse(last, strlen(last), a))
		return -1;
	ip_unmap(a);
	return 0;
}

int ratelimit_setup(int limit, int period, const char *proxy_addr, char *err, size_t cap)
{
	if (sodium_init() < 0) {
		snprintf(err, cap, "libsodium cannot start");
		return -1;
	}
	static int locks_made;
	for (int i = 0; !locks_made && i < LOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
	locks_made = 1;
	memset(table, 0, sizeof table);
	randombytes_buf(hkey, sizeof hkey);
	memset(&proxy, 0, sizeof proxy);
	if (proxy_addr && *proxy_addr && strcmp(proxy_addr, "none")) {
		if (ip_parse(proxy_addr, strlen(proxy_addr), &proxy)) {
			snprintf(err, cap, "--trusted-proxy %s: expected an IPv4 or IPv6 address, or none",
				 proxy_addr);
			return -1;
		}
		ip_unmap(&proxy);
	}
	interval = window = 0;
	if (limit > 0 && period > 0) {
		interval = (int64_t)period * 1000000 / limit;
		if (interval < 1)
			interval = 1;
		window = interval * limit;
	}
	return 0;
}

int ratelimit_take(const struct sockaddr *peer, const char *forwarded_for)
{
	if (!interval)
		return 0;
	struct ip a, f;
	ip_of(peer, &a);
	if (proxy.family && forwarded_for && ip_same(&a, &proxy) && !forwarded_client(forwarded_for, &f))
		a = f;
	/* one subscriber holds a whole IPv6 /64: count it as one client */
	unsigned char name[9] = { (unsigned char)a.family };
	memcpy(name + 1, a.b, a.family == AF_INET ? 4 : 8);
	uint64_t key;
	crypto_shorthash((unsigned char *)&key, name, sizeof name, hkey);
	key |= 1; /* never 0, the empty cell */

	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	size_t set = (size_t)(key >> 32) % SETS;
	struct cell *row = table[set], *c = NULL;
	pthread_mutex_t *m = &locks[set % LOCKS];
	int wait = 0;
	pthread_mutex_lock(m);
	for (int i = 0; i < WAYS && !c; i++)
		if (row[i].key == key)
			c = &row[i];
	if (!c) {
		/* a newcomer takes the place of the fullest bucket (an empty cell
		 * is the fullest of all): what is forgotten is the least owed */
		c = &row[0];
		for (int i = 1; i < WAYS; i++)
			if (row[i].tat < c->tat)
				c = &row[i];
		c->key = key;
		c->tat = now;
	}
	int64_t next = (c->tat > now ? c->tat : now) + interval;
	if (next - now > window)
		wait = (int)((next - now - window + 999999) / 1000000);
	else
		c->tat = next;
	pthread_mutex_unlock(m);
	return wait;
}
