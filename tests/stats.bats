#!/usr/bin/env bats
# Statistics (issue 10 §2): ac-stats by région, département, structure,
# démarche and month over a generated history (bench/gen-stats.sh: 24
# structures in 12 départements of 9 régions, 40 usagers, 60 mandates, 300
# uses over the last year), checked against plain SQL on the same file; who
# sees what; "< 5" for tokens by structure and on the public /stats page.

load helpers
load card_helpers

setup() {
	acd_start
	acd_stop
	"$REPO/bench/gen-stats.sh" "${ACD_DB[1]}" 24 40 60 300 > /dev/null
	acd_serve_ready "${ACD_DB[@]}"
	op_login
}
teardown() { acd_stop; }

# by_sql SQL: plain SQL's answer as "key=value" lines, sorted
by_sql() { sql "$1" | sort; }

@test "ac-stats: the national figures are those of the history" {
	run ac-stats
	assert_success
	[ "${#lines[@]}" = 1 ]
	jq -e '(keys_unsorted) == ["demarches", "usagers", "mandates_created", "mandates_active",
		"mandates_revoked", "aidants_habilites", "aidants_en_formation", "structures_habilitees",
		"structures_en_habilitation"]' <<<"$output"
	jq -e --argjson u "$(sql "SELECT COUNT(DISTINCT usager_id) FROM oidc_tokens")" \
		'.demarches == 300 and .usagers == $u and .mandates_created == 60 and .mandates_revoked == 6
		and .mandates_active == 54 and .aidants_habilites == 0' <<<"$output"
	# acd gave the structures made before it started their département
	[ "$(sql "SELECT departement || ' ' || region FROM structures WHERE zipcode = '20000' LIMIT 1")" = "2A 94" ]
	[ "$(sql "SELECT COUNT(*) FROM structures WHERE region = ''")" = 0 ]
}

@test "ac-stats --by region, departement, structure: each group as plain SQL counts it" {
	run ac-stats --by region
	assert_success
	[ "${#lines[@]}" = 9 ]
	printf '%s\n' "${lines[@]}" | jq -s -e 'map(select(.region == "84"))[0].region_name == "Auvergne-Rhône-Alpes"' 
	diff <(printf '%s\n' "${lines[@]}" | jq -r '"\(.region)=\(.demarches),\(.usagers),\(.mandates_created)"' | sort) \
		<(by_sql "SELECT s.region || '=' || (SELECT COUNT(*) FROM oidc_tokens t JOIN structures x ON x.id = t.structure_id WHERE x.region = s.region)
			|| ',' || (SELECT COUNT(DISTINCT usager_id) FROM oidc_tokens t JOIN structures x ON x.id = t.structure_id WHERE x.region = s.region)
			|| ',' || (SELECT COUNT(*) FROM mandates m JOIN structures x ON x.id = m.structure_id WHERE x.region = s.region)
			FROM structures s GROUP BY s.region")
	run ac-stats --by departement
	assert_success
	[ "${#lines[@]}" = 12 ]
	printf '%s\n' "${lines[@]}" | jq -s -e 'map(.departement) == ["13", "29", "2A", "31", "33", "35", "38", "59", "69", "75", "93", "974"]
		and (map(select(.departement == "974"))[0].departement_name == "La Réunion")
		and (map(.demarches) | add) == 300'
	run ac-stats --by region,structure
	assert_success
	[ "${#lines[@]}" = 24 ]
	printf '%s\n' "${lines[@]}" | jq -s -e 'map(.mandates_created) | add == 60'
	jq -e 'keys_unsorted[:4] == ["region", "region_name", "structure", "structure_name"]' <<<"${lines[0]}"
}

@test "ac-stats --by demarche: every family in catalogue order, zeros included" {
	run ac-stats --by demarche
	assert_success
	printf '%s\n' "${lines[@]}" | jq -s -e 'map(.demarche) == ["papiers", "famille", "social", "travail",
		"logement", "transports", "argent", "justice", "etranger", "loisirs"]
		and (map(.demarches) | add) == 300 and (map(.mandates_created) | add) == 120
		and all(.aidants_habilites == null)'
	diff <(printf '%s\n' "${lines[@]}" | jq -r '"\(.demarche)=\(.demarches)"' | sort) \
		<(by_sql "SELECT demarche || '=' || COUNT(*) FROM oidc_tokens GROUP BY demarche")
	# a range with no use: the ten families, at zero
	run ac-stats --by demarche --from 2020-01-01 --to 2020-12-31
	assert_success
	[ "${#lines[@]}" = 10 ]
	printf '%s\n' "${lines[@]}" | jq -s -e 'all(.demarches == 0 and .usagers == 0 and .mandates_created == 0)'
	# région × famille: 9 × 10
	run ac-stats --by region,demarche
	[ "${#lines[@]}" = 90 ]
}

