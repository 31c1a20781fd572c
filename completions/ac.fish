# fish completion for ac (the dispatcher) and the ac-* tools of aidants-connect.

# True when the words after "ac" name tool $argv[1] (e.g. card-link).
function __ac_is
    set -l words (commandline -opc)
    set -e words[1]
    set -l want (string split - -- $argv[1])
    for i in (seq (count $want))
        test (count $words) -ge $i; or return 1
        test "$words[$i]" = "$want[$i]"; or return 1
    end
    return 0
end

# True while "ac" has no command word yet.
function __ac_needs_command
    test (count (commandline -opc)) -eq 1
end

# True when "ac NOUN" waits for its verb.
function __ac_needs_verb --argument-names noun
    set -l words (commandline -opc)
    test (count $words) -eq 2; and test "$words[2]" = "$noun"
end

complete -c ac -f
complete -c ac -n __ac_needs_command -a login -d 'open a session with a one-time code'
complete -c ac -n __ac_needs_command -a logout -d 'end the session'
complete -c ac -n __ac_needs_command -a whoami -d 'show who the session is'
complete -c ac -n __ac_needs_command -a structure -d 'create, list, edit, deactivate structures'
complete -c ac -n __ac_needs_command -a aidant -d 'add, list, deactivate, unlock aidants; warn and deactivate the inactive'
complete -c ac -n __ac_needs_command -a habilitation -d "ask for, list, move along aidants' habilitation requests"
complete -c ac -n __ac_needs_command -a training -d 'schedule, list training sessions; register, unregister, record attendance'
complete -c ac -n __ac_needs_command -a card -d 'import, list, link, unlink, enroll, check cards'
complete -c ac -n __ac_needs_command -a mandate -d 'draw up, list, show, renew, revoke mandates; attestations'
complete -c ac -n __ac_needs_command -a usager -d 'list and show usagers'
complete -c ac -n __ac_needs_command -a audit -d 'export the journal, or verify an export'
complete -c ac -n __ac_needs_command -a client -d 'register, list clients of the identity provider'
complete -c ac -n __ac_needs_command -a token -d 'make, list, revoke API tokens for cron jobs and pipelines'
complete -c ac -n __ac_needs_command -a reminders -d 'send the renewal reminders (daily cron job)'
complete -c ac -n __ac_needs_command -a help -d 'list the tools'
complete -c ac -n '__ac_needs_verb structure' -a 'new list set deactivate apply request-list request-set'
complete -c ac -n '__ac_needs_verb aidant' -a 'add list deactivate unlock inactive'
complete -c ac -n '__ac_needs_verb habilitation' -a 'list new set'
complete -c ac -n '__ac_needs_verb training' -a 'new list register unregister attend'
complete -c ac -n '__ac_needs_verb card' -a 'import list link unlink enroll check'
complete -c ac -n '__ac_needs_verb mandate' -a 'new list show renew revoke attestation'
complete -c ac -n '__ac_needs_verb usager' -a 'list show'
complete -c ac -n '__ac_needs_verb client' -a 'new list'
complete -c ac -n '__ac_needs_verb token' -a 'new list revoke'
complete -c ac -n '__ac_needs_verb reminders' -a send

# The words after $argv[1] not yet in the comma list being typed for option
# --$argv[1], each after the list's head.
function __ac_comma_list
    set -l token (commandline -ct | string replace -r -- "^--$argv[1]=" '')
    set -l head ''
    if string match -q -- '*,*' $token
        set head (string replace -r -- '[^,]*$' '' $token)
    end
    set -l used (string split , -- $head)
    for word in $argv[2..-1]
        contains -- $word $used; or echo $head$word
    end
end

function __ac_demarches
    __ac_comma_list demarches papiers famille social travail logement transports argent justice etranger loisirs
end

function __ac_scopes
    __ac_comma_list scopes stats:read reminders:send journal:read aidants:write cards:write habilitations:write mandates:read
end

function __ac_groupings
    __ac_comma_list by national region departement structure demarche month
end

# __ac_opt TOOL LONG DESCRIPTION [VALUES|-files|-flag]: the option for ac-TOOL and "ac NOUN VERB".
function __ac_opt --argument-names tool long desc values
    set -l how -x
    set -l files -f
    if test "$values" = -flag
        set how
        set values
    else if test "$values" = -files
        set how -r -F
        set files
        set values
    end
    complete -c ac-$tool $files -l $long -d $desc $how -a "$values"
    complete -c ac -n "__ac_is $tool" -l $long -d $desc $how -a "$values"
