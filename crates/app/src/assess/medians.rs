//! The median per-capita income of each region's families on a day: the data half of the
//! poverty line (35 % of it), computed from the store once per quarter and kept.

use std::collections::BTreeMap;
use std::sync::Arc;

use shanyraq_domain::assessment::{Figures, Profile, Var, median};
use shanyraq_domain::{FamilyId, Kato, Tenge};
use shanyraq_store::{RegionMedian, Store};
use time::Date;

use crate::error::AppError;

/// Families read per page.
const PAGE: u32 = 5_000;

/// Computes and stores the medians of `on` (families with at least one member that day).
pub async fn compute_medians(
    store: &Arc<dyn Store>,
    on: Date,
) -> Result<Vec<RegionMedian>, AppError> {
    // Two readers on the two halves of the id range, as the full run reads.
    let last_id = store.next_ids().await?.family.0 - 1;
    let half = last_id / 2;
    let parts = [(None, half), (Some(FamilyId(half)), i64::MAX)];
    let tasks: Vec<_> = parts
        .into_iter()
        .map(|(after, end)| tokio::spawn(incomes(store.clone(), on, after, end)))
        .collect();
    let mut by_region: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
    for t in tasks {
        let part = t.await.map_err(|e| AppError::Internal(format!("median reader: {e}")))??;
        for (region, mut values) in part {
            by_region.entry(region).or_default().append(&mut values);
        }
    }
    let mut medians = Vec::with_capacity(by_region.len());
    for (region, mut values) in by_region {
        let (Ok(region), Some(m)) = (Kato::from_u32(region), median(&mut values)) else {
            continue;
        };
        medians.push(RegionMedian { region, median: Tenge(m), families: values.len() as u64 });
    }
    store.store_region_medians(on, &medians).await?;
    Ok(medians)
}

/// Per-capita incomes on `on` by region, of families with id after `after` up to `end`.
async fn incomes(
    store: Arc<dyn Store>,
    on: Date,
    mut after: Option<FamilyId>,
    end: i64,
) -> Result<BTreeMap<u32, Vec<i64>>, AppError> {
    let zero = Figures { pm: Tenge::ZERO, mrp: Tenge::ZERO, poverty_line: Tenge::ZERO };
    let mut by_region: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
    loop {
        let page = store.assessment_inputs(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.family.family);
        for input in page.iter().filter(|i| i.family.family.0 <= end) {
            let p = Profile::compute(&input.family, on, zero);
            if p.get(Var::Members) > 0 {
                by_region
                    .entry(input.family.territory.region().as_u32())
                    .or_default()
                    .push(p.get(Var::IncomePerCapita));
            }
        }
        if last.family.family.0 >= end {
            break;
        }
    }
    Ok(by_region)
}
