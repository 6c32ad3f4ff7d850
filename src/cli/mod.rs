//! The command line: `picbucket upload FILE…`, `history`, `link`, `delete`, `resume`,
//! `test-connection`, `serve-local`.
//! Drives the same worker and core as the window.

mod batch;
mod delete;
mod format;
mod history;
mod install_desktop;
mod link;
mod lookup;
mod resume;
mod serve_local;
mod test_connection;
mod upload;

use crate::core::paths;
use crate::core::{Config, ConfigError};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

/// How often the CLI looks for the worker's events (see `WorkerHandle::recv_polled`):
/// a line printed at most this late, in exchange for no wake-up per event.
const EVENT_POLL: std::time::Duration = std::time::Duration::from_millis(2);

/// Upload images to S3-compatible storage and get shareable, expiring links.
///
/// With no command, opens the window (with the FILEs given, if any, queued).
#[derive(Debug, Parser)]
#[command(name = "picbucket", version, about, long_about = None)]
pub struct Args {
    /// Images to queue in the window ("Open with picbucket"). If a window is
    /// already open, the files are handed to it.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Config file to use instead of the default (~/.config/picbucket/config.toml on Linux).
    #[arg(long, global = true, env = paths::CONFIG_ENV, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Destination (profile) from the config file to use instead of its default_profile.
    #[arg(long, global = true, env = "PICBUCKET_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// More log output on stderr (-v info, -vv debug). RUST_LOG also works.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Upload images and print one pre-signed link per file, in the order given.
    ///
    /// Each file is checked first (type from its bytes, size, dimensions);
    /// rejected files are reported on stderr and never sent. Exits with 1 if
    /// any file failed.
    Upload(upload::UploadArgs),
    /// Check the configured storage: upload, check, sign and delete a tiny probe object.
    TestConnection,
    /// Run the built-in S3-compatible store in the foreground and print its endpoint and keys.
    ServeLocal(serve_local::ServeLocalArgs),
    /// List what was uploaded, newest first, from the library in the data directory.
    History(history::HistoryArgs),
    /// Print a freshly signed link for an earlier upload (by id or object key).
    Link(link::LinkArgs),
    /// Delete an earlier upload from its bucket (by id or object key); the history marks it deleted.
    Delete(delete::DeleteArgs),
    /// Finish uploads that earlier runs left unfinished (crashed, killed, quit mid-upload)
    /// and print their links. Exits with 1 if any file failed.
    Resume(resume::ResumeArgs),
    /// Add picbucket to the desktop's menus and "Open with" lists (a .desktop entry and
    /// the icon under $XDG_DATA_HOME, by default ~/.local/share); --uninstall removes them.
    InstallDesktop(install_desktop::InstallDesktopArgs),
}

/// The config file in effect: `--config`, `PICBUCKET_CONFIG`, or the default.
/// A file named by the first two must exist (a typo must not silently switch
/// to defaults and the built-in store); the default file may be absent.
pub fn config_path(args: &Args) -> anyhow::Result<PathBuf> {
    match &args.config {
        Some(path) if !path.exists() => Err(missing_config(path)),
        Some(path) => Ok(path.clone()),
        None => paths::default_config_file().context("no home directory found; pass --config PATH"),
    }
}

/// Loads the config in effect (see [`config_path`]), with `--profile` (when
/// given) as the active destination.
pub fn load_config(args: &Args) -> anyhow::Result<Config> {
    let path = config_path(args)?;
    let loaded = if args.config.is_some() {
        // Checked above, but the file may vanish in between: still an error.
        Config::load_existing(&path)
    } else {
        Config::load(&path)
    };
    let config = loaded.map_err(|error| match error {
        ConfigError::Missing { path } => missing_config(&path),
        other => other.into(),
    })?;
    Ok(match args.profile.as_deref() {
        Some(name) => config.with_profile(name)?,
        None => config,
    })
}

fn missing_config(path: &Path) -> anyhow::Error {
    let default = paths::default_config_file()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "~/.config/picbucket/config.toml".into());
    anyhow::anyhow!(
        "{} — check the path, or omit --config (and unset PICBUCKET_CONFIG) to use the default {default}",
        ConfigError::Missing { path: path.to_owned() }
    )
}

/// Runs a subcommand; returns the process exit code.
pub fn run(args: &Args, command: &CliCommand) -> anyhow::Result<i32> {
    // Commands that start from the library load the config only when they need
    // it: a broken config must not hide the history.
    let config = || load_config(args);
    match command {
        CliCommand::Upload(upload_args) => upload::run(config()?, upload_args),
        CliCommand::TestConnection => test_connection::run(&config()?),
        CliCommand::ServeLocal(serve_args) => serve_local::run(&config()?, serve_args),
        CliCommand::History(history_args) => history::run(history_args),
        CliCommand::Link(link_args) => link::run(link_args, config),
        CliCommand::Delete(delete_args) => delete::run(delete_args, config),
        CliCommand::Resume(resume_args) => resume::run(resume_args, config),
        CliCommand::InstallDesktop(desktop_args) => install_desktop::run(desktop_args),
    }
}

/// A small runtime for commands that do not need the worker.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_without_a_command_open_the_window_and_commands_still_parse() {
        let args = Args::try_parse_from(["picbucket", "a.jpg", "dir/b c.png"]).unwrap();
        assert!(args.command.is_none());
        assert_eq!(args.files, [PathBuf::from("a.jpg"), PathBuf::from("dir/b c.png")]);
        let args = Args::try_parse_from(["picbucket", "--config", "c.toml", "upload", "x.png"]).unwrap();
        assert!(matches!(args.command, Some(CliCommand::Upload(_))) && args.files.is_empty());
        let args = Args::try_parse_from(["picbucket", "install-desktop", "--uninstall"]).unwrap();
        assert!(matches!(args.command, Some(CliCommand::InstallDesktop(ref a)) if a.uninstall));
        assert!(Args::try_parse_from(["picbucket"]).unwrap().files.is_empty());
    }
}
