/* stats.c — the figures of ac-stats and of the /stats page.  Each figure is
 * one aggregate query over an indexed range, grouped by SQL into the keys
 * asked for (one statement per combination of keys); a split by month runs
 * the same queries once per month.
 * Every group is made first (each structure in scope × month × family), so a
 * group with nothing shows zeros; the queries then fill them in. */
#include "stats.h"
#include "frdate.h"
#include "log.h"
#include "ac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const stats_figure_names[F_COUNT] = {
	"demarches", "usagers", "mandates_created", "mandates_active", "mandates_revoked",
	"aidants_habilites", "aidants_en_formation", "structures_habilitees",
	"structures_en_habilitation",
};

/* The bit of each of ac_stats_groupings[] (national: none). */
static const unsigned by_bits[] = { 0, BY_REGION, BY_DEPARTEMENT, BY_STRUCTURE, BY_DEMARCHE, BY_MONTH };

int stats_by_parse(const char *list, unsigned *by, char *why, size_t len)
{
	*by = 0;
	json_t *codes = ac_codes_parse(list, ac_stats_groupings, "grouping", why, len), *c;
	if (!codes)
		return -1;
	size_t i;
	json_array_foreach(codes, i, c) {
		int k = 0;
		while (strcmp(ac_stats_groupings[k], json_string_value(c)))
			k++;
		*by |= by_bits[k];
		if (!by_bits[k] && json_array_size(codes) > 1) {
			snprintf(why, len, "national is the whole country, it stands alone");
			json_decref(codes);
			return -1;
		}
	}
	json_decref(codes);
	return 0;
}

/* Midnight of that day in Paris: no change of offset happens near it. */
static time_t paris_midnight(int y, int m, int d)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	time_t utc = timegm(&tm);
	return utc - paris_offset(utc - 7200);
}

time_t stats_day_start(const char *ymd, int after)
{
	int y, m, d;
	if (!ymd || !ac_date_valid(ymd) || sscanf(ymd, "%d-%d-%d", &y, &m, &d) != 3 || y < 2000 ||
	    y > 2200)
		return -1;
	return paris_midnight(y, m, d + after); /* timegm carries into the next month */
}

time_t stats_today_end(time_t now)
{
	struct tm tm;
	paris_tm(now, &tm);
	return paris_midnight(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday + 1);
}