end

set -l __ac_states 'stock linked active lost broken retired'
set -l __ac_reasons 'lost broken departure error returned'
set -l __ac_types 'ccas france_services association mairie departement autre'
set -l __ac_actions 'login login_failed lockout unlock activity_check structure_create structure_update aidant_add aidant_update aidant_deactivate aidant_reactivate card_import card_link card_validate card_unlink card_lost card_enroll card_check session_end operator_create structure_deactivate usager_consent usager_identified mandate_create autorisation_create autorisation_revoke mandate_revoke mandate_renew autorisation_use client_create key_rotate token_code token_issue token_reuse usager_login usager_alone renewal_other_usager attestation_sent reminder_sent token_create token_revoke aidant_warn purge structure_apply structure_request_update habilitation_create habilitation_update habilitation_validate training_create training_register training_unregister training_attend'
set -l __ac_durations 'short month semester long'
set -l __ac_statuses 'active expired revoked'
set -l __ac_signings 'RS256 ES256 HS256'

for t in login logout whoami structure-new structure-list structure-set structure-deactivate aidant-add aidant-list aidant-deactivate aidant-unlock aidant-inactive card-import card-list card-link card-unlink card-enroll card-check mandate-new mandate-list mandate-show mandate-renew mandate-revoke mandate-attestation usager-list usager-show audit client-new client-list reminders-send token-new token-list token-revoke stats structure-apply structure-request-list structure-request-set habilitation-list habilitation-new habilitation-set training-new training-list training-register training-unregister training-attend
    complete -c ac-$t -f
    __ac_opt $t help 'show the help' -flag
    __ac_opt $t version 'show the version' -flag
    __ac_opt $t token-file 'an API token read from FILE (mode 0600)' -files
end

__ac_opt login email 'the account email'
__ac_opt login code 'the code the card shows'

__ac_opt structure-new name 'the structure name'
__ac_opt structure-new siret '14 digits, Luhn-checked'
__ac_opt structure-new zipcode 'postal code, 5 digits'
__ac_opt structure-new city city
__ac_opt structure-new address 'street address'
__ac_opt structure-new type 'structure type' $__ac_types
__ac_opt structure-new csv 'read CSV from standard input' -flag

__ac_opt structure-set demarches 'the families offered, comma-separated' '(__ac_demarches)'
__ac_opt structure-set name "the structure's name (operators)"
__ac_opt structure-set address 'its street address (operators)'
__ac_opt structure-set zipcode 'its postal code, 5 digits (operators)'
__ac_opt structure-set city 'its city (operators)'

__ac_opt structure-deactivate reason 'why the habilitation ends'
__ac_opt structure-deactivate csv 'read CSV from standard input' -flag

__ac_opt aidant-add structure 'structure id'
__ac_opt aidant-add email email
__ac_opt aidant-add first-name 'first name'
__ac_opt aidant-add last-name 'last name'
__ac_opt aidant-add profession profession
__ac_opt aidant-add phone phone
__ac_opt aidant-add referent 'make a référent' -flag
__ac_opt aidant-add no-referent "a référent steps down (never the structure's last)" -flag
__ac_opt aidant-add no-aidant 'not an aidant' -flag
__ac_opt aidant-add csv 'read CSV from standard input' -flag

__ac_opt structure-list csv 'print CSV for a spreadsheet' -flag
__ac_opt aidant-list structure 'only this structure'
__ac_opt aidant-list inactive 'also those who left' -flag
__ac_opt aidant-list csv 'print CSV for a spreadsheet' -flag

__ac_opt aidant-deactivate email 'the person leaving'
__ac_opt aidant-deactivate structure 'the structure left (all when absent)'
__ac_opt aidant-deactivate csv 'read CSV from standard input' -flag

__ac_opt aidant-unlock email 'the locked account'
__ac_opt aidant-unlock csv 'read CSV from standard input' -flag
__ac_opt aidant-inactive warn-after 'warn the aidants idle for DAYS (1 to 3650)'
__ac_opt aidant-inactive deactivate-after 'deactivate DAYS after the warning those still idle (1 to 365)'
__ac_opt aidant-inactive dry-run 'print what would be done; change nothing' -flag

__ac_opt card-import csv 'read CSV from standard input' -flag
__ac_opt card-import pskc 'a PSKC file (RFC 6030)' -files

__ac_opt card-list state 'only this state' $__ac_states
__ac_opt card-list structure 'only this structure'
__ac_opt card-list csv 'print CSV for a spreadsheet' -flag

