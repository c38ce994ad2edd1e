//! A vector filled in parallel: one slot per index, written once by whichever
//! worker claims that index, then handed over as a `Vec` in index order.
//!
//! Why not `Vec<OnceLock<T>>`: building one writes every slot up front on the
//! calling thread, so for a manifest of 100,000 entries the first touch of
//! some 20 MB (page faults, zeroing) happened there, in sequence, before any
//! file was opened, and collecting the values afterwards copied them all
//! again. Here the memory is allocated untouched, the workers fault it in as
//! they write (in parallel), and the final `Vec` is the same allocation.

use std::collections::TryReserveError;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicBool, Ordering};

/// `len` slots of `T`, each written at most once, from any thread.
pub(crate) struct Ordered<T> {
    /// The buffer of a `Vec<T>` of length 0 and capacity `capacity`, taken
    /// apart. `written[i]` says slot `i` is claimed: once no `set` is running
    /// (the only time `into_vec`, `into_written` and `drop` can look, since they take the
    /// `Ordered` by value or `&mut`), a claimed slot holds a value. A reader
    /// through `&self`, if one is ever added, could not rely on the flag.
    values: *mut T,
    capacity: usize,
    written: Box<[AtomicBool]>,
}

// SAFETY: a `Ordered<T>` owns its values like a `Vec<T>` does, so it may move
// to another thread when `T` may.
unsafe impl<T: Send> Send for Ordered<T> {}
// SAFETY: the only access through `&Ordered<T>` is `set`, which moves a `T` in
// from the calling thread into a slot no other call can touch (the `swap` on
// `written` hands each slot to one caller), so sharing needs `T: Send` only.
unsafe impl<T: Send> Sync for Ordered<T> {}

impl<T> Ordered<T> {
    /// `len` empty slots. The memory is allocated, not touched; an
    /// allocation the system refuses is an error, not an abort (`len`
    /// comes from the input: a manifest's line count).
    pub fn new(len: usize) -> Result<Ordered<T>, TryReserveError> {
        let mut values = Vec::new();
        values.try_reserve_exact(len)?;
        let mut written = Vec::new();
        written.try_reserve_exact(len)?;
        written.extend((0..len).map(|_| AtomicBool::new(false)));
        let mut values = ManuallyDrop::new(values);
        Ok(Ordered {
            values: values.as_mut_ptr(),
            capacity: values.capacity(),
            written: written.into_boxed_slice(),
        })
    }

    /// Writes `value` into slot `index`. Returns false, dropping `value`, if
    /// the slot was already written or does not exist.
    pub fn set(&self, index: usize, value: T) -> bool {
        let Some(written) = self.written.get(index) else {
            return false;
        };
        if written.swap(true, Ordering::AcqRel) {
            return false;
        }
        // SAFETY: `index` is in bounds (`written` has one flag per slot), and
        // the swap above returned false to this call alone, so nothing else
        // writes or reads this slot until `into_vec`, `into_written` or `drop`, which take
        // the `Ordered` by value or by `&mut` (after every `set` has returned).
        unsafe { self.values.add(index).write(value) };
        true
    }

    /// The values in index order, or `None` if a slot was never written (the
    /// values that were are dropped).
    pub fn into_vec(self) -> Option<Vec<T>> {
        if !self.written.iter().all(|w| w.load(Ordering::Acquire)) {
            return None;
        }
        let len = self.written.len();
        let this = ManuallyDrop::new(self);
        // SAFETY: moved out once, from a value that is never used again.
        drop(unsafe { std::ptr::read(&this.written) });
        // SAFETY: the parts of the `Vec` taken apart in `new`, reassembled
        // once (`this` is never dropped); every flag is set, so the first
        // `len` slots hold values.
        Some(unsafe { Vec::from_raw_parts(this.values, len, this.capacity) })
    }
}

