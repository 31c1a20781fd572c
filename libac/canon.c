/* canon.c — the journal's canonical JSON computed straight from a line of
 * text, for verifying large exports fast: parsing each line with jansson
 * and dumping it sorted cost ~15 µs a line; this costs well under a tenth.
 *
 * It prints exactly what json_dumps(JSON_COMPACT | JSON_SORT_KEYS) prints
 * (tests/unit/canon.c compares both), and it only ever answers for strict,
 * unambiguous input: on anything else (a real number, a duplicate key, a NUL,
 * bad UTF-8, malformed JSON) it answers NULL and the caller takes jansson's
 * slow, authoritative path.  Not thread-safe: the buffers are reused.
 *
 * What makes it fast: a string without escapes, an integer and a literal are
 * their own canonical text (copied, never decoded and printed again), keys
 * without escapes are compared where they lie in the line, and the buffers
 * are sized once per line, so that a line allocates nothing once the longest
 * line has been seen. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct buf {
	char *p;
	size_t len, cap;
};

struct member {
	const char *key;        /* raw key bytes: in the line, or decoded in keys */
	size_t keylen;
	size_t val, vallen;     /* canonical value text in out */
	int esc;                /* the key had escapes: print it anew */
};

/* out: the canonical text of the values done so far; tmp: one object being
 * put in order; keys: decoded strings.  None of them outgrows the line (a
 * canonical text is never longer than its source), so each is sized to the
 * line first and never moves during it: pointers into keys stay good.  Should
 * that reasoning ever fail, full declines the line instead of overflowing. */
static struct buf out, tmp, keys;
static struct member *stack;
static size_t depth_top, stack_cap;
static int full;

/* (plain realloc: canon.c stands alone in the fuzz harness; out of memory
 * declines the line, and jansson's path says what it has to) */
static int reserve(struct buf *b, size_t n)
{
	if (b->cap >= n)
		return 0;
	char *p = realloc(b->p, n);
	if (!p)
		return -1;
	b->p = p;
	b->cap = n;
	return 0;
}

static inline void put(struct buf *b, const void *p, size_t n)
{
	if (n > b->cap - b->len) {
		full = 1;
		return;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static inline void putc1(struct buf *b, char c)
{
	if (b->len == b->cap) {
		full = 1;
		return;
	}
	b->p[b->len++] = c;
}

/* The bytes a string holds as they are: printable ASCII but quote and backslash. */
static const unsigned char plain[256] = {
	[0x20] = 1, 1, 0 /* " */, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* \ */, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 /* 0x7f */,
};

struct in {
	const char *p, *end;
	int depth;
};

/* Skips the plain bytes from p, eight at a time: a word's special bytes (a
 * quote, a backslash, a control or non-ASCII byte) show as their high bits
 * in m; a borrow may mark bytes after the first, never before it, so the
 * lowest mark is the first special byte (the lowest address, little-endian). */
static inline const char *skip_plain(const char *p, const char *end)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
#ifdef __SSE2__
	/* sixteen at a time where the CPU has it: compared as signed bytes,
	 * non-ASCII ones are below a space too */
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
		      space = _mm_set1_epi8(0x20);
	while (end - p >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned bits = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
				     _mm_cmplt_epi8(x, space)));
		if (bits)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#endif
	while (end - p >= 8) {
		uint64_t x, q, b, m;
		memcpy(&x, p, 8);
		q = x ^ (ones * '"');
		b = x ^ (ones * '\\');
		m = (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b) | x) & high;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
#else
		if (m)
			break;
#endif
		p += 8;
	}
	while (p < end && plain[(unsigned char)*p])
		p++;
	return p;
}

static inline void ws(struct in *s)
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

size_t ac_utf8_len(const unsigned char *p, const unsigned char *end)
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

/* Decodes a JSON string with escapes (s->p after the opening quote) to raw
 * bytes in b. */