time_t stats_epoch(store_conn *db, time_t now)
{
	static const char q[] = "SELECT COALESCE(MIN(created_at), 0) FROM structures";
	time_t t = (time_t)store_int_or(store_prep(db, q), 0);
	struct tm tm;
	paris_tm(t ? t : now, &tm);
	return paris_midnight(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* ---- the groups ---------------------------------------------------------- */

struct group {
	int month, dem;                 /* month index; index in ac_demarches, -1: none */
	char region[4], dep[4];
	int64_t structure;
	const char *sname;              /* in the scope's names */
	int64_t fig[F_COUNT];
};

struct month {
	time_t lo, hi;                  /* this month's part of [from, to) */
	char label[24];                 /* "2026-11" */
};

struct calc {
	const struct stats_spec *spec;
	time_t now;
	struct month *months;
	int nmonths;
	struct group *g;
	size_t n, cap;
	size_t *slot;                   /* hash: index + 1; 0 empty */
	size_t nslot;
	/* the structures in scope */
	struct scoped { int64_t id; char region[4], dep[4]; char *name; } *s;
	size_t ns;
	int too_many;
};

static uint64_t key_hash(int month, const char *region, const char *dep, int64_t structure, int dem)
{
	uint64_t h = 1469598103934665603ull;
#define MIX(v) (h = (h ^ (uint64_t)(v)) * 1099511628211ull)
	MIX(month);
	MIX(dem + 1);
	MIX(structure);
	for (const char *p = region; *p; p++)
		MIX((unsigned char)*p);
	MIX('|');
	for (const char *p = dep; *p; p++)
		MIX((unsigned char)*p);
#undef MIX
	return h;
}

static int grow_slots(struct calc *c)
{
	size_t ns = c->nslot ? 2 * c->nslot : 1024;
	size_t *slot = calloc(ns, sizeof *slot);
	if (!slot)
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		struct group *g = &c->g[i];
		size_t h = key_hash(g->month, g->region, g->dep, g->structure, g->dem) & (ns - 1);
		while (slot[h])
			h = (h + 1) & (ns - 1);
		slot[h] = i + 1;
	}
	free(c->slot);
	c->slot = slot;
	c->nslot = ns;
	return 0;
}

/* The group of these keys, made when missing; NULL when there are too many. */
static struct group *group_of(struct calc *c, int month, const char *region, const char *dep,
			      int64_t structure, const char *sname, int dem)
{
	if (c->nslot && c->nslot > 2 * c->n) {
		size_t h = key_hash(month, region, dep, structure, dem) & (c->nslot - 1);
		for (; c->slot[h]; h = (h + 1) & (c->nslot - 1)) {
			struct group *g = &c->g[c->slot[h] - 1];
			if (g->month == month && g->dem == dem && g->structure == structure &&
			    !strcmp(g->region, region) && !strcmp(g->dep, dep))
				return g;
		}
	} else {
		if (grow_slots(c))
			return NULL;
		return group_of(c, month, region, dep, structure, sname, dem);
	}
	if (c->n >= STATS_MAX_GROUPS) {
		c->too_many = 1;
		return NULL;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		struct group *v = realloc(c->g, cap * sizeof *v);
		if (!v)
			return NULL;
		c->g = v;
		c->cap = cap;
	}
	struct group *g = &c->g[c->n++];
	memset(g, 0, sizeof *g);
	g->month = month;
	g->dem = dem;
	g->structure = structure;
	g->sname = sname;
	snprintf(g->region, sizeof g->region, "%s", region);
	snprintf(g->dep, sizeof g->dep, "%s", dep);
	size_t h = key_hash(month, region, dep, structure, dem) & (c->nslot - 1);
	while (c->slot[h])
		h = (h + 1) & (c->nslot - 1);
	c->slot[h] = c->n;
	return g;
}

/* ---- the queries -------------------------------------------------------- */

/* Each query exists once per combination of keys (région, département,
 * structure: 8) and, for those a family splits, once more per family: its
 * GROUP BY names only the keys asked (grouping by a constant or a CASE costs
 * SQLite a third of the time).  COMBOS(Q, region, departement, id) lists the
 * 8 in the order of combo(): Q(key columns..., GROUP BY without, with the
 * démarche, column 4). */
#define COMBOS(Q, R, D, I)                                                                     \
	Q("''", "''", "0", "", " GROUP BY 4"),                                                  \
	Q(R, "''", "0", " GROUP BY 1", " GROUP BY 1, 4"),                                       \
	Q("''", D, "0", " GROUP BY 2", " GROUP BY 2, 4"),                                       \
	Q(R, D, "0", " GROUP BY 1, 2", " GROUP BY 1, 2, 4"),                                    \
	Q("''", "''", I, " GROUP BY 3", " GROUP BY 3, 4"),                                      \
	Q(R, "''", I, " GROUP BY 1, 3", " GROUP BY 1, 3, 4"),                                   \
	Q("''", D, I, " GROUP BY 2, 3", " GROUP BY 2, 3, 4"),                                   \
	Q(R, D, I, " GROUP BY 1, 2, 3", " GROUP BY 1, 2, 3, 4")
#define ALL_KEYS(Q) COMBOS(Q, "s.region", "s.departement", "s.id")
/* The structures the caller sees: a référent's own (account a), one (b). */
#define SCOPE(col, a, b)                                                                       \
	" AND (" a " = 0 OR " col " IN (SELECT structure_id FROM memberships WHERE account_id = " \
	a " AND is_referent = 1 AND active = 1)) AND (" b " = 0 OR " col " = " b ")"

#define USES(dem, r, d, i, g)                                                                   \
	"SELECT " r ", " d ", " i ", " dem ", COUNT(*), COUNT(DISTINCT t.usager_id)"            \
	" FROM oidc_tokens t JOIN structures s ON s.id = t.structure_id"                        \
	" WHERE t.used_at >= $1 AND t.used_at < $2" SCOPE("t.structure_id", "$3", "$4") g
#define USES_ALL(r, d, i, g, gd) USES("''", r, d, i, g)
#define USES_DEM(r, d, i, g, gd) USES("t.demarche", r, d, i, gd)
static const char *const uses_sql[16] = { ALL_KEYS(USES_ALL), ALL_KEYS(USES_DEM) };

#define CREATED(dem, join, r, d, i, g)                                                          \
	"SELECT " r ", " d ", " i ", " dem ", COUNT(*) FROM mandates m"                          \
	" JOIN structures s ON s.id = m.structure_id" join                                      \
	" WHERE m.created_at >= $1 AND m.created_at < $2" SCOPE("m.structure_id", "$3", "$4") g
#define CREATED_ALL(r, d, i, g, gd) CREATED("''", "", r, d, i, g)
#define CREATED_DEM(r, d, i, g, gd) \
	CREATED("a.demarche", " JOIN autorisations a ON a.mandate_id = m.id", r, d, i, gd)
static const char *const created_sql[16] = { ALL_KEYS(CREATED_ALL), ALL_KEYS(CREATED_DEM) };

/* active at an instant: by démarche, each autorisation still running (there
 * a scan of the mandates beats their index, "+" keeps the planner off it) */
#define ACTIVE(dem, join, alive, plus, r, d, i, g)                                              \
	"SELECT " r ", " d ", " i ", " dem ", COUNT(*) FROM mandates m"                          \
	" JOIN structures s ON s.id = m.structure_id" join                                      \
	" WHERE " plus "m.expires_at > $1 AND " plus "m.created_at <= $1 AND (" alive           \
	".revoked_at IS NULL OR " alive ".revoked_at > $1)" SCOPE("m.structure_id", "$2", "$3") g
#define ACTIVE_ALL(r, d, i, g, gd) ACTIVE("''", "", "m", "", r, d, i, g)
#define ACTIVE_DEM(r, d, i, g, gd) \
	ACTIVE("a.demarche", " JOIN autorisations a ON a.mandate_id = m.id", "a", "+", r, d, i, gd)
static const char *const active_sql[16] = { ALL_KEYS(ACTIVE_ALL), ALL_KEYS(ACTIVE_DEM) };

/* revoked: by a revocation that ended the mandate whole (a renewal's
 * replacement is no revocation); by démarche, each autorisation revoked */
#define REVOKED_ALL(r, d, i, g, gd)                                                             \
	"SELECT " r ", " d ", " i ", '', COUNT(*) FROM revocations rv"                           \
	" JOIN mandates m ON m.id = rv.mandate_id JOIN structures s ON s.id = m.structure_id"    \
	" WHERE rv.revoked_at >= $1 AND rv.revoked_at < $2 AND rv.whole = 1"                    \
	SCOPE("m.structure_id", "$3", "$4") g
#define REVOKED_DEM(r, d, i, g, gd)                                                             \
	"SELECT " r ", " d ", " i ", a.demarche, COUNT(*) FROM autorisations a"                  \
	" JOIN mandates m ON m.id = a.mandate_id JOIN structures s ON s.id = m.structure_id"     \
	" WHERE a.revoked_at >= $1 AND a.revoked_at < $2 AND a.revocation_id IS NOT NULL"       \
	SCOPE("m.structure_id", "$3", "$4") gd
static const char *const revoked_sql[16] = { ALL_KEYS(REVOKED_ALL), ALL_KEYS(REVOKED_DEM) };

/* today's: habilitated aidants (an active card) and their structures */
#define AIDANTS(r, d, i, g, gd)                                                                 \
	"SELECT " r ", " d ", " i ", '', COUNT(DISTINCT mb.account_id), COUNT(DISTINCT s.id)"   \
	" FROM memberships mb JOIN accounts acc ON acc.id = mb.account_id"                      \
	" JOIN structures s ON s.id = mb.structure_id"                                          \
	" WHERE mb.active = 1 AND mb.is_aidant = 1 AND acc.active = 1 AND s.active = 1"         \
	" AND EXISTS (SELECT 1 FROM cards c WHERE c.account_id = mb.account_id"                 \
	" AND c.state = 'active')" SCOPE("mb.structure_id", "$1", "$2") g
static const char *const aidants_sql[8] = { ALL_KEYS(AIDANTS) };
#define FORMATION(r, d, i, g, gd)                                                               \
	"SELECT " r ", " d ", " i ", '', COUNT(*) FROM habilitation_requests h"                  \
	" JOIN structures s ON s.id = h.structure_id WHERE h.status NOT IN"                     \
	" ('validated', 'refused', 'cancelled', 'cancelled_by_referent')"                       \
	SCOPE("h.structure_id", "$1", "$2") g
static const char *const formation_sql[8] = { ALL_KEYS(FORMATION) };
/* applications under way, where they come from; a structure's once accepted */
#define APPLYING(r, d, i, g, gd)                                                                \
	"SELECT " r ", " d ", " i ", '', COUNT(*) FROM structure_requests q"                     \
	" WHERE q.status IN ('submitted', 'changes_required', 'accepted')"                      \
	SCOPE("q.structure_id", "$1", "$2") g
static const char *const applying_sql[8] = {
	COMBOS(APPLYING, "q.region", "q.departement", "COALESCE(q.structure_id, 0)")
};

/* binds: one letter per $n in order — l h: the range, t: an instant,
 * A: the référent, S: the structure */
struct query {
	const char *const *sql;         /* by combo(); then split by démarche, when 16 */
	int split;                      /* has the 8 split by démarche */
	const char *binds;
	int fig[2];                     /* figures of columns 5 and 6; -1: none */
};

static const struct query q_uses = { uses_sql, 1, "lhAS", { F_DEMARCHES, F_USAGERS } };
static const struct query q_created = { created_sql, 1, "lhAS", { F_CREATED, -1 } };
static const struct query q_active = { active_sql, 1, "tAS", { F_ACTIVE, -1 } };
static const struct query q_revoked = { revoked_sql, 1, "lhAS", { F_REVOKED, -1 } };
static const struct query q_aidants = { aidants_sql, 0, "AS", { F_AIDANTS, F_STRUCTURES } };
static const struct query q_formation = { formation_sql, 0, "AS", { F_FORMATION, -1 } };
static const struct query q_applying = { applying_sql, 0, "AS", { F_EN_HABILITATION, -1 } };

static const char *sql_for(const struct query *q, unsigned by)
{
	int combo = (by & BY_REGION ? 1 : 0) | (by & BY_DEPARTEMENT ? 2 : 0) | (by & BY_STRUCTURE ? 4 : 0);
	return q->sql[combo + (q->split && (by & BY_DEMARCHE) ? 8 : 0)];
}

static void bind_all(store_stmt *st, const char *binds, const struct stats_spec *sp, time_t lo,
		     time_t hi, time_t at)
{
	for (int i = 0; binds[i]; i++) {
		int64_t v = 0;
		switch (binds[i]) {
		case 'l': v = lo; break;
		case 'h': v = hi; break;
		case 't': v = at; break;
		case 'A': v = sp->referent; break;
		case 'S': v = sp->structure; break;
		}
		store_bind_int(st, i + 1, v);
	}
}

static const char *name_of(const struct calc *c, int64_t id)
{
	size_t lo = 0, hi = c->ns; /* the scope is ordered by id */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->s[mid].id == id)
			return c->s[mid].name;
		if (c->s[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return "";
}

/* Runs q for month m (its range, or the instant at) into the groups. */
static int run(store_conn *db, struct calc *c, const struct query *q, int m, time_t at)
{
	const struct stats_spec *sp = c->spec;
	time_t lo = c->months ? c->months[m].lo : sp->from, hi = c->months ? c->months[m].hi : sp->to;
	store_stmt *st = store_prep(db, sql_for(q, sp->by));
	bind_all(st, q->binds, sp, lo, hi, at);
	int rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		int64_t structure = store_col_int(st, 2);
		if ((sp->by & BY_STRUCTURE) && !structure)
			continue; /* an application not yet a structure's */
		int dem = -1;
		if (sp->by & BY_DEMARCHE) {
			const struct ac_demarche *d = ac_demarche_find(store_col_text(st, 3));
			if (!d)
				continue;
			dem = (int)(d - ac_demarches);
		}
		struct group *g = group_of(c, m, store_col_text(st, 0), store_col_text(st, 1), structure,
					   name_of(c, structure), dem);
		if (!g)
			return -1;
		for (int k = 0; k < 2; k++)
			if (q->fig[k] >= 0)
				g->fig[q->fig[k]] += store_col_int(st, 4 + k);
	}
	return rc == STORE_DONE ? 0 : -1;
}

/* The structures in scope, and a zero group for each of their keys. */
static int scope_groups(store_conn *db, struct calc *c)
{
	static const char q[] = "SELECT s.id, s.name, s.region, s.departement FROM structures s"
				" WHERE 1 = 1" SCOPE("s.id", "$1", "$2") " ORDER BY s.id";
	const struct stats_spec *sp = c->spec;
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, sp->referent);
	store_bind_int(st, 2, sp->structure);
	size_t cap = 0;
	int rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		if (c->ns == cap) {
			cap = cap ? 2 * cap : 64;
			c->s = ac_xrealloc(c->s, cap * sizeof *c->s);
		}
		struct scoped *s = &c->s[c->ns++];
		s->id = store_col_int(st, 0);
		s->name = strdup(store_col_text(st, 1));
		snprintf(s->region, sizeof s->region, "%s", store_col_text(st, 2));
		snprintf(s->dep, sizeof s->dep, "%s", store_col_text(st, 3));
	}
	if (rc != STORE_DONE)
		return -1;
	int ndem = 0;
	while (ac_demarches[ndem].code)
		ndem++;
	int months = c->months ? c->nmonths : 1;
	int keyed = !!(sp->by & (BY_REGION | BY_DEPARTEMENT | BY_STRUCTURE));
	size_t per_month = keyed ? c->ns : 1; /* national: one group, not one per structure */
	int dem_lo = (sp->by & BY_DEMARCHE) ? 0 : -1, dem_hi = (sp->by & BY_DEMARCHE) ? ndem : 0;
	for (int m = 0; m < months; m++)
		for (size_t i = 0; i < per_month; i++) {
			const struct scoped *s = keyed ? &c->s[i] : NULL;
			int bys = s && (sp->by & BY_STRUCTURE);
			const char *region = s && (sp->by & BY_REGION) ? s->region : "";
			const char *dep = s && (sp->by & BY_DEPARTEMENT) ? s->dep : "";
			for (int d = dem_lo; d < dem_hi; d++)
				if (!group_of(c, m, region, dep, bys ? s->id : 0, bys ? s->name : "", d))
					return -1;
		}
	return 0;
}

