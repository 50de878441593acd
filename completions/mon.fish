# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mon_global_optspecs
    string join \n color= h/help V/version
end

function __fish_mon_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mon_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mon_using_subcommand
    set -l cmd (__fish_mon_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mon -n "__fish_mon_needs_command" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_needs_command" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_needs_command" -s V -l version -d 'Print version'
complete -c mon -n "__fish_mon_needs_command" -f -a "validate" -d 'Check definition files against the schemas and every rule of the target systems'
complete -c mon -n "__fish_mon_needs_command" -f -a "diff" -d 'Show what `mon sync` would change in etcd, key by key'
complete -c mon -n "__fish_mon_needs_command" -f -a "sync" -d 'Write the definitions into etcd in 9volt\'s layout, guarded against concurrent writers'
complete -c mon -n "__fish_mon_needs_command" -f -a "status" -d 'Show what 9volt runs against what the definitions say, from etcd alone'
complete -c mon -n "__fish_mon_needs_command" -f -a "send-command" -d 'Run a service command on collectd hosts over MQTT and wait for its result'
complete -c mon -n "__fish_mon_needs_command" -f -a "send-config" -d 'Replace collectd.conf on collectd hosts over MQTT: each host\'s own, rendered from the definitions, or a FILE'
complete -c mon -n "__fish_mon_needs_command" -f -a "show" -d 'Print a plan `mon diff --out` saved, as `mon diff` showed it'
complete -c mon -n "__fish_mon_needs_command" -f -a "render" -d 'Write hastmon, collectd, Conveyer and Dozor files from the definitions'
complete -c mon -n "__fish_mon_needs_command" -f -a "import" -d 'Turn an existing estate into definition files'
complete -c mon -n "__fish_mon_needs_command" -f -a "schema" -d 'Print the JSON Schemas of the definition format (for editors and other tools)'
complete -c mon -n "__fish_mon_needs_command" -f -a "config" -d 'Show every setting, its value and where it came from'
complete -c mon -n "__fish_mon_needs_command" -f -a "completions" -d 'Print shell completions (also kept in completions/ in the repository)'
complete -c mon -n "__fish_mon_needs_command" -f -a "man" -d 'Print the man page (roff), generated from the same definition as --help'
complete -c mon -n "__fish_mon_needs_command" -f -a "explain" -d 'Explain a finding code: why its reader needs it, a mistake and its fix'
complete -c mon -n "__fish_mon_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mon -n "__fish_mon_using_subcommand validate" -s f -l format -d 'Output format [default: text, or [validate] format in mon.toml]' -r -f -a "text\t'Source lines with carets, for people'
short\t'file:line:col: severity[code]: message, one per line'
json\t'One JSON document with every finding'
github\t'GitHub Actions annotations'
junit\t'JUnit XML, one test case per file'
sarif\t'SARIF 2.1.0 for code scanning'
tap\t'TAP version 13, one test point per file'
gitlab\t'GitLab Code Quality report (JSON), for merge requests'
markdown\t'Markdown: counts and a table of findings, for a pull request'"
complete -c mon -n "__fish_mon_using_subcommand validate" -l config -d 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository\'s root] [env: MON_CONFIG]' -r -F
complete -c mon -n "__fish_mon_using_subcommand validate" -l secrets-dir -d 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions\' own directories) [env: MON_SECRETS_DIR]' -r -F
complete -c mon -n "__fish_mon_using_subcommand validate" -l ignore -d 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)' -r
complete -c mon -n "__fish_mon_using_subcommand validate" -l stdin-filename -d 'The name standard input (`-`) is shown as; `.toml` reads it as TOML' -r -F
complete -c mon -n "__fish_mon_using_subcommand validate" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand validate" -l deny-warnings -d 'Treat warnings as errors (exit 1 when there are any)'
complete -c mon -n "__fish_mon_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mon -n "__fish_mon_using_subcommand diff" -l out -d 'Also write the plan to FILE, for `mon sync --plan FILE` (secrets are not stored)' -r -F
complete -c mon -n "__fish_mon_using_subcommand diff" -l only -d 'Only these definitions and keys, as SECTION/NAME globs (repeatable): monitor/web-*' -r
complete -c mon -n "__fish_mon_using_subcommand diff" -l exclude -d 'Leave out these definitions and keys, as SECTION/NAME globs (repeatable)' -r
complete -c mon -n "__fish_mon_using_subcommand diff" -s f -l format -d 'Output format of the plan [default: text, or [plan] format in mon.toml]' -r -f -a "text\t'Changed keys with unified diffs, for people'
short\t'One line per key to write or delete, then the summary'
json\t'The plan as one JSON document (with the outcome, for sync)'
markdown\t'Markdown: counts, then each key\'s diff folded, for a pull request'"
complete -c mon -n "__fish_mon_using_subcommand diff" -l context -d 'Lines of unchanged JSON around each change in text diffs [default: all]' -r
complete -c mon -n "__fish_mon_using_subcommand diff" -l owner -d 'Name recorded in every value written ("mon-owner"); only keys carrying it are ever deleted [default: the git repository\'s origin remote, e.g. github.com/acme/defs] [env: MON_OWNER] [mon.toml: owner]' -r
complete -c mon -n "__fish_mon_using_subcommand diff" -s e -l endpoints -l etcd-members -d 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]' -r
complete -c mon -n "__fish_mon_using_subcommand diff" -l etcd-api -d 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]' -r -f -a "v2\t''
v3\t''"
complete -c mon -n "__fish_mon_using_subcommand diff" -s p -l prefix -l etcd-prefix -d 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]' -r
complete -c mon -n "__fish_mon_using_subcommand diff" -s U -l user -l etcd-userpass -d 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]' -r
complete -c mon -n "__fish_mon_using_subcommand diff" -l password -d 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]' -r
complete -c mon -n "__fish_mon_using_subcommand diff" -l password-file -d 'Read the password from this file' -r -F
complete -c mon -n "__fish_mon_using_subcommand diff" -l cacert -d 'CA bundle to verify etcd\'s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]' -r -F
complete -c mon -n "__fish_mon_using_subcommand diff" -l cert -d 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]' -r -F
complete -c mon -n "__fish_mon_using_subcommand diff" -l key -d 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]' -r -F
complete -c mon -n "__fish_mon_using_subcommand diff" -l dial-timeout -d 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]' -r
complete -c mon -n "__fish_mon_using_subcommand diff" -l command-timeout -d 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]' -r
complete -c mon -n "__fish_mon_using_subcommand diff" -l config -d 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository\'s root] [env: MON_CONFIG]' -r -F
complete -c mon -n "__fish_mon_using_subcommand diff" -l secrets-dir -d 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions\' own directories) [env: MON_SECRETS_DIR]' -r -F
complete -c mon -n "__fish_mon_using_subcommand diff" -l ignore -d 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)' -r
complete -c mon -n "__fish_mon_using_subcommand diff" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand diff" -l nosync -d 'Keep keys that exist only in etcd (compare as `mon sync --nosync` would apply)'
complete -c mon -n "__fish_mon_using_subcommand diff" -l prune-unowned -d 'Also delete undefined keys that carry no owner (written by 9volt\'s API, 9volt cfg or etcdctl); keys of other owners are never deleted'
complete -c mon -n "__fish_mon_using_subcommand diff" -l take-over -d 'Write definitions whose keys another owner holds, making them ours'
complete -c mon -n "__fish_mon_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mon -n "__fish_mon_using_subcommand sync" -l replace -d 'Rewrite values that are already equal, all or those matching SECTION/NAME (repeatable; a running 9volt restarts those checks)' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l plan -d 'Apply exactly this plan, saved by `mon diff --out`; refuse if etcd or the definitions changed' -r -F
complete -c mon -n "__fish_mon_using_subcommand sync" -l max-delete -d 'Refuse to delete more than this many keys without --force' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l pace -d 'Write in batches that 9volt\'s director takes up one by one: auto where 9volt runs and the change would outrun it, always, or never (one burst; a running 9volt restarts every check)' -r -f -a "auto\t'Pace when 9volt runs and the change would outrun its director'
always\t'Pace whenever a 9volt member is alive'
never\t'Write at once'"
complete -c mon -n "__fish_mon_using_subcommand sync" -l wait-timeout -d 'How long 9volt may take to take up one batch, and the whole change for the final check' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l probe -d 'How long to watch 9volt\'s own etcd traffic before a paced sync (longer than its 10 s state dump, so the dump\'s burst is seen)' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l only -d 'Only these definitions and keys, as SECTION/NAME globs (repeatable): monitor/web-*' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l exclude -d 'Leave out these definitions and keys, as SECTION/NAME globs (repeatable)' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -s f -l format -d 'Output format of the plan [default: text, or [plan] format in mon.toml]' -r -f -a "text\t'Changed keys with unified diffs, for people'
short\t'One line per key to write or delete, then the summary'
json\t'The plan as one JSON document (with the outcome, for sync)'
markdown\t'Markdown: counts, then each key\'s diff folded, for a pull request'"
complete -c mon -n "__fish_mon_using_subcommand sync" -l context -d 'Lines of unchanged JSON around each change in text diffs [default: all]' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l owner -d 'Name recorded in every value written ("mon-owner"); only keys carrying it are ever deleted [default: the git repository\'s origin remote, e.g. github.com/acme/defs] [env: MON_OWNER] [mon.toml: owner]' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -s e -l endpoints -l etcd-members -d 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l etcd-api -d 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]' -r -f -a "v2\t''
v3\t''"
complete -c mon -n "__fish_mon_using_subcommand sync" -s p -l prefix -l etcd-prefix -d 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -s U -l user -l etcd-userpass -d 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l password -d 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l password-file -d 'Read the password from this file' -r -F
complete -c mon -n "__fish_mon_using_subcommand sync" -l cacert -d 'CA bundle to verify etcd\'s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]' -r -F
complete -c mon -n "__fish_mon_using_subcommand sync" -l cert -d 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]' -r -F
complete -c mon -n "__fish_mon_using_subcommand sync" -l key -d 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]' -r -F
complete -c mon -n "__fish_mon_using_subcommand sync" -l dial-timeout -d 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l command-timeout -d 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l config -d 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository\'s root] [env: MON_CONFIG]' -r -F
complete -c mon -n "__fish_mon_using_subcommand sync" -l secrets-dir -d 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions\' own directories) [env: MON_SECRETS_DIR]' -r -F
complete -c mon -n "__fish_mon_using_subcommand sync" -l ignore -d 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)' -r
complete -c mon -n "__fish_mon_using_subcommand sync" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand sync" -l nosync -d 'Keep keys that exist only in etcd instead of deleting them (9volt cfg\'s --nosync)'
complete -c mon -n "__fish_mon_using_subcommand sync" -l dry-run -l dryrun -d 'Show the plan and write nothing'
complete -c mon -n "__fish_mon_using_subcommand sync" -l force -d 'Delete more than --max-delete keys, or most of what these definitions own'
complete -c mon -n "__fish_mon_using_subcommand sync" -s y -l yes -d 'Apply a plan that deletes without asking (the question is only asked on a terminal)'
complete -c mon -n "__fish_mon_using_subcommand sync" -l wait -d 'After writing, wait until 9volt runs every written check on a living member and no deleted one (a paced sync always does); exit 11 if it does not within --wait-timeout'
complete -c mon -n "__fish_mon_using_subcommand sync" -l prune-unowned -d 'Also delete undefined keys that carry no owner (written by 9volt\'s API, 9volt cfg or etcdctl); keys of other owners are never deleted'
complete -c mon -n "__fish_mon_using_subcommand sync" -l take-over -d 'Write definitions whose keys another owner holds, making them ours'
complete -c mon -n "__fish_mon_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mon -n "__fish_mon_using_subcommand status" -s f -l format -d 'Output format' -r -f -a "text\t'Members, then every definition not as defined, then the verdict'
short\t'One line per definition not as defined, then the verdict'
json\t'One JSON document: members, every definition\'s state, stale references'"
complete -c mon -n "__fish_mon_using_subcommand status" -s e -l endpoints -l etcd-members -d 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]' -r
complete -c mon -n "__fish_mon_using_subcommand status" -l etcd-api -d 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]' -r -f -a "v2\t''
v3\t''"
complete -c mon -n "__fish_mon_using_subcommand status" -s p -l prefix -l etcd-prefix -d 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]' -r
complete -c mon -n "__fish_mon_using_subcommand status" -s U -l user -l etcd-userpass -d 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]' -r
complete -c mon -n "__fish_mon_using_subcommand status" -l password -d 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]' -r
complete -c mon -n "__fish_mon_using_subcommand status" -l password-file -d 'Read the password from this file' -r -F
complete -c mon -n "__fish_mon_using_subcommand status" -l cacert -d 'CA bundle to verify etcd\'s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]' -r -F
complete -c mon -n "__fish_mon_using_subcommand status" -l cert -d 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]' -r -F
complete -c mon -n "__fish_mon_using_subcommand status" -l key -d 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]' -r -F
complete -c mon -n "__fish_mon_using_subcommand status" -l dial-timeout -d 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]' -r
complete -c mon -n "__fish_mon_using_subcommand status" -l command-timeout -d 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]' -r
complete -c mon -n "__fish_mon_using_subcommand status" -l config -d 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository\'s root] [env: MON_CONFIG]' -r -F
complete -c mon -n "__fish_mon_using_subcommand status" -l secrets-dir -d 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions\' own directories) [env: MON_SECRETS_DIR]' -r -F
complete -c mon -n "__fish_mon_using_subcommand status" -l ignore -d 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)' -r
complete -c mon -n "__fish_mon_using_subcommand status" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mon -n "__fish_mon_using_subcommand send-command" -l timeout -d 'How long to wait for the result' -r
complete -c mon -n "__fish_mon_using_subcommand send-command" -l node -d 'Send to this collectd host from the definitions (repeatable)' -r
complete -c mon -n "__fish_mon_using_subcommand send-command" -l defs -d 'Definition files or directories, as the PATHS argument (an older spelling)' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-command" -l host -d 'Broker as host[:port], instead of the definitions (needs --topic and --result-topic)' -r
complete -c mon -n "__fish_mon_using_subcommand send-command" -l topic -d 'Topic the host takes tasks from (with --host)' -r
complete -c mon -n "__fish_mon_using_subcommand send-command" -l result-topic -d 'Topic the host publishes results to (with --host)' -r
complete -c mon -n "__fish_mon_using_subcommand send-command" -l user -d 'Your own MQTT account, for --host and for the definitions\' hosts alike (their brokers\' accounts are for the hosts) [mon.toml: mqtt.user]' -r
complete -c mon -n "__fish_mon_using_subcommand send-command" -l password -d 'Password of --user (better from the environment or --password-file) [env: MON_MQTT_PASSWORD] [mon.toml: mqtt.password]' -r
complete -c mon -n "__fish_mon_using_subcommand send-command" -l password-file -d 'Read the password of --user from this file' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-command" -l cafile -d 'CA bundle that signs the broker\'s certificate (implies TLS)' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-command" -l cert -d 'Client certificate (PEM) for a broker that requires one (implies TLS; with --key)' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-command" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-command" -l qos -d 'QoS for the subscription and the task: 0, 1 or 2 [default: the host\'s, else 2]' -r
complete -c mon -n "__fish_mon_using_subcommand send-command" -l client-id -d 'MQTT client id [default: mon-<pid>-<random>]' -r
complete -c mon -n "__fish_mon_using_subcommand send-command" -s f -l format -d 'Output format' -r -f -a "text\t'A line per host as its result comes, then a summary'
json\t'One JSON object per line (NDJSON) as results come, then a summary object'"
complete -c mon -n "__fish_mon_using_subcommand send-command" -l config -d 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository\'s root] [env: MON_CONFIG]' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-command" -l secrets-dir -d 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions\' own directories) [env: MON_SECRETS_DIR]' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-command" -l ignore -d 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)' -r
complete -c mon -n "__fish_mon_using_subcommand send-command" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand send-command" -l all -d 'Send to every collectd host in the definitions'
complete -c mon -n "__fish_mon_using_subcommand send-command" -l secure -d 'Connect with TLS'
complete -c mon -n "__fish_mon_using_subcommand send-command" -l insecure -d 'Do not verify the broker\'s certificate (implies TLS)'
complete -c mon -n "__fish_mon_using_subcommand send-command" -s v -l verbose -d 'Show messages that were ignored (other tasks\' results, malformed payloads), and collectd\'s info lines of --check'
complete -c mon -n "__fish_mon_using_subcommand send-command" -l dry-run -d 'Do everything but publish: make and check each task, connect, log in and subscribe, then say what would be sent where and as whom'
complete -c mon -n "__fish_mon_using_subcommand send-command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mon -n "__fish_mon_using_subcommand send-config" -l file -d 'The collectd.conf to send (UTF-8, at most 1 MiB) [default: each host\'s own, rendered from the definitions]' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-config" -l templates -d 'Templates that replace the embedded ones, for rendering without FILE [default: [render] templates in mon.toml, as `mon render` uses them]' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-config" -l timeout -d 'How long to wait for the final result' -r
complete -c mon -n "__fish_mon_using_subcommand send-config" -l node -d 'Send to this collectd host from the definitions (repeatable)' -r
complete -c mon -n "__fish_mon_using_subcommand send-config" -l defs -d 'Definition files or directories, as the PATHS argument (an older spelling)' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-config" -l host -d 'Broker as host[:port], instead of the definitions (needs --topic and --result-topic)' -r
complete -c mon -n "__fish_mon_using_subcommand send-config" -l topic -d 'Topic the host takes tasks from (with --host)' -r
complete -c mon -n "__fish_mon_using_subcommand send-config" -l result-topic -d 'Topic the host publishes results to (with --host)' -r
complete -c mon -n "__fish_mon_using_subcommand send-config" -l user -d 'Your own MQTT account, for --host and for the definitions\' hosts alike (their brokers\' accounts are for the hosts) [mon.toml: mqtt.user]' -r
complete -c mon -n "__fish_mon_using_subcommand send-config" -l password -d 'Password of --user (better from the environment or --password-file) [env: MON_MQTT_PASSWORD] [mon.toml: mqtt.password]' -r
complete -c mon -n "__fish_mon_using_subcommand send-config" -l password-file -d 'Read the password of --user from this file' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-config" -l cafile -d 'CA bundle that signs the broker\'s certificate (implies TLS)' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-config" -l cert -d 'Client certificate (PEM) for a broker that requires one (implies TLS; with --key)' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-config" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-config" -l qos -d 'QoS for the subscription and the task: 0, 1 or 2 [default: the host\'s, else 2]' -r
complete -c mon -n "__fish_mon_using_subcommand send-config" -l client-id -d 'MQTT client id [default: mon-<pid>-<random>]' -r
complete -c mon -n "__fish_mon_using_subcommand send-config" -s f -l format -d 'Output format' -r -f -a "text\t'A line per host as its result comes, then a summary'
json\t'One JSON object per line (NDJSON) as results come, then a summary object'"
complete -c mon -n "__fish_mon_using_subcommand send-config" -l config -d 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository\'s root] [env: MON_CONFIG]' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-config" -l secrets-dir -d 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions\' own directories) [env: MON_SECRETS_DIR]' -r -F
complete -c mon -n "__fish_mon_using_subcommand send-config" -l ignore -d 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)' -r
complete -c mon -n "__fish_mon_using_subcommand send-config" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand send-config" -l check -d 'Check FILE with collectd\'s own parser (collectd -T) first (always done without FILE)'
complete -c mon -n "__fish_mon_using_subcommand send-config" -l force -d 'Send FILE even if its Hostname names another host or it does not look like a collectd.conf'
complete -c mon -n "__fish_mon_using_subcommand send-config" -l all -d 'Send to every collectd host in the definitions'
complete -c mon -n "__fish_mon_using_subcommand send-config" -l secure -d 'Connect with TLS'
complete -c mon -n "__fish_mon_using_subcommand send-config" -l insecure -d 'Do not verify the broker\'s certificate (implies TLS)'
complete -c mon -n "__fish_mon_using_subcommand send-config" -s v -l verbose -d 'Show messages that were ignored (other tasks\' results, malformed payloads), and collectd\'s info lines of --check'
complete -c mon -n "__fish_mon_using_subcommand send-config" -l dry-run -d 'Do everything but publish: make and check each task, connect, log in and subscribe, then say what would be sent where and as whom'
complete -c mon -n "__fish_mon_using_subcommand send-config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mon -n "__fish_mon_using_subcommand show" -l format -d 'Output format' -r -f -a "text\t'Changed keys with unified diffs, for people'
short\t'One line per key to write or delete, then the summary'
json\t'The plan as one JSON document (with the outcome, for sync)'
markdown\t'Markdown: counts, then each key\'s diff folded, for a pull request'"
complete -c mon -n "__fish_mon_using_subcommand show" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mon -n "__fish_mon_using_subcommand render" -s o -l out -d 'Directory to write into [default: [render] out in mon.toml]' -r -F
complete -c mon -n "__fish_mon_using_subcommand render" -l only -d 'Only these definitions, as SECTION/NAME globs (repeatable): collectd/web1, cluster/*' -r
complete -c mon -n "__fish_mon_using_subcommand render" -l exclude -d 'Leave out these definitions, as SECTION/NAME globs (repeatable)' -r
complete -c mon -n "__fish_mon_using_subcommand render" -l templates -d 'Templates that replace the embedded ones (same file names as templates/) [default: [render] templates in mon.toml]' -r -F
complete -c mon -n "__fish_mon_using_subcommand render" -l node -d 'Only this collectd host (repeatable; the same as --only collectd/HOST)' -r
complete -c mon -n "__fish_mon_using_subcommand render" -l config -d 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository\'s root] [env: MON_CONFIG]' -r -F
complete -c mon -n "__fish_mon_using_subcommand render" -l secrets-dir -d 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions\' own directories) [env: MON_SECRETS_DIR]' -r -F
complete -c mon -n "__fish_mon_using_subcommand render" -l ignore -d 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)' -r
complete -c mon -n "__fish_mon_using_subcommand render" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand render" -l diff -d 'Show a unified diff against what is on disk (with --dry-run, exit 4 if any file differs)'
complete -c mon -n "__fish_mon_using_subcommand render" -l show-secrets -d 'With --diff, show files that hold credentials (mode 0600) too'
complete -c mon -n "__fish_mon_using_subcommand render" -l dry-run -d 'Write nothing (exit 4 if any file would change)'
complete -c mon -n "__fish_mon_using_subcommand render" -l check -d 'Check each collectd.conf with collectd\'s own parser before installing it'
complete -c mon -n "__fish_mon_using_subcommand render" -l prune -d 'Remove the directories of definitions that no longer exist (only those holding nothing but files mon writes there)'
complete -c mon -n "__fish_mon_using_subcommand render" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_using_subcommand import; and not __fish_seen_subcommand_from etcd collectd hastmon conveyer help" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand import; and not __fish_seen_subcommand_from etcd collectd hastmon conveyer help" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_using_subcommand import; and not __fish_seen_subcommand_from etcd collectd hastmon conveyer help" -f -a "etcd" -d 'Every monitor and alerter 9volt has in etcd, as definitions'
complete -c mon -n "__fish_mon_using_subcommand import; and not __fish_seen_subcommand_from etcd collectd hastmon conveyer help" -f -a "collectd" -d 'A host\'s lua-collectd-monitor config.json, as a broker and a collectd host'
complete -c mon -n "__fish_mon_using_subcommand import; and not __fish_seen_subcommand_from etcd collectd hastmon conveyer help" -f -a "hastmon" -d 'A hastmon.conf, or a rendered tree of them, as cluster definitions'
complete -c mon -n "__fish_mon_using_subcommand import; and not __fish_seen_subcommand_from etcd collectd hastmon conveyer help" -f -a "conveyer" -d 'Conveyer daemons, from the files `mon render conveyer` writes'
complete -c mon -n "__fish_mon_using_subcommand import; and not __fish_seen_subcommand_from etcd collectd hastmon conveyer help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -s o -l out -d 'Directory to write the definitions into' -r -F
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -s e -l endpoints -l etcd-members -d 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]' -r
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l etcd-api -d 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]' -r -f -a "v2\t''
v3\t''"
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -s p -l prefix -l etcd-prefix -d 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]' -r
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -s U -l user -l etcd-userpass -d 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]' -r
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l password -d 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]' -r
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l password-file -d 'Read the password from this file' -r -F
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l cacert -d 'CA bundle to verify etcd\'s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]' -r -F
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l cert -d 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]' -r -F
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l key -d 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]' -r -F
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l dial-timeout -d 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]' -r
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l command-timeout -d 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]' -r
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l config -d 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository\'s root] [env: MON_CONFIG]' -r -F
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l force -d 'Replace files that exist already'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -l no-secrets -d 'Do not write secrets.env: only list the variables the definitions name'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from etcd" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from collectd" -l triggers -d 'A local trigger file in the form mon renders (repeatable)' -r -F
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from collectd" -l node -d 'Name of the collectd host definition (as --node names one in send-command); a tree\'s are its directories\'' -r
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from collectd" -l broker -d 'Name of the broker definition [default: from its address]' -r
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from collectd" -s o -l out -d 'Directory to write the definitions into' -r -F
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from collectd" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from collectd" -l force -d 'Replace files that exist already'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from collectd" -l no-secrets -d 'Do not write secrets.env: only list the variables the definitions name'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from collectd" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from hastmon" -l cluster -d 'Name of the cluster definition [default: from mon\'s header, else the file name]' -r
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from hastmon" -s o -l out -d 'Directory to write the definitions into' -r -F
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from hastmon" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from hastmon" -l force -d 'Replace files that exist already'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from hastmon" -l no-secrets -d 'Do not write secrets.env: only list the variables the definitions name'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from hastmon" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from conveyer" -l name -d 'Name of the definition, for one directory [default: the directory\'s name]' -r
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from conveyer" -s o -l out -d 'Directory to write the definitions into' -r -F
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from conveyer" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from conveyer" -l force -d 'Replace files that exist already'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from conveyer" -l no-secrets -d 'Do not write secrets.env: only list the variables the definitions name'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from conveyer" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "etcd" -d 'Every monitor and alerter 9volt has in etcd, as definitions'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "collectd" -d 'A host\'s lua-collectd-monitor config.json, as a broker and a collectd host'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "hastmon" -d 'A hastmon.conf, or a rendered tree of them, as cluster definitions'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "conveyer" -d 'Conveyer daemons, from the files `mon render conveyer` writes'
complete -c mon -n "__fish_mon_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mon -n "__fish_mon_using_subcommand schema" -l write -d 'Write every schema file into this directory instead of printing one' -r -F
complete -c mon -n "__fish_mon_using_subcommand schema" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand schema" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_using_subcommand config" -s f -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c mon -n "__fish_mon_using_subcommand config" -l owner -d 'Name recorded in every value written ("mon-owner"); only keys carrying it are ever deleted [default: the git repository\'s origin remote, e.g. github.com/acme/defs] [env: MON_OWNER] [mon.toml: owner]' -r
complete -c mon -n "__fish_mon_using_subcommand config" -s e -l endpoints -l etcd-members -d 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]' -r
complete -c mon -n "__fish_mon_using_subcommand config" -l etcd-api -d 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]' -r -f -a "v2\t''
v3\t''"
complete -c mon -n "__fish_mon_using_subcommand config" -s p -l prefix -l etcd-prefix -d 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]' -r
complete -c mon -n "__fish_mon_using_subcommand config" -s U -l user -l etcd-userpass -d 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]' -r
complete -c mon -n "__fish_mon_using_subcommand config" -l password -d 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]' -r
complete -c mon -n "__fish_mon_using_subcommand config" -l password-file -d 'Read the password from this file' -r -F
complete -c mon -n "__fish_mon_using_subcommand config" -l cacert -d 'CA bundle to verify etcd\'s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]' -r -F
complete -c mon -n "__fish_mon_using_subcommand config" -l cert -d 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]' -r -F
complete -c mon -n "__fish_mon_using_subcommand config" -l key -d 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]' -r -F
complete -c mon -n "__fish_mon_using_subcommand config" -l dial-timeout -d 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]' -r
complete -c mon -n "__fish_mon_using_subcommand config" -l command-timeout -d 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]' -r
complete -c mon -n "__fish_mon_using_subcommand config" -l config -d 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository\'s root] [env: MON_CONFIG]' -r -F
complete -c mon -n "__fish_mon_using_subcommand config" -l secrets-dir -d 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions\' own directories) [env: MON_SECRETS_DIR]' -r -F
complete -c mon -n "__fish_mon_using_subcommand config" -l ignore -d 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)' -r
complete -c mon -n "__fish_mon_using_subcommand config" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand config" -l prune-unowned -d 'Also delete undefined keys that carry no owner (written by 9volt\'s API, 9volt cfg or etcdctl); keys of other owners are never deleted'
complete -c mon -n "__fish_mon_using_subcommand config" -l take-over -d 'Write definitions whose keys another owner holds, making them ours'
complete -c mon -n "__fish_mon_using_subcommand config" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_using_subcommand completions" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand completions" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_using_subcommand man" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand man" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_using_subcommand explain" -l color -d 'When to color output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mon -n "__fish_mon_using_subcommand explain" -s h -l help -d 'Print help'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "validate" -d 'Check definition files against the schemas and every rule of the target systems'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "diff" -d 'Show what `mon sync` would change in etcd, key by key'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "sync" -d 'Write the definitions into etcd in 9volt\'s layout, guarded against concurrent writers'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "status" -d 'Show what 9volt runs against what the definitions say, from etcd alone'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "send-command" -d 'Run a service command on collectd hosts over MQTT and wait for its result'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "send-config" -d 'Replace collectd.conf on collectd hosts over MQTT: each host\'s own, rendered from the definitions, or a FILE'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "show" -d 'Print a plan `mon diff --out` saved, as `mon diff` showed it'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "render" -d 'Write hastmon, collectd, Conveyer and Dozor files from the definitions'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "import" -d 'Turn an existing estate into definition files'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "schema" -d 'Print the JSON Schemas of the definition format (for editors and other tools)'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "config" -d 'Show every setting, its value and where it came from'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "completions" -d 'Print shell completions (also kept in completions/ in the repository)'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "man" -d 'Print the man page (roff), generated from the same definition as --help'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "explain" -d 'Explain a finding code: why its reader needs it, a mistake and its fix'
complete -c mon -n "__fish_mon_using_subcommand help; and not __fish_seen_subcommand_from validate diff sync status send-command send-config show render import schema config completions man explain help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mon -n "__fish_mon_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "etcd" -d 'Every monitor and alerter 9volt has in etcd, as definitions'
complete -c mon -n "__fish_mon_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "collectd" -d 'A host\'s lua-collectd-monitor config.json, as a broker and a collectd host'
complete -c mon -n "__fish_mon_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "hastmon" -d 'A hastmon.conf, or a rendered tree of them, as cluster definitions'
complete -c mon -n "__fish_mon_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "conveyer" -d 'Conveyer daemons, from the files `mon render conveyer` writes'
