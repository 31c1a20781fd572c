/* canon.c — the journal's canonical JSON computed straight from a line of
 * text, for verifying large exports fast: parsing each line with jansson
 * and dumping it sorted cost ~15 µs a line; this costs about a tenth.
 *
 * It prints exactly what json_dumps(JSON_COMPACT | JSON_SORT_KEYS) prints
 * (tests/unit/canon.c compares both), and it only ever answers for strict,
 * unambiguous input: on anything else (a real number, a duplicate key, a NUL,
 * bad UTF-8, malformed JSON) it answers NULL and the caller takes jansson's
 * slow, authoritative path.  Not thread-safe: the buffers are reused. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

struct buf {
	char *p;
	size_t len, cap;
};

struct member {
	size_t key, keylen;     /* raw key bytes in keys */
	size_t val, vallen;     /* canonical value text in out */
};

static struct buf out, tmp, keys;
static struct member *stack;
static size_t depth_top, stack_cap;

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void putc1(struct buf *b, char c) { put(b, &c, 1); }

struct in {
	const char *p, *end;
	int depth;
};

static void ws(struct in *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hex4(struct in *s, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++, s->p++) {
		if (s->p >= s->end)
			return -1;
		char c = *s->p;
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
		if (d > 15)
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

static void put_utf8(struct buf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp; n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
	}
	put(b, u, n);
}

/* Length of the valid UTF-8 sequence at p (shortest form, no surrogates), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], cp, n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
	else return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

/* Decodes a JSON string (s->p after the opening quote) to raw bytes in b. */
static int string_raw(struct in *s, struct buf *b)
{
	for (;;) {
		const char *run = s->p;
		while (s->p < s->end && *s->p != '"' && *s->p != '\\' && (unsigned char)*s->p >= 0x20 &&
		       (unsigned char)*s->p < 0x80)
			s->p++;
		put(b, run, (size_t)(s->p - run));
		if (s->p >= s->end)
			return -1;
		unsigned char c = (unsigned char)*s->p;
		if (c == '"') {
			s->p++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c >= 0x80) {
			size_t n = utf8_len((const unsigned char *)s->p, (const unsigned char *)s->end);
			if (!n)
				return -1;
			put(b, s->p, n);
			s->p += n;
			continue;
		}
		/* an escape */
		if (++s->p >= s->end)
			return -1;
		char e = *s->p++;
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e && simple) {
			static const char to[] = "\"\\/\b\f\n\r\t";
			putc1(b, to[simple - "\"\\/bfnrt"]);
			continue;
		}
		unsigned cp, lo;
		if (e != 'u' || hex4(s, &cp))
			return -1;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
				return -1;
			s->p += 2;
			if (hex4(s, &lo) || lo < 0xDC00 || lo > 0xDFFF)
				return -1;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		} else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
			return -1; /* a lone low surrogate; NUL, which jansson refuses */
		}
		put_utf8(b, cp);
	}
}

/* Raw bytes as json_dumps escapes them: quotes, backslashes and control
 * characters; everything else (UTF-8 included) as is. */
static void string_out(struct buf *b, const char *p, size_t n)
{
	putc1(b, '"');
	const char *run = p, *end = p + n;
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(b, run, (size_t)(p - run));
		run = p + 1;
		char e[8];
		switch (c) {
		case '"': put(b, "\\\"", 2); break;
		case '\\': put(b, "\\\\", 2); break;
		case '\b': put(b, "\\b", 2); break;
		case '\f': put(b, "\\f", 2); break;
		case '\n': put(b, "\\n", 2); break;
		case '\r': put(b, "\\r", 2); break;
		case '\t': put(b, "\\t", 2); break;
		default:
			snprintf(e, sizeof e, "\\u%04X", c);
			put(b, e, 6);
		}
	}
	put(b, run, (size_t)(end - run));
	putc1(b, '"');
}

static int value(struct in *s, int64_t *as_int);

/* Integers only (jansson prints reals its own way: the slow path does those). */
static int number(struct in *s, int64_t *as_int)
{
	const char *start = s->p;
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p >= s->end || *s->p < '0' || *s->p > '9')
		return -1;
	if (*s->p == '0' && s->p + 1 < s->end && s->p[1] >= '0' && s->p[1] <= '9')
		return -1;
	uint64_t v = 0;
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s->p++ - '0');
	}
	if (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E'))
		return -1;
	int neg = *start == '-';
	if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
		return -1;
	int64_t i = neg ? (int64_t)(0 - v) : (int64_t)v;
	char txt[24];
	int n = snprintf(txt, sizeof txt, "%lld", (long long)i);
	put(&out, txt, (size_t)n);
	if (as_int)
		*as_int = i;
	return 0;
}

