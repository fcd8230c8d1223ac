//! Grid staff: a 网格长 for every 居民区, a 网格员 for every 微网格, a 楼组长 for every 楼组.

use rand::Rng;
use yiwang_core::model::{Grid, GridLevel, GridStaff, StaffRole};

use crate::text;

/// One person per cell of the three lowest levels, in grid order.
pub fn assign(grids: &[Grid], rng: &mut impl Rng) -> Vec<GridStaff> {
    let mut staff = Vec::new();
    for grid in grids {
        let role = match grid.level {
            GridLevel::Community => StaffRole::GridLeader,
            GridLevel::MicroGrid => StaffRole::GridWorker,
            GridLevel::BuildingGroup => StaffRole::BuildingGroupLeader,
            GridLevel::Street | GridLevel::Area => continue,
        };
        let male = rng.gen_bool(0.45);
        staff.push(GridStaff {
            id: staff.len() as i64 + 1,
            grid_code: grid.code.clone(),
            role,
            name: text::chinese_name(rng, male),
            phone: Some(format!(
                "1{}{:09}",
                rng.gen_range(3..=9),
                rng.gen_range(0..1_000_000_000u32)
            )),
        });
    }
    staff
}
