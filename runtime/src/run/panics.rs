//! Seed code that panics (an `unwrap` on bad data, an unknown time zone given at run time) is
//! the user's code failing, not seedbed: the run stops with an error naming the unit and where
//! the panic happened, the unit's transaction rolled back, instead of a crash.

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, PanicHookInfo};

use futures_util::FutureExt;

use crate::Error;
use crate::error::ApplyError;

thread_local! {
    /// Where the last panic of this thread happened, as the hook saw it.
    static PLACE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs seed code of `unit`; a panic in it becomes [`ApplyError::SeedPanicked`](crate::error::ApplyError::SeedPanicked).
pub(crate) fn guard<R>(unit: &str, f: impl FnOnce() -> R) -> Result<R, Error> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| error(unit, &*payload))
}

/// [`guard`] for the whole of a unit's work, the rows it streams included.
pub(crate) async fn guard_async<R>(
    unit: &str,
    work: impl Future<Output = Result<R, Error>>,
) -> Result<R, Error> {
    AssertUnwindSafe(work)
        .catch_unwind()
        .await
        .unwrap_or_else(|payload| Err(error(unit, &*payload)))
}

fn error(unit: &str, payload: &(dyn Any + Send)) -> Error {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned());
    Error::Apply(ApplyError::SeedPanicked {
        unit: unit.to_owned(),
        place: PLACE.with(|p| p.borrow_mut().take()).unwrap_or_default(),
        message,
    })
}

/// The panic hook of `seed-runner`: a panic inside seed code is reported as the run's error
/// (with the place noted here), so it prints nothing; any other panic is a bug of seedbed and
/// is printed as Rust prints it.
pub(crate) fn install_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
        if crate::plan::context::current_unit().is_some() {
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()));
            PLACE.with(|p| *p.borrow_mut() = place);
        } else {
            default(info);
        }
    }));
}
