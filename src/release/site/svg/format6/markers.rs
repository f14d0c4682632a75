//! Markers of the map: one per place, merged with the neighbours it would overlap at the drawn
//! scale, so that no marker covers another and there are at most [`MAX_MARKERS`] of them
//! (tab stops) whatever the number of rows.

/// The most markers a map draws: past it, places are first gathered on a grid that doubles
/// until they fit.
pub(super) const MAX_MARKERS: usize = 150;
/// The largest radius (the marker holding the most events), in viewBox units.
const R_MAX: f64 = 36.0;
/// The smallest radius: 12 units across, 9 px on a 360 px phone.
const R_MIN: f64 = 6.0;
/// Room left between two markers.
const GAP: f64 = 1.0;

/// One place of the map, or places merged: where it is drawn and what it counts.
#[derive(Debug, Clone)]
pub(super) struct Spot {
    pub x: f64,
    pub y: f64,
    /// Events drawn here.
    pub n: u64,
    /// The sum of the size column over them.
    pub size: u64,
    /// Those of them whose place is only known to its region.
    pub hollow: u64,
    /// The places (id, name) in order of first appearance, without repeats.
    pub places: Vec<(String, Option<String>)>,
}

impl Spot {
    fn absorb(&mut self, other: Spot) {
        let total = (self.n + other.n).max(1) as f64;
        self.x = (self.x * self.n as f64 + other.x * other.n as f64) / total;
        self.y = (self.y * self.n as f64 + other.y * other.n as f64) / total;
        self.n += other.n;
        self.size += other.size;
        self.hollow += other.hollow;
        for p in other.places {
            if !self.places.iter().any(|q| q.0 == p.0) {
                self.places.push(p);
            }
        }
    }
}

/// The radius of a marker of `n` events when the largest holds `max`: its area in proportion
/// to `n`, never smaller than what holds its count (written for `n` ≥ 2) or [`R_MIN`].
pub(super) fn radius(n: u64, max: u64) -> f64 {
    let scale = R_MAX / (max.max(1) as f64).sqrt();
    let label = if n >= 2 {
        3.5 + 4.3 * n.to_string().len() as f64
    } else {
        R_MIN
    };
    (scale * (n as f64).sqrt()).max(label).max(R_MIN)
}

/// The spots merged until none overlaps another and there are at most [`MAX_MARKERS`].
pub(super) fn merge(spots: Vec<Spot>) -> Vec<Spot> {
    let mut spots = on_grid(spots);
    while let Some((i, j)) = most_overlapping(&spots) {
        let other = spots.remove(j);
        spots[i].absorb(other);
    }
    spots
}

/// Past [`MAX_MARKERS`], spots gathered by grid cell (the first of a cell absorbs the others),
/// with a cell twice as large until they fit.
fn on_grid(mut spots: Vec<Spot>) -> Vec<Spot> {
    let mut cell = 2.0 * R_MIN;
    while spots.len() > MAX_MARKERS {
        let mut cells: Vec<((i64, i64), Spot)> = Vec::new();
        let mut at = std::collections::HashMap::new();
        for s in spots {
            let key = ((s.x / cell).floor() as i64, (s.y / cell).floor() as i64);
            match at.get(&key) {
                Some(&i) => {
                    let c: &mut ((i64, i64), Spot) = &mut cells[i];
                    c.1.absorb(s);
                }
                None => {
                    at.insert(key, cells.len());
                    cells.push((key, s));
                }
            }
        }
        spots = cells.into_iter().map(|c| c.1).collect();
        cell *= 2.0;
    }
    spots
}

/// The pair of spots that overlap the most (earliest first among equals), if any.
fn most_overlapping(spots: &[Spot]) -> Option<(usize, usize)> {
    let max = spots.iter().map(|s| s.n).max().unwrap_or(1);
    let r: Vec<f64> = spots.iter().map(|s| radius(s.n, max)).collect();
    let mut best: Option<(f64, usize, usize)> = None;
    for i in 0..spots.len() {
        for j in i + 1..spots.len() {
            let d = (spots[i].x - spots[j].x).hypot(spots[i].y - spots[j].y);
            let overlap = r[i] + r[j] + GAP - d;
            if overlap > 0.0 && best.is_none_or(|b| overlap > b.0) {
                best = Some((overlap, i, j));
            }
        }
    }
    best.map(|(_, i, j)| (i, j))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spot(x: f64, y: f64, n: u64, id: &str) -> Spot {
        Spot {
            x,
            y,
            n,
            size: 0,
            hollow: 0,
            places: vec![(id.into(), None)],
        }
    }

    #[test]
    fn close_places_merge_and_far_ones_do_not() {
        let out = merge(vec![
            spot(100.0, 100.0, 3, "a"),
            spot(104.0, 100.0, 1, "b"),
            spot(300.0, 100.0, 1, "c"),
        ]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].n, 4);
        assert_eq!(out[0].places.len(), 2);
        assert!((out[0].x - 101.0).abs() < 1e-9, "weighted by events");
    }

    #[test]
    fn thousands_of_places_make_at_most_the_cap_and_none_overlaps() {
        let spots: Vec<Spot> = (0..5000)
            .map(|i| {
                spot(
                    (i % 97) as f64 * 4.9,
                    (i / 97) as f64 * 6.7,
                    1 + i % 3,
                    &i.to_string(),
                )
            })
            .collect();
        let out = merge(spots);
        assert!(out.len() <= MAX_MARKERS, "{}", out.len());
        assert_eq!(
            out.iter().map(|s| s.n).sum::<u64>(),
            (0..5000u64).map(|i| 1 + i % 3).sum::<u64>()
        );
        assert!(most_overlapping(&out).is_none());
    }

    #[test]
    fn a_count_fits_its_circle() {
        assert!(radius(1, 1000) >= R_MIN);
        assert!(radius(12, 10_000) >= 3.5 + 8.6);
        assert_eq!(radius(1000, 1000), R_MAX);
    }
}
