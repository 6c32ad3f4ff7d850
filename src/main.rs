//! Entry point: parse the command line, set up logging, run the window or a command.

use clap::Parser;
use picbucket::cli::{self, Args};
use std::io::IsTerminal;
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

fn main() {
    let args = Args::parse();
    let log_file = match &args.command {
        Some(_) => None,
        // The window has no terminal to show warnings in: keep them in a file.
        None => open_log_file(),
    };
    init_logging(args.verbose, log_file);
    let result = match &args.command {
        Some(command) => cli::run(&args, command),
        None => cli::config_path(&args).and_then(|config| picbucket::ui::run(config, absolute(&args.files))),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(error) => {
            eprintln!("picbucket: {error:#}");
            std::process::exit(2);
        }
    }
}

/// `picbucket.log` in the data directory; the last runs' logs are kept
/// beside it as `picbucket.1.log` (the run before) … `picbucket.4.log`.
fn open_log_file() -> Option<(PathBuf, std::fs::File)> {
    let dir = picbucket::core::paths::default_data_dir()?;
    use picbucket::core::log_files::{KEPT_LOGS, rotate_and_create};
    rotate_and_create(&dir, KEPT_LOGS).ok()
}

fn init_logging(verbose: u8, log_file: Option<(PathBuf, std::fs::File)>) {
    let default = match (verbose, log_file.is_some()) {
        (0, false) => "warn",
        (0, true) | (1, _) => "picbucket=info,warn",
        _ => "picbucket=debug,info",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match log_file {
        Some((path, file)) => {
            builder.with_ansi(false).with_writer(std::sync::Mutex::new(file)).init();
            tracing::info!(log = %path.display(), "picbucket {} starting", env!("CARGO_PKG_VERSION"));
        }
        // Colour codes only for a person at a terminal: piped or redirected
        // stderr (scripts, CI logs, files) gets plain text.
        None => builder
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr)
            .init(),
    }
}

/// The files as absolute paths, so they still name the same files when handed
/// to a window started elsewhere.
fn absolute(files: &[PathBuf]) -> Vec<PathBuf> {
    files
        .iter()
        .map(|file| std::path::absolute(file).unwrap_or_else(|_| file.clone()))
        .collect()
}
