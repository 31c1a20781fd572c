/* api_structures.c — POST /v1/structures (operators), GET /v1/structures
 * (operators: all; others: their own). */
#include "routes.h"
#include "bodies.h"
#include "auth.h"
#include "structures.h"
#include "territory.h"
#include "txn.h"
#include "demarches.h"
#include "ac.h"

#include <stdlib.h>

#include <string.h>

#define COLS "id, name, siret, type, address, zipcode, city, active, demarches"
/* read back only: set from the zipcode (territory.h) */
#define READ_COLS COLS ", departement, region"

static json_t *structure_json(store_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:o,s:s,s:s}", "id", (json_int_t)store_col_int(st, 0),
			 "name", store_col_text(st, 1), "siret", store_col_text(st, 2), "type",
			 store_col_text(st, 3), "address", store_col_text(st, 4), "zipcode",
			 store_col_text(st, 5), "city", store_col_text(st, 6), "active",
			 (int)store_col_int(st, 7), "demarches", demarches_json(store_col_text(st, 8)),
			 "departement", store_col_text(st, 9), "region", store_col_text(st, 10));
}

/* A structure's name and address, at creation or when edited; NULL: not given. */
static int identity_check(const char *name, const char *addr, const char *zip, const char *city,
			  struct fail *f)
{
	if (name && (!*name || strlen(name) > 200))
		return fail_set(f, 400, "bad_name", "\"name\" must be 1 to 200 characters");
	if (zip && !ac_zipcode_valid(zip))
		return fail_set(f, 400, "bad_zipcode", "\"zipcode\" must be 5 digits");
	if (zip && !ac_departement_of_zipcode(zip))
		return fail_set(f, 400, "bad_zipcode", "no French département has the zipcode %s", zip);
	if (city && (!*city || strlen(city) > 200))
		return fail_set(f, 400, "bad_city", "\"city\" must be 1 to 200 characters");
	if (addr && strlen(addr) > 500)
		return fail_set(f, 400, "bad_address", "\"address\" is longer than 500 characters");
	return 0;
}

int structure_insert(struct txn *t, const char *name, const char *siret, const char *type,
		     const char *addr, const char *zip, const char *city, int64_t *id)
{
	static const char ins[] = "INSERT INTO structures (" COLS ", created_at)"
				  " VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9)";
	static const char next_id[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM structures";
	*id = store_int_or(store_prep(t->db, next_id), 1);
	store_stmt *st = store_prep(t->db, ins);
	store_bind_int(st, 1, *id);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, siret);
	store_bind_text(st, 4, type);
	store_bind_text(st, 5, addr);
	store_bind_text(st, 6, zip);
	store_bind_text(st, 7, city);
	store_bind_text(st, 8, ALL_DEMARCHES); /* COLS ends with demarches */
	store_bind_int(st, 9, t->now);
	if (store_exec(st) != STORE_DONE || territory_set(t->db, *id, zip) != STORE_DONE)
		return -1;
	return journal_append(t, "structure_create", *id, siret,
			      json_pack("{s:s,s:s,s:s,s:s}", "name", name, "type", type, "zipcode", zip,
					"city", city));
}

static int create_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char by_siret[] = "SELECT " READ_COLS " FROM structures WHERE siret = $1";
	if (!authz_operator(t->r))
		return fail_set(f, 403, "forbidden", "only an operator creates structures");
	const char *name = jstr(in, "name", ""), *siret = jstr(in, "siret", ""),
		   *type = jstr(in, "type", "autre"), *zip = jstr(in, "zipcode", ""),
		   *city = jstr(in, "city", ""), *addr = jstr(in, "address", "");
	if (!ac_siret_valid(siret))
		return fail_set(f, 400, "bad_siret", "\"siret\" must be 14 digits with a valid Luhn key");
	if (identity_check(name, addr, zip, city, f))
		return -1;
	char words[256];
	if (!ac_in_list(ac_structure_types, type))
		return fail_set(f, 400, "bad_type", "\"type\" must be one of: %s",
				ac_list_words(ac_structure_types, words, sizeof words));
	store_stmt *st = store_prep(t->db, by_siret);
	store_bind_text(st, 1, siret);
	if (store_step(st) == STORE_ROW) {
		/* idempotent by SIRET: the same structure again changes nothing */
		if (strcmp(store_col_text(st, 1), name))
			return fail_set(f, 409, "siret_taken",
					"SIRET %s is already structure %lld, \"%s\"", siret,
					(long long)store_col_int(st, 0), store_col_text(st, 1));
		json_object_update_new(out, structure_json(st));
		json_object_set_new(out, "changed", json_false());
		return 0;
	}
	int64_t id;
	if (structure_insert(t, name, siret, type, addr, zip, city, &id))
		return fail_set(f, 500, "internal", "cannot create the structure");
	const struct ac_departement *dep = ac_departement_of_zipcode(zip);
	json_object_update_new(out, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:o,s:s,s:s,s:b}",
					      "id", (json_int_t)id, "name", name, "siret", siret,
					      "type", type, "address", addr, "zipcode", zip, "city",
					      city, "active", 1, "demarches",
					      demarches_json(ALL_DEMARCHES), "departement", dep->code,
					      "region", dep->region, "changed", 1));
	return 0;
}

int api_structure_create(struct req *r)
{
	return run_items(r, body_structure_create, create_one);
}

