/* crypto.c — libsodium under the key file.  Subkeys are derived per purpose so
 * one key file serves seed sealing and MACs without reusing a key. */
#include "crypto.h"

#include <sodium.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint8_t seal_key[crypto_secretbox_KEYBYTES];
static uint8_t mac_key[crypto_generichash_KEYBYTES];
static uint8_t id_key[crypto_generichash_KEYBYTES];
static uint8_t blob_key[crypto_secretbox_KEYBYTES];

static void derive(const uint8_t master[crypto_kdf_KEYBYTES])
{
	crypto_kdf_derive_from_key(seal_key, sizeof seal_key, 1, "acdseeds", master);
	crypto_kdf_derive_from_key(mac_key, sizeof mac_key, 2, "acdseeds", master);
	crypto_kdf_derive_from_key(id_key, sizeof id_key, 3, "acdseeds", master);
	crypto_kdf_derive_from_key(blob_key, sizeof blob_key, 4, "acdseeds", master);
}

int crypto_key_create(const char *path, char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 errno == EEXIST ? " (refusing to overwrite a key file)" : "");
		return -1;
	}
	uint8_t master[crypto_kdf_KEYBYTES];
	crypto_kdf_keygen(master);
	int ok = write(fd, master, sizeof master) == (ssize_t)sizeof master && fsync(fd) == 0;
	close(fd);
	if (!ok) {
		snprintf(err, errlen, "%s: cannot write the key", path);
		unlink(path);
		return -1;
	}
	derive(master);
	sodium_memzero(master, sizeof master);
	return 0;
}

int crypto_key_load(const char *path, char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return -1;
	}
	int fd = open(path, O_RDONLY);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (sb.st_mode & 077) {
		snprintf(err, errlen, "%s: readable by others (mode %03o): chmod 600 it", path,
			 (unsigned)(sb.st_mode & 0777));
		close(fd);
		return -1;
	}
	uint8_t master[crypto_kdf_KEYBYTES];
	ssize_t n = read(fd, master, sizeof master);
	close(fd);
	if (n != (ssize_t)sizeof master) {
		snprintf(err, errlen, "%s: not a key file (expected %zu bytes)", path, sizeof master);
		return -1;
	}
	derive(master);
	sodium_memzero(master, sizeof master);
	return 0;
}

size_t crypto_seal(const uint8_t *seed, size_t n, uint8_t box[BOX_MAX])
{
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, seed, n, box, seal_key);
	return crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
}

int crypto_open(const uint8_t *box, size_t boxlen, uint8_t seed[SEED_MAX])
{
	size_t over = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
	if (boxlen < over || boxlen - over > SEED_MAX)
		return -1;
	if (crypto_secretbox_open_easy(seed, box + crypto_secretbox_NONCEBYTES,
				       boxlen - crypto_secretbox_NONCEBYTES, box, seal_key) != 0)
		return -1;
	return (int)(boxlen - over);
}

void crypto_seed_mac(const uint8_t *seed, size_t n, uint8_t mac[32])
{
	crypto_generichash(mac, 32, seed, n, mac_key, sizeof mac_key);
}

void crypto_token_new(char hex[TOKEN_HEX])
{
	uint8_t raw[32];
	randombytes_buf(raw, sizeof raw);
	crypto_hex(raw, sizeof raw, hex);
}

void crypto_token_hash(const char *token, uint8_t hash[32])
{
	crypto_hash_sha256(hash, (const uint8_t *)token, strlen(token));
}

void crypto_random(void *buf, size_t n) { randombytes_buf(buf, n); }

void crypto_hex(const uint8_t *in, size_t n, char *out) { sodium_bin2hex(out, 2 * n + 1, in, n); }

void crypto_keyed_hash(const char *purpose, const void *data, size_t n, uint8_t out[32])
{
	/* the purpose and its NUL first: one key, distinct hashes per use */
	crypto_generichash_state st;
	crypto_generichash_init(&st, id_key, sizeof id_key, 32);
	crypto_generichash_update(&st, (const uint8_t *)purpose, strlen(purpose) + 1);
	crypto_generichash_update(&st, data, n);
	crypto_generichash_final(&st, out, 32);
}

void crypto_sha256_hex(const void *data, size_t n, char hex[65])
{
	uint8_t h[32];
	crypto_hash_sha256(h, data, n);
	crypto_hex(h, sizeof h, hex);
}

uint8_t *crypto_seal_blob(const void *data, size_t n, size_t *boxlen)
{
	*boxlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
	uint8_t *box = malloc(*boxlen);
	if (!box)
		return NULL;
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, data, n, box, blob_key);
	return box;
}

char *crypto_open_blob(const uint8_t *box, size_t boxlen, size_t *n)
{
	size_t over = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
	if (boxlen < over)
		return NULL;
	*n = boxlen - over;
	char *out = sodium_malloc(*n + 1);
	if (!out)
		return NULL;
	if (crypto_secretbox_open_easy((uint8_t *)out, box + crypto_secretbox_NONCEBYTES,
				       boxlen - crypto_secretbox_NONCEBYTES, box, blob_key) != 0) {
		sodium_free(out);
		return NULL;
	}
	out[*n] = 0;
	return out;
}

void crypto_free_blob(char *p)
{
	if (p)
		sodium_free(p);
}
