/* crypto.h — the key file and everything secret: seed sealing (secretbox under
 * a subkey of the key file), keyed MACs, token hashing, random tokens. */
#ifndef CRYPTO_H
#define CRYPTO_H
#include <stddef.h>
#include <stdint.h>

#define SEED_MAX 64
#define BOX_MAX (24 + 16 + SEED_MAX)
#define TOKEN_HEX 65 /* 256-bit token as hex, with its NUL */

/* Creates PATH (0600, never overwriting) with a fresh 256-bit key. */
int crypto_key_create(const char *path, char *err, size_t errlen);
/* Loads the key file; refuses one readable by others. */
int crypto_key_load(const char *path, char *err, size_t errlen);

size_t crypto_seal(const uint8_t *seed, size_t n, uint8_t box[BOX_MAX]);
/* Returns the seed length, or -1 when the box was not sealed by our key. */
int crypto_open(const uint8_t *box, size_t boxlen, uint8_t seed[SEED_MAX]);
/* Any secret of any length (a private key, a client's HMAC secret), sealed
 * under its own subkey: the box (malloc'd, *boxlen bytes), or NULL. */
uint8_t *crypto_seal_blob(const void *data, size_t n, size_t *boxlen);
/* The secret, NUL-terminated, in guarded memory freed by crypto_free_blob;
 * NULL when the box was not sealed by our key. */
char *crypto_open_blob(const uint8_t *box, size_t boxlen, size_t *n);
void crypto_free_blob(char *);
void crypto_seed_mac(const uint8_t *seed, size_t n, uint8_t mac[32]);

void crypto_token_new(char hex[TOKEN_HEX]);
void crypto_token_hash(const char *token, uint8_t hash[32]); /* SHA-256 */
void crypto_random(void *buf, size_t n);
void crypto_hex(const uint8_t *in, size_t n, char *out); /* out: 2n+1 */
/* Keyed BLAKE2b-256 under its own subkey, separated by purpose ("fc-sub",
 * "csrf"...): identifiers kept without the secret they come from. */
void crypto_keyed_hash(const char *purpose, const void *data, size_t n, uint8_t out[32]);
void crypto_sha256_hex(const void *data, size_t n, char hex[65]);
#endif