@test "ac-stats --by month: each month of the range, Paris time, its uses" {
	local from to
	from=$(date -d "$(date +%Y-%m-01) -12 months" +%Y-%m-%d) to=$(date +%Y-%m-%d)
	run ac-stats --by month --from "$from" --to "$to"
	assert_success
	[ "${#lines[@]}" = 13 ]
	[ "$(jq -r .month <<<"${lines[0]}")" = "${from:0:7}" ]
	[ "$(jq -r .month <<<"${lines[12]}")" = "${to:0:7}" ]
	printf '%s\n' "${lines[@]}" | jq -s -e 'map(.demarches) | add == 300'
	# a month's figure is the count of its own days
	local m=${lines[6]} lo hi
	lo=$(TZ=Europe/Paris date -d "$(jq -r .month <<<"$m")-01 00:00" +%s)
	hi=$(TZ=Europe/Paris date -d "$(date -d "$(jq -r .month <<<"$m")-01 +1 month" +%Y-%m-%d) 00:00" +%s)
	jq -e --argjson n "$(sql "SELECT COUNT(*) FROM oidc_tokens WHERE used_at >= $lo AND used_at < $hi")" \
		'.demarches == $n' <<<"$m"
	# --to is the last day counted
	run ac-stats --from "$to" --to "$to"
	jq -e --argjson n "$(sql "SELECT COUNT(*) FROM oidc_tokens WHERE used_at >= $(TZ=Europe/Paris date -d "$to 00:00" +%s)")" '.demarches == $n' <<<"$output"
	# CSV for a spreadsheet
	run ac-stats --by month --from "$to" --csv
	assert_success
	[ "${lines[0]}" = $'month,demarches,usagers,mandates_created,mandates_active,mandates_revoked,aidants_habilites,aidants_en_formation,structures_habilitees,structures_en_habilitation\r' ]
}

@test "ac-stats: bad groupings and dates are refused before any request, or by acd" {
	run ac-stats --by foo
	[ "$status" = 64 ]
	assert_output --partial 'unknown by "foo"'
	run ac-stats --by region,region
	[ "$status" = 64 ]
	run ac-stats --from 2026-02-30
	[ "$status" = 64 ]
	assert_output --partial "YYYY-MM-DD"
	run ac-stats --from 2027-01-01 --to 2026-01-01
	[ "$status" = 65 ]
	assert_output --partial "is after"
	local tok; tok=$(cat "$XDG_STATE_HOME/ac/session")
	for q in "by=national,region" "by=" "from=yesterday" "to=2026-13-01" "by=month&from=2000-01-01&to=2030-01-01"; do
		[ "$(curl -s -o "$T/r" -w '%{http_code}' -H "Authorization: Bearer $tok" "$AC_URL/v1/stats?$q")" = 400 ]
		jq -e '.error.code == "bad_filter" or .error.code == "too_many_groups"' "$T/r"
	done
}

