/* journal.c (fuzz) — the reader of ac-audit --verify (libac/chain.c): an
 * export, line by line as ac-audit reads it, through ac_chain_verify_record
 * (the fast path, then jansson) and, beside it, through jansson alone
 * (ac_chain_verify_line): both must agree on every line and on the head.  A
 * first line "anchor HEX" anchors both checks, as --anchor does. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

static void same(const struct ac_chain_check *a, const struct ac_chain_check *b)
{
	if (a->seq != b->seq || a->entries != b->entries || memcmp(a->chain, b->chain, 32) ||
	    a->erased != b->erased)
		abort(); /* the fast path vouched for what jansson's reading does not */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ac_chain_check fast = { 0 }, slow = { 0 };
	const char *p = (const char *)data, *end = p + size;
	if (size > 7 && !memcmp(p, "anchor ", 7)) {
		const char *nl = memchr(p, '\n', size);
		char hex[80];
		size_t n = nl ? (size_t)(nl - p - 7) : size - 7;
		snprintf(hex, sizeof hex, "%.*s", (int)(n < 79 ? n : 79), p + 7);
		if (ac_chain_anchor(&fast, hex) || ac_chain_anchor(&slow, hex))
			return 0;
		p = nl ? nl + 1 : end;
	}
	size_t line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), k = n;
		line++;
		/* as ac-audit: the line end goes, not other blanks */
		while (k && p[k - 1] == '\r')
			k--;
		if (k) {
			/* getline hands the line in a buffer of its own, NUL after it */
			char *txt = malloc(k + 1);
			memcpy(txt, p, k);
			txt[k] = 0;
			char why[300] = "";
			int rc = ac_chain_verify_record(txt, k, &fast, why, sizeof why);
			json_t *rec = json_loadb(txt, k, JSON_REJECT_DUPLICATES, NULL);
			int want = !rec || !json_is_object(rec) || !json_is_integer(json_object_get(rec, "seq"))
				   ? -2 : ac_chain_verify_line(rec, &slow);
			json_decref(rec);
			free(txt);
			if (rc != want || (rc == -2 && !*why))
				abort();
			if (rc)
				break; /* ac-audit stops at the first bad line */
			same(&fast, &slow);
		}
		p = nl ? nl + 1 : end;
	}
	char runs[400];
	ac_chain_erased_runs(&fast, runs, sizeof runs);
	return 0;
}