/* The months [from, to) covers, each cut to the range. */
static int months_of(struct calc *c, char *why, size_t len)
{
	const struct stats_spec *sp = c->spec;
	struct tm tm;
	paris_tm(sp->from, &tm);
	int y = tm.tm_year + 1900, mo = tm.tm_mon + 1;
	c->months = calloc(STATS_MAX_MONTHS, sizeof *c->months);
	for (c->nmonths = 0;; c->nmonths++) {
		time_t start = paris_midnight(y, mo, 1);
		if (start >= sp->to)
			break;
		if (c->nmonths == STATS_MAX_MONTHS) {
			snprintf(why, len, "--by month covers at most %d months: narrow --from and --to",
				 STATS_MAX_MONTHS);
			return -1;
		}
		struct month *m = &c->months[c->nmonths];
		snprintf(m->label, sizeof m->label, "%04d-%02d", y, mo);
		if (++mo > 12) {
			mo = 1;
			y++;
		}
		time_t next = paris_midnight(y, mo, 1);
		m->lo = start > sp->from ? start : sp->from;
		m->hi = next < sp->to ? next : sp->to;
	}
	return 0;
}

/* ---- the rows ----------------------------------------------------------- */

static int group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int r;
	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	if ((r = strcmp(x->region, y->region)) || (r = strcmp(x->dep, y->dep)))
		return r;
	if (x->structure != y->structure)
		return x->structure < y->structure ? -1 : 1;
	return (x->dem > y->dem) - (x->dem < y->dem);
}

