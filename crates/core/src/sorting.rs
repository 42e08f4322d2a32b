//! One stable sort for the lists the analysis orders (runs, files, warnings, loads, sweeps): the
//! comparison reaches the sorting code as a trait object, so that code is compiled once rather than once
//! per list and comparison, which keeps the page's WebAssembly small. Sorts of many numbers (statistics)
//! keep their own specialised code.

use std::cmp::Ordering;

/// Sorts `items` by `cmp`, keeping equal items in their order.
pub fn sort_by<T>(items: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let order = order(items.len(), &|a, b| cmp(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `items` by their order, then drops each item equal to the one before.
pub fn sort_dedup<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
    items.dedup();
}

/// The positions of `len` items in sorted order.
fn order(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn equals_the_standard_stable_sort(items in prop::collection::vec((0u8..5, 0u16..1000), 0..200)) {
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut standard = items;
            standard.sort_by_key(|a| a.0);
            prop_assert_eq!(ours, standard);
        }
    }

    #[test]
    fn dedups() {
        let mut v = vec![3, 1, 3, 2, 1];
        sort_dedup(&mut v);
        assert_eq!(v, [1, 2, 3]);
    }
}
