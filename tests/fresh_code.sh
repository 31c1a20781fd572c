#!/bin/sh
# fresh_code.sh DB SERIAL SEED (DB a file or a postgresql:// URL): a code of the card that acd will accept now —
# past the last step it used (codes serve once), inside the ±1 step window
# around the drift it learned.  Waits for the next step when the window is
# used up.  For the tests and the demo, which read the card's state from the
# database; an aidant would just read the card.
set -eu
db=$1 serial=$2 seed=$3
q="SELECT step, last_step, drift FROM cards WHERE serial = '$serial'"
case $db in
postgres://* | postgresql://*) # DB a PostgreSQL URL: the same row through psql
	row=$("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql" -X -A -t -q "$db" -c "$q") ;;
*) row=$(sqlite3 -readonly "$db" "$q") ;;
esac
step=${row%%|*}; rest=${row#*|}; last=${rest%%|*}; drift=${rest#*|}
while :; do
	now=$(( ($(date +%s) + ${ACD_LATER_DAYS:-0} * 86400) / step )) # acd's clock (tests/helpers.bash)
	want=$(( now + drift ))
	[ "$want" -gt "$last" ] || want=$(( last + 1 ))
	if [ "$want" -le $(( now + drift + 1 )) ]; then
		exec oathtool --totp -s "$step" "$seed" --now "@$(( want * step + step / 2 ))"
	fi
	sleep 1
done
