use std::path::PathBuf;
use std::time::Duration;

use mon::exit::Exit;
use mon::mqtt::Task;

use super::send::{go_duration, TargetArgs};

/// Largest collectd.conf sent: the plugin holds the whole text in one message.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Send a new collectd.conf to collectd hosts over MQTT and wait for the replacement's result
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon send-config out/web1/collectd.conf --node web1
  mon send-config collectd.conf --node web1 --check        # collectd's own parser first
  mon send-config collectd.conf --host broker --topic t --result-topic r --timeout 3m

The host dry-runs the file, stops collectd, swaps the file and starts collectd again; the final
result comes from the restarted collectd, up to about two minutes later, hence the long default
timeout. Codes 0x2000-0x200a are explained in the output.
Exit codes: 0 replaced, 8 the host reported a failure, 9 result without a code, 10 timeout,
5 broker unreachable, 3 unreadable, non-UTF-8 or oversized file, 1 --check found errors.")]
pub struct Args {
    /// The collectd.conf to send (UTF-8, at most 1 MiB)
    pub file: PathBuf,
    /// Check the file with collectd's own parser (collectd -T) before sending
    #[arg(long)]
    pub check: bool,
    /// How long to wait for the final result
    #[arg(long, default_value = "150s", value_parser = go_duration)]
    pub timeout: Duration,
    #[command(flatten)]
    pub target: TargetArgs,
}

pub fn run(args: Args, color: bool) -> Exit {
    let text = match read(&args.file) {
        Ok(t) => t,
        Err(m) => {
            eprintln!("error: {}: {m}; nothing was sent", args.file.display());
            return Exit::Io;
        }
    };
    if args.check {
        match mon::collectd::check_config(&text) {
            Ok(()) => eprintln!("check: collectd accepts {}", args.file.display()),
            Err(mon::collectd::CheckError::Rejected(m)) => {
                eprintln!(
                    "error: collectd rejects {}:\n{m}\nnothing was sent",
                    args.file.display()
                );
                return Exit::Invalid;
            }
            Err(mon::collectd::CheckError::Unavailable(m)) => {
                eprintln!("error: cannot check: {m}; nothing was sent");
                return Exit::Io;
            }
        }
    }
    super::send::run(
        &args.target,
        Task::Config { text },
        None,
        args.timeout,
        color,
    )
}

fn read(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| mon::source::io_message(&e))?;
    // A pipe would block and a device never end (/dev/zero reports size 0).
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| mon::source::io_message(&e))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "the file is over {MAX_CONFIG_BYTES} bytes, the most send-config takes"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 (bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}
