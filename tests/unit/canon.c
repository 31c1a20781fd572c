/* canon.c — the journal's canonical JSON: key order, unicode, escaping, and
 * the fast text path (libac/canon.c) agreeing byte for byte with jansson. */
#include "ac.h"
#include "tap.h"

#include <stdlib.h>

/* jansson's canonical text of txt without digest and chain: the reference. */
static char *reference(const char *txt)
{
	json_t *o = json_loads(txt, JSON_REJECT_DUPLICATES, NULL);
	if (!o)
		return NULL;
	json_object_del(o, "digest");
	json_object_del(o, "chain");
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

static char *fast(const char *txt)
{
	size_t n;
	int64_t seq;
	const char *d, *c;
	const char *out = ac_canon_entry(txt, strlen(txt), &n, &seq, &d, &c);
	return out ? strndup(out, n) : NULL;
}

static void agree(const char *txt, const char *want)
{
	char *ref = reference(txt), *f = fast(txt);
	is_str(ref, want, "jansson's canonical form of %s", txt);
	is_str(f, want, "the fast canonical form of %s", txt);
	free(ref);
	free(f);
}

static void refused(const char *txt, const char *why)
{
	char *f = fast(txt);
	ok(f == NULL, "the fast path leaves to jansson: %s", why);
	free(f);
}

int main(void)
{
	/* key order: bytes, shorter first, upper case before lower case */
	agree("{\"seq\":1,\"b\":2,\"a\":1,\"ab\":0,\"B\":3,\"\":4}",
	      "{\"\":4,\"B\":3,\"a\":1,\"ab\":0,\"b\":2,\"seq\":1}");
	/* nested objects are sorted too, arrays keep their order */
	agree("{\"seq\":7, \"details\": {\"z\": [3, 1, {\"y\":1,\"x\":2}], \"a\": {}}, \"n\": null}",
	      "{\"details\":{\"a\":{},\"z\":[3,1,{\"x\":2,\"y\":1}]},\"n\":null,\"seq\":7}");
	/* UTF-8 stays as is; \u escapes of non-ASCII become UTF-8 */
	agree("{\"seq\":1,\"actor\":\"référent@mairie.fr\",\"s\":\"\\u00e9\\ud83d\\ude00\"}",
	      "{\"actor\":\"référent@mairie.fr\",\"s\":\"é😀\",\"seq\":1}");
	/* escaping: quote, backslash, short forms, other controls as \u00XX, slash not */
	agree("{\"seq\":1,\"s\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\"}",
	      "{\"s\":\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0001\\u001F\x7f\",\"seq\":1}");
	/* integers, booleans, negatives; digest and chain set aside */
	agree("{\"seq\":-0,\"t\":true,\"f\":false,\"big\":9223372036854775807,\"neg\":-12,"
	      "\"digest\":\"aa\",\"chain\":\"bb\"}",
	      "{\"big\":9223372036854775807,\"f\":false,\"neg\":-12,\"seq\":0,\"t\":true}");
	/* the fast path returns digest, chain and seq */
	size_t n;
	int64_t seq;
	const char *d, *c;
	const char *line = "{\"seq\":42,\"digest\":\"00ff\",\"chain\":\"ee11\"}";
	ok(ac_canon_entry(line, strlen(line), &n, &seq, &d, &c) && seq == 42 &&
	   !strcmp(d, "00ff") && !strcmp(c, "ee11"), "seq, digest and chain are read");

	refused("{\"seq\":1,\"r\":1.5}", "a real number");
	refused("{\"seq\":1,\"r\":1e3}", "an exponent");
	refused("{\"seq\":1,\"a\":1,\"a\":2}", "a duplicate key");
	refused("{\"seq\":1,\"d\":{\"a\":1,\"a\":1}}", "a nested duplicate key");
	refused("{\"seq\":1,\"s\":\"\\u0000\"}", "a NUL");
	refused("{\"seq\":1,\"s\":\"\\ud83d\"}", "a lone surrogate");
	refused("{\"seq\":1,\"s\":\"\xc3\"}", "truncated UTF-8");
	refused("{\"seq\":1,\"s\":\"\xc0\xaf\"}", "overlong UTF-8");
	refused("{\"seq\":1,\"s\":\"a\nb\"}", "a raw newline in a string");
	refused("{\"seq\":01}", "a leading zero");
	refused("{\"seq\":99999999999999999999}", "an integer too big");
	refused("{\"seq\":1,}", "a trailing comma");
	refused("{\"seq\":1} x", "text after the object");
	refused("{\"seq\":\"1\"}", "a seq that is a string");
	refused("{\"a\":1}", "no seq");
	refused("[1]", "not an object");
	refused("{\"seq\":1,\"digest\":1}", "a digest that is not a string");
	return tap_done();
}
