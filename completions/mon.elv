
use builtin;
use str;

set edit:completion:arg-completer[mon] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mon'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mon'= {
            cand --color 'When to color output'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand validate 'Check definition files against the schemas and every rule of the target systems'
            cand diff 'Show what `mon sync` would change in etcd, key by key'
            cand sync 'Write the definitions into etcd in 9volt''s layout, guarded against concurrent writers'
            cand status 'Show what 9volt runs against what the definitions say, from etcd alone'
            cand send-command 'Run a service command on collectd hosts over MQTT and wait for its result'
            cand send-config 'Replace collectd.conf on collectd hosts over MQTT: each host''s own, rendered from the definitions, or a FILE'
            cand show 'Print a plan `mon diff --out` saved, as `mon diff` showed it'
            cand render 'Write hastmon, collectd, Conveyer and Dozor files from the definitions'
            cand import 'Turn an existing estate into definition files'
            cand schema 'Print the JSON Schemas of the definition format (for editors and other tools)'
            cand config 'Show every setting, its value and where it came from'
            cand completions 'Print shell completions (also kept in completions/ in the repository)'
            cand man 'Print the man page (roff), generated from the same definition as --help'
            cand explain 'Explain a finding code: why its reader needs it, a mistake and its fix'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mon;validate'= {
            cand -f 'Output format [default: text, or [validate] format in mon.toml]'
            cand --format 'Output format [default: text, or [validate] format in mon.toml]'
            cand --config 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]'
            cand --secrets-dir 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]'
            cand --ignore 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)'
            cand --stdin-filename 'The name standard input (`-`) is shown as; `.toml` reads it as TOML'
            cand --color 'When to color output'
            cand --deny-warnings 'Treat warnings as errors (exit 1 when there are any)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mon;diff'= {
            cand --out 'Also write the plan to FILE, for `mon sync --plan FILE` (secrets are not stored)'
            cand --only 'Only these definitions and keys, as SECTION/NAME globs (repeatable): monitor/web-*'
            cand --exclude 'Leave out these definitions and keys, as SECTION/NAME globs (repeatable)'
            cand -f 'Output format of the plan [default: text, or [plan] format in mon.toml]'
            cand --format 'Output format of the plan [default: text, or [plan] format in mon.toml]'
            cand --context 'Lines of unchanged JSON around each change in text diffs [default: all]'
            cand --owner 'Name recorded in every value written ("mon-owner"); only keys carrying it are ever deleted [default: the git repository''s origin remote, e.g. github.com/acme/defs] [env: MON_OWNER] [mon.toml: owner]'
            cand -e 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --endpoints 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --etcd-members 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --etcd-api 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]'
            cand -p 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand --prefix 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand --etcd-prefix 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand -U 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --user 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --etcd-userpass 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --password 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]'
            cand --password-file 'Read the password from this file'
            cand --cacert 'CA bundle to verify etcd''s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]'
            cand --cert 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]'
            cand --key 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]'
            cand --dial-timeout 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]'
            cand --command-timeout 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]'
            cand --config 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]'
            cand --secrets-dir 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]'
            cand --ignore 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)'
            cand --color 'When to color output'
            cand --nosync 'Keep keys that exist only in etcd (compare as `mon sync --nosync` would apply)'
            cand --prune-unowned 'Also delete undefined keys that carry no owner (written by 9volt''s API, 9volt cfg or etcdctl); keys of other owners are never deleted'
            cand --take-over 'Write definitions whose keys another owner holds, making them ours'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mon;sync'= {
            cand --replace 'Rewrite values that are already equal, all or those matching SECTION/NAME (repeatable; a running 9volt restarts those checks)'
            cand --plan 'Apply exactly this plan, saved by `mon diff --out`; refuse if etcd or the definitions changed'
            cand --max-delete 'Refuse to delete more than this many keys without --force'
            cand --pace 'Write in batches that 9volt''s director takes up one by one: auto where 9volt runs and the change would outrun it, always, or never (one burst; a running 9volt restarts every check)'
            cand --wait-timeout 'How long 9volt may take to take up one batch, and the whole change for the final check'
            cand --probe 'How long to watch 9volt''s own etcd traffic before a paced sync (longer than its 10 s state dump, so the dump''s burst is seen)'
            cand --only 'Only these definitions and keys, as SECTION/NAME globs (repeatable): monitor/web-*'
            cand --exclude 'Leave out these definitions and keys, as SECTION/NAME globs (repeatable)'
            cand -f 'Output format of the plan [default: text, or [plan] format in mon.toml]'
            cand --format 'Output format of the plan [default: text, or [plan] format in mon.toml]'
            cand --context 'Lines of unchanged JSON around each change in text diffs [default: all]'
            cand --owner 'Name recorded in every value written ("mon-owner"); only keys carrying it are ever deleted [default: the git repository''s origin remote, e.g. github.com/acme/defs] [env: MON_OWNER] [mon.toml: owner]'
            cand -e 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --endpoints 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --etcd-members 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --etcd-api 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]'
            cand -p 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand --prefix 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand --etcd-prefix 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand -U 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --user 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --etcd-userpass 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --password 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]'
            cand --password-file 'Read the password from this file'
            cand --cacert 'CA bundle to verify etcd''s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]'
            cand --cert 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]'
            cand --key 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]'
            cand --dial-timeout 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]'
            cand --command-timeout 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]'
            cand --config 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]'
            cand --secrets-dir 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]'
            cand --ignore 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)'
            cand --color 'When to color output'
            cand --nosync 'Keep keys that exist only in etcd instead of deleting them (9volt cfg''s --nosync)'
            cand --dry-run 'Show the plan and write nothing'
            cand --dryrun 'Show the plan and write nothing'
            cand --force 'Delete more than --max-delete keys, or most of what these definitions own'
            cand -y 'Apply a plan that deletes without asking (the question is only asked on a terminal)'
            cand --yes 'Apply a plan that deletes without asking (the question is only asked on a terminal)'
            cand --wait 'After writing, wait until 9volt runs every written check on a living member and no deleted one (a paced sync always does); exit 11 if it does not within --wait-timeout'
            cand --prune-unowned 'Also delete undefined keys that carry no owner (written by 9volt''s API, 9volt cfg or etcdctl); keys of other owners are never deleted'
            cand --take-over 'Write definitions whose keys another owner holds, making them ours'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mon;status'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand -e 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --endpoints 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --etcd-members 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --etcd-api 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]'
            cand -p 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand --prefix 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand --etcd-prefix 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand -U 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --user 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --etcd-userpass 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --password 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]'
            cand --password-file 'Read the password from this file'
            cand --cacert 'CA bundle to verify etcd''s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]'
            cand --cert 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]'
            cand --key 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]'
            cand --dial-timeout 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]'
            cand --command-timeout 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]'
            cand --config 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]'
            cand --secrets-dir 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]'
            cand --ignore 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)'
            cand --color 'When to color output'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mon;send-command'= {
            cand --timeout 'How long to wait for the result'
            cand --node 'Send to this collectd host from the definitions (repeatable)'
            cand --defs 'Definition files or directories, as the PATHS argument (an older spelling)'
            cand --host 'Broker as host[:port], instead of the definitions (needs --topic and --result-topic)'
            cand --topic 'Topic the host takes tasks from (with --host)'
            cand --result-topic 'Topic the host publishes results to (with --host)'
            cand --user 'Your own MQTT account, for --host and for the definitions'' hosts alike (their brokers'' accounts are for the hosts) [mon.toml: mqtt.user]'
            cand --password 'Password of --user (better from the environment or --password-file) [env: MON_MQTT_PASSWORD] [mon.toml: mqtt.password]'
            cand --password-file 'Read the password of --user from this file'
            cand --cafile 'CA bundle that signs the broker''s certificate (implies TLS)'
            cand --cert 'Client certificate (PEM) for a broker that requires one (implies TLS; with --key)'
            cand --key 'Private key (PEM) of --cert'
            cand --qos 'QoS for the subscription and the task: 0, 1 or 2 [default: the host''s, else 2]'
            cand --client-id 'MQTT client id [default: mon-<pid>-<random>]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --config 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]'
            cand --secrets-dir 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]'
            cand --ignore 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)'
            cand --color 'When to color output'
            cand --all 'Send to every collectd host in the definitions'
            cand --secure 'Connect with TLS'
            cand --insecure 'Do not verify the broker''s certificate (implies TLS)'
            cand -v 'Show messages that were ignored (other tasks'' results, malformed payloads), and collectd''s info lines of --check'
            cand --verbose 'Show messages that were ignored (other tasks'' results, malformed payloads), and collectd''s info lines of --check'
            cand --dry-run 'Do everything but publish: make and check each task, connect, log in and subscribe, then say what would be sent where and as whom'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mon;send-config'= {
            cand --file 'The collectd.conf to send (UTF-8, at most 1 MiB) [default: each host''s own, rendered from the definitions]'
            cand --templates 'Templates that replace the embedded ones, for rendering without FILE [default: [render] templates in mon.toml, as `mon render` uses them]'
            cand --timeout 'How long to wait for the final result'
            cand --node 'Send to this collectd host from the definitions (repeatable)'
            cand --defs 'Definition files or directories, as the PATHS argument (an older spelling)'
            cand --host 'Broker as host[:port], instead of the definitions (needs --topic and --result-topic)'
            cand --topic 'Topic the host takes tasks from (with --host)'
            cand --result-topic 'Topic the host publishes results to (with --host)'
            cand --user 'Your own MQTT account, for --host and for the definitions'' hosts alike (their brokers'' accounts are for the hosts) [mon.toml: mqtt.user]'
            cand --password 'Password of --user (better from the environment or --password-file) [env: MON_MQTT_PASSWORD] [mon.toml: mqtt.password]'
            cand --password-file 'Read the password of --user from this file'
            cand --cafile 'CA bundle that signs the broker''s certificate (implies TLS)'
            cand --cert 'Client certificate (PEM) for a broker that requires one (implies TLS; with --key)'
            cand --key 'Private key (PEM) of --cert'
            cand --qos 'QoS for the subscription and the task: 0, 1 or 2 [default: the host''s, else 2]'
            cand --client-id 'MQTT client id [default: mon-<pid>-<random>]'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --config 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]'
            cand --secrets-dir 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]'
            cand --ignore 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)'
            cand --color 'When to color output'
            cand --check 'Check FILE with collectd''s own parser (collectd -T) first (always done without FILE)'
            cand --force 'Send FILE even if its Hostname names another host or it does not look like a collectd.conf'
            cand --all 'Send to every collectd host in the definitions'
            cand --secure 'Connect with TLS'
            cand --insecure 'Do not verify the broker''s certificate (implies TLS)'
            cand -v 'Show messages that were ignored (other tasks'' results, malformed payloads), and collectd''s info lines of --check'
            cand --verbose 'Show messages that were ignored (other tasks'' results, malformed payloads), and collectd''s info lines of --check'
            cand --dry-run 'Do everything but publish: make and check each task, connect, log in and subscribe, then say what would be sent where and as whom'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mon;show'= {
            cand --format 'Output format'
            cand --color 'When to color output'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mon;render'= {
            cand -o 'Directory to write into [default: [render] out in mon.toml]'
            cand --out 'Directory to write into [default: [render] out in mon.toml]'
            cand --only 'Only these definitions, as SECTION/NAME globs (repeatable): collectd/web1, cluster/*'
            cand --exclude 'Leave out these definitions, as SECTION/NAME globs (repeatable)'
            cand --templates 'Templates that replace the embedded ones (same file names as templates/) [default: [render] templates in mon.toml]'
            cand --node 'Only this collectd host (repeatable; the same as --only collectd/HOST)'
            cand --config 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]'
            cand --secrets-dir 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]'
            cand --ignore 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)'
            cand --color 'When to color output'
            cand --diff 'Show a unified diff against what is on disk (with --dry-run, exit 4 if any file differs)'
            cand --show-secrets 'With --diff, show files that hold credentials (mode 0600) too'
            cand --dry-run 'Write nothing (exit 4 if any file would change)'
            cand --check 'Check each collectd.conf with collectd''s own parser before installing it'
            cand --prune 'Remove the directories of definitions that no longer exist (only those holding nothing but files mon writes there)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mon;import'= {
            cand --color 'When to color output'
            cand -h 'Print help'
            cand --help 'Print help'
            cand etcd 'Every monitor and alerter 9volt has in etcd, as definitions'
            cand collectd 'A host''s lua-collectd-monitor config.json, as a broker and a collectd host'
            cand hastmon 'A hastmon.conf, or a rendered tree of them, as cluster definitions'
            cand conveyer 'Conveyer daemons, from the files `mon render conveyer` writes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mon;import;etcd'= {
            cand -o 'Directory to write the definitions into'
            cand --out 'Directory to write the definitions into'
            cand -e 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --endpoints 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --etcd-members 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --etcd-api 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]'
            cand -p 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand --prefix 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand --etcd-prefix 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand -U 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --user 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --etcd-userpass 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --password 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]'
            cand --password-file 'Read the password from this file'
            cand --cacert 'CA bundle to verify etcd''s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]'
            cand --cert 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]'
            cand --key 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]'
            cand --dial-timeout 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]'
            cand --command-timeout 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]'
            cand --config 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]'
            cand --color 'When to color output'
            cand --force 'Replace files that exist already'
            cand --no-secrets 'Do not write secrets.env: only list the variables the definitions name'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mon;import;collectd'= {
            cand --triggers 'A local trigger file in the form mon renders (repeatable)'
            cand --node 'Name of the collectd host definition (as --node names one in send-command); a tree''s are its directories'''
            cand --broker 'Name of the broker definition [default: from its address]'
            cand -o 'Directory to write the definitions into'
            cand --out 'Directory to write the definitions into'
            cand --color 'When to color output'
            cand --force 'Replace files that exist already'
            cand --no-secrets 'Do not write secrets.env: only list the variables the definitions name'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mon;import;hastmon'= {
            cand --cluster 'Name of the cluster definition [default: from mon''s header, else the file name]'
            cand -o 'Directory to write the definitions into'
            cand --out 'Directory to write the definitions into'
            cand --color 'When to color output'
            cand --force 'Replace files that exist already'
            cand --no-secrets 'Do not write secrets.env: only list the variables the definitions name'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mon;import;conveyer'= {
            cand --name 'Name of the definition, for one directory [default: the directory''s name]'
            cand -o 'Directory to write the definitions into'
            cand --out 'Directory to write the definitions into'
            cand --color 'When to color output'
            cand --force 'Replace files that exist already'
            cand --no-secrets 'Do not write secrets.env: only list the variables the definitions name'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mon;import;help'= {
            cand etcd 'Every monitor and alerter 9volt has in etcd, as definitions'
            cand collectd 'A host''s lua-collectd-monitor config.json, as a broker and a collectd host'
            cand hastmon 'A hastmon.conf, or a rendered tree of them, as cluster definitions'
            cand conveyer 'Conveyer daemons, from the files `mon render conveyer` writes'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mon;import;help;etcd'= {
        }
        &'mon;import;help;collectd'= {
        }
        &'mon;import;help;hastmon'= {
        }
        &'mon;import;help;conveyer'= {
        }
        &'mon;import;help;help'= {
        }
        &'mon;schema'= {
            cand --write 'Write every schema file into this directory instead of printing one'
            cand --color 'When to color output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mon;config'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --owner 'Name recorded in every value written ("mon-owner"); only keys carrying it are ever deleted [default: the git repository''s origin remote, e.g. github.com/acme/defs] [env: MON_OWNER] [mon.toml: owner]'
            cand -e 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --endpoints 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --etcd-members 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]'
            cand --etcd-api 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]'
            cand -p 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand --prefix 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand --etcd-prefix 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]'
            cand -U 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --user 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --etcd-userpass 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]'
            cand --password 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]'
            cand --password-file 'Read the password from this file'
            cand --cacert 'CA bundle to verify etcd''s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]'
            cand --cert 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]'
            cand --key 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]'
            cand --dial-timeout 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]'
            cand --command-timeout 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]'
            cand --config 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]'
            cand --secrets-dir 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]'
            cand --ignore 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)'
            cand --color 'When to color output'
            cand --prune-unowned 'Also delete undefined keys that carry no owner (written by 9volt''s API, 9volt cfg or etcdctl); keys of other owners are never deleted'
            cand --take-over 'Write definitions whose keys another owner holds, making them ours'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mon;completions'= {
            cand --color 'When to color output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mon;man'= {
            cand --color 'When to color output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mon;explain'= {
            cand --color 'When to color output'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mon;help'= {
            cand validate 'Check definition files against the schemas and every rule of the target systems'
            cand diff 'Show what `mon sync` would change in etcd, key by key'
            cand sync 'Write the definitions into etcd in 9volt''s layout, guarded against concurrent writers'
            cand status 'Show what 9volt runs against what the definitions say, from etcd alone'
            cand send-command 'Run a service command on collectd hosts over MQTT and wait for its result'
            cand send-config 'Replace collectd.conf on collectd hosts over MQTT: each host''s own, rendered from the definitions, or a FILE'
            cand show 'Print a plan `mon diff --out` saved, as `mon diff` showed it'
            cand render 'Write hastmon, collectd, Conveyer and Dozor files from the definitions'
            cand import 'Turn an existing estate into definition files'
            cand schema 'Print the JSON Schemas of the definition format (for editors and other tools)'
            cand config 'Show every setting, its value and where it came from'
            cand completions 'Print shell completions (also kept in completions/ in the repository)'
            cand man 'Print the man page (roff), generated from the same definition as --help'
            cand explain 'Explain a finding code: why its reader needs it, a mistake and its fix'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mon;help;validate'= {
        }
        &'mon;help;diff'= {
        }
        &'mon;help;sync'= {
        }
        &'mon;help;status'= {
        }
        &'mon;help;send-command'= {
        }
        &'mon;help;send-config'= {
        }
        &'mon;help;show'= {
        }
        &'mon;help;render'= {
        }
        &'mon;help;import'= {
            cand etcd 'Every monitor and alerter 9volt has in etcd, as definitions'
            cand collectd 'A host''s lua-collectd-monitor config.json, as a broker and a collectd host'
            cand hastmon 'A hastmon.conf, or a rendered tree of them, as cluster definitions'
            cand conveyer 'Conveyer daemons, from the files `mon render conveyer` writes'
        }
        &'mon;help;import;etcd'= {
        }
        &'mon;help;import;collectd'= {
        }
        &'mon;help;import;hastmon'= {
        }
        &'mon;help;import;conveyer'= {
        }
        &'mon;help;schema'= {
        }
        &'mon;help;config'= {
        }
        &'mon;help;completions'= {
        }
        &'mon;help;man'= {
        }
        &'mon;help;explain'= {
        }
        &'mon;help;help'= {
        }
    ]
    $completions[$command]
}
