//! `guildhall`: the same core and the same data folder as the app, without a window, for
//! scripts and for organizers without a display. Results go to standard output, errors to
//! standard error with a non-zero exit code (1: the command failed, 2: the command line was
//! wrong).

mod args;
mod mail;
mod replies;
mod run;
mod secrets;
mod show;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match run::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("guildhall: {}", show::printable(&error.to_string()));
            ExitCode::FAILURE
        }
    }
}
