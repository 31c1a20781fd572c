# bash completion for ac (the dispatcher) and the ac-* tools of aidants-connect.
# Installed once and linked under each tool's name, so bash-completion loads it
# for whichever command is completed first.

_ac_tools='login logout whoami structure-new structure-list structure-set structure-deactivate
aidant-add aidant-list aidant-deactivate aidant-unlock aidant-inactive card-import card-list card-link
card-unlink card-enroll card-check mandate-new mandate-list mandate-show mandate-renew mandate-revoke
mandate-attestation usager-list usager-show audit client-new client-list reminders-send
token-new token-list token-revoke stats structure-apply structure-request-list habilitation-list
structure-request-set habilitation-new habilitation-set training-new training-list training-register
training-unregister training-attend'

_ac_demarches='papiers famille social travail logement transports argent justice etranger loisirs'

_ac_scopes='stats:read reminders:send journal:read aidants:write cards:write habilitations:write mandates:read'

# The long options of each tool, "--name=" when it takes a value (the form of
# the tools' hidden --list-options, which is asked for a tool not listed here).
_ac_options()
{
	case $1 in
	ac-login)             echo '--email= --code=' ;;
	ac-logout|ac-whoami)  echo '' ;;
	ac-structure-new)     echo '--name= --siret= --zipcode= --city= --address= --type= --csv' ;;
	ac-structure-list)    echo '--csv' ;;
	ac-structure-set)     echo '--demarches= --name= --address= --zipcode= --city=' ;;
	ac-structure-deactivate) echo '--reason= --csv' ;;
	ac-aidant-add)        echo '--structure= --email= --first-name= --last-name= --profession= --phone= --referent --no-referent --no-aidant --csv' ;;
	ac-aidant-list)       echo '--structure= --inactive --csv' ;;
	ac-aidant-deactivate) echo '--email= --structure= --csv' ;;
	ac-aidant-unlock)     echo '--email= --csv' ;;
	ac-aidant-inactive)   echo '--warn-after= --deactivate-after= --dry-run' ;;
	ac-card-import)       echo '--csv --pskc=' ;;
	ac-card-list)         echo '--state= --structure= --csv' ;;
	ac-card-link)         echo '--serial= --email= --code= --csv' ;;
	ac-card-unlink)       echo '--serial= --reason= --csv' ;;
	ac-card-enroll)       echo '--email= --serial= --code=' ;;
	ac-card-check)        echo '--serial= --code=' ;;
	ac-mandate-new)       echo '--demarches= --duration= --structure= --attestation= --open --code= --confirm-consent --send-link= --no-credentials-kept' ;;
	ac-mandate-list)      echo '--usager= --status= --expiring-within= --structure= --aidant= --all --csv' ;;
	ac-mandate-show|ac-usager-show) echo '' ;;
	ac-mandate-renew)     echo '--usager= --demarches= --duration= --code= --structure= --attestation= --send-link= --confirm-consent --no-credentials-kept' ;;
	ac-reminders-send)    echo '--within= --dry-run' ;;
	ac-mandate-revoke)    echo '--demarches= --attestation= --csv' ;;
	ac-mandate-attestation) echo '--output= --revocation=' ;;
	ac-usager-list)       echo '--search= --structure= --csv' ;;
	ac-audit)             echo '--since= --until= --action= --structure= --actor= --usager= --verify --anchor=' ;;
	ac-client-new)        echo '--name= --redirect-uri= --signing=' ;;
	ac-client-list)       echo '--csv' ;;
	ac-token-new)         echo '--name= --scopes= --expires-in= --structure=' ;;
	ac-token-list)        echo '--all --csv' ;;
	ac-token-revoke)      echo '--csv' ;;
	ac-stats)             echo '--from= --to= --by= --csv' ;;
	ac-structure-apply)   echo '' ;;
	ac-structure-request-list) echo '--status= --region= --departement= --csv' ;;
	ac-habilitation-list) echo '--structure= --status= --region= --departement= --training= --csv' ;;
	ac-structure-request-set) echo '--status= --message= --stdin --csv' ;;
	ac-habilitation-new)  echo '--structure= --email= --first-name= --last-name= --profession= --conseiller-numerique --course= --trainer= --csv' ;;
	ac-habilitation-set)  echo '--status= --message= --pix-passed= --pix-score= --trained-on= --stdin --csv' ;;
	ac-training-new)      echo '--start= --hours= --place= --remote --capacity= --kind= --organisation= --csv' ;;
	ac-training-list)     echo '--from= --open --csv' ;;
	ac-training-register|ac-training-unregister) echo '--training= --request= --csv' ;;
	ac-training-attend)   echo '--training= --email= --csv' ;;
	*)                    "$1" --list-options 2>/dev/null | grep -v -e '^--help$' -e '^--version$' -e '^--token-file=$' ;;
	esac
	echo '--token-file= --help --version'
}

# Completes the last item of the comma list $1 from the words $2 not yet in it.
_ac_comma_list()
{
	local head='' last=$1 used word left=''
	if [[ $1 == *,* ]]; then
		head=${1%,*},
		last=${1##*,}
	fi
	used=",${head}"
	for word in $2; do
		[[ $used == *",$word,"* ]] || left+="$word "
	done
	compopt -o nospace 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -P "$head" -W "$left" -- "$last")
}

