/* departure.c — the end of a person's memberships (departure.h). */
#include "departure.h"
#include "cards.h"

int departure_record(struct txn *t, int64_t account, const char *email, int is_operator,
		     const int64_t *targets, int n, json_t *details, int *remaining)
{
	static const char off[] = "UPDATE memberships SET active = 0"
				  " WHERE account_id = $1 AND structure_id = $2";
	static const char left[] = "SELECT COUNT(*) FROM memberships WHERE account_id = $1 AND active = 1";
	static const char gone[] = "UPDATE accounts SET active = 0 WHERE id = $1";
	static const char ends[] = "DELETE FROM sessions WHERE account_id = $1";
	for (int i = 0; i < n; i++) {
		store_stmt *st = store_prep(t->db, off);
		store_bind_int(st, 1, account);
		store_bind_int(st, 2, targets[i]);
		if (store_exec(st) != STORE_DONE ||
		    journal_append(t, "aidant_deactivate", targets[i], email,
				   details ? json_deep_copy(details) : NULL) ||
		    cards_release(t, account, email, targets[i]) < 0)
			return -1;
	}
	store_stmt *st = store_prep(t->db, left);
	store_bind_int(st, 1, account);
	*remaining = (int)store_int_or(st, 0);
	if (!n || *remaining || is_operator)
		return 0;
	/* gone from every structure: no card, no session, no login */
	store_stmt *a = store_prep(t->db, gone), *b = store_prep(t->db, ends);
	store_bind_int(a, 1, account);
	store_bind_int(b, 1, account);
	if (store_exec(a) != STORE_DONE || store_exec(b) != STORE_DONE ||
	    cards_release(t, account, email, 0) < 0)
		return -1;
	return 0;
}
