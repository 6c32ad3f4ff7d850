//! Entry point: parse the command line, set up logging, run the window or a command.

use clap::Parser;
use picbucket::cli::{self, Args};
use tracing_subscriber::EnvFilter;

fn main() {
    let args = Args::parse();
    init_logging(args.verbose);
    let result = match &args.command {
        Some(command) => cli::run(&args, command),
        None => cli::config_path(&args).and_then(picbucket::ui::run),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(error) => {
            eprintln!("picbucket: {error:#}");
            std::process::exit(2);
        }
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "picbucket=info,warn",
        _ => "picbucket=debug,info",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
