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
complete -c ac -n __ac_needs_command -a structure -d 'create and list structures'
complete -c ac -n __ac_needs_command -a aidant -d 'add, list, deactivate, unlock aidants'
complete -c ac -n __ac_needs_command -a card -d 'import, list, link, unlink, enroll cards'
complete -c ac -n __ac_needs_command -a audit -d 'export the journal, or verify an export'
complete -c ac -n __ac_needs_command -a help -d 'list the tools'
complete -c ac -n '__ac_needs_verb structure' -a 'new list'
complete -c ac -n '__ac_needs_verb aidant' -a 'add list deactivate unlock'
complete -c ac -n '__ac_needs_verb card' -a 'import list link unlink enroll'

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
set -l __ac_reasons 'lost broken departure error'
set -l __ac_types 'ccas france_services association mairie departement autre'
set -l __ac_actions 'login login_failed lockout unlock activity_check structure_create structure_update aidant_add aidant_update aidant_deactivate aidant_reactivate card_import card_link card_validate card_unlink card_lost card_enroll session_end operator_create'

for t in login logout whoami structure-new structure-list aidant-add aidant-list aidant-deactivate aidant-unlock card-import card-list card-link card-unlink card-enroll audit
    complete -c ac-$t -f
    __ac_opt $t help 'show the help' -flag
    __ac_opt $t version 'show the version' -flag
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

__ac_opt aidant-add structure 'structure id'
__ac_opt aidant-add email email
__ac_opt aidant-add first-name 'first name'
__ac_opt aidant-add last-name 'last name'
__ac_opt aidant-add profession profession
__ac_opt aidant-add phone phone
__ac_opt aidant-add referent 'make a référent' -flag
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

__ac_opt audit since 'from this UTC time'
__ac_opt audit until 'before this UTC time'
__ac_opt audit action 'only this action' $__ac_actions
__ac_opt audit structure 'only this structure'
__ac_opt audit actor 'only entries by this email'
__ac_opt audit verify 'verify an export from standard input' -flag
__ac_opt audit anchor 'with --verify: the chain of the entry before the first'
