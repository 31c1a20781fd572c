/* chain.c — the journal's canonical JSON and its BLAKE2b hash chain.  Chaining
 * over digests (not entries) lets personal fields be erased one day while the
 * chain still verifies. */
#include "ac.h"

#include <sodium.h>
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

static int unhex(const char *hex, uint8_t out[32])
{
	size_t n = 0;
	return hex && strlen(hex) == 64 &&
	       sodium_hex2bin(out, 32, hex, 64, NULL, &n, NULL) == 0 && n == 32 ? 0 : -1;
}

int ac_chain_verify_line(json_t *line, int64_t *prev_seq, uint8_t prev_chain[32], int first,
			 char *why, size_t whylen)
{
	uint8_t digest[32], chain[32], want_digest[32], want_chain[32];
	json_t *seqv = json_object_get(line, "seq");
	if (!json_is_integer(seqv)) {
		snprintf(why, whylen, "an entry without a sequence number");
		return -1;
	}
	int64_t seq = json_integer_value(seqv);
	if (unhex(json_string_value(json_object_get(line, "digest")), want_digest) ||
	    unhex(json_string_value(json_object_get(line, "chain")), want_chain)) {
		snprintf(why, whylen, "entry %lld: digest or chain missing or not 64 hex digits",
			 (long long)seq);
		return -1;
	}
	if (!first && seq != *prev_seq + 1) {
		snprintf(why, whylen, "entry %lld follows entry %lld: entries are missing or out of order",
			 (long long)seq, (long long)*prev_seq);
		return -1;
	}
	json_t *entry = json_deep_copy(line);
	json_object_del(entry, "digest");
	json_object_del(entry, "chain");
	ac_journal_digest(entry, digest);
	json_decref(entry);
	if (sodium_memcmp(digest, want_digest, 32) != 0) {
		snprintf(why, whylen, "entry %lld: its content does not match its digest (altered)",
			 (long long)seq);
		return -1;
	}
	/* an export that starts mid-journal anchors on its first entry's chain */
	if (first && seq != 1) {
		memcpy(chain, want_chain, 32);
	} else {
		if (first)
			memset(prev_chain, 0, 32);
		ac_chain_next(prev_chain, digest, chain);
		if (sodium_memcmp(chain, want_chain, 32) != 0) {
			snprintf(why, whylen, "entry %lld: the chain breaks here (an entry before it was "
				 "altered, removed or reordered)", (long long)seq);
			return -1;
		}
	}
	*prev_seq = seq;
	memcpy(prev_chain, chain, 32);
	return 0;
}