__ac_opt card-link serial 'card serial'
__ac_opt card-link email 'aidant email'
__ac_opt card-link code 'a current code from the card'
__ac_opt card-link csv 'read CSV from standard input' -flag

__ac_opt card-unlink serial 'card serial'
__ac_opt card-unlink reason why $__ac_reasons
__ac_opt card-unlink csv 'read CSV from standard input' -flag

__ac_opt card-enroll email 'the aidant'
__ac_opt card-enroll serial 'an app already enrolled, to activate'
__ac_opt card-enroll code 'the code the app shows'

__ac_opt card-check serial 'card serial'
__ac_opt card-check code 'a code the card shows now'

__ac_opt mandate-new demarches 'démarche families, comma-separated' '(__ac_demarches)'
__ac_opt mandate-new duration "the mandate's duration" $__ac_durations
__ac_opt mandate-new structure 'the structure, when aidant of several'
__ac_opt mandate-new attestation 'write the attestation (PDF) to' -files
__ac_opt mandate-new open 'open the signing link with xdg-open' -flag
__ac_opt mandate-new code 'a code your card shows'
__ac_opt mandate-new confirm-consent 'the usager confirmed the declaration' -flag
__ac_opt mandate-new send-link 'email the signing link to the usager'
__ac_opt mandate-new no-credentials-kept 'at a distance: no identifier of the usager kept' -flag

__ac_opt mandate-list usager 'only this usager'
__ac_opt mandate-list status 'only this status' $__ac_statuses
__ac_opt mandate-list expiring-within 'only those ending within DAYS days'
__ac_opt mandate-list structure 'only this structure'
__ac_opt mandate-list aidant 'only the mandates this aidant signed (me: yours)' me
__ac_opt mandate-list all 'also those ended more than 365 days ago' -flag
__ac_opt mandate-list csv 'print CSV for a spreadsheet' -flag

__ac_opt mandate-renew usager 'the usager'
__ac_opt mandate-renew demarches 'démarche families, comma-separated' '(__ac_demarches)'
__ac_opt mandate-renew duration "the mandate's duration" $__ac_durations
__ac_opt mandate-renew code 'a code your card shows'
__ac_opt mandate-renew structure 'the structure, when aidant of several'
__ac_opt mandate-renew send-link 'at a distance: mail the usager a link to identify again'
__ac_opt mandate-renew confirm-consent 'with --send-link: the usager confirmed the declaration' -flag
__ac_opt mandate-renew no-credentials-kept 'with --send-link: no identifier of the usager kept' -flag
__ac_opt reminders-send within 'remind the mandates ending within DAYS'
__ac_opt reminders-send dry-run 'print what would be sent; send nothing' -flag
__ac_opt mandate-renew attestation 'write the attestation (PDF) to' -files

__ac_opt mandate-revoke demarches 'revoke only these démarches' '(__ac_demarches)'
__ac_opt mandate-revoke attestation 'write the revocation attestation (PDF) to' -files
__ac_opt mandate-revoke csv 'read CSV from standard input' -flag

__ac_opt mandate-attestation output 'write the PDF to (- for standard output)' -files
complete -c ac-mandate-attestation -s o -r -F -d 'write the PDF to (- for standard output)'
complete -c ac -n '__ac_is mandate-attestation' -s o -r -F -d 'write the PDF to (- for standard output)'
__ac_opt mandate-attestation revocation 'a revocation attestation instead'

__ac_opt usager-list search 'names containing this text'
__ac_opt usager-list structure 'only this structure'
__ac_opt usager-list csv 'print CSV for a spreadsheet' -flag

__ac_opt audit since 'from this UTC time'
__ac_opt audit until 'before this UTC time'
__ac_opt audit action 'only this action' $__ac_actions
__ac_opt audit structure 'only this structure'
__ac_opt audit actor 'only entries by this actor (email, usager:ID, client:ID)'
__ac_opt audit usager 'only entries about this usager'
__ac_opt audit verify 'verify an export from standard input' -flag
__ac_opt audit anchor 'with --verify: the chain of the entry before the first'

__ac_opt client-new name 'the client name'
__ac_opt client-new redirect-uri 'where the code is sent back, exactly'
__ac_opt client-new signing 'how its ID tokens are signed' $__ac_signings

__ac_opt client-list csv 'print CSV for a spreadsheet' -flag

