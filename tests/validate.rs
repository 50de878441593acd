//! `mon validate` end to end: the example estate, the invalid corpus with its
//! exact expected diagnostics, every output format and the exit codes.

mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn mon() -> Command {
    let mut c = Command::cargo_bin("mon").unwrap();
    c.env_remove("NO_COLOR");
    c
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

#[test]
fn example_estate_is_valid() {
    let out = mon()
        .args(["validate", "--deny-warnings"])
        .arg(fixtures().join("estate"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with("ok: 0 errors, 0 warnings in 6 files (18 definitions)"),
        "{stdout}"
    );
}

/// Each case directory holds inputs and `expected`: the exact short-format
/// output followed by `exit N`.
#[test]
fn invalid_corpus_gives_exactly_the_expected_diagnostics() {
    corpus("invalid", 40);
}

/// Hostile input of every class (control characters, line endings, tags,
/// number forms, aliases, TOML dates, secret references, Go regexes,
/// durations, names), YAML and TOML, each with its exact expected result.
#[test]
fn hostile_corpus_gives_exactly_the_expected_results() {
    corpus("hostile", 150);
}

fn corpus(name: &str, at_least: usize) {
    let root = fixtures().join(name);
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= at_least,
        "the corpus has {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let expected = std::fs::read_to_string(case.join("expected")).unwrap();
        let out = mon()
            .current_dir(case)
            .args(["validate", "--format", "short", "."])
            .output()
            .unwrap();
        assert!(
            out.stderr.is_empty(),
            "{}: stderr {}",
            case.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let actual = format!(
            "{}exit {}\n",
            String::from_utf8_lossy(&out.stdout),
            out.status.code().unwrap()
        );
        if actual != expected {
            failures.push(format!(
                "--- {}\nexpected:\n{expected}actual:\n{actual}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_many_megabyte_file_validates() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("monitor:\n");
    for i in 0..40_000 {
        text.push_str(&format!(
            "  check-{i}:\n    type: http\n    host: web{i}.example.com\n    url: /health\n    status-code: 200\n    interval: 30s\n    critical-alerter: [pager]\n"
        ));
    }
    text.push_str("alerter:\n  pager: {type: pagerduty, options: {token: {env: PD}}}\n");
    assert!(text.len() > 5_000_000);
    std::fs::write(dir.path().join("big.yaml"), &text).unwrap();
    let out = mon().arg("validate").arg(dir.path()).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("(40001 definitions)"));
}

#[test]
fn a_file_over_the_limit_is_refused_with_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("huge.yaml")).unwrap();
    f.set_len(mon::source::MAX_FILE_BYTES + 1).unwrap();
    let out = mon()
        .current_dir(dir.path())
        .args(["validate", "-f", "short"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(
            "huge.yaml:1:1: error[E0108]: file is 64 MiB; a definition file may be at most 64 MiB"
        ),
        "{stdout}"
    );
}

fn invalid_case(name: &str) -> PathBuf {
    fixtures().join("invalid").join(name)
}

#[test]
fn text_format_shows_the_source_line_and_a_caret() {
    let out = mon()
        .current_dir(invalid_case("unknown-field-yaml"))
        .args(["validate", "--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = "\
error[E0301]: unknown field `warning_threshold` in monitor `web`
  ┌─ a.yaml:6:5
  │
6 │     warning_threshold: 2
  │     ^^^^^^^^^^^^^^^^^
  │
  = hint: did you mean `warning-threshold`?

1 error, 0 warnings in 1 file (1 definition)
";
    assert_eq!(stdout, expected);
}

/// The text format quotes names from the files (a definition's name, the
/// file's own path): a CR or ESC in either reaches the terminal escaped,
/// never raw, as the short format already did.
#[test]
fn text_format_escapes_control_characters_in_names_and_paths() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cr\rfile.yaml");
    std::fs::write(
        &file,
        "collectd:\n  \"db1\\ralerter: {x: 1}\\e[31m\":\n    broker: b\n",
    )
    .unwrap();
    let out = mon()
        .current_dir(dir.path())
        .args(["validate", "--color", "never", "cr\rfile.yaml"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("E0203"), "{stdout}");
    assert!(stdout.contains("db1\\ralerter"), "{stdout}");
    assert!(stdout.contains("cr\\rfile.yaml"), "{stdout}");
    let raw: Vec<char> = stdout
        .chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} in {stdout}");
}

#[test]
fn text_format_shows_both_places_of_a_duplicate() {
    let out = mon()
        .current_dir(invalid_case("duplicate-name-across-files"))
        .args(["validate", "--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("┌─ b.toml:1:10"), "{stdout}");
    assert!(stdout.contains("┌─ a.yaml:2:3"), "{stdout}");
    assert!(stdout.contains("first defined here"), "{stdout}");
}

#[test]
fn color_always_emits_ansi_codes() {
    let out = mon()
        .current_dir(invalid_case("unknown-field-yaml"))
        .args(["validate", "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\u{1b}["));
}

#[test]
fn json_format_carries_locations() {
    let out = mon()
        .current_dir(invalid_case("duplicate-name-across-files"))
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "E0204");
    assert_eq!(d["file"], "b.toml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(10))
    );
    assert_eq!(d["related"][0]["file"], "a.yaml");
    assert_eq!(d["related"][0]["line"], 2);
}

#[test]
fn github_format_is_workflow_commands() {
    let out = mon()
        .current_dir(invalid_case("unknown-alerter"))
        .args(["validate", "--format", "github"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first = stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=a.yaml,line=6,col=24,endLine=6,endColumn=32,title=mon E0408::alerter `ops-pagr` is not defined%0Ahint: did you mean `ops-pager`?"
    );
}

#[test]
fn junit_format_fails_the_broken_file() {
    let out = mon()
        .args(["validate", "--format", "junit"])
        .arg(invalid_case("duplicate-name-across-files"))
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("tests=\"2\""), "{xml}");
    assert!(xml.contains("failures=\"1\""), "{xml}");
    assert!(xml.contains("b.toml:1:10: error[E0204]"), "{xml}");
}

#[test]
fn sarif_format_has_rules_results_and_regions() {
    let out = mon()
        .current_dir(invalid_case("thresholds"))
        .args(["validate", "--format", "sarif"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["ruleId"], "E0407");
    assert_eq!(results[0]["level"], "error");
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(6), Some(24))
    );
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "E0407"));
}

/// GitLab's Code Quality report (the fields GitLab reads, as ruff writes
/// them): one issue per finding, with fingerprints that stay the same from
/// run to run and when the findings move down the file.
#[test]
fn gitlab_format_is_a_code_quality_report_with_stable_fingerprints() {
    let report = |dir: &std::path::Path| -> Vec<serde_json::Value> {
        let out = mon()
            .current_dir(dir)
            .args(["validate", "--format", "gitlab"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let issues = report(&invalid_case("thresholds"));
    assert_eq!(issues.len(), 2);
    let i = &issues[0];
    assert_eq!(i["check_name"], "E0407");
    assert_eq!(i["severity"], "major");
    assert!(i["description"].as_str().unwrap().starts_with("E0407: "));
    assert_eq!(i["location"]["lines"]["begin"], 6);
    assert!(i["location"]["path"].as_str().unwrap().ends_with(".yaml"));
    let prints = |v: &[serde_json::Value]| -> Vec<String> {
        v.iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        prints(&issues),
        prints(&report(&invalid_case("thresholds")))
    );
    assert_ne!(issues[0]["fingerprint"], issues[1]["fingerprint"]);

    // The same findings three lines further down keep their fingerprints.
    let work = tempfile::tempdir().unwrap();
    let src = invalid_case("thresholds");
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            let text = std::fs::read_to_string(&p).unwrap();
            std::fs::write(
                work.path().join(p.file_name().unwrap()),
                format!("# a\n# b\n# c\n{text}"),
            )
            .unwrap();
        }
    }
    let moved = report(work.path());
    assert_eq!(moved[0]["location"]["lines"]["begin"], 9);
    assert_eq!(prints(&moved), prints(&issues));
}

/// `--format markdown`: the counts and a table of findings, as a CommonMark
/// parser reads them; a field name that is HTML stays text.
#[test]
fn markdown_format_is_a_table_input_cannot_turn_into_html() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("m.yaml"),
        "monitor:\n  web:\n    type: http\n    host: web1\n    \"<img src=x onerror=alert(1)>|`\": 1\n",
    )
    .unwrap();
    let out = mon()
        .current_dir(work.path())
        .args(["validate", "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{md}");
    let read = support::markdown::read(&md);
    assert_eq!(read.tables, 1, "{md}");
    assert!(
        read.html_left.is_empty(),
        "HTML from input: {:?}\n{md}",
        read.html_left
    );
    assert!(read.text.contains("<img src=x onerror=alert(1)>|`"), "{md}");
    assert!(read.text.contains("3 errors, 0 warnings"), "{md}");
}

#[test]
fn exit_codes_are_distinct() {
    // 0: valid, with warnings allowed by default.
    mon()
        .arg("validate")
        .arg(invalid_case("field-of-other-type"))
        .assert()
        .code(0);
    // 1: warnings fail under --deny-warnings; errors always do.
    mon()
        .args(["validate", "--deny-warnings"])
        .arg(invalid_case("field-of-other-type"))
        .assert()
        .code(1);
    mon()
        .arg("validate")
        .arg(invalid_case("thresholds"))
        .assert()
        .code(1);
    // 2: usage.
    mon().args(["validate", "--formt", "json"]).assert().code(2);
    // 3: a named path that does not exist.
    let out = mon().args(["validate", "no/such/dir"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: no/such/dir: no such file or directory\n"
    );
}

#[test]
fn a_named_file_that_is_not_yaml_or_toml_is_refused() {
    let out = mon()
        .arg("validate")
        .arg(fixtures().join("invalid/thresholds/expected"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected a .yaml, .yml or .toml file"));
}

#[test]
fn hidden_directories_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".git/broken.yaml"), "monitor: [").unwrap();
    std::fs::write(
        dir.path().join("ok.yml"),
        "monitor:\n  a: {type: exec, command: /bin/true, interval: 10s}\n",
    )
    .unwrap();
    mon().arg("validate").arg(dir.path()).assert().code(0);
}

#[test]
fn a_pipe_or_a_device_is_refused_at_once_and_an_empty_path_is_no_green() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = support::fifo(&dir.path().join("defs.yaml"));
    for target in [fifo.to_str().unwrap(), "/dev/null"] {
        let start = std::time::Instant::now();
        let out = mon().args(["validate", target]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{target}: {text}");
        assert!(
            text.contains("a pipe, device or socket is never read"),
            "{text}"
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
    // In a directory, a pipe is passed over like any other non-file.
    let out = mon()
        .current_dir(dir.path())
        .args(["validate", "."])
        .output()
        .unwrap();
    // A path that holds no definition is a failure (E0111), shown in the
    // report itself: a CI step pointed at the wrong directory fails.
    let err = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("holds no definition files"), "{err}");
    assert!(err.contains("E0111"), "{err}");
    let strict = mon()
        .current_dir(dir.path())
        .args(["validate", "--deny-warnings", "."])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
}

/// Schema-valid implies the model builds: across every corpus case and
/// fuzz seed, a definition is in the model or an error inside it says why.
#[test]
fn no_definition_leaves_the_model_without_an_error() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<PathBuf> = Vec::new();
    for dir in ["fixtures/invalid", "fixtures/hostile"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            cases.push(e.unwrap().path());
        }
    }
    for e in std::fs::read_dir(root.join("fuzz/seeds")).unwrap() {
        cases.push(e.unwrap().path());
    }
    cases.push(root.join("fixtures/estate"));
    cases.push(root.join("fixtures/model"));
    let mut definitions = 0;
    for case in &cases {
        let Ok(loaded) =
            mon::ops::validate::load(&mon::ops::validate::Scope::of(vec![case.clone()]))
        else {
            continue;
        };
        definitions += loaded.catalog.len();
        let dropped = loaded.silently_dropped();
        assert!(dropped.is_empty(), "{}: {dropped:?}", case.display());
    }
    assert!(
        cases.len() > 100 && definitions > 200,
        "{} cases, {definitions} definitions",
        cases.len()
    );
}

/// Directory walks leave out what .gitignore and .monignore list and what
/// --ignore names (a docker-compose.yaml or CI file beside the
/// definitions); a file named on the command line is always read.
#[test]
fn walks_honour_gitignore_monignore_and_exclude() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join(".defs-root");
    std::fs::create_dir_all(root.join("ci")).unwrap();
    std::fs::create_dir_all(root.join("build")).unwrap();
    std::fs::copy(
        fixtures().join("estate/cluster.yaml"),
        root.join("cluster.yaml"),
    )
    .unwrap();
    for (file, text) in [
        ("docker-compose.yaml", "services: {web: {image: nginx}}\n"),
        ("ci/pipeline.yml", "stages: [test]\n"),
        ("build/generated.yaml", "x: 1\n"),
        (".gitignore", "build/\n"),
    ] {
        std::fs::write(root.join(file), text).unwrap();
    }
    let run = |args: &[&str]| {
        let out = mon()
            .current_dir(&root)
            .args(["validate", "--format", "short"])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // .gitignore (no git repository needed) leaves build/ out; the rest fails.
    let (code, text) = run(&["."]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("docker-compose.yaml")
            && text.contains("ci/pipeline.yml")
            && !text.contains("build/"),
        "{text}"
    );
    let (code, text) = run(&["--ignore", "docker-compose.yaml", "--ignore", "ci/*", "."]);
    assert_eq!(code, Some(0), "{text}");
    std::fs::write(root.join(".monignore"), "docker-compose.yaml\nci/\n").unwrap();
    let (code, text) = run(&["."]);
    assert_eq!(code, Some(0), "{text}");
    // Named on the command line, an ignored file is still read.
    let (code, text) = run(&["docker-compose.yaml"]);
    assert_eq!(code, Some(1), "{text}");
    // Everything left out: an error, with or without --deny-warnings.
    let (code, _) = run(&["--ignore", "*.yaml", "."]);
    assert_eq!(code, Some(1));
    let (code, _) = run(&["--ignore", "*.yaml", "--deny-warnings", "."]);
    assert_eq!(code, Some(1));
}

/// `-` reads one document from standard input, named by --stdin-filename
/// in locations (its extension picks TOML); only validate reads stdin.
#[test]
fn standard_input_is_one_document() {
    let out = mon()
        .args(["validate", "--format", "short", "-"])
        .write_stdin("monitor:\n  x: 1\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("<stdin>:2:6: error[E0300]"));
    let estate = std::fs::read_to_string(fixtures().join("estate/cluster.yaml")).unwrap();
    let out = mon()
        .args([
            "validate",
            "--deny-warnings",
            "-",
            "--stdin-filename",
            "defs/cluster.yaml",
        ])
        .write_stdin(estate)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = mon()
        .args([
            "validate",
            "--format",
            "short",
            "-",
            "--stdin-filename",
            "a.toml",
        ])
        .write_stdin("[monitor.x]\ntype = 3\n")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("a.toml:2:8: error[E0303]"), "{text}");
    let out = mon().args(["diff", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read only by `mon validate`"));
}

/// `--format tap` as a real TAP consumer reads it: Perl's TAP::Harness
/// (`prove`) counts one test per file and fails the broken one, and parses
/// each YAML diagnostic block.
#[test]
fn tap_output_is_read_by_prove() {
    let dir = tempfile::tempdir().unwrap();
    let prove = |paths: &[PathBuf]| {
        let out = mon()
            .args(["validate", "--format", "tap"])
            .args(paths)
            .output()
            .unwrap();
        std::fs::write(dir.path().join("out.tap"), &out.stdout).unwrap();
        let p = std::process::Command::new(support::require("prove"))
            .current_dir(dir.path())
            .args(["-v", "-e", "cat", "out.tap"])
            .output()
            .unwrap();
        (
            out.status.code(),
            p.status.success(),
            support::output_text(&p),
        )
    };
    let (code, passed, text) = prove(&[
        fixtures().join("invalid/bad-duration"),
        fixtures().join("estate/cluster.yaml"),
    ]);
    assert_eq!(code, Some(1));
    assert!(
        !passed && text.contains("Tests=2") && text.contains("Failed test:  2"),
        "{text}"
    );
    assert!(
        !text.contains("YAML") && !text.contains("Parse errors"),
        "{text}"
    );
    let (code, passed, text) = prove(&[fixtures().join("estate")]);
    assert_eq!(code, Some(0));
    assert!(
        passed && text.contains("Tests=6") && text.contains("Result: PASS"),
        "{text}"
    );
}
