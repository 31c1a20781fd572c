/* chain.c — the journal's digest and hash chain against libsodium computed
 * here independently, and the verifier catching alteration, removal and
 * reordering, on both its paths (text and jansson). */
#include "ac.h"
#include "tap.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>

#define N 6

static char *lines[N + 1];

static void hex(const uint8_t b[32], char out[65]) { sodium_bin2hex(out, 65, b, 32); }

/* An export of N entries as acd writes them. */
static void build(void)
{
	uint8_t chain[32] = { 0 }, digest[32];
	char h[65];
	for (int i = 0; i < N; i++) {
		json_t *details = json_pack("{s:s,s:i}", "card", "GADT00055096", "n", i);
		json_t *e = ac_journal_entry(i + 1, "2024-05-01T10:00:00Z", "login", "a@b.fr",
					     i % 2 ? 3 : 0, "a@b.fr", details);
		json_decref(details);
		ac_journal_digest(e, digest);
		ac_chain_next(chain, digest, chain);
		hex(digest, h);
		json_object_set_new(e, "digest", json_string(h));
		hex(chain, h);
		json_object_set_new(e, "chain", json_string(h));
		lines[i] = json_dumps(e, JSON_COMPACT);
		json_decref(e);
	}
}

/* Runs the verifier over lines (a NULL-terminated list) on one path. */
static int verify(char **ls, int text, int64_t *broken_at, size_t *entries)
{
	struct ac_chain_check c = { 0 };
	for (int i = 0; ls[i]; i++) {
		if (text && ac_chain_verify_text(ls[i], strlen(ls[i]), &c) == 0)
			continue;
		json_t *o = json_loads(ls[i], 0, NULL);
		int rc = ac_chain_verify_line(o, &c);
		json_decref(o);
		if (text && rc == 0) /* the text path must vouch for every good line */
			return 2;
		if (rc) {
			*broken_at = c.broken_at;
			*entries = c.entries;
			return 1;
		}
	}
	*entries = c.entries;
	return 0;
}

static void expect(char **ls, int64_t at, const char *what)
{
	for (int text = 0; text <= 1; text++) {
		int64_t b = 0;
		size_t n;
		int rc = verify(ls, text, &b, &n);
		if (at)
			ok(rc == 1 && b == at, "%s: broken at %lld (got rc %d at %lld), %s path", what,
			   (long long)at, rc, (long long)b, text ? "text" : "jansson");
		else
			ok(rc == 0 && n == (size_t)N, "%s: verifies (rc %d, %zu entries), %s path", what,
			   rc, n, text ? "text" : "jansson");
	}
}

