//! `shop-seed-runner`: seed-runner for the shop example.

use std::process::ExitCode;

fn main() -> ExitCode {
    seedbed::cli::main(shop_seeds::MIGRATIONS)
}
