//! Running a task over many texts: a fixed number of worker threads (the endpoint's
//! concurrency limit; the number of cores for the offline backend) take items in order,
//! results come back in input order whatever the finishing order, so outputs are
//! deterministic. A failed item is kept as its error; the others carry on.

use crate::error::Result;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `f` applied to every item on `workers` threads; `tick` is called once per finished
/// item (for a progress bar).
pub fn run_items<I: Sync, T: Send>(
    items: &[I],
    workers: usize,
    f: impl Fn(&I) -> Result<T> + Sync,
    tick: impl Fn() + Sync,
) -> Vec<Result<T>> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<T>>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, items.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let r = f(item);
                if let Ok(mut slot) = slots[i].lock() {
                    *slot = Some(r);
                }
                tick();
            });
        }
    });
    slots
        .into_iter()
        .map(|m| {
            m.into_inner().ok().flatten().unwrap_or_else(|| {
                Err(crate::error::TextError::Model(
                    "a worker thread stopped".into(),
                ))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TextError;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn results_keep_input_order_errors_stay_in_place_and_concurrency_is_bounded() {
        let items: Vec<u64> = (0..40).collect();
        let live = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let ticks = AtomicUsize::new(0);
        let out = run_items(
            &items,
            3,
            |&x| {
                let n = live.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(n, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis((40 - x) % 7));
                live.fetch_sub(1, Ordering::SeqCst);
                if x == 13 {
                    Err(TextError::Model("13".into()))
                } else {
                    Ok(x * 2)
                }
            },
            || {
                ticks.fetch_add(1, Ordering::SeqCst);
            },
        );
        assert_eq!(ticks.load(Ordering::SeqCst), 40);
        assert!(peak.load(Ordering::SeqCst) <= 3);
        for (i, r) in out.iter().enumerate() {
            match r {
                Ok(v) => assert_eq!(*v, 2 * i as u64),
                Err(e) => assert_eq!((i, e.to_string()), (13, "13".to_string())),
            }
        }
        assert!(run_items(&Vec::<u64>::new(), 4, |&x| Ok(x), || {}).is_empty());
    }
}
