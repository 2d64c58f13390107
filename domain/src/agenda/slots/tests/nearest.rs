//! Tests for the nearest free slots offered when a confirmation finds its slot taken or gone.

use proptest::prelude::*;
use time::macros::datetime;

use super::*;

fn free(start: OffsetDateTime, remaining: u16) -> FreeSlot {
    FreeSlot {
        slot: Slot {
            start,
            end: start + Duration::minutes(30),
            date: start.date(),
            seats: 2,
        },
        remaining,
    }
}

#[test]
fn the_nearest_free_slots_come_closest_first() {
    let now = datetime!(2026-05-11 07:00 UTC);
    let requested = datetime!(2026-05-12 09:00 UTC);
    let candidates = [
        free(datetime!(2026-05-12 07:00 UTC), 1),
        free(datetime!(2026-05-12 08:30 UTC), 0), // full
        free(datetime!(2026-05-12 09:00 UTC), 0), // the one asked for, taken
        free(datetime!(2026-05-12 10:00 UTC), 2),
        free(datetime!(2026-05-12 08:00 UTC), 1),
        free(datetime!(2026-05-13 09:00 UTC), 1),
        free(datetime!(2026-05-11 06:30 UTC), 1), // already past
    ];
    let nearest = nearest_free(requested, &candidates, now, NEAREST_SLOTS);
    let starts: Vec<_> = nearest.iter().map(|f| f.slot.start).collect();
    assert_eq!(
        starts,
        [
            // One hour before and after: the earlier first.
            datetime!(2026-05-12 08:00 UTC),
            datetime!(2026-05-12 10:00 UTC),
            datetime!(2026-05-12 07:00 UTC),
        ]
    );
    assert_eq!(nearest_free(requested, &candidates, now, 10).len(), 4);
    assert_eq!(nearest_free(requested, &[], now, 3), vec![]);
    assert_eq!(nearest_free(requested, &candidates, now, 0), vec![]);
}

proptest! {
    #[test]
    fn the_nearest_free_slots_are_free_future_and_closest(
        offsets in prop::collection::vec((-500i64..500, 0u16..3), 0..30),
        requested in -500i64..500,
        now in -500i64..500,
        count in 0usize..6,
    ) {
        let base = datetime!(2026-05-11 08:00 UTC);
        let at = |m: i64| base + Duration::minutes(m);
        let candidates: Vec<FreeSlot> = offsets.iter().map(|&(m, r)| free(at(m), r)).collect();
        let nearest = nearest_free(at(requested), &candidates, at(now), count);
        prop_assert!(nearest.len() <= count);
        let eligible: Vec<&FreeSlot> = candidates
            .iter()
            .filter(|c| c.remaining > 0 && c.slot.start > at(now))
            .collect();
        prop_assert_eq!(nearest.len(), eligible.len().min(count));
        let distance = |f: &FreeSlot| (f.slot.start - at(requested)).abs();
        for pair in nearest.windows(2) {
            prop_assert!(distance(&pair[0]) <= distance(&pair[1]));
        }
        if let Some(farthest) = nearest.last() {
            for left_out in eligible.iter().filter(|c| !nearest.contains(c)) {
                prop_assert!(distance(left_out) >= distance(farthest));
            }
        }
    }
}
