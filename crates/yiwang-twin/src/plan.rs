//! The twin's plan: how many compounds, buildings, rooms, offices and shops each committee gets,
//! before any geometry is drawn. Counts scale with `--scale`; the structure above committees
//! (13 streets, 64 片区, 312 居委会) is fixed by the facts.

use rand::Rng;
use rand::seq::SliceRandom;

use crate::facts::CommitteeFact;
use crate::text;

/// Residents of Xuhui at scale 1 (2023 work report: about 1.1 million).
pub const RESIDENTS_AT_SCALE_1: f64 = 1_120_000.0;
/// Average household size.
pub const HOUSEHOLD_SIZE: f64 = 2.42;
/// Share of residential rooms standing empty.
pub const VACANCY: f64 = 0.07;

/// A kind of residential compound, which fixes its building shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompoundStyle {
    /// 1950s–80s workers' village: six-storey walk-ups.
    Xincun,
    /// High-rise estate of the 1990s on.
    HighRise,
    /// Garden houses and old lane houses (老洋房).
    Villa,
}

/// A planned building: floors × rooms per floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildingPlan {
    /// Storeys.
    pub floors: u32,
    /// Rooms per storey.
    pub rooms_per_floor: u32,
}

/// A planned residential compound.
#[derive(Debug, Clone, PartialEq)]
pub struct CompoundPlan {
    /// Proper name, e.g. 汇翠花园.
    pub name: String,
    /// Building style.
    pub style: CompoundStyle,
    /// Its buildings.
    pub buildings: Vec<BuildingPlan>,
}

/// A planned office tower.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficePlan {
    /// Name, e.g. 汇金大厦.
    pub name: String,
    /// Storeys above ground.
    pub floors: u32,
    /// Rooms per storey.
    pub rooms_per_floor: u32,
}

/// What one residents' committee contains.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitteePlan {
    /// The committee.
    pub committee: CommitteeFact,
    /// Residents to house.
    pub residents: usize,
    /// Residential compounds.
    pub compounds: Vec<CompoundPlan>,
    /// Office towers.
    pub offices: Vec<OfficePlan>,
    /// Street-front shops.
    pub shops: usize,
}

impl CommitteePlan {
    /// Buildings of every kind (compound buildings, towers, shops).
    pub fn building_count(&self) -> usize {
        self.compounds
            .iter()
            .map(|c| c.buildings.len())
            .sum::<usize>()
            + self.offices.len()
            + self.shops
    }
}

/// Streets where office towers concentrate (徐家汇, 漕河泾开发区 area, 天平, 湖南, 枫林, 田林, 虹梅, 斜土).
const OFFICE_STREETS: &[&str] = &[
    "310104014",
    "310104017",
    "310104003",
    "310104004",
    "310104008",
    "310104011",
    "310104012",
    "310104007",
];
/// Streets with many garden houses (衡复风貌区).
const VILLA_STREETS: &[&str] = &["310104003", "310104004"];

fn building(style: CompoundStyle, rng: &mut impl Rng) -> BuildingPlan {
    match style {
        CompoundStyle::Xincun => BuildingPlan {
            floors: rng.gen_range(5..=6),
            rooms_per_floor: rng.gen_range(3..=4),
        },
        CompoundStyle::HighRise => BuildingPlan {
            floors: rng.gen_range(11..=32),
            rooms_per_floor: rng.gen_range(4..=6),
        },
        CompoundStyle::Villa => BuildingPlan {
            floors: rng.gen_range(2..=3),
            rooms_per_floor: rng.gen_range(1..=2),
        },
    }
}