impl<T> Ordered<T> {
    /// The written values in index order, the slots never written left out.
    pub fn into_written(self) -> Vec<T> {
        let this = ManuallyDrop::new(self);
        let mut len = 0;
        for (index, written) in this.written.iter().enumerate() {
            if written.load(Ordering::Acquire) {
                if index != len {
                    // SAFETY: slot `index` holds a value (its flag is set)
                    // and slot `len < index` does not any more (it was
                    // empty, or its value was moved lower): the value moves
                    // down, once, and slot `index` is left as moved-from.
                    unsafe {
                        std::ptr::copy_nonoverlapping(
                            this.values.add(index),
                            this.values.add(len),
                            1,
                        )
                    };
                }
                len += 1;
            }
        }
        // SAFETY: moved out once, from a value that is never used again.
        drop(unsafe { std::ptr::read(&this.written) });
        // SAFETY: the parts of the `Vec` taken apart in `new`, reassembled
        // once (`this` is never dropped); the first `len` slots hold the
        // written values, the rest nothing that needs dropping.
        unsafe { Vec::from_raw_parts(this.values, len, this.capacity) }
    }
}

impl<T> Drop for Ordered<T> {
    fn drop(&mut self) {
        for (index, written) in self.written.iter().enumerate() {
            if written.load(Ordering::Acquire) {
                // SAFETY: the flag says this slot holds a value; dropped once, here.
                unsafe { self.values.add(index).drop_in_place() };
            }
        }
        // SAFETY: the parts of the `Vec` taken apart in `new`, reassembled
        // once; length 0, since the values were dropped above.
        drop(unsafe { Vec::from_raw_parts(self.values, 0, self.capacity) });
    }
}

#[cfg(test)]
mod tests {
    /// Ordered slots sized by the input are reserved fallibly: too many is an
    /// error, not an abort.
    #[test]
    fn too_many_slots_are_an_error() {
        assert!(Ordered::<[u8; 64]>::new(usize::MAX / 128).is_err());
        assert!(Ordered::<u64>::new(3).is_ok());
    }

    use super::*;
    use std::sync::Arc;

    #[test]
    fn filled_from_several_threads_in_any_order() {
        let slots = Ordered::new(1000).unwrap();
        std::thread::scope(|scope| {
            for start in 0..4 {
                let slots = &slots;
                scope.spawn(move || {
                    for i in (start..1000).step_by(4).rev() {
                        assert!(slots.set(i, i.to_string()));
                    }
                });
            }
        });
        let values = slots.into_vec().unwrap();
        assert!(values.iter().enumerate().all(|(i, v)| *v == i.to_string()));
    }

    #[test]
    fn a_slot_is_written_once_and_out_of_range_is_refused() {
        let slots = Ordered::new(2).unwrap();
        assert!(slots.set(1, "b".to_string()));
        assert!(!slots.set(1, "again".to_string()));
        assert!(!slots.set(2, "out".to_string()));
        assert!(slots.set(0, "a".to_string()));
        assert_eq!(slots.into_vec().unwrap(), ["a", "b"]);
    }

    /// Values written before a run stopped early are dropped, not leaked.
    #[test]
    fn incomplete_slots_drop_what_they_hold() {
        let value = Arc::new(());
        let slots = Ordered::new(3).unwrap();
        slots.set(0, Arc::clone(&value));
        slots.set(2, Arc::clone(&value));
        assert_eq!(Arc::strong_count(&value), 3);
        assert!(slots.into_vec().is_none());
        assert_eq!(Arc::strong_count(&value), 1);

        let slots = Ordered::new(2).unwrap();
        slots.set(1, Arc::clone(&value));
        drop(slots);
        assert_eq!(Arc::strong_count(&value), 1);
    }

    #[test]
    fn written_values_close_up_over_empty_slots() {
        let value = Arc::new(());
        let slots = Ordered::new(6).unwrap();
        for index in [1, 2, 4] {
            slots.set(index, (index, Arc::clone(&value)));
        }
        let written = slots.into_written();
        assert_eq!(
            written.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            [1, 2, 4]
        );
        assert_eq!(Arc::strong_count(&value), 4);
        drop(written);
        assert_eq!(Arc::strong_count(&value), 1);
        assert!(Ordered::<u8>::new(3).unwrap().into_written().is_empty());
    }

    #[test]
    fn empty() {
        assert_eq!(
            Ordered::<u8>::new(0).unwrap().into_vec().unwrap(),
            Vec::<u8>::new()
        );
    }
}