@test "who sees what: a référent its structures, an aidant nothing, tokens masked by structure" {
	ac-aidant-add > /dev/null <<-'EOF'
	{"structure":1,"email":"ref-a@lyon.fr","first_name":"Rita","last_name":"A","referent":true}
	{"structure":1,"email":"a1@lyon.fr","first_name":"Anne","last_name":"Un"}
	EOF
	printf '{"serial":"GADT00000100","seed":"%s"}\n{"serial":"GADT00000101","seed":"%s"}\n' "$(seed 100)" "$(seed 101)" | ac-card-import > /dev/null
	printf '{"serial":"GADT00000100","email":"ref-a@lyon.fr"}\n{"serial":"GADT00000101","email":"a1@lyon.fr"}\n' | ac-card-link > /dev/null
	login ref-a@lyon.fr 100 > /dev/null
	login a1@lyon.fr 101 > /dev/null
	# the référent: its own structure only, unmasked
	run as ref-a ac-stats --by structure
	assert_success
	[ "${#lines[@]}" = 1 ]
	jq -e --argjson n "$(sql "SELECT COUNT(*) FROM oidc_tokens WHERE structure_id = 1")" \
		--argjson u "$(sql "SELECT COUNT(DISTINCT usager_id) FROM oidc_tokens WHERE structure_id = 1")" \
		'.structure == 1 and .demarches == $n and .usagers == $u and .aidants_habilites == 2
		and .structures_habilitees == 1' <<<"$output"
	as ref-a ac-stats | jq -e --argjson n "$(sql "SELECT COUNT(*) FROM oidc_tokens WHERE structure_id = 1")" '.demarches == $n'
	# an aidant who is no référent: refused
	run as a1 ac-stats
	[ "$status" = 77 ]
	# the operator's stats:read token: everything, but "< 5" by structure
	ac-stats --by structure > "$T/op.ndjson"
	tok=$(ac-token-new --name stats --scopes stats:read | jq -r .token)
	AC_TOKEN=$tok ac-stats --by structure > "$T/tok.ndjson"
	[ "$(wc -l < "$T/tok.ndjson")" = 24 ]
	jq -s -e '[.[] | select(.usagers > 0 and .usagers < 5)] | length > 0' "$T/op.ndjson"
	jq -n -e --slurpfile o "$T/op.ndjson" --slurpfile t "$T/tok.ndjson" '[range($o | length)] | all(
		($o[.]) as $a | ($t[.]) as $b | if $a.usagers > 0 and $a.usagers < 5
		then $b.usagers == "< 5" and $b.demarches == "< 5"
		else $b.usagers == $a.usagers and $b.demarches == $a.demarches end)'
	# by région, the token's figures are whole
	diff <(ac-stats --by region) <(AC_TOKEN=$tok ac-stats --by region)
	# a référent's token narrowed to its structure: that structure
	rtok=$(as ref-a ac-token-new --name mine --scopes stats:read --structure 1 | jq -r .token)
	AC_TOKEN=$rtok ac-stats --by structure | jq -s -e 'length == 1 and .[0].structure == 1'
	# a token without stats:read: refused, insufficient_scope
	jtok=$(ac-token-new --name j --scopes journal:read | jq -r .token)
	run env AC_TOKEN="$jtok" ac-stats
	[ "$status" = 77 ]
	assert_output --partial "needs stats:read"
}

@test "/stats: national figures and families, an SVG chart with its table, no personal data" {
	run curl -s -D "$T/h" "$AC_URL/stats"
	assert_success
	grep -qi '^content-type: text/html' "$T/h"
	grep -qi "^content-security-policy: default-src 'none'" "$T/h"
	page=$output
	grep -q '<svg class="chart"' <<<"$page"
	grep -q 'role="img" aria-labelledby="chart-title"' <<<"$page"
	[ "$(grep -c '<rect ' <<<"$page")" = 10 ]
	[ "$(grep -c '<th scope="row">' <<<"$page")" = 10 ]
	grep -q '<dt>Démarches réalisées</dt><dd>300</dd>' <<<"$page"
	grep -q '<dt>Mandats créés</dt><dd>60</dd>' <<<"$page"
	! grep -q 'NOM' <<<"$page"
	! grep -q '<script' <<<"$page"
	# live: a new structure shows at once
	ac-structure-new --name "CCAS de Brest" --siret "$SIRET_B" --zipcode 29200 --city Brest > /dev/null
	[ "$(curl -s "$AC_URL/stats" | grep -c '<rect ')" = 10 ]
}

@test "/stats: families of fewer than 5 usagers show \"< 5\"" {
	acd_stop
	acd_newdb
	acd init "${ACD_DB[@]}" --operator "$OP_EMAIL" > "$T/init.json"
	"$REPO/bench/gen-stats.sh" "${ACD_DB[1]}" 2 3 20 100 > /dev/null
	acd_serve_ready "${ACD_DB[@]}"
	page=$(curl -s "$AC_URL/stats")
	grep -q '<dt>Usagers accompagnés</dt><dd>&lt; 5</dd>' <<<"$page"
	grep -q '<dt>Démarches réalisées</dt><dd>&lt; 5</dd>' <<<"$page"
	grep -q '<th scope="row">Papiers – Citoyenneté – Élections</th><td class="n">&lt; 5</td><td class="n">&lt; 5</td>' <<<"$page"
	# what is no count of people is shown whole
	grep -q '<dt>Mandats créés</dt><dd>20</dd>' <<<"$page"
}
