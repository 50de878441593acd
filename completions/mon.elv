
set edit:completion:arg-completer[mon] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) MON_COMPLETE="elvish" mon -- $@words) | to-lines
}

