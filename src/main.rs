//! `sayscape <verb>`: the command line over the pipeline. Each verb lives in `cli/`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    cli::init_logging();
    let args = cli::Cli::parse_from(cli::with_default_verb(std::env::args_os()));
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
