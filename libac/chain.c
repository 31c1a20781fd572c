/* chain.c — the journal's canonical JSON and its BLAKE2b hash chain.  Chaining
 * over digests (not entries) lets personal fields be erased one day while the
 * chain still verifies. */
#include "ac.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

json_t *ac_journal_entry(int64_t seq, const char *time, const char *action, const char *actor,
			 int64_t structure, const char *subject, json_t *details)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:s,s:O}", "seq", (json_int_t)seq, "time", time,
			 "action", action, "actor", actor, "structure",
			 structure ? json_integer(structure) : json_null(), "subject",
			 subject ? subject : "", "details", details ? details : json_object());
}

void ac_journal_digest(json_t *entry, uint8_t digest[32])
{
	/* canonical: keys sorted by bytes, no whitespace, UTF-8 as is */
	char *txt = json_dumps(entry, JSON_COMPACT | JSON_SORT_KEYS);
	crypto_generichash(digest, 32, (const uint8_t *)txt, strlen(txt), NULL, 0);
	free(txt);
}

void ac_chain_next(const uint8_t prev[32], const uint8_t digest[32], uint8_t chain[32])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, prev, 32);
	crypto_generichash_update(&st, digest, 32);
	crypto_generichash_final(&st, chain, 32);
}

/* 64 hex digits, either case, to 32 bytes: what sodium_hex2bin accepts with
 * no separators, by table and without branches on the digits (its constant
 * time, which no public hash needs, and random digits mispredicted were a
 * fifth of a large verify). */
static const uint8_t hex1[256] = { /* a digit's value + 1; 0: not a digit */
	['0'] = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	['A'] = 11, 12, 13, 14, 15, 16,
	['a'] = 11, 12, 13, 14, 15, 16,
};

