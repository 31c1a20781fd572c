#!/bin/bash
# gen-stats.sh DB STRUCTURES USAGERS MANDATES USES: a history for the
# statistics, written by the sqlite3 shell into an acd database (fresh from
# acd init, acd stopped): STRUCTURES structures over twelve départements of
# nine régions (their département left for acd to fill at start), one aidant
# each, MANDATES mandates of two démarches each over the last 365 days (one in
# ten revoked whole), and USES uses of them over the same days.  The same
# numbers give the same rows: make bench and tests/stats.bats use it.
# DB a postgresql:// URL: the same rows through psql, SQLite's randomblob
# and hex lent for the run by a schema dropped at the end.
set -eu
db=$1 S=$2 U=$3 M=$4 N=$5
now=$(date +%s)
case $db in
postgres://* | postgresql://*)
	PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	shell() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$db" > /dev/null; }
	begin="BEGIN;
SET LOCAL client_min_messages = warning;
CREATE SCHEMA gen_stats;
SET LOCAL search_path = gen_stats, public;
CREATE FUNCTION gen_stats.randomblob(n integer) RETURNS bytea LANGUAGE sql VOLATILE
  AS \$\$ SELECT decode(string_agg(lpad(to_hex(floor(random() * 256)::int), 2, '0'), ''), 'hex')
        FROM generate_series(1, n) \$\$;
CREATE FUNCTION gen_stats.hex(b bytea) RETURNS text LANGUAGE sql IMMUTABLE
  AS \$\$ SELECT upper(encode(b, 'hex')) \$\$;"
	end="DROP SCHEMA gen_stats CASCADE;
COMMIT;"
	;;
*)
	shell() { sqlite3 -cmd ".timeout 10000" "$db"; }
	begin="BEGIN;" end="COMMIT;"
	;;
esac
shell <<SQL
$begin
CREATE TEMP TABLE zips (k INTEGER PRIMARY KEY, zip TEXT, city TEXT);
INSERT INTO zips VALUES (0, '69001', 'Lyon'), (1, '29200', 'Brest'), (2, '75011', 'Paris'),
  (3, '13001', 'Marseille'), (4, '59000', 'Lille'), (5, '33000', 'Bordeaux'),
  (6, '31000', 'Toulouse'), (7, '20000', 'Ajaccio'), (8, '97400', 'Saint-Denis'),
  (9, '38000', 'Grenoble'), (10, '35000', 'Rennes'), (11, '93200', 'Saint-Denis');
CREATE TEMP TABLE fam (k INTEGER PRIMARY KEY, code TEXT);
INSERT INTO fam VALUES (0, 'papiers'), (1, 'famille'), (2, 'social'), (3, 'travail'),
  (4, 'logement'), (5, 'transports'), (6, 'argent'), (7, 'justice'), (8, 'etranger'), (9, 'loisirs');
INSERT INTO structures (id, name, siret, type, address, zipcode, city, active, created_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $S)
  SELECT i, 'Structure ' || i, CAST(90000000000000 + i AS TEXT), 'ccas', '', z.zip, z.city, 1, $now - 400 * 86400
  FROM n JOIN zips z ON z.k = i % 12;
INSERT INTO accounts (id, email, first_name, last_name, created_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $S)
  SELECT 1000 + i, 'aidant' || i || '@stats.fr', 'Aidant', 'N' || i, $now - 400 * 86400 FROM n;
INSERT INTO memberships (account_id, structure_id, is_aidant, is_referent, created_at)
  SELECT 1000 + id, id, 1, 0, created_at FROM structures;
INSERT INTO usagers (id, sub_hash, given_name, family_name, birthdate, created_at, updated_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $U)
  SELECT i, randomblob(32), 'Usager', 'NOM' || i, '1970-01-01', $now - 400 * 86400, $now FROM n;
INSERT INTO mandates (id, structure_id, usager_id, account_id, demarches, duration, created_at,
    expires_at, revoked_at, template, attestation_hash)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $M)
  SELECT i, 1 + i % $S, 1 + i % $U, 1000 + 1 + i % $S, 'papiers,logement', 'long',
         $now - (i % 365) * 86400 - 3600, $now - (i % 365) * 86400 - 3600 + 365 * 86400,
         CASE WHEN i % 10 = 0 THEN $now - (i % 365) * 86400 / 2 ELSE NULL END,
         'mandat-2', lower(hex(randomblob(32))) FROM n;
INSERT INTO autorisations (id, mandate_id, demarche, revoked_at)
  SELECT 2 * m.id - 1, m.id, f.code, m.revoked_at FROM mandates m JOIN fam f ON f.k = m.id % 10
  UNION ALL
  SELECT 2 * m.id, m.id, f.code, m.revoked_at FROM mandates m JOIN fam f ON f.k = (m.id + 3) % 10;
INSERT INTO revocations (id, mandate_id, demarches, whole, revoked_at, account_id, template,
    attestation_hash)
  SELECT id, id, 'all', 1, revoked_at, account_id, 'revocation-1', lower(hex(randomblob(32)))
  FROM mandates WHERE revoked_at IS NOT NULL;
UPDATE autorisations SET revocation_id = mandate_id WHERE revoked_at IS NOT NULL;
INSERT INTO oidc_clients (id, client_id, name, redirect_uri, signing, secret_hash, created_at)
  VALUES (1, 'stats-client', 'Démarches', 'https://rp.example/cb', 'RS256', randomblob(32), $now);
INSERT INTO oidc_codes (id, code_hash, client_id, redirect_uri, nonce, scope, account_id,
    structure_id, usager_id, mandate_id, demarche, auth_time, created_at, expires_at, used_at)
  VALUES (1, randomblob(32), 1, 'https://rp.example/cb', 'n', 'openid', 1001, 1, 1, 1, 'papiers',
    $now, $now, $now, $now);
-- use j: mandate 1 + j % M, its first démarche, on day j % 365 (the mandate's
-- own day or after it)
INSERT INTO oidc_tokens (id, token_hash, code_id, client_id, account_id, structure_id, usager_id,
    mandate_id, demarche, created_at, expires_at, used_at)
  WITH RECURSIVE n(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM n WHERE j < $N)
  SELECT j, randomblob(32), 1, 1, 1000 + 1 + (1 + j % $M) % $S, 1 + (1 + j % $M) % $S,
         1 + (1 + j % $M) % $U, 1 + j % $M, f.code, $now - (j % 365) * 86400,
         $now - (j % 365) * 86400 + 60, $now - (j % 365) * 86400 + 1
  FROM n JOIN fam f ON f.k = (1 + j % $M) % 10;
$end
SQL