/// Plans every committee. `scale` 1 ≈ the real district.
pub fn plan(committees: &[CommitteeFact], scale: f64, rng: &mut impl Rng) -> Vec<CommitteePlan> {
    let per_committee = RESIDENTS_AT_SCALE_1 * scale / committees.len() as f64;
    let mut plans = Vec::with_capacity(committees.len());
    for committee in committees {
        let residents = (per_committee * rng.gen_range(0.6..1.4)).round().max(2.0) as usize;
        let rooms_needed = ((residents as f64 / HOUSEHOLD_SIZE) / (1.0 - VACANCY))
            .ceil()
            .max(1.0) as usize;
        let villa = VILLA_STREETS.contains(&committee.street_code);
        let mut compounds = Vec::new();
        let mut rooms = 0usize;
        while rooms < rooms_needed {
            let style = match rng.gen_range(0..10) {
                0..=1 if villa => CompoundStyle::Villa,
                0..=4 => CompoundStyle::Xincun,
                _ => CompoundStyle::HighRise,
            };
            let target_buildings = match style {
                CompoundStyle::Xincun => rng.gen_range(8..=30),
                CompoundStyle::HighRise => rng.gen_range(3..=14),
                CompoundStyle::Villa => rng.gen_range(6..=20),
            };
            let mut buildings = Vec::new();
            while buildings.len() < target_buildings && rooms < rooms_needed {
                let b = building(style, rng);
                rooms += (b.floors * b.rooms_per_floor) as usize;
                buildings.push(b);
            }
            let mut name = text::estate_name(rng);
            if style == CompoundStyle::Xincun && rng.gen_bool(0.5) && !name.ends_with('村') {
                name = format!(
                    "{}新村",
                    name.trim_end_matches(|c: char| !c.is_alphanumeric())
                );
            }
            compounds.push(CompoundPlan {
                name,
                style,
                buildings,
            });
        }
        let office_weight = if OFFICE_STREETS.contains(&committee.street_code) {
            1.6
        } else {
            0.4
        };
        let offices = poisson_like(office_weight * scale, rng);
        let offices = (0..offices)
            .map(|_| OfficePlan {
                name: text::office_name(rng),
                floors: rng.gen_range(6..=32),
                rooms_per_floor: rng.gen_range(4..=10),
            })
            .collect();
        let shops = poisson_like(26.0 * scale, rng);
        plans.push(CommitteePlan {
            committee: committee.clone(),
            residents,
            compounds,
            offices,
            shops,
        });
    }
    plans
}

/// A count with mean `mean` that is at least the integer part of the mean, plus one with the
/// probability of the fractional part — cheap, deterministic and never negative.
fn poisson_like(mean: f64, rng: &mut impl Rng) -> usize {
    let jittered = mean * rng.gen_range(0.5..1.5);
    let whole = jittered.floor();
    let extra = if rng.gen_bool((jittered - whole).clamp(0.0, 1.0)) {
        1
    } else {
        0
    };
    whole as usize + extra
}

/// Splits `total` items into `parts` positive shares proportional to `weights` (largest remainder).
pub fn apportion(total: usize, weights: &[usize]) -> Vec<usize> {
    let sum: usize = weights.iter().sum();
    if sum == 0 || weights.is_empty() {
        return vec![0; weights.len()];
    }
    let mut shares: Vec<usize> = weights.iter().map(|w| (total * w / sum).max(1)).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse((total * weights[i]) % sum));
    let mut assigned: usize = shares.iter().sum();
    let mut k = 0;
    while assigned < total && !order.is_empty() {
        shares[order[k % order.len()]] += 1;
        assigned += 1;
        k += 1;
    }
    while assigned > total {
        if let Some(i) = (0..shares.len())
            .filter(|&i| shares[i] > 1)
            .max_by_key(|&i| shares[i])
        {
            shares[i] -= 1;
            assigned -= 1;
        } else {
            break;
        }
    }
    shares
}

/// Shuffles a copy of `items` with `rng`.
pub fn shuffled<T: Clone>(items: &[T], rng: &mut impl Rng) -> Vec<T> {
    let mut v = items.to_vec();
    v.shuffle(rng);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportions_64_areas_over_street_committee_counts() {
        let counts = [21, 16, 19, 32, 33, 26, 13, 25, 29, 28, 23, 30, 17];
        let shares = apportion(64, &counts);
        assert_eq!(shares.iter().sum::<usize>(), 64);
        assert!(shares.iter().all(|&s| s >= 2), "{shares:?}");
    }
}