int api_structure_list(struct req *r)
{
	static const char all[] = "SELECT " READ_COLS " FROM structures ORDER BY id";
	json_t *lines = json_array();
	store_stmt *st = store_prep(r->db, all);
	while (store_step(st) == STORE_ROW)
		if (authz_member_of(r, store_col_int(st, 0)))
			json_array_append_new(lines, structure_json(st));
	return reply_lines(r, lines);
}

/* PATCH /v1/structures/{id}: the démarches offered (its référents,
 * operators); its name and address (operators: the structure ANCT
 * habilitated, as attestations print it). */
struct edit {
	int64_t id;
	char demarches[DEMARCHES_MAX];  /* "" when not given */
	const char *name, *address, *zipcode, *city; /* NULL when not given */
	json_t *out;
	struct fail f;
};

/* Sets column col (its index in COLS) to v when it differs; records the
 * change and the value before in d.  0, or -1. */
static int set_column(struct txn *t, int64_t id, store_stmt *row, int col, const char *v, json_t *d)
{
	static const char *const sql[] = {
		[1] = "UPDATE structures SET name = $1 WHERE id = $2",
		[4] = "UPDATE structures SET address = $1 WHERE id = $2",
		[5] = "UPDATE structures SET zipcode = $1 WHERE id = $2",
		[6] = "UPDATE structures SET city = $1 WHERE id = $2",
	};
	static const char *const key[] = { [1] = "name", [4] = "address", [5] = "zipcode", [6] = "city" };
	if (!v || !strcmp(v, store_col_text(row, col)))
		return 0;
	json_object_set_new(d, key[col], json_string(v));
	json_object_set_new(json_object_get(d, "before"), key[col], json_string(store_col_text(row, col)));
	store_stmt *st = store_prep(t->db, sql[col]);
	store_bind_text(st, 1, v);
	store_bind_int(st, 2, id);
	if (store_exec(st) != STORE_DONE)
		return -1;
	return col == 5 && territory_set(t->db, id, v) != STORE_DONE ? -1 : 0;
}

static int edit_work(struct txn *t, void *arg)
{
	static const char q[] = "SELECT " READ_COLS " FROM structures WHERE id = $1";
	static const char up[] = "UPDATE structures SET demarches = $1 WHERE id = $2";
	struct edit *x = arg;
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, x->id);
	if (store_step(st) != STORE_ROW)
		return fail_set(&x->f, 404, "not_found", "no such structure: %lld", (long long)x->id);
	json_t *d = json_pack("{s:{}}", "before");
	int rc = 0;
	if (*x->demarches && strcmp(store_col_text(st, 8), x->demarches)) {
		json_object_set_new(d, "demarches", demarches_json(x->demarches));
		json_object_set_new(json_object_get(d, "before"), "demarches",
				    demarches_json(store_col_text(st, 8)));
		store_stmt *u = store_prep(t->db, up);
		store_bind_text(u, 1, x->demarches);
		store_bind_int(u, 2, x->id);
		rc = store_exec(u) != STORE_DONE;
	}
	/* the row's texts stay readable: each update is its own statement */
	rc = rc || set_column(t, x->id, st, 1, x->name, d) || set_column(t, x->id, st, 4, x->address, d) ||
	     set_column(t, x->id, st, 5, x->zipcode, d) || set_column(t, x->id, st, 6, x->city, d);
	int changed = json_object_size(d) > 1;
	if (rc || (changed && journal_append(t, "structure_update", x->id, NULL, json_incref(d)))) {
		json_decref(d);
		return fail_set(&x->f, 500, "internal", "cannot update the structure");
	}
	json_decref(d);
	st = store_prep(t->db, q);
	store_bind_int(st, 1, x->id);
	store_step(st);
	x->out = structure_json(st);
	json_object_set_new(x->out, "changed", json_boolean(changed));
	return 0;
}

int api_structure_update(struct req *r)
{
	struct edit x = { 0 };
	x.id = ac_text_id(r->arg);
	if (!x.id || !structure_exists(r->db, x.id) || !authz_member_of(r, x.id))
		return reply_error(r, 404, "not_found", "no such structure: %s", r->arg);
	if (!authz_referent_of(r, x.id))
		return reply_error(r, 403, "forbidden", "only a référent of the structure or an operator "
				   "changes it");
	json_t *in = req_object(r, body_structure_update, &x.f);
	if (!in)
		return reply_fail(r, &x.f);
	json_t *dem = json_object_get(in, "demarches");
	x.name = jstr(in, "name", NULL);
	x.address = jstr(in, "address", NULL);
	x.zipcode = jstr(in, "zipcode", NULL);
	x.city = jstr(in, "city", NULL);
	int identity = x.name || x.address || x.zipcode || x.city, bad = 0;
	if (!dem && !identity)
		bad = fail_set(&x.f, 400, "nothing_to_change",
			       "give what changes: demarches, name, address, zipcode or city");
	else if (dem && demarches_parse(dem, NULL, x.demarches, &x.f))
		bad = -1;
	else if (identity_check(x.name, x.address, x.zipcode, x.city, &x.f))
		bad = -1;
	else if (identity && !authz_operator(r))
		bad = fail_set(&x.f, 403, "forbidden", "only an operator changes a structure's name or "
			       "address (its référents choose the démarches it offers)");
	if (bad) {
		json_decref(in);
		return reply_fail(r, &x.f);
	}
	int rc = txn_run(r, 1, edit_work, &x);
	json_decref(in); /* the texts in x point into it */
	if (rc != 0)
		return r->status ? r->status : reply_fail(r, &x.f);
	return reply_json(r, 200, x.out);
}