static json_t *code_or_null(const char *code)
{
	return *code ? json_string(code) : json_null();
}

/* A figure that counts people, shown as "< 5" below the threshold. */
static json_t *figure(int64_t v, int small)
{
	return small ? json_string("< 5") : json_integer(v);
}

static json_t *row_json(const struct calc *c, const struct group *g)
{
	const struct stats_spec *sp = c->spec;
	json_t *row = json_object();
	if (sp->by & BY_MONTH)
		json_object_set_new(row, "month", json_string(c->months[g->month].label));
	if (sp->by & BY_REGION) {
		const struct ac_region *r = ac_region_find(g->region);
		json_object_set_new(row, "region", code_or_null(g->region));
		json_object_set_new(row, "region_name", r ? json_string(r->name) : json_null());
	}
	if (sp->by & BY_DEPARTEMENT) {
		const struct ac_departement *d = ac_departement_find(g->dep);
		json_object_set_new(row, "departement", code_or_null(g->dep));
		json_object_set_new(row, "departement_name", d ? json_string(d->name) : json_null());
	}
	if (sp->by & BY_STRUCTURE) {
		json_object_set_new(row, "structure", json_integer(g->structure));
		json_object_set_new(row, "structure_name", json_string(g->sname));
	}
	if (sp->by & BY_DEMARCHE)
		json_object_set_new(row, "demarche", json_string(ac_demarches[g->dem].code));
	/* under 5 usagers, neither they nor their uses are counted out loud; a
	 * mandate is one usager's */
	int few = sp->mask && g->fig[F_USAGERS] > 0 && g->fig[F_USAGERS] < STATS_SMALL;
	int today = !(sp->by & (BY_DEMARCHE | BY_MONTH));
	for (int f = 0; f < F_COUNT; f++) {
		json_t *v;
		if (f >= F_AIDANTS && !today)
			v = json_null(); /* today's figures: not split by family nor month */
		else if (f == F_DEMARCHES || f == F_USAGERS)
			v = figure(g->fig[f], few);
		else if (f <= F_REVOKED)
			v = figure(g->fig[f], sp->mask && g->fig[f] > 0 && g->fig[f] < STATS_SMALL);
		else
			v = json_integer(g->fig[f]);
		json_object_set_new(row, stats_figure_names[f], v);
	}
	return row;
}

