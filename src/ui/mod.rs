//! The window (eframe). Built in the next step; until then `picbucket` with no
//! command explains how to use the command line.

use std::path::PathBuf;

pub fn run(_config_path: PathBuf) -> anyhow::Result<i32> {
    eprintln!("picbucket: the window is not built yet; use `picbucket upload FILE…` (see `picbucket --help`)");
    Ok(2)
}
