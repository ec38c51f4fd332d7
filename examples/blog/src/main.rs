//! `blog-seed-runner`: seed-runner for the blog example.

use std::process::ExitCode;

fn main() -> ExitCode {
    seedbed::cli::main(blog_seeds::MIGRATIONS)
}