static int string_decode(struct in *s, struct buf *b)
{
	for (;;) {
		const char *run = s->p;
		s->p = skip_plain(s->p, s->end);
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
			size_t n = ac_utf8_len((const unsigned char *)s->p, (const unsigned char *)s->end);
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

/* A JSON string (s->p after its opening quote): its raw bytes at *raw, *n of
 * them — in the line itself when it has no escape (*esc 0), else decoded at
 * the end of keys (*esc 1; the caller gives that room back when done). */
static int string_in(struct in *s, const char **raw, size_t *n, int *esc)
{
	const char *p = s->p;
	for (;;) {
		p = skip_plain(p, s->end);
		if (p >= s->end)
			return -1;
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c < 0x80)
			goto escaped; /* a backslash, or a control character (refused there) */
		size_t u = ac_utf8_len((const unsigned char *)p, (const unsigned char *)s->end);
		if (!u)
			return -1;
		p += u;
	}
	*raw = s->p;
	*n = (size_t)(p - s->p);
	*esc = 0;
	s->p = p + 1;
	return 0;
escaped: {
	size_t mark = keys.len;
	if (string_decode(s, &keys) || memchr(keys.p + mark, 0, keys.len - mark))
		return -1;
	*raw = keys.p + mark;
	*n = keys.len - mark;
	*esc = 1;
	return 0;
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
		static const char hexd[] = "0123456789ABCDEF";
		char e[6] = { '\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15] };
		switch (c) {
		case '"': put(b, "\\\"", 2); break;
		case '\\': put(b, "\\\\", 2); break;
		case '\b': put(b, "\\b", 2); break;
		case '\f': put(b, "\\f", 2); break;
		case '\n': put(b, "\\n", 2); break;
		case '\r': put(b, "\\r", 2); break;
		case '\t': put(b, "\\t", 2); break;
		default: put(b, e, 6);
		}
	}
	put(b, run, (size_t)(end - run));
	putc1(b, '"');
}

static int value(struct in *s, int64_t *as_int);

/* Integers only (jansson prints reals its own way: the slow path does
 * those).  Its text is already canonical but for -0, which jansson prints 0. */
static int number(struct in *s, int64_t *as_int)
{
	const char *start = s->p, *p = s->p;
	int neg = p < s->end && *p == '-';
	p += neg;
	if (p >= s->end || *p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p + 1 < s->end && p[1] >= '0' && p[1] <= '9')
		return -1;
	uint64_t v = 0;
	while (p < s->end && *p >= '0' && *p <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	if (p < s->end && (*p == '.' || *p == 'e' || *p == 'E'))
		return -1;
	if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
		return -1;
	s->p = p;
	if (neg && v == 0)
		putc1(&out, '0');
	else
		put(&out, start, (size_t)(p - start));
	if (as_int)
		*as_int = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static inline int cmp_members(const struct member *x, const struct member *y)
{
	/* most keys differ in their first byte */
	if (x->keylen && y->keylen && x->key[0] != y->key[0])
		return (unsigned char)x->key[0] - (unsigned char)y->key[0];
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(x->key, y->key, n);
	return c ? c : (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

static int cmp_qsort(const void *a, const void *b) { return cmp_members(a, b); }

/* Sorts the members by key: -1 when two keys are the same (which one counts
 * would be ambiguous).  An entry has a handful of keys: insertion sort beats
 * qsort's calls there, and sees a duplicate where it stops. */
static int sort_members(struct member *ms, size_t n)
{
	if (n > 16) {
		qsort(ms, n, sizeof *ms, cmp_qsort);
		for (size_t i = 1; i < n; i++)
			if (!cmp_members(&ms[i - 1], &ms[i]))
				return -1;
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		struct member m = ms[i];
		size_t j = i;
		int c = 1;
		for (; j > 0 && (c = cmp_members(&ms[j - 1], &m)) > 0; j--)
			ms[j] = ms[j - 1];
		if (c == 0) /* the greatest key not above m's is m's */
			return -1;
		ms[j] = m;
	}
	return 0;
}

/* top: the line itself, whose digest and chain members are set aside. */
struct top {
	int64_t seq;
	int have_seq;
	size_t digest, chain;   /* offsets + 1 of their raw text in keys; 0: absent */
};

static int is_key(const struct member *m, const char *name, size_t n)
{
	return m->keylen == n && !memcmp(m->key, name, n);
}

/* The object at s->p, its canonical text appended to out (the line's own, top,
 * is left in tmp). */
static int object(struct in *s, struct top *top)
{
	size_t base = depth_top, start = out.len, keys_start = keys.len;
	s->p++; /* { */
	ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		put(top ? &tmp : &out, "{}", 2);
		return 0;
	}
	for (;;) {
		ws(s);
		if (s->p >= s->end || *s->p != '"')
			return -1;
		s->p++;
		if (depth_top == stack_cap) {
			struct member *more = realloc(stack, (stack_cap * 2 + 16) * sizeof *stack);
			if (!more)
				return -1;
			stack = more;
			stack_cap = stack_cap * 2 + 16;
		}
		/* filled in place (a member built aside and copied in stalled on
		 * the copy); by index, as a nested object may move the stack */
		size_t at = depth_top++;
		struct member *m = &stack[at];
		if (string_in(s, &m->key, &m->keylen, &m->esc))
			return -1;
		ws(s);
		if (s->p >= s->end || *s->p != ':')
			return -1;
		s->p++;
		ws(s);
		size_t *aside = !top ? NULL : is_key(m, "digest", 6) ? &top->digest :
				is_key(m, "chain", 5) ? &top->chain : NULL;
		m->val = out.len;
		if (aside) {
			/* kept raw, aside, for the caller, ended by a NUL; never hashed */
			const char *raw;
			size_t n;
			int esc;
			depth_top--;
			if (*aside || s->p >= s->end || *s->p != '"')
				return -1;
			s->p++;
			if (string_in(s, &raw, &n, &esc))
				return -1;
			if (esc) {
				*aside = (size_t)(raw - keys.p) + 1;
			} else {
				*aside = keys.len + 1;
				put(&keys, raw, n);
			}
			putc1(&keys, 0);
		} else if (top && is_key(m, "seq", 3)) {
			if (number(s, &top->seq))
				return -1;
			top->have_seq = 1;
		} else if (value(s, NULL)) {
			return -1;
		}
		stack[at].vallen = out.len - stack[at].val;
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
	if (sort_members(ms, n))
		return -1;
	tmp.len = 0;
	putc1(&tmp, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc1(&tmp, ',');
		if (ms[i].esc)
			string_out(&tmp, ms[i].key, ms[i].keylen);
		else /* its own text, quotes and all */
			put(&tmp, ms[i].key - 1, ms[i].keylen + 2);
		putc1(&tmp, ':');
		put(&tmp, out.p + ms[i].val, ms[i].vallen);
	}
	putc1(&tmp, '}');
	depth_top = base;
	if (top)
		return 0;
	out.len = start;
	put(&out, tmp.p, tmp.len);
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

static int literal(struct in *s, const char *word, size_t n)
{
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
		const char *raw;
		size_t n, mark = keys.len;
		int esc;
		rc = string_in(s, &raw, &n, &esc);
		if (!rc && esc)
			string_out(&out, raw, n);
		else if (!rc) /* its own text, quotes and all */
			put(&out, raw - 1, n + 2);
		keys.len = mark;
		break;
	}
	case 't': rc = as_int ? -1 : literal(s, "true", 4); break;
	case 'f': rc = as_int ? -1 : literal(s, "false", 5); break;
	case 'n': rc = as_int ? -1 : literal(s, "null", 4); break;
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
	/* a canonical text is never longer than its source; keys also holds the
	 * NULs ending digest and chain */
	if (reserve(&out, len + 16) || reserve(&tmp, len + 16) || reserve(&keys, len + 16))
		return NULL;
	out.len = tmp.len = keys.len = 0;
	depth_top = 0;
	full = 0;
	ws(&s);
	if (s.p >= s.end || *s.p != '{' || object(&s, &top))
		return NULL;
	ws(&s);
	if (s.p != s.end || full || !top.have_seq)
		return NULL;
	*outlen = tmp.len;
	*seq = top.seq;
	*digest_hex = top.digest ? keys.p + top.digest - 1 : NULL;
	*chain_hex = top.chain ? keys.p + top.chain - 1 : NULL;
	return tmp.p;
}