json_t *stats_compute(store_conn *db, const struct stats_spec *sp, time_t now, int *status,
		      char *why, size_t len)
{
	struct calc c = { .spec = sp, .now = now };
	json_t *rows = NULL;
	*status = 500;
	snprintf(why, len, "cannot read the statistics");
	if ((sp->by & BY_MONTH) && months_of(&c, why, len)) {
		*status = 400;
		goto out;
	}
	if (scope_groups(db, &c))
		goto fail;
	for (int m = 0; m < (c.months ? c.nmonths : 1); m++) {
		time_t hi = c.months ? c.months[m].hi : sp->to;
		time_t at = hi < now ? hi : now; /* active: at the end of the range, or now */
		if (run(db, &c, &q_uses, m, 0) || run(db, &c, &q_created, m, 0) ||
		    run(db, &c, &q_active, m, at) || run(db, &c, &q_revoked, m, 0))
			goto fail;
	}
	if (!(sp->by & (BY_DEMARCHE | BY_MONTH)) &&
	    (run(db, &c, &q_aidants, 0, 0) || run(db, &c, &q_formation, 0, 0) ||
	     run(db, &c, &q_applying, 0, 0)))
		goto fail;
	qsort(c.g, c.n, sizeof *c.g, group_cmp);
	rows = json_array();
	for (size_t i = 0; i < c.n; i++)
		json_array_append_new(rows, row_json(&c, &c.g[i]));
	goto out;
fail:
	if (c.too_many) {
		*status = 400;
		snprintf(why, len, "more than %d groups: group by fewer keys or narrow --from and --to",
			 STATS_MAX_GROUPS);
	} else {
		log_error("stats: %s", store_errmsg(db));
	}
out:
	for (size_t i = 0; i < c.ns; i++)
		free(c.s[i].name);
	free(c.s);
	free(c.g);
	free(c.slot);
	free(c.months);
	return rows;
}
