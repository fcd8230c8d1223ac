//! The Xuhui twin: a believable, deterministic Xuhui District generated from real public facts
//! (street and committee names and codes, road names, street centroids and areas, departments,
//! case categories, holidays) and synthetic content (DESIGN §4).
//!
//! [`generate`] is pure: the same [`TwinConfig`] gives the same [`Twin`], bit for bit. Writing it
//! to a store is the caller's business.
#![warn(missing_docs)]

mod cases;
pub mod facts;
mod grids;
mod people;
pub mod plan;
mod premises;
mod roads;
mod staff;
pub mod text;
mod units;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use yiwang_core::model::{
    Case, Department, Division, DivisionLevel, Grid, GridLevel, GridStaff, Housing, Person,
    Premises, PremisesAlias, Road, Unit,
};
use yiwang_geo::AreaFeature;

pub use grids::projection;

/// What to generate.
#[derive(Debug, Clone)]
pub struct TwinConfig {
    /// 1.0 ≈ the real district (≈1.1 million residents); structure above committees is fixed.
    pub scale: f64,
    /// Seed of every random choice.
    pub seed: u64,
    /// Real street boundaries (WGS-84), matched to streets by `code` or `name` property.
    pub boundaries: Option<Vec<AreaFeature>>,
}

/// Everything the twin contains, in insertion order (parents before children).
#[derive(Debug, Clone, Default)]
pub struct Twin {
    /// District, streets, committees.
    pub divisions: Vec<Division>,
    /// All five grid levels, parents first.
    pub grids: Vec<Grid>,
    /// Roads.
    pub roads: Vec<Road>,
    /// Grid staff.
    pub staff: Vec<GridStaff>,
    /// Premises, parents first.
    pub premises: Vec<Premises>,
    /// Premises aliases.
    pub aliases: Vec<PremisesAlias>,
    /// Actual population.
    pub persons: Vec<Person>,
    /// Actual housing.
    pub housing: Vec<Housing>,
    /// Actual units.
    pub units: Vec<Unit>,
    /// Departments.
    pub departments: Vec<Department>,
    /// A year of cases, parents before their duplicates.
    pub cases: Vec<Case>,
}

/// Why the twin could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum TwinError {
    /// `--scale` out of range.
    #[error("scale must be between 0.001 and 5 (1 ≈ the real district), got {0}")]
    Scale(f64),
    /// The boundary file does not fit the district.
    #[error("boundaries: {0}")]
    Boundaries(String),
    /// A geometric operation failed.
    #[error("geometry: {0}")]
    Geo(#[from] yiwang_geo::GeoError),
    /// Reference data embedded in yiwang-core is broken.
    #[error("reference data: {0}")]
    Reference(String),
    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Generates the twin. `progress` is told the name of each stage as it starts.
pub fn generate(config: &TwinConfig, progress: &mut dyn FnMut(&str)) -> Result<Twin, TwinError> {
    if !(0.001..=5.0).contains(&config.scale) {
        return Err(TwinError::Scale(config.scale));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut twin = Twin::default();
    let committees = facts::committees();

    progress("divisions");
    twin.divisions.push(Division {
        code: facts::DISTRICT.0.to_owned(),
        name: facts::DISTRICT.1.to_owned(),
        level: DivisionLevel::District,
        parent_code: None,
    });
    for s in &facts::STREETS {
        twin.divisions.push(Division {
            code: s.code.to_owned(),
            name: s.name.to_owned(),
            level: DivisionLevel::Street,
            parent_code: Some(facts::DISTRICT.0.to_owned()),
        });
    }
    for c in &committees {
        twin.divisions.push(Division {
            code: c.code.to_owned(),
            name: c.name.to_owned(),
            level: DivisionLevel::Community,
            parent_code: Some(c.street_code.to_owned()),
        });
    }

    progress("plan");
    let plans = plan::plan(&committees, config.scale, &mut rng);

    progress("grids");
    let projection = grids::projection();
    let streets = grids::streets(&projection, config.boundaries.as_deref())?;
    let (areas, communities) = grids::areas_and_communities(&streets, &plans, &mut rng)?;
    for cell in streets.iter().chain(&areas).chain(&communities) {
        twin.grids.push(cell.to_record(&projection));
    }

    progress("premises");
    let roads = premises::assign_roads(&mut rng);
    twin.roads = roads.records();
    let layout = premises::lay_out(
        &plans,
        &communities,
        &projection,
        &roads,
        &mut rng,
        &mut twin,
    )?;
    debug_assert!(
        twin.grids
            .iter()
            .all(|g| g.level != GridLevel::BuildingGroup || g.parent_code.is_some())
    );

    roads::centrelines(&mut twin.roads, &twin.premises, &projection);
    twin.staff = staff::assign(&twin.grids, &mut rng);

    progress("persons");
    people::populate(&plans, &layout, &mut rng, &mut twin);

    progress("units");
    units::register(&layout, config.scale, &mut rng, &mut twin);

    progress("departments");
    twin.departments = yiwang_core::reference::departments()
        .map_err(|e| TwinError::Reference(e.to_string()))?
        .into_iter()
        .map(|d| Department {
            code: d.code,
            name: d.name,
            short_name: d.short_name,
            kind: d.kind.as_str().to_owned(),
        })
        .collect();

    progress("cases");
    cases::history(&layout, config.scale, &mut rng, &mut twin)?;
    Ok(twin)
}
