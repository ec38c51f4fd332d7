//! Progress of long table loads: a bar per table on a terminal, a log line every few seconds
//! otherwise. Both go to stderr; results stay on stdout.

use std::cell::Cell;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How often a non-terminal run logs its progress.
const LOG_EVERY: Duration = Duration::from_secs(5);

pub(crate) struct TableProgress {
    unit: String,
    table: String,
    started: Instant,
    last_log: Cell<Instant>,
    bar: Option<ProgressBar>,
}

impl TableProgress {
    /// `size_hint` of the rows: an exact one gives the bar a length and an ETA.
    pub(crate) fn new(unit: &str, table: &str, size_hint: (usize, Option<usize>)) -> TableProgress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let (bar, template) = match size_hint {
                (low, Some(high)) if low == high && high > 0 => (
                    ProgressBar::new(high as u64),
                    "{prefix:>28} [{bar:30}] {human_pos}/{human_len} rows {per_sec} ETA {eta}",
                ),
                _ => (
                    ProgressBar::no_length(),
                    "{prefix:>28} {spinner} {human_pos} rows {per_sec} {elapsed}",
                ),
            };
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.with_style(style.progress_chars("=> "))
                .with_prefix(format!("{unit}.{table}"))
        });
        let now = Instant::now();
        TableProgress {
            unit: unit.to_owned(),
            table: table.to_owned(),
            started: now,
            last_log: Cell::new(now),
            bar,
        }
    }

    pub(crate) fn advance(&self, rows: u64) {
        match &self.bar {
            Some(bar) => bar.set_position(rows),
            None if self.last_log.get().elapsed() >= LOG_EVERY => {
                self.last_log.set(Instant::now());
                let seconds = self.started.elapsed().as_secs_f64();
                tracing::info!(
                    "{}.{}: {rows} rows, {:.0} rows/s",
                    self.unit,
                    self.table,
                    rows as f64 / seconds.max(1e-9)
                );
            }
            None => {}
        }
    }

    /// Ends the bar; returns the milliseconds the table took.
    pub(crate) fn finish(&self, rows: u64) -> f64 {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let seconds = self.started.elapsed().as_secs_f64();
        if seconds > 1.0 {
            tracing::info!(
                "{}.{}: {rows} rows in {seconds:.1} s",
                self.unit,
                self.table
            );
        }
        seconds * 1000.0
    }
}