static char *replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	if (!at)
		return strdup(s);
	size_t a = (size_t)(at - s), f = strlen(from), t = strlen(to);
	char *out = malloc(strlen(s) - f + t + 1);
	memcpy(out, s, a);
	memcpy(out + a, to, t);
	strcpy(out + a + t, at + f);
	return out;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	/* the digest is BLAKE2b-256 of exactly this text */
	const char *canon = "{\"action\":\"login\",\"actor\":\"a@b.fr\",\"details\":{\"card\":\"X\"},"
			    "\"seq\":1,\"structure\":null,\"subject\":\"é\",\"time\":\"2024-05-01T10:00:00Z\"}";
	uint8_t want[32], got[32], zero[32] = { 0 }, cat[64], chain[32], want_chain[32];
	crypto_generichash(want, 32, (const uint8_t *)canon, strlen(canon), NULL, 0);
	json_t *details = json_pack("{s:s}", "card", "X");
	json_t *e = ac_journal_entry(1, "2024-05-01T10:00:00Z", "login", "a@b.fr", 0, "é", details);
	char *dumped = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
	is_str(dumped, canon, "ac_journal_entry's canonical text");
	free(dumped);
	ac_journal_digest(e, got);
	ok(!memcmp(got, want, 32), "the digest is BLAKE2b-256 of the canonical text");
	json_decref(e);
	json_decref(details);
	/* chain = BLAKE2b-256(previous chain || digest), from zeros */
	memcpy(cat, zero, 32);
	memcpy(cat + 32, want, 32);
	crypto_generichash(want_chain, 32, cat, 64, NULL, 0);
	ac_chain_next(zero, want, chain);
	ok(!memcmp(chain, want_chain, 32), "the chain hashes previous chain then digest");
	/* a fixed vector (printf '%s' TEXT | b2sum -l 256), so a change of
	 * algorithm or digest size cannot pass unseen */
	char h[65];
	hex(want, h);
	is_str(h, "87dcce32ed2d493429878c7fc2e58f418a31bc098a12963a742ec08122a2ca8a", "known digest");

	build();
	char *ls[N + 1];
	memcpy(ls, lines, sizeof ls);
	expect(ls, 0, "an intact export");

	ls[2] = replace(lines[2], "\"a@b.fr\"", "\"x@b.fr\"");
	expect(ls, 3, "entry 3's actor altered");
	free(ls[2]);
	ls[2] = replace(lines[2], "\"n\":2", "\"n\":9");
	expect(ls, 3, "entry 3's details altered");
	free(ls[2]);
	ls[2] = replace(lines[2], "\"seq\":3", "\"seq\":3,\"extra\":1");
	expect(ls, 3, "a field added to entry 3");
	free(ls[2]);
	ls[2] = lines[2];

	/* the hex of digest and chain, decoded by table: either case is the
	 * same hash; anything but 64 hex digits is refused */
	{
		json_t *o = json_loads(lines[2], 0, NULL);
		char up[65], bad[70];
		snprintf(up, sizeof up, "%s", json_string_value(json_object_get(o, "digest")));
		for (char *p = up; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		ls[2] = replace(lines[2], json_string_value(json_object_get(o, "digest")), up);
		expect(ls, 0, "entry 3's digest in upper case");
		free(ls[2]);
		static const char *const wrong[] = { "g", "G", ":", "/", "@", "`", " ", "\\u0000" };
		for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
			snprintf(bad, sizeof bad, "%.63s%s", up, wrong[i]);
			ls[2] = replace(lines[2], json_string_value(json_object_get(o, "digest")), bad);
			char what[64];
			snprintf(what, sizeof what, "entry 3's digest ending in '%s'", wrong[i]);
			expect(ls, 3, what);
			free(ls[2]);
		}
		snprintf(bad, sizeof bad, "%.63s", up);
		ls[2] = replace(lines[2], json_string_value(json_object_get(o, "digest")), bad);
		expect(ls, 3, "entry 3's digest of 63 digits");
		free(ls[2]);
		snprintf(bad, sizeof bad, "%s0", up);
		ls[2] = replace(lines[2], json_string_value(json_object_get(o, "chain")), bad);
		expect(ls, 3, "entry 3's chain of 65 digits");
		free(ls[2]);
		ls[2] = lines[2];
		json_decref(o);
	}

	/* entry 3 altered, its digest recomputed: the chain still catches it */
	{
		json_t *o = json_loads(lines[2], 0, NULL);
		json_t *old_chain = json_incref(json_object_get(o, "chain"));
		json_object_set_new(o, "action", json_string("logout"));
		json_object_del(o, "digest");
		json_object_del(o, "chain");
		uint8_t d[32];
		ac_journal_digest(o, d);
		hex(d, h);
		json_object_set_new(o, "digest", json_string(h));
		json_object_set_new(o, "chain", old_chain);
		ls[2] = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		expect(ls, 3, "entry 3 altered with a fresh digest");
		free(ls[2]);
		ls[2] = lines[2];
	}

	char *removed[N] = { lines[0], lines[1], lines[3], lines[4], lines[5], NULL };
	expect(removed, 3, "entry 3 removed");
	char *swapped[N + 1] = { lines[0], lines[1], lines[3], lines[2], lines[4], lines[5], NULL };
	expect(swapped, 3, "entries 3 and 4 swapped");
	char *dup[N + 2] = { lines[0], lines[1], lines[2], lines[2], lines[3], lines[4], lines[5], NULL };
	expect(dup, 4, "entry 3 twice");

	/* an export whose first entries were removed: caught at its first entry,
	 * on both paths, unless anchored on the chain of the entry before it */
	char *from3[N] = { lines[2], lines[3], lines[4], lines[5], NULL };
	expect(from3, 3, "entries 1 and 2 removed (no anchor)");
	char *from2[N + 1] = { lines[1], lines[2], lines[3], lines[4], lines[5], NULL };
	expect(from2, 2, "entry 1 removed (no anchor)");
	{
		struct ac_chain_check c = { 0 };
		json_t *o = json_loads(lines[2], 0, NULL);
		ok(ac_chain_verify_line(o, &c) == -1 && c.broken_at == 3 && c.entries == 0 &&
		   strstr(c.why, "starts at entry 3") && strstr(c.why, "--anchor"),
		   "the reason names the first entry and --anchor: %s", c.why);
		json_decref(o);
	}
	for (int text = 0; text <= 1; text++) {
		json_t *prev = json_loads(lines[1], 0, NULL);
		const char *anchor = json_string_value(json_object_get(prev, "chain"));
		struct ac_chain_check c = { 0 };
		ok(ac_chain_anchor(&c, anchor) == 0, "entry 2's chain is an anchor");
		int good = 1;
		for (int i = 2; i < N; i++) {
			if (text && ac_chain_verify_text(lines[i], strlen(lines[i]), &c) == 0)
				continue;
			json_t *o = json_loads(lines[i], 0, NULL);
			good &= !text && ac_chain_verify_line(o, &c) == 0;
			json_decref(o);
		}
		ok(good && c.entries == N - 2 && c.seq == N, "anchored on entry 2, an export from "
		   "entry 3 verifies, %s path", text ? "text" : "jansson");
		/* the wrong anchor (entry 1's chain) breaks at the first entry */
		json_t *first = json_loads(lines[0], 0, NULL);
		struct ac_chain_check w = { 0 };
		ac_chain_anchor(&w, json_string_value(json_object_get(first, "chain")));
		json_decref(first);
		json_t *o = json_loads(lines[2], 0, NULL);
		int rc = text ? ac_chain_verify_text(lines[2], strlen(lines[2]), &w) : 0;
		if (!text || rc)
			rc = ac_chain_verify_line(o, &w);
		ok(rc == -1 && w.broken_at == 3 && strstr(w.why, "anchor"),
		   "a wrong anchor breaks at entry 3, %s path: %s", text ? "text" : "jansson", w.why);
		json_decref(o);
		json_decref(prev);
	}
	{
		struct ac_chain_check c = { 0 };
		ok(ac_chain_anchor(&c, "abc") == -1 && !c.anchored, "a short anchor is refused");
	}
	return tap_done();
}
