
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mon' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mon'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mon' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check definition files against the schemas and every rule of the target systems')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what `mon sync` would change in etcd, key by key')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Write the definitions into etcd in 9volt''s layout, guarded against concurrent writers')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what 9volt runs against what the definitions say, from etcd alone')
            [CompletionResult]::new('send-command', 'send-command', [CompletionResultType]::ParameterValue, 'Run a service command on collectd hosts over MQTT and wait for its result')
            [CompletionResult]::new('send-config', 'send-config', [CompletionResultType]::ParameterValue, 'Replace collectd.conf on collectd hosts over MQTT: each host''s own, rendered from the definitions, or a FILE')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a plan `mon diff --out` saved, as `mon diff` showed it')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Write hastmon, collectd, Conveyer and Dozor files from the definitions')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Turn an existing estate into definition files')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schemas of the definition format (for editors and other tools)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show every setting, its value and where it came from')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (also kept in completions/ in the repository)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), generated from the same definition as --help')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a finding code: why its reader needs it, a mistake and its fix')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mon;validate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: text, or [validate] format in mon.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: text, or [validate] format in mon.toml]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]')
            [CompletionResult]::new('--secrets-dir', '--secrets-dir', [CompletionResultType]::ParameterName, 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)')
            [CompletionResult]::new('--stdin-filename', '--stdin-filename', [CompletionResultType]::ParameterName, 'The name standard input (`-`) is shown as; `.toml` reads it as TOML')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--deny-warnings', '--deny-warnings', [CompletionResultType]::ParameterName, 'Treat warnings as errors (exit 1 when there are any)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mon;diff' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Also write the plan to FILE, for `mon sync --plan FILE` (secrets are not stored)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Only these definitions and keys, as SECTION/NAME globs (repeatable): monitor/web-*')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out these definitions and keys, as SECTION/NAME globs (repeatable)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format of the plan [default: text, or [plan] format in mon.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format of the plan [default: text, or [plan] format in mon.toml]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Lines of unchanged JSON around each change in text diffs [default: all]')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Name recorded in every value written ("mon-owner"); only keys carrying it are ever deleted [default: the git repository''s origin remote, e.g. github.com/acme/defs] [env: MON_OWNER] [mon.toml: owner]')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--etcd-members', '--etcd-members', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--etcd-api', '--etcd-api', [CompletionResultType]::ParameterName, 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('--etcd-prefix', '--etcd-prefix', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--etcd-userpass', '--etcd-userpass', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from this file')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify etcd''s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]')
            [CompletionResult]::new('--secrets-dir', '--secrets-dir', [CompletionResultType]::ParameterName, 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--nosync', '--nosync', [CompletionResultType]::ParameterName, 'Keep keys that exist only in etcd (compare as `mon sync --nosync` would apply)')
            [CompletionResult]::new('--prune-unowned', '--prune-unowned', [CompletionResultType]::ParameterName, 'Also delete undefined keys that carry no owner (written by 9volt''s API, 9volt cfg or etcdctl); keys of other owners are never deleted')
            [CompletionResult]::new('--take-over', '--take-over', [CompletionResultType]::ParameterName, 'Write definitions whose keys another owner holds, making them ours')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mon;sync' {
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Rewrite values that are already equal, all or those matching SECTION/NAME (repeatable; a running 9volt restarts those checks)')
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'Apply exactly this plan, saved by `mon diff --out`; refuse if etcd or the definitions changed')
            [CompletionResult]::new('--max-delete', '--max-delete', [CompletionResultType]::ParameterName, 'Refuse to delete more than this many keys without --force')
            [CompletionResult]::new('--pace', '--pace', [CompletionResultType]::ParameterName, 'Write in batches that 9volt''s director takes up one by one: auto where 9volt runs and the change would outrun it, always, or never (one burst; a running 9volt restarts every check)')
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'How long 9volt may take to take up one batch, and the whole change for the final check')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'How long to watch 9volt''s own etcd traffic before a paced sync (longer than its 10 s state dump, so the dump''s burst is seen)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Only these definitions and keys, as SECTION/NAME globs (repeatable): monitor/web-*')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out these definitions and keys, as SECTION/NAME globs (repeatable)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format of the plan [default: text, or [plan] format in mon.toml]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format of the plan [default: text, or [plan] format in mon.toml]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Lines of unchanged JSON around each change in text diffs [default: all]')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Name recorded in every value written ("mon-owner"); only keys carrying it are ever deleted [default: the git repository''s origin remote, e.g. github.com/acme/defs] [env: MON_OWNER] [mon.toml: owner]')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--etcd-members', '--etcd-members', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--etcd-api', '--etcd-api', [CompletionResultType]::ParameterName, 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('--etcd-prefix', '--etcd-prefix', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--etcd-userpass', '--etcd-userpass', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from this file')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify etcd''s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]')
            [CompletionResult]::new('--secrets-dir', '--secrets-dir', [CompletionResultType]::ParameterName, 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--nosync', '--nosync', [CompletionResultType]::ParameterName, 'Keep keys that exist only in etcd instead of deleting them (9volt cfg''s --nosync)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the plan and write nothing')
            [CompletionResult]::new('--dryrun', '--dryrun', [CompletionResultType]::ParameterName, 'Show the plan and write nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Delete more than --max-delete keys, or most of what these definitions own')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply a plan that deletes without asking (the question is only asked on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply a plan that deletes without asking (the question is only asked on a terminal)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After writing, wait until 9volt runs every written check on a living member and no deleted one (a paced sync always does); exit 11 if it does not within --wait-timeout')
            [CompletionResult]::new('--prune-unowned', '--prune-unowned', [CompletionResultType]::ParameterName, 'Also delete undefined keys that carry no owner (written by 9volt''s API, 9volt cfg or etcdctl); keys of other owners are never deleted')
            [CompletionResult]::new('--take-over', '--take-over', [CompletionResultType]::ParameterName, 'Write definitions whose keys another owner holds, making them ours')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mon;status' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--etcd-members', '--etcd-members', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--etcd-api', '--etcd-api', [CompletionResultType]::ParameterName, 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('--etcd-prefix', '--etcd-prefix', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--etcd-userpass', '--etcd-userpass', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from this file')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify etcd''s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]')
            [CompletionResult]::new('--secrets-dir', '--secrets-dir', [CompletionResultType]::ParameterName, 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mon;send-command' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the result')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Send to this collectd host from the definitions (repeatable)')
            [CompletionResult]::new('--defs', '--defs', [CompletionResultType]::ParameterName, 'Definition files or directories, as the PATHS argument (an older spelling)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker as host[:port], instead of the definitions (needs --topic and --result-topic)')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic the host takes tasks from (with --host)')
            [CompletionResult]::new('--result-topic', '--result-topic', [CompletionResultType]::ParameterName, 'Topic the host publishes results to (with --host)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Your own MQTT account, for --host and for the definitions'' hosts alike (their brokers'' accounts are for the hosts) [mon.toml: mqtt.user]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password of --user (better from the environment or --password-file) [env: MON_MQTT_PASSWORD] [mon.toml: mqtt.password]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of --user from this file')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'CA bundle that signs the broker''s certificate (implies TLS)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for a broker that requires one (implies TLS; with --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'QoS for the subscription and the task: 0, 1 or 2 [default: the host''s, else 2]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'MQTT client id [default: mon-<pid>-<random>]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]')
            [CompletionResult]::new('--secrets-dir', '--secrets-dir', [CompletionResultType]::ParameterName, 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Send to every collectd host in the definitions')
            [CompletionResult]::new('--secure', '--secure', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate (implies TLS)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show messages that were ignored (other tasks'' results, malformed payloads), and collectd''s info lines of --check')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show messages that were ignored (other tasks'' results, malformed payloads), and collectd''s info lines of --check')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Do everything but publish: make and check each task, connect, log in and subscribe, then say what would be sent where and as whom')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mon;send-config' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The collectd.conf to send (UTF-8, at most 1 MiB) [default: each host''s own, rendered from the definitions]')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Templates that replace the embedded ones, for rendering without FILE [default: [render] templates in mon.toml, as `mon render` uses them]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the final result')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Send to this collectd host from the definitions (repeatable)')
            [CompletionResult]::new('--defs', '--defs', [CompletionResultType]::ParameterName, 'Definition files or directories, as the PATHS argument (an older spelling)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker as host[:port], instead of the definitions (needs --topic and --result-topic)')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic the host takes tasks from (with --host)')
            [CompletionResult]::new('--result-topic', '--result-topic', [CompletionResultType]::ParameterName, 'Topic the host publishes results to (with --host)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Your own MQTT account, for --host and for the definitions'' hosts alike (their brokers'' accounts are for the hosts) [mon.toml: mqtt.user]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password of --user (better from the environment or --password-file) [env: MON_MQTT_PASSWORD] [mon.toml: mqtt.password]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of --user from this file')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'CA bundle that signs the broker''s certificate (implies TLS)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for a broker that requires one (implies TLS; with --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM) of --cert')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'QoS for the subscription and the task: 0, 1 or 2 [default: the host''s, else 2]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'MQTT client id [default: mon-<pid>-<random>]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]')
            [CompletionResult]::new('--secrets-dir', '--secrets-dir', [CompletionResultType]::ParameterName, 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Check FILE with collectd''s own parser (collectd -T) first (always done without FILE)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Send FILE even if its Hostname names another host or it does not look like a collectd.conf')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Send to every collectd host in the definitions')
            [CompletionResult]::new('--secure', '--secure', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate (implies TLS)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show messages that were ignored (other tasks'' results, malformed payloads), and collectd''s info lines of --check')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show messages that were ignored (other tasks'' results, malformed payloads), and collectd''s info lines of --check')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Do everything but publish: make and check each task, connect, log in and subscribe, then say what would be sent where and as whom')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mon;show' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mon;render' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Directory to write into [default: [render] out in mon.toml]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write into [default: [render] out in mon.toml]')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Only these definitions, as SECTION/NAME globs (repeatable): collectd/web1, cluster/*')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out these definitions, as SECTION/NAME globs (repeatable)')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Templates that replace the embedded ones (same file names as templates/) [default: [render] templates in mon.toml]')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only this collectd host (repeatable; the same as --only collectd/HOST)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]')
            [CompletionResult]::new('--secrets-dir', '--secrets-dir', [CompletionResultType]::ParameterName, 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Show a unified diff against what is on disk (with --dry-run, exit 4 if any file differs)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'With --diff, show files that hold credentials (mode 0600) too')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Write nothing (exit 4 if any file would change)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Check each collectd.conf with collectd''s own parser before installing it')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Remove the directories of definitions that no longer exist (only those holding nothing but files mon writes there)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mon;import' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('etcd', 'etcd', [CompletionResultType]::ParameterValue, 'Every monitor and alerter 9volt has in etcd, as definitions')
            [CompletionResult]::new('collectd', 'collectd', [CompletionResultType]::ParameterValue, 'A host''s lua-collectd-monitor config.json, as a broker and a collectd host')
            [CompletionResult]::new('hastmon', 'hastmon', [CompletionResultType]::ParameterValue, 'A hastmon.conf, or a rendered tree of them, as cluster definitions')
            [CompletionResult]::new('conveyer', 'conveyer', [CompletionResultType]::ParameterValue, 'Conveyer daemons, from the files `mon render conveyer` writes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mon;import;etcd' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Directory to write the definitions into')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write the definitions into')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--etcd-members', '--etcd-members', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--etcd-api', '--etcd-api', [CompletionResultType]::ParameterName, 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('--etcd-prefix', '--etcd-prefix', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--etcd-userpass', '--etcd-userpass', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from this file')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify etcd''s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace files that exist already')
            [CompletionResult]::new('--no-secrets', '--no-secrets', [CompletionResultType]::ParameterName, 'Do not write secrets.env: only list the variables the definitions name')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mon;import;collectd' {
            [CompletionResult]::new('--triggers', '--triggers', [CompletionResultType]::ParameterName, 'A local trigger file in the form mon renders (repeatable)')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Name of the collectd host definition (as --node names one in send-command); a tree''s are its directories''')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Name of the broker definition [default: from its address]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Directory to write the definitions into')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write the definitions into')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace files that exist already')
            [CompletionResult]::new('--no-secrets', '--no-secrets', [CompletionResultType]::ParameterName, 'Do not write secrets.env: only list the variables the definitions name')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mon;import;hastmon' {
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Name of the cluster definition [default: from mon''s header, else the file name]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Directory to write the definitions into')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write the definitions into')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace files that exist already')
            [CompletionResult]::new('--no-secrets', '--no-secrets', [CompletionResultType]::ParameterName, 'Do not write secrets.env: only list the variables the definitions name')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mon;import;conveyer' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the definition, for one directory [default: the directory''s name]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Directory to write the definitions into')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write the definitions into')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace files that exist already')
            [CompletionResult]::new('--no-secrets', '--no-secrets', [CompletionResultType]::ParameterName, 'Do not write secrets.env: only list the variables the definitions name')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mon;import;help' {
            [CompletionResult]::new('etcd', 'etcd', [CompletionResultType]::ParameterValue, 'Every monitor and alerter 9volt has in etcd, as definitions')
            [CompletionResult]::new('collectd', 'collectd', [CompletionResultType]::ParameterValue, 'A host''s lua-collectd-monitor config.json, as a broker and a collectd host')
            [CompletionResult]::new('hastmon', 'hastmon', [CompletionResultType]::ParameterValue, 'A hastmon.conf, or a rendered tree of them, as cluster definitions')
            [CompletionResult]::new('conveyer', 'conveyer', [CompletionResultType]::ParameterValue, 'Conveyer daemons, from the files `mon render conveyer` writes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mon;import;help;etcd' {
            break
        }
        'mon;import;help;collectd' {
            break
        }
        'mon;import;help;hastmon' {
            break
        }
        'mon;import;help;conveyer' {
            break
        }
        'mon;import;help;help' {
            break
        }
        'mon;schema' {
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Write every schema file into this directory instead of printing one')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mon;config' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Name recorded in every value written ("mon-owner"); only keys carrying it are ever deleted [default: the git repository''s origin remote, e.g. github.com/acme/defs] [env: MON_OWNER] [mon.toml: owner]')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--etcd-members', '--etcd-members', [CompletionResultType]::ParameterName, 'etcd endpoints, comma-separated [default: http://127.0.0.1:2379] [env: ETCDCTL_ENDPOINTS, NINEV_ETCD_MEMBERS] [mon.toml: etcd.endpoints]')
            [CompletionResult]::new('--etcd-api', '--etcd-api', [CompletionResultType]::ParameterName, 'Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2] [env: MON_ETCD_API] [mon.toml: etcd.api]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('--etcd-prefix', '--etcd-prefix', [CompletionResultType]::ParameterName, 'Key prefix 9volt runs under [default: 9volt] [env: NINEV_ETCD_PREFIX] [mon.toml: etcd.prefix]')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--etcd-userpass', '--etcd-userpass', [CompletionResultType]::ParameterName, 'User name, or user:password [env: ETCDCTL_USER, NINEV_ETCD_USERPASS] [mon.toml: etcd.user]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password (better from the environment or --password-file than on the command line) [env: ETCDCTL_PASSWORD] [mon.toml: etcd.password]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from this file')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA bundle to verify etcd''s certificate [env: ETCDCTL_CACERT, ETCDCTL_CA_FILE] [mon.toml: etcd.cacert]')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate [env: ETCDCTL_CERT, ETCDCTL_CERT_FILE] [mon.toml: etcd.cert]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client key [env: ETCDCTL_KEY, ETCDCTL_KEY_FILE] [mon.toml: etcd.key]')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time allowed to connect [default: 2s] [env: ETCDCTL_DIAL_TIMEOUT] [mon.toml: etcd.dial-timeout]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Longest mon waits for etcd to answer, retries and fail-over included [default: 5s] [env: ETCDCTL_COMMAND_TIMEOUT] [mon.toml: etcd.command-timeout]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: the nearest mon.toml at or above the definitions, else at or above the current directory, up to the git repository''s root] [env: MON_CONFIG]')
            [CompletionResult]::new('--secrets-dir', '--secrets-dir', [CompletionResultType]::ParameterName, 'Another directory `{file: PATH}` secret references may read from (repeatable; by default only the definitions'' own directories) [env: MON_SECRETS_DIR]')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a line of .monignore)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('--prune-unowned', '--prune-unowned', [CompletionResultType]::ParameterName, 'Also delete undefined keys that carry no owner (written by 9volt''s API, 9volt cfg or etcdctl); keys of other owners are never deleted')
            [CompletionResult]::new('--take-over', '--take-over', [CompletionResultType]::ParameterName, 'Write definitions whose keys another owner holds, making them ours')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mon;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mon;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mon;explain' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mon;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check definition files against the schemas and every rule of the target systems')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what `mon sync` would change in etcd, key by key')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Write the definitions into etcd in 9volt''s layout, guarded against concurrent writers')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what 9volt runs against what the definitions say, from etcd alone')
            [CompletionResult]::new('send-command', 'send-command', [CompletionResultType]::ParameterValue, 'Run a service command on collectd hosts over MQTT and wait for its result')
            [CompletionResult]::new('send-config', 'send-config', [CompletionResultType]::ParameterValue, 'Replace collectd.conf on collectd hosts over MQTT: each host''s own, rendered from the definitions, or a FILE')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a plan `mon diff --out` saved, as `mon diff` showed it')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Write hastmon, collectd, Conveyer and Dozor files from the definitions')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Turn an existing estate into definition files')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schemas of the definition format (for editors and other tools)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show every setting, its value and where it came from')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (also kept in completions/ in the repository)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), generated from the same definition as --help')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a finding code: why its reader needs it, a mistake and its fix')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mon;help;validate' {
            break
        }
        'mon;help;diff' {
            break
        }
        'mon;help;sync' {
            break
        }
        'mon;help;status' {
            break
        }
        'mon;help;send-command' {
            break
        }
        'mon;help;send-config' {
            break
        }
        'mon;help;show' {
            break
        }
        'mon;help;render' {
            break
        }
        'mon;help;import' {
            [CompletionResult]::new('etcd', 'etcd', [CompletionResultType]::ParameterValue, 'Every monitor and alerter 9volt has in etcd, as definitions')
            [CompletionResult]::new('collectd', 'collectd', [CompletionResultType]::ParameterValue, 'A host''s lua-collectd-monitor config.json, as a broker and a collectd host')
            [CompletionResult]::new('hastmon', 'hastmon', [CompletionResultType]::ParameterValue, 'A hastmon.conf, or a rendered tree of them, as cluster definitions')
            [CompletionResult]::new('conveyer', 'conveyer', [CompletionResultType]::ParameterValue, 'Conveyer daemons, from the files `mon render conveyer` writes')
            break
        }
        'mon;help;import;etcd' {
            break
        }
        'mon;help;import;collectd' {
            break
        }
        'mon;help;import;hastmon' {
            break
        }
        'mon;help;import;conveyer' {
            break
        }
        'mon;help;schema' {
            break
        }
        'mon;help;config' {
            break
        }
        'mon;help;completions' {
            break
        }
        'mon;help;man' {
            break
        }
        'mon;help;explain' {
            break
        }
        'mon;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
