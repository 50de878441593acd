complete --keep-order --exclusive --command mon --arguments "(MON_COMPLETE=fish mon -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
