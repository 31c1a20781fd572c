/* oidc.h — acd as OpenID Connect provider (docs/PROVIDER.md): what its files
 * share.  The issuer is the public URL; clients are registered by operators;
 * ID tokens are signed with acd's keys (RS256, ES256) or a client's secret
 * (HS256). */
#ifndef OIDC_H
#define OIDC_H
#include "txn.h"

#define OIDC_REQUEST_TTL 600    /* the pages, from authorize to the code */
#define OIDC_CODE_TTL 60
#define OIDC_TOKEN_TTL 60       /* an access token */
#define OIDC_ID_TOKEN_TTL 120
#define KEY_GRACE 3600          /* a retired key stays published this long */

/* The scopes a client may ask, each naming the claim it carries (as at
 * FranceConnect), plus "profile" and "birth". */
extern const char *const oidc_scopes[];
/* The claims userinfo may answer. */
extern const char *const oidc_claims[];

struct oidc_client {
	int64_t id;
	char client_id[64], name[256], redirect_uri[1024], signing[8];
};

/* oidc_clients.c: an active client by its client_id: 1, 0 none, -1 error. */
int oidc_client_find(store_conn *db, const char *client_id, struct oidc_client *c);
/* The client of a token request, authenticated by client_secret_basic or
 * client_secret_post (exactly one): 0, or -1 with the OAuth error replied. */
int oidc_client_auth(struct req *r, struct oidc_client *c);
/* An HS256 client's secret (crypto_free_blob it), or NULL. */
char *oidc_client_secret(store_conn *db, int64_t id, size_t *n);

/* oidc_keys.c */
/* Makes a new RS256 key and a new ES256 key and retires the current ones;
 * one JSON object per new key is appended to out. */
int keys_rotate(struct txn *t, json_t *out);
/* 1 when there is a current key of each algorithm, 0 not, -1 error. */
int keys_present(store_conn *db);
/* The public JWKS: current keys and those retired less than KEY_GRACE ago. */
json_t *keys_jwks(store_conn *db, time_t now);
/* Every key as {"kid","alg","created_at","retired_at"}, oldest first. */
json_t *keys_list(store_conn *db);
/* claims signed for client c (compact JWS, malloc'd), or NULL. */
char *oidc_sign(store_conn *db, const struct oidc_client *c, json_t *claims);
/* The claims of a JWS acd signed with one of its published keys (new
 * reference), or NULL: what end_session reads of its id_token_hint. */
json_t *oidc_verify_own(store_conn *db, const char *compact, time_t now);

/* oidc_meta.c: the issuer (public-url). */
const char *oidc_issuer(void);
/* The usager's subject for clients: 64 hex, a keyed hash of the stored hash
 * of its FranceConnect sub. */
int oidc_usager_sub(store_conn *db, int64_t usager, char hex[65]);

/* An authorization in progress (a row of oidc_requests), as the pages see it. */
struct oidc_request {
	int64_t id, client, account, structure, usager, expires_at, auth_time;
	char client_name[256], step[16], state[260], nonce[260], scope[600], redirect_uri[1024];
	char rep_scope[128];    /* "" when the client restricted nothing */
	char handle[65], csrf[65]; /* the pages' hidden fields */
};

/* oidc_pages.c: the page of a request's current step (status, and why the
 * last answer was refused, or NULL); search filters the usagers' list. */
int oidc_page_login(struct req *r, const struct oidc_request *q, int status, const char *error);
int oidc_page_step(struct req *r, const struct oidc_request *q, const char *search);

/* oidc_choices.c: what the aidant may choose, in catalogue or name order.
 * The structures an account is aidant of (active ones), as ids. */
int oidc_aidant_structures(store_conn *db, int64_t account, int64_t *ids, int max);
/* Calls fn for each usager with an active autorisation (within rep_scope)
 * with structure; only the one usager when only != 0.  Returns the count. */
typedef void (*usager_fn)(void *arg, int64_t id, const char *given, const char *family,
			  const char *birthdate);
int oidc_usagers(store_conn *db, const struct oidc_request *q, time_t now, int64_t only,
		 usager_fn fn, void *arg);
/* The active démarches (within rep_scope) of the request's usager with its
 * structure, comma-separated in catalogue order. */
void oidc_demarches(store_conn *db, const struct oidc_request *q, time_t now, char out[128]);
/* At the token and at userinfo: the autorisation still active, its mandate
 * unexpired, and the account still an active aidant of its structure (the
 * same membership oidc_aidant_structures lists: account and structure active). */
int oidc_still_allowed(store_conn *db, int64_t mandate, const char *demarche, int64_t account, time_t now);
/* The active mandate holding démarche for the request's usager and structure
 * (0: none). */
int64_t oidc_mandate_for(store_conn *db, const struct oidc_request *q, const char *demarche,
			 time_t now);

/* oidc_params.c: the parameters OpenID Connect Core §3.1.2.1 defines (with
 * RFC 6749 §4.1.1), each at most once (RFC 6749 §3.1); any other parameter
 * is ignored, as RFC 6749 §3.1 asks of an unrecognised one. */
enum {
	P_RESPONSE_TYPE, P_CLIENT_ID, P_REDIRECT_URI, P_SCOPE, P_STATE, P_NONCE, P_ACR_VALUES,
	P_PROMPT, P_CLAIMS, P_MAX_AGE, P_UI_LOCALES, P_CLAIMS_LOCALES, P_ID_TOKEN_HINT,
	P_LOGIN_HINT, P_DISPLAY, P_RESPONSE_MODE, P_REQUEST, P_REQUEST_URI, P_REGISTRATION, P_COUNT
};
struct oidc_params {
	int count[P_COUNT];
	const char *value[P_COUNT]; /* NULL: absent; borrowed */
	const char *dup;            /* a parameter given twice */
};
/* One parameter of the query, decoded: a known one is counted and kept. */
void oidc_params_add(struct oidc_params *, const char *key, const char *value);
/* Once the client and its redirect URI are known (P_REDIRECT_URI): NULL when
 * the request is good, with q's redirect_uri, state, nonce, scope and
 * rep_scope filled; else the OAuth error code and a sentence in why.  Either
 * way *echo is the state to send back (NULL when unusable). */
const char *oidc_params_check(const struct oidc_params *, struct oidc_request *q,
			      const char **echo, char why[300]);
/* A state or nonce as a client may send it: 16 to 256 unreserved
 * characters (RFC 3986). */
int oidc_token_ok(const char *v);
/* An Authorization header's Basic credentials (RFC 6749 §2.3.1: each
 * form-urlencoded, then the pair in base64): 0, or -1 when malformed. */
int oidc_basic_credentials(const char *h, char id[256], char secret[256]);
/* The redirection of an error to the client (303). */
int oidc_redirect_error(struct req *r, const char *redirect_uri, const char *state,
			const char *error, const char *description);
/* The redirection with a code. */
int oidc_redirect_code(struct req *r, const char *redirect_uri, const char *state,
		       const char *code);
#endif