static int unhex(const char *hex, uint8_t out[32])
{
	if (!hex || strnlen(hex, 65) != 64)
		return -1;
	unsigned bad = 0;
	for (int i = 0; i < 32; i++) {
		/* not a digit: 0 - 1, all bits set */
		unsigned hi = hex1[(unsigned char)hex[2 * i]] - 1u;
		unsigned lo = hex1[(unsigned char)hex[2 * i + 1]] - 1u;
		bad |= hi | lo;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return bad > 15 ? -1 : 0;
}

/* The entry as it was hashed: the line without digest and chain.  A shallow
 * copy: the values are shared, not copied (a deep copy per line dominated the
 * time of verifying a large export). */
static json_t *without_hashes(json_t *line)
{
	json_t *entry = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(line, k, v)
		if (strcmp(k, "digest") && strcmp(k, "chain"))
			json_object_set(entry, k, v);
	return entry;
}

static int broken(struct ac_chain_check *c, int64_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int broken(struct ac_chain_check *c, int64_t at, const char *fmt, ...)
{
	va_list ap;
	c->broken_at = at;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof c->why, fmt, ap);
	va_end(ap);
	return -1;
}

static void note_erased(struct ac_chain_check *c, int64_t seq);

/* Links a good entry's digest to the chain: 0 and c advances, or -1. */
static int extend(struct ac_chain_check *c, int64_t seq, const uint8_t digest[32],
		  const uint8_t want_chain[32])
{
	uint8_t chain[32];
	static const uint8_t genesis[32];
	/* the first entry follows the anchor, else the journal's origin: never
	 * its own word (removed first entries would pass unseen) */
	const uint8_t *prev = c->entries ? c->chain : c->anchored ? c->anchor : genesis;
	if (c->entries == 0 && seq != 1 && !c->anchored)
		return -1;
	ac_chain_next(prev, digest, chain);
	if (memcmp(chain, want_chain, 32) != 0) /* public hashes: no need of constant time */
		return -1;
	c->seq = seq;
	c->entries++;
	memcpy(c->chain, chain, 32);
	return 0;
}

int ac_chain_verify_line(json_t *line, struct ac_chain_check *c)
{
	uint8_t digest[32], want_digest[32], want_chain[32];
	int first = c->entries == 0;
	int64_t expected = c->seq + 1;
	json_t *seqv = json_object_get(line, "seq");
	if (!json_is_integer(seqv))
		return broken(c, expected, "the entry after entry %lld has no sequence number",
			      (long long)c->seq);
	int64_t seq = json_integer_value(seqv);
	if (first && seq != 1 && !c->anchored)
		return broken(c, seq, "the export starts at entry %lld, not 1: entries before it may "
			      "have been removed; to verify a slice, give --anchor with the chain hash "
			      "of entry %lld (the head of a verify of the export up to it)",
			      (long long)seq, (long long)seq - 1);
	/* the lowest sequence number that cannot be vouched for is the broken one */
	if (!first && seq != expected)
		return broken(c, expected, "entry %lld is %s (entry %lld comes in its place)",
			      (long long)expected, seq > expected ? "missing or out of order" :
			      "out of order", (long long)seq);
	if (unhex(json_string_value(json_object_get(line, "digest")), want_digest) ||
	    unhex(json_string_value(json_object_get(line, "chain")), want_chain))
		return broken(c, seq, "entry %lld: digest or chain missing or not 64 hex digits",
			      (long long)seq);
	int erased = json_is_string(json_object_get(line, "erased_at"));
	if (erased) {
		/* its content is gone: the chain vouches for the digest it had */
		memcpy(digest, want_digest, 32);
	} else {
		json_t *entry = without_hashes(line);
		ac_journal_digest(entry, digest);
		json_decref(entry);
		if (sodium_memcmp(digest, want_digest, 32) != 0)
			return broken(c, seq, "entry %lld: its content does not match its digest "
				      "(altered)", (long long)seq);
	}
	if (extend(c, seq, digest, want_chain)) {
		if (first && c->anchored)
			return broken(c, seq, "entry %lld: the chain breaks here (its chain hash does "
				      "not follow from the anchor)", (long long)seq);
		return broken(c, seq, "entry %lld: the chain breaks here (its chain hash does not "
			      "follow from entry %lld's)", (long long)seq, (long long)seq - 1);
	}
	if (erased)
		note_erased(c, seq);
	return 0;
}

/* The fast path vouches for good lines; anything else gets jansson's
 * judgement, which names malformed lines and broken entries. */
int ac_chain_verify_record(const char *txt, size_t len, struct ac_chain_check *c, char *err,
			   size_t errlen)
{
	if (ac_chain_verify_text(txt, len, c) == 0)
		return 0;
	json_error_t e;
	json_t *rec = json_loadb(txt, len, JSON_REJECT_DUPLICATES, &e);
	char quiet[JSON_ERROR_TEXT_LENGTH];
	if (!rec) {
		snprintf(err, errlen, "malformed JSON: %s", ac_json_error(&e, quiet, sizeof quiet));
		return -2;
	}
	if (!json_is_object(rec) || !json_is_integer(json_object_get(rec, "seq"))) {
		json_decref(rec);
		snprintf(err, errlen, "not a journal entry (no integer \"seq\")");
		return -2;
	}
	int rc = ac_chain_verify_line(rec, c);
	json_decref(rec);
	return rc;
}

/* Appends the run lo-hi to the runs text, or "…" once it is full. */
static void add_run(char *runs, size_t len, int64_t lo, int64_t hi)
{
	size_t n = strlen(runs);
	if (n && !strcmp(runs + n - strlen("…"), "…"))
		return;
	char one[48];
	if (lo == hi)
		snprintf(one, sizeof one, "%s%lld", n ? "," : "", (long long)lo);
	else
		snprintf(one, sizeof one, "%s%lld-%lld", n ? "," : "", (long long)lo, (long long)hi);
	if (n + strlen(one) + strlen(",…") < len)
		memcpy(runs + n, one, strlen(one) + 1);
	else
		snprintf(runs + n, len - n, "%s…", n ? "," : "");
}

static void note_erased(struct ac_chain_check *c, int64_t seq)
{
	if (c->erased && seq == c->erased_hi + 1) {
		c->erased_hi = seq;
	} else {
		if (c->erased)
			add_run(c->erased_seq, sizeof c->erased_seq, c->erased_lo, c->erased_hi);
		c->erased_lo = c->erased_hi = seq;
	}
	c->erased++;
}

const char *ac_chain_erased_runs(struct ac_chain_check *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s", c->erased_seq);
	if (c->erased)
		add_run(buf, len, c->erased_lo, c->erased_hi);
	return buf;
}

int ac_chain_anchor(struct ac_chain_check *c, const char *hex)
{
	if (unhex(hex, c->anchor))
		return -1;
	c->anchored = 1;
	return 0;
}

int ac_chain_verify_text(const char *line, size_t len, struct ac_chain_check *c)
{
	uint8_t digest[32], want_digest[32], want_chain[32];
	size_t n;
	int64_t seq;
	const char *dhex, *chex;
	const char *canon = ac_canon_entry(line, len, &n, &seq, &dhex, &chex);
	if (!canon || unhex(dhex, want_digest) || unhex(chex, want_chain) ||
	    (c->entries && seq != c->seq + 1))
		return 1;
	crypto_generichash(digest, 32, (const uint8_t *)canon, n, NULL, 0);
	if (memcmp(digest, want_digest, 32) != 0 || extend(c, seq, digest, want_chain))
		return 1;
	return 0;
}
