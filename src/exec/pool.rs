//! Helper threads for a verification, kept parked for a moment between calls.
//!
//! Why not a fresh scoped thread per call: on this project's machine (2
//! vCPUs, 2026-11-24) starting a thread blocked the caller for 55 µs and
//! the thread ran 35-45 µs after that, and its end (stack release) sent
//! interrupts to the other core; a parked thread wakes in about 6 µs and
//! costs the waker 10 µs. For the article's sample (ten files, 0.5 ms) that
//! was a tenth of the call. So a helper that finishes its share parks for
//! [`LINGER`] waiting for the next call, and then exits: a burst of calls
//! starts its threads once, and nothing is left running a second later.
//!
//! A helper belongs to the process that started it. After a `fork` the
//! child has none of its parent's threads, so a caller never hands work to
//! a helper started by another process id: it starts its own instead.
//!
//! The work is borrowed from the caller's stack, as with scoped threads:
//! [`run`] returns, or unwinds, only once every helper has finished it.

use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// How long an idle helper waits for the next call before it exits.
pub(crate) const LINGER: Duration = Duration::from_secs(1);

/// How long the caller, its own share done, spins for the helpers before
/// it sleeps: waking a sleeping caller took 30-100 µs on this project's
/// virtual machine, and the helpers' last files usually end within this;
/// when they do not, the spin costs no more than the sleep it postpones.
const TAIL_SPIN: Duration = Duration::from_micros(200);

/// How long a helper that finished its share spins for the next call
/// before it parks: a parked helper started 45 µs after it was woken on
/// this project's virtual machine, a tenth of a small call, while calls in
/// a loop come within a few dozen µs of each other.
const IDLE_SPIN: Duration = Duration::from_micros(250);

/// At most this many helpers wait between calls; more exit when done.
const MAX_IDLE: usize = 64;

/// Helpers waiting for work. A slot holds a helper's `Arc` as a raw pointer;
/// taking it (a swap with null) makes it the taker's alone.
static IDLE: [AtomicPtr<Helper>; MAX_IDLE] = [const { AtomicPtr::new(ptr::null_mut()) }; MAX_IDLE];

/// A parked helper thread, seen from the callers.
struct Helper {
    /// The process that started it: only that process may hand it work.
    pid: u32,
    thread: Thread,
    /// The job handed to it, or null.
    job: AtomicPtr<Job>,
}

/// One helper's part of a call.
struct Job {
    /// The caller's work. Its lifetime is erased; [`run`] keeps it alive
    /// until `call.remaining` reaches zero, and a helper does not touch it
    /// after decrementing that.
    work: *const (dyn Fn() + Sync),
    call: Arc<Call>,
}

// SAFETY: `work` points to a `Sync` closure, shared by the caller and the
// helpers for the call's duration only (see `Job::work`).
unsafe impl Send for Job {}

/// What the caller and its helpers share for one call.
struct Call {
    /// Helpers that have not finished yet.
    remaining: AtomicUsize,
    /// The first panic of a helper, resumed on the caller.
    panic: Mutex<Option<Box<dyn Any + Send>>>,
    caller: Thread,
}

/// Runs `work` on up to `helpers` helper threads, and `on_caller` on the
/// calling thread meanwhile; returns `on_caller`'s result once every helper
/// has finished. `on_caller` gets a [`Pending`] to wait on the helpers, for
/// a caller with something else to do (such as reporting progress). Fewer
/// helpers run if threads cannot be started: `work` must finish the job on
/// any number of threads. A panic, of a helper or of `on_caller`, is resumed
/// here once every helper has finished.
pub(crate) fn run<R>(
    helpers: usize,
    work: &(dyn Fn() + Sync),
    on_caller: impl FnOnce(&Pending) -> R,
) -> R {
    let call = Arc::new(Call {
        remaining: AtomicUsize::new(helpers),
        panic: Mutex::new(None),
        caller: thread::current(),
    });
    // Declared before anything can unwind: its drop waits for the helpers,
    // so `work` outlives them even when `on_caller` panics.
    let pending = Pending { call: &call };
    for _ in 0..helpers {
        // SAFETY: `pending` waits for this job before `work` goes out of scope.
        let job = unsafe { Job::new(work, &call) };
        if !hand_out(job) {
            // No thread for it (the job was dropped unrun): it counts as
            // finished, and the others (the caller at least) do its share.
            call.finished();
        }
    }
    let result = on_caller(&pending);
    pending.wait();
    drop(pending);
    if let Some(payload) = call.panic.lock().unwrap_or_else(|e| e.into_inner()).take() {
        resume_unwind(payload);
    }
    result
}