static int cmp_members(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(keys.p + x->key, keys.p + y->key, n);
	return c ? c : (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

/* top: the line itself, whose digest and chain members are set aside. */
struct top {
	int64_t seq;
	int have_seq;
	size_t digest, chain;   /* offsets + 1 of their raw text in keys; 0: absent */
};

static int object(struct in *s, struct top *top)
{
	size_t base = depth_top, start = out.len, keys_start = keys.len;
	s->p++; /* { */
	ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		put(&out, "{}", 2);
		return 0;
	}
	for (;;) {
		ws(s);
		if (s->p >= s->end || *s->p != '"')
			return -1;
		s->p++;
		if (depth_top == stack_cap) {
			stack_cap = stack_cap * 2 + 16;
			stack = realloc(stack, stack_cap * sizeof *stack);
		}
		struct member m = { .key = keys.len };
		if (string_raw(s, &keys))
			return -1;
		m.keylen = keys.len - m.key;
		if (memchr(keys.p + m.key, 0, m.keylen))
			return -1;
		ws(s);
		if (s->p >= s->end || *s->p != ':')
			return -1;
		s->p++;
		ws(s);
		int hash_member = 0;
		if (top && m.keylen == 6 && !memcmp(keys.p + m.key, "digest", 6))
			hash_member = 1;
		if (top && m.keylen == 5 && !memcmp(keys.p + m.key, "chain", 5))
			hash_member = 2;
		if (hash_member) {
			/* kept raw, aside, for the caller; never hashed */
			size_t *slot = hash_member == 1 ? &top->digest : &top->chain;
			if (*slot || s->p >= s->end || *s->p != '"')
				return -1;
			s->p++;
			*slot = keys.len + 1;
			if (string_raw(s, &keys))
				return -1;
			putc1(&keys, 0);
		} else {
			int is_seq = top && m.keylen == 3 && !memcmp(keys.p + m.key, "seq", 3);
			m.val = out.len;
			if (is_seq && (s->p >= s->end || (*s->p != '-' && (*s->p < '0' || *s->p > '9'))))
				return -1;
			if (value(s, is_seq ? &top->seq : NULL))
				return -1;
			if (is_seq)
				top->have_seq = 1;
			m.vallen = out.len - m.val;
			stack[depth_top++] = m;
		}
		ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			break;
		}
		return -1;
	}
	struct member *ms = stack + base;
	size_t n = depth_top - base;
	qsort(ms, n, sizeof *ms, cmp_members);
	tmp.len = 0;
	putc1(&tmp, '{');
	for (size_t i = 0; i < n; i++) {
		if (i && !cmp_members(&ms[i - 1], &ms[i]))
			return -1; /* a duplicate key: which one counts is ambiguous */
		if (i)
			putc1(&tmp, ',');
		string_out(&tmp, keys.p + ms[i].key, ms[i].keylen);
		putc1(&tmp, ':');
		put(&tmp, out.p + ms[i].val, ms[i].vallen);
	}
	putc1(&tmp, '}');
	out.len = start;
	put(&out, tmp.p, tmp.len);
	depth_top = base;
	if (!top)
		keys.len = keys_start;
	return 0;
}

static int array(struct in *s)
{
	s->p++; /* [ */
	putc1(&out, '[');
	ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		putc1(&out, ']');
		return 0;
	}
	for (;;) {
		ws(s);
		if (value(s, NULL))
			return -1;
		ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			putc1(&out, ',');
			continue;
		}
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			putc1(&out, ']');
			return 0;
		}
		return -1;
	}
}

static int literal(struct in *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return -1;
	s->p += n;
	put(&out, word, n);
	return 0;
}

static int value(struct in *s, int64_t *as_int)
{
	if (s->p >= s->end || ++s->depth > 64)
		return -1;
	int rc;
	switch (*s->p) {
	case '{': rc = as_int ? -1 : object(s, NULL); break;
	case '[': rc = as_int ? -1 : array(s); break;
	case '"': {
		if (as_int)
			return -1;
		s->p++;
		size_t mark = keys.len;
		rc = string_raw(s, &keys);
		if (!rc) {
			if (memchr(keys.p + mark, 0, keys.len - mark))
				rc = -1;
			else
				string_out(&out, keys.p + mark, keys.len - mark);
		}
		keys.len = mark;
		break;
	}
	case 't': rc = as_int ? -1 : literal(s, "true"); break;
	case 'f': rc = as_int ? -1 : literal(s, "false"); break;
	case 'n': rc = as_int ? -1 : literal(s, "null"); break;
	default: rc = number(s, as_int);
	}
	s->depth--;
	return rc;
}

const char *ac_canon_entry(const char *txt, size_t len, size_t *outlen, int64_t *seq,
			   const char **digest_hex, const char **chain_hex)
{
	struct in s = { txt, txt + len, 0 };
	struct top top = { 0 };
	out.len = keys.len = 0;
	depth_top = 0;
	ws(&s);
	if (s.p >= s.end || *s.p != '{' || object(&s, &top))
		return NULL;
	ws(&s);
	if (s.p != s.end)
		return NULL;
	*outlen = out.len;
	*seq = top.have_seq ? top.seq : 0;
	*digest_hex = top.digest ? keys.p + top.digest - 1 : NULL;
	*chain_hex = top.chain ? keys.p + top.chain - 1 : NULL;
	if (!top.have_seq)
		return NULL;
	return out.p;
}