__ac_opt token-new name 'what the token is for'
__ac_opt token-new scopes 'what it may do, comma-separated' '(__ac_scopes)'
__ac_opt token-new expires-in 'its lifetime in days (1 to 730, default 365)'
__ac_opt token-new structure 'narrow it to one of your structures'
__ac_opt token-list all 'also the revoked and expired ones' -flag
__ac_opt token-list csv 'print CSV for a spreadsheet' -flag
__ac_opt stats from 'count from this day (YYYY-MM-DD)'
__ac_opt stats to 'count up to this day, included (YYYY-MM-DD)'
__ac_opt stats by 'group by, comma-separated' '(__ac_groupings)'
__ac_opt stats csv 'print CSV for a spreadsheet' -flag
__ac_opt structure-request-list status 'only this state' 'submitted changes_required accepted refused closed'
__ac_opt structure-request-list region "the région's INSEE code"
__ac_opt structure-request-list departement "the département's code"
__ac_opt structure-request-list csv 'print CSV for a spreadsheet' -flag
__ac_opt habilitation-list structure "only this structure's"
__ac_opt habilitation-list status 'only these states, comma-separated' 'waitlist new eligible eligible_p2p validated refused cancelled cancelled_by_referent'
__ac_opt habilitation-list region "the région's INSEE code"
__ac_opt habilitation-list departement "the département's code"
__ac_opt habilitation-list training 'only those registered in this training session'
__ac_opt habilitation-list csv 'print CSV for a spreadsheet' -flag
__ac_opt structure-request-set status 'the decision' 'accepted refused changes_required'
__ac_opt structure-request-set message 'why, mailed to the applicant'
__ac_opt structure-request-set stdin "the applications are stdin's lines" -flag
__ac_opt structure-request-set csv 'read CSV from standard input' -flag
__ac_opt habilitation-new structure "the structure's id"
__ac_opt habilitation-new email "the person's email"
__ac_opt habilitation-new first-name 'first name'
__ac_opt habilitation-new last-name 'last name'
__ac_opt habilitation-new profession profession
__ac_opt habilitation-new conseiller-numerique 'the person is a conseiller numérique' -flag
__ac_opt habilitation-new course 'classic (a training session) or p2p (with a trainer)' 'classic p2p'
__ac_opt habilitation-new trainer 'p2p: the active aidant of the structure who trains'
__ac_opt habilitation-new csv 'read CSV from standard input' -flag
__ac_opt habilitation-set status 'the state to move to' 'new eligible eligible_p2p refused cancelled cancelled_by_referent validated'
__ac_opt habilitation-set message 'why (a refusal, a cancellation)'
__ac_opt habilitation-set pix-passed "the PIX test's result (operators)" 'true false'
__ac_opt habilitation-set pix-score 'the PIX score (operators)'
__ac_opt habilitation-set trained-on 'the day a training was attended, YYYY-MM-DD (operators)'
__ac_opt habilitation-set stdin "the requests are stdin's lines" -flag
__ac_opt habilitation-set csv 'stdin is CSV with a header row' -flag
__ac_opt training-new start 'when it starts, in Paris: YYYY-MM-DDTHH:MM'
__ac_opt training-new hours 'how long it lasts' '7 14'
__ac_opt training-new place 'where it takes place'
__ac_opt training-new remote 'it takes place remotely (no place)' -flag
__ac_opt training-new capacity 'seats, 1 to 1000'
__ac_opt training-new kind 'classic (the default) or p2p' 'classic p2p'
__ac_opt training-new organisation 'the training body'
__ac_opt training-new csv 'read CSV from standard input' -flag
__ac_opt training-list from 'only those starting that day or later (YYYY-MM-DD)'
__ac_opt training-list open 'only those not begun with a seat left' -flag
__ac_opt training-list csv 'print CSV for a spreadsheet' -flag
__ac_opt training-register training "the training session (every line's, with stdin)"
__ac_opt training-register request "the habilitation request (else stdin's lines)"
__ac_opt training-register csv 'stdin is CSV with a header row' -flag
__ac_opt training-unregister training "the training session (every line's, with stdin)"
__ac_opt training-unregister request "the habilitation request (else stdin's lines)"
__ac_opt training-unregister csv 'stdin is CSV with a header row' -flag
__ac_opt training-attend training "the training session (every line's, with stdin)"
__ac_opt training-attend email "the person who attended (else stdin's lines)"
__ac_opt training-attend csv 'stdin is CSV with a header row' -flag
__ac_opt token-revoke csv 'read CSV from standard input' -flag
