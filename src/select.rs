//! Heap sort and top-k selection: small in code (the page's first module sorts with these alone, instead of carrying
//! the standard library's sorts), O(n log n) to sort and O(n + k log n) to find the k largest, with no allocation.

/// Moves the k largest items of `items` (under `less`) to its end, in ascending order, so `items[len - k..]` holds
/// them with the largest last; the rest stay in front, in no particular order. `k` is capped at the length.
pub fn largest_last<T>(items: &mut [T], k: usize, less: impl Fn(&T, &T) -> bool) {
    let n = items.len();
    if n < 2 {
        return;
    }
    for root in (0..n / 2).rev() {
        sift_down(items, root, n, &less);
    }
    // each pass swaps the largest left in the heap to the end of the heap, then restores the heap in front of it
    for end in ((n - k.min(n)).max(1)..n).rev() {
        items.swap(0, end);
        sift_down(items, 0, end, &less);
    }
}

/// Sorts `items` ascending under `less` (not stable: give `less` a tie-break when order among equals matters).
pub fn sort_by<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = items.len();
    largest_last(items, n, less);
}

/// Lets `items[root]` sink until no child in `..end` is larger: the max-heap property of the subtree.
fn sift_down<T>(items: &mut [T], mut root: usize, end: usize, less: &impl Fn(&T, &T) -> bool) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && less(&items[child], &items[child + 1]) {
            child += 1;
        }
        if !less(&items[root], &items[child]) {
            return;
        }
        items.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic stream of numbers with many repeats.
    fn numbers(n: usize, seed: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (x >> 33) % 50
            })
            .collect()
    }

    #[test]
    fn sorts_like_the_standard_sort() {
        for n in [0, 1, 2, 3, 7, 64, 1000] {
            let mut ours = numbers(n, n as u64);
            let mut theirs = ours.clone();
            sort_by(&mut ours, |a, b| a < b);
            theirs.sort_unstable();
            assert_eq!(ours, theirs, "n = {n}");
        }
    }

    #[test]
    fn puts_the_k_largest_last_in_order() {
        for (n, k) in [(10, 0), (10, 1), (10, 3), (10, 10), (10, 99), (500, 37), (1, 1)] {
            let mut items: Vec<(u64, usize)> = numbers(n, 7).into_iter().zip(0..).collect();
            let mut sorted = items.clone();
            sorted.sort_unstable();
            largest_last(&mut items, k, |a, b| a < b);
            let k = k.min(n);
            assert_eq!(items[n - k..], sorted[n - k..], "n = {n}, k = {k}");
            let mut front = items[..n - k].to_vec();
            front.sort_unstable();
            assert_eq!(front, sorted[..n - k], "the rest is kept, n = {n}, k = {k}");
        }
    }
}
