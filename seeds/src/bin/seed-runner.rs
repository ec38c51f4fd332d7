//! `seed-runner` for Festival Scout.

use std::process::ExitCode;

fn main() -> ExitCode {
    seedbed::cli::main(festival_seeds::MIGRATIONS)
}