# Completes the value of option $1 of tool $3 into COMPREPLY from the word $2.
_ac_value()
{
	local values
	case $1 in
	--reason)
		# an unlink reason; a structure's end takes free text
		[[ $3 == ac-card-unlink ]] || { COMPREPLY=(); return 0; }
		values='lost broken departure error returned' ;;
	--aidant) values='me' ;;
	--state)  values='stock linked active lost broken retired' ;;
	--type)   values='ccas france_services association mairie departement autre' ;;
	--status) values='active expired revoked' ;;
	--duration) values='short month semester long' ;;
	--signing) values='RS256 ES256 HS256' ;;
	--kind)   values='classic p2p' ;;
	--hours)  values='7 14' ;;
	--demarches) _ac_comma_list "$2" "$_ac_demarches"; return 0 ;;
	--scopes)    _ac_comma_list "$2" "$_ac_scopes"; return 0 ;;
	--by)        _ac_comma_list "$2" "national region departement structure demarche month"; return 0 ;;
	--action) values='login login_failed lockout unlock activity_check structure_create
		structure_update aidant_add aidant_update aidant_deactivate aidant_reactivate
		card_import card_link card_validate card_unlink card_lost card_enroll card_check
		session_end operator_create structure_deactivate usager_consent usager_identified
		mandate_create autorisation_create autorisation_revoke mandate_revoke mandate_renew
		autorisation_use client_create key_rotate token_code token_issue
		token_reuse usager_login usager_alone renewal_other_usager attestation_sent
		reminder_sent token_create token_revoke aidant_warn purge structure_apply
		structure_request_update habilitation_create habilitation_update habilitation_validate
		training_create training_register training_unregister training_attend' ;;
	--pskc|--attestation|--output|--token-file)
		  compopt -o filenames 2>/dev/null
		  mapfile -t COMPREPLY < <(compgen -f -- "$2"); return 0 ;;
	*)        COMPREPLY=(); return 0 ;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "$values" -- "$2")
}

# Completes the words of tool $1, whose own words start at index $2 of COMP_WORDS.
_ac_complete_tool()
{
	local tool=$1 first=$2 cur=${COMP_WORDS[COMP_CWORD]} prev=''
	(( COMP_CWORD > first )) && prev=${COMP_WORDS[COMP_CWORD-1]}
	local opts; opts=$(_ac_options "$tool" | tr "\n" " ")
	# --opt=VALUE in one word (bash splits it at "=" when "=" is in COMP_WORDBREAKS)
	if [[ $cur == --*=* ]]; then
		_ac_value "${cur%%=*}" "${cur#*=}" "$tool"
		return 0
	fi
	if [[ $cur == = ]] && [[ $prev == --* ]]; then
		_ac_value "$prev" '' "$tool"
		return 0
	fi
	if [[ ${COMP_WORDS[COMP_CWORD-1]} == = ]] && (( COMP_CWORD >= 2 )); then
		_ac_value "${COMP_WORDS[COMP_CWORD-2]}" "$cur" "$tool"
		return 0
	fi
	# --opt VALUE in two words (-o is --output's short form)
	[[ $prev == -o ]] && prev=--output
	if [[ $prev == --* ]] && [[ " $opts " == *" $prev= "* ]]; then
		_ac_value "$prev" "$cur" "$tool"
		return 0
	fi
	mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
		compopt -o nospace 2>/dev/null
	fi
	return 0
}

# ac-TOOL ...
_ac_tool()
{
	_ac_complete_tool "$1" 1
}

# ac NOUN [VERB] ...
_ac()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	if (( COMP_CWORD == 1 )); then
		mapfile -t COMPREPLY < <(compgen -W 'login logout whoami structure aidant habilitation training card mandate usager audit client token reminders help' -- "$cur")
		return 0
	fi
	local noun=${COMP_WORDS[1]}
	case $noun in
	structure|aidant|habilitation|training|card|mandate|usager|client|token|reminders)
		if (( COMP_CWORD == 2 )); then
			local verbs
			case $noun in
			structure) verbs='new list set deactivate' ;;
			aidant)    verbs='add list deactivate unlock inactive' ;;
			habilitation) verbs='list new set' ;;
			training)  verbs='new list register unregister attend' ;;
			card)      verbs='import list link unlink enroll check' ;;
			mandate)   verbs='new list show renew revoke attestation' ;;
			usager)    verbs='list show' ;;
			client)    verbs='new list' ;;
			token)     verbs='new list revoke' ;;
			reminders) verbs='send' ;;
			esac
			mapfile -t COMPREPLY < <(compgen -W "$verbs" -- "$cur")
			return 0
		fi
		_ac_complete_tool "ac-$noun-${COMP_WORDS[2]}" 3 ;;
	help)
		COMPREPLY=() ;;
	*)
		_ac_complete_tool "ac-$noun" 2 ;;
	esac
	return 0
}

complete -F _ac ac
for _ac_t in $_ac_tools; do
	complete -F _ac_tool "ac-$_ac_t"
done
unset _ac_t