/// The helpers of a call in progress, as its caller sees them.
pub(crate) struct Pending<'a> {
    call: &'a Call,
}

impl Pending<'_> {
    /// Whether every helper has finished, after waiting up to `timeout`.
    pub(crate) fn wait_timeout(&self, timeout: Duration) -> bool {
        let start = Instant::now();
        while !self.is_done() {
            let left = timeout.saturating_sub(start.elapsed());
            if left.is_zero() {
                return false;
            }
            thread::park_timeout(left);
        }
        true
    }

    /// Waits until every helper has finished: a short spin, then parked.
    fn wait(&self) {
        let start = Instant::now();
        while !self.is_done() && start.elapsed() < TAIL_SPIN {
            std::hint::spin_loop();
        }
        while !self.is_done() {
            thread::park();
        }
    }

    fn is_done(&self) -> bool {
        self.call.remaining.load(Ordering::Acquire) == 0
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        // Only reached before `run`'s own wait when `on_caller` unwinds.
        self.wait();
    }
}

impl Call {
    fn finished(&self) {
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.caller.unpark();
        }
    }
}

impl Job {
    /// # Safety
    /// The caller must keep `work` alive until `call.remaining` is zero.
    unsafe fn new(work: &(dyn Fn() + Sync), call: &Arc<Call>) -> Box<Job> {
        let work: *const (dyn Fn() + Sync + '_) = work;
        // SAFETY: only the lifetime changes (same fat pointer layout); the
        // caller promises the pointee outlives every use (see `Job::work`).
        let work: *const (dyn Fn() + Sync + 'static) = unsafe { std::mem::transmute(work) };
        Box::new(Job {
            work,
            call: Arc::clone(call),
        })
    }

    /// Runs the work, then reports to the caller; after this the job holds
    /// no reference to the caller's stack.
    fn run(self) {
        // SAFETY: the caller keeps the work alive until `finished` below.
        let outcome = catch_unwind(AssertUnwindSafe(|| unsafe { (*self.work)() }));
        if let Err(payload) = outcome {
            let mut first = self.call.panic.lock().unwrap_or_else(|e| e.into_inner());
            first.get_or_insert(payload);
        }
        self.call.finished();
    }
}

/// Gives `job` to an idle helper of this process, or to a new one; `false`
/// (the job dropped unrun) if no thread could be started.
fn hand_out(job: Box<Job>) -> bool {
    #[cfg(test)]
    if REFUSE_THREADS.with(std::cell::Cell::get) {
        return false;
    }
    match take_idle() {
        Some(helper) => {
            helper.job.store(Box::into_raw(job), Ordering::Release);
            helper.thread.unpark();
            true
        }
        None => start_helper(Some(job)),
    }
}

/// An idle helper started by this process, taken out of [`IDLE`].
fn take_idle() -> Option<Arc<Helper>> {
    let pid = std::process::id();
    for slot in &IDLE {
        let raw = slot.swap(ptr::null_mut(), Ordering::AcqRel);
        if raw.is_null() {
            continue;
        }
        // SAFETY: a non-null slot holds a pointer from `Arc::into_raw`,
        // and the swap made this caller its only taker.
        let helper = unsafe { Arc::from_raw(raw) };
        if helper.pid == pid {
            return Some(helper);
        }
        // A helper of the parent process: its thread does not exist here.
        // Left allocated, as the parent's memory is (dropping it is safe,
        // but nothing here needs the space).
        std::mem::forget(helper);
    }
    None
}

/// Whether a new helper thread started, with `job` (if any) as its first;
/// if the system refused the thread, the job was dropped without running.
fn start_helper(job: Option<Box<Job>>) -> bool {
    thread::Builder::new()
        .name("checksig-helper".into())
        .spawn(move || helper_main(job.map(|job| *job)))
        .is_ok()
}

/// Starts helper threads without work, for a caller with other work to do
/// first: `helpers` (at most [`MAX_IDLE`]) minus those already waiting in
/// [`IDLE`]; threads started but not yet waiting are not counted. Returns
/// how many it started.
///
/// Why: a thread started while its parent keeps its core busy was at times
/// placed on that core and first ran 1-3 ms later, once the scheduler moved
/// it (this project's machine, 2026-11-25); a verification reading a large
/// manifest then hashed on one core for that long. Started before the
/// manifest is parsed, the helpers are usually placed by the time the files
/// are hashed; if one is not waiting yet, the call starts another.
pub(crate) fn prestart(helpers: usize) -> usize {
    #[cfg(test)]
    if REFUSE_THREADS.with(std::cell::Cell::get) {
        return 0;
    }
    let missing = helpers.min(MAX_IDLE).saturating_sub(idle_helpers());
    // If the system refuses a thread, the calls will do with fewer.
    (0..missing).take_while(|_| start_helper(None)).count()
}

fn idle_helpers() -> usize {
    IDLE.iter()
        .filter(|slot| !slot.load(Ordering::Relaxed).is_null())
        .count()
}

/// A helper thread: runs its first job, if any, then parks in [`IDLE`] for
/// the next until [`LINGER`] passes without one.
fn helper_main(first: Option<Job>) {
    record(true);
    let me = Arc::new(Helper {
        pid: std::process::id(),
        thread: thread::current(),
        job: AtomicPtr::new(ptr::null_mut()),
    });
    match first {
        Some(job) => job.run(),
        #[cfg(test)]
        None => PRESTARTED.lock().unwrap().push(thread::current().id()),
        #[cfg(not(test))]
        None => {}
    }
    while let Some(job) = next_job(&me) {
        (*job).run();
    }
    record(false);
}

/// Parks `me` in [`IDLE`] and waits for a job; `None` once it is to exit.
fn next_job(me: &Arc<Helper>) -> Option<Box<Job>> {
    let Some(slot) = park_in_idle(me) else {
        return None; // no room: more helpers than ever wait at once
    };
    let parked = Instant::now();
    while parked.elapsed() < IDLE_SPIN {
        if let Some(job) = take_job(me) {
            return Some(job);
        }
        std::hint::spin_loop();
    }
    let deadline = parked + LINGER;
    loop {
        if let Some(job) = take_job(me) {
            return Some(job);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            let mine = Arc::as_ptr(me).cast_mut();
            if slot
                .compare_exchange(mine, ptr::null_mut(), Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                // SAFETY: the slot held the reference `park_in_idle` leaked.
                drop(unsafe { Arc::from_raw(mine) });
                return None;
            }
            // A caller took it just now: its job is on the way.
            return Some(wait_for_job(me));
        }
        thread::park_timeout(left);
    }
}

/// Puts a reference to `me` in a free [`IDLE`] slot.
fn park_in_idle(me: &Arc<Helper>) -> Option<&'static AtomicPtr<Helper>> {
    let raw = Arc::into_raw(Arc::clone(me)).cast_mut();
    for slot in &IDLE {
        if slot
            .compare_exchange(ptr::null_mut(), raw, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            return Some(slot);
        }
    }
    // SAFETY: `raw` came from `Arc::into_raw` above and was stored nowhere.
    drop(unsafe { Arc::from_raw(raw) });
    None
}

fn take_job(me: &Helper) -> Option<Box<Job>> {
    let raw = me.job.swap(ptr::null_mut(), Ordering::AcqRel);
    // SAFETY: a non-null job pointer comes from `Box::into_raw` in
    // `hand_out`, and the swap made this helper its only taker.
    (!raw.is_null()).then(|| unsafe { Box::from_raw(raw) })
}

fn wait_for_job(me: &Helper) -> Box<Job> {
    loop {
        if let Some(job) = take_job(me) {
            return job;
        }
        thread::park();
    }
}

#[cfg(test)]
thread_local! {
    /// Makes this thread's calls get no helper, as when the system refuses
    /// to start threads (tests only).
    pub(crate) static REFUSE_THREADS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Helper threads started without a job, by [`prestart`] (tests only).
#[cfg(test)]
static PRESTARTED: Mutex<Vec<thread::ThreadId>> = Mutex::new(Vec::new());

/// Helper threads started and ended in this process so far (tests only).
#[cfg(test)]
static HISTORY: Mutex<(Vec<thread::ThreadId>, Vec<thread::ThreadId>)> =
    Mutex::new((Vec::new(), Vec::new()));

#[cfg(test)]
fn history() -> (Vec<thread::ThreadId>, Vec<thread::ThreadId>) {
    HISTORY.lock().unwrap().clone()
}

fn record(started: bool) {
    #[cfg(test)]
    {
        let mut history = HISTORY.lock().unwrap();
        let list = if started {
            &mut history.0
        } else {
            &mut history.1
        };
        list.push(thread::current().id());
    }
    let _ = started;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::atomic::AtomicBool;

    /// Runs on `helpers` helpers plus the caller, recording each thread.
    fn threads_of_one_call(helpers: usize) -> Vec<thread::ThreadId> {
        let seen = Mutex::new(Vec::new());
        let work = || {
            // Long enough that one helper cannot take two shares' places.
            thread::sleep(Duration::from_millis(20));
            seen.lock().unwrap().push(thread::current().id());
        };
        run(helpers, &work, |_| work());
        seen.into_inner().unwrap()
    }

    #[test]
    fn work_runs_once_on_each_helper_and_on_the_caller() {
        let ids = threads_of_one_call(3);
        assert_eq!(ids.len(), 4);
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 4);
        assert!(ids.contains(&thread::current().id()));
    }

    fn helper_of(ids: &[thread::ThreadId]) -> thread::ThreadId {
        *ids.iter()
            .find(|&&id| id != thread::current().id())
            .unwrap()
    }

    /// Other tests use helpers at the same time and may take the one parked
    /// by the first call, so a few attempts are allowed; a pool that never
    /// reuses a helper fails them all.
    #[test]
    fn a_second_call_reuses_a_parked_helper() {
        for _ in 0..5 {
            threads_of_one_call(1);
            let existing = history().0;
            let helper = helper_of(&threads_of_one_call(1));
            if existing.contains(&helper) {
                return;
            }
        }
        panic!("no second call reused a parked helper");
    }

    #[test]
    fn an_idle_helper_exits_after_lingering() {
        let helper = helper_of(&threads_of_one_call(1));
        // Another test may take it and so restart its linger: wait longer.
        let deadline = Instant::now() + 5 * LINGER;
        while !history().1.contains(&helper) {
            assert!(Instant::now() < deadline, "the helper still runs");
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Other tests' helpers park and leave at any time, so the count this
    /// test asks for may already be met: a few attempts are allowed.
    #[test]
    fn prestart_starts_helpers_without_a_job() {
        for _ in 0..5 {
            let before = history().0;
            if prestart(idle_helpers() + 1) == 0 {
                continue;
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while !PRESTARTED
                .lock()
                .unwrap()
                .iter()
                .any(|id| !before.contains(id))
            {
                assert!(Instant::now() < deadline, "the started helper never ran");
                thread::sleep(Duration::from_millis(1));
            }
            return;
        }
        panic!("prestart started no helper");
    }

    #[test]
    fn without_threads_the_caller_alone_runs() {
        REFUSE_THREADS.with(|refuse| refuse.set(true));
        let ids = threads_of_one_call(3);
        REFUSE_THREADS.with(|refuse| refuse.set(false));
        assert_eq!(ids, vec![thread::current().id()]);
    }

    #[test]
    fn a_helper_panic_is_resumed_on_the_caller_after_all_finished() {
        let finished = AtomicUsize::new(0);
        let work = || {
            if thread::current().name() == Some("checksig-helper") {
                panic!("helper failed");
            }
            thread::sleep(Duration::from_millis(10));
            finished.fetch_add(1, Ordering::SeqCst);
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| run(2, &work, |_| work())));
        let payload = outcome.unwrap_err();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"helper failed"));
        assert_eq!(finished.load(Ordering::SeqCst), 1, "the caller's share ran");
    }

    #[test]
    fn a_caller_panic_waits_for_the_helpers_before_unwinding() {
        let helper_done = AtomicBool::new(false);
        let work = || {
            thread::sleep(Duration::from_millis(50));
            helper_done.store(true, Ordering::SeqCst);
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            run(1, &work, |_| -> () { panic!("caller failed") })
        }));
        assert!(outcome.is_err());
        // The helper still borrowed `helper_done`: run waited for it.
        assert!(helper_done.load(Ordering::SeqCst));
    }

    #[test]
    fn wait_timeout_reports_unfinished_helpers() {
        let release = AtomicBool::new(false);
        let work = || {
            while !release.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(1));
            }
        };
        run(1, &work, |pending| {
            assert!(!pending.wait_timeout(Duration::from_millis(20)));
            release.store(true, Ordering::SeqCst);
            assert!(pending.wait_timeout(Duration::from_secs(10)));
        });
    }
}
