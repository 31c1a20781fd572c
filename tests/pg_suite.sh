#!/bin/bash
# pg_suite.sh start | stop DIR — the throwaway PostgreSQL cluster of a whole
# suite pass on PostgreSQL (AC_DB=pg tests/run.sh): initdb in a folder of its
# own under /tmp, a Unix socket only (no port to pick), stopped by the PID in
# postmaster.pid.  "start" prints the folder; each test then makes its own
# database from the template ac_template (createdb -T), which holds the few
# SQLite functions the tests' checks and fixtures use (hex, json_extract,
# group_concat, randomblob, strftime('%s')), so that one `sql "..."` or
# `db_write` runs on both engines.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/pg_helpers.bash
. "$here/pg_helpers.bash"

case ${1:-} in
start)
	# The folder goes to the caller on fd 3; everything else to stderr.  Not
	# a redirection of pg_cluster_start itself: bash would keep the caller's
	# pipe in a saved descriptor that the background postmaster's shell
	# inherits, and the caller's $(...) would never end.
	exec 3>&1 >&2
	# 16 connections per acd, two files at once, a test with two acd
	PG_MAX_CONNECTIONS=200 pg_cluster_start
	"$PGBIN/createdb" -h "$PG_SOCK" -U postgres ac_template
	"$PGBIN/psql" -h "$PG_SOCK" -U postgres -d ac_template -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE FUNCTION hex(b bytea) RETURNS text LANGUAGE sql IMMUTABLE STRICT
	AS $$ SELECT upper(encode(b, 'hex')) $$;
CREATE FUNCTION hex(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
	AS $$ SELECT upper(encode(convert_to(t, 'UTF8'), 'hex')) $$;
-- SQLite's json_extract: a scalar as text, true/false as 1/0
CREATE FUNCTION json_extract(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
	AS $$ SELECT CASE jsonb_typeof(v) WHEN 'boolean' THEN (CASE WHEN v = 'true'::jsonb THEN '1' ELSE '0' END)
	             WHEN 'null' THEN NULL ELSE v #>> '{}' END
	      FROM (SELECT jsonb_path_query_first(doc::jsonb, path::jsonpath) AS v) p $$;
CREATE FUNCTION group_concat_step(acc text, v anyelement, sep text) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v::text ELSE acc || sep || v::text END $$;
CREATE FUNCTION group_concat_step(acc text, v anyelement) RETURNS text LANGUAGE sql IMMUTABLE
	AS $$ SELECT group_concat_step(acc, v, ',') $$;
CREATE AGGREGATE group_concat(anyelement, text) (SFUNC = group_concat_step, STYPE = text);
CREATE AGGREGATE group_concat(anyelement) (SFUNC = group_concat_step, STYPE = text);
CREATE FUNCTION randomblob(n integer) RETURNS bytea LANGUAGE sql VOLATILE
	AS $$ SELECT decode(string_agg(lpad(to_hex(floor(random() * 256)::int), 2, '0'), ''), 'hex')
	      FROM generate_series(1, n) $$;
-- only the form the fixtures use: the Unix time, now
CREATE FUNCTION strftime(fmt text) RETURNS bigint LANGUAGE plpgsql STABLE
	AS $$ BEGIN
		IF fmt <> '%s' THEN RAISE EXCEPTION 'strftime: only %%s'; END IF;
		RETURN extract(epoch FROM now())::bigint;
	END $$;
CREATE FUNCTION strftime(fmt text, t text) RETURNS bigint LANGUAGE plpgsql STABLE
	AS $$ BEGIN
		IF t <> 'now' THEN RAISE EXCEPTION 'strftime: only now'; END IF;
		RETURN strftime(fmt);
	END $$;
SQL
	echo "$PG_DIR" >&3
	;;
stop)
	PG_DIR=${2:?pg_suite.sh stop DIR}
	[ -d "$PG_DIR" ] || exit 0
	pg_cluster_stop
	;;
*)
	echo "usage: pg_suite.sh start | stop DIR" >&2
	exit 64
	;;
esac
