//! The figures of a day per region: ПМ and МРП from the bundled constants, the poverty line
//! from the stored medians of the previous quarter.

use std::collections::HashMap;

use shanyraq_domain::assessment::{Figures, poverty_line};
use shanyraq_domain::constants::{mrp, subsistence_minimum};
use shanyraq_domain::{Kato, Tenge};
use shanyraq_store::RegionMedian;
use time::Date;

use crate::error::AppError;

/// Figures for every region on one day, computed once per region.
#[derive(Debug, Clone)]
pub struct FiguresBook {
    on: Date,
    mrp: Tenge,
    medians: HashMap<u32, Tenge>,
    cache: HashMap<u32, Figures>,
}

impl FiguresBook {
    /// The figures of `on`, with the medians of the previous quarter (empty: the poverty line
    /// falls back to 70 % of ПМ).
    pub fn new(on: Date, medians: &[RegionMedian]) -> Result<FiguresBook, AppError> {
        let mrp = mrp(on).ok_or_else(|| no_figure("МРП", on))?;
        subsistence_minimum(on, None).ok_or_else(|| no_figure("ПМ", on))?;
        Ok(FiguresBook {
            on,
            mrp,
            medians: medians.iter().map(|m| (m.region.as_u32(), m.median)).collect(),
            cache: HashMap::new(),
        })
    }

    pub fn on(&self) -> Date {
        self.on
    }

    /// The figures for a family living in `territory`.
    pub fn for_territory(&mut self, territory: Kato) -> Figures {
        let region = territory.region();
        let (on, mrp, medians) = (self.on, self.mrp, &self.medians);
        *self.cache.entry(region.as_u32()).or_insert_with(|| {
            let pm = subsistence_minimum(on, Some(region)).unwrap_or(Tenge::ZERO);
            Figures {
                pm,
                mrp,
                poverty_line: poverty_line(medians.get(&region.as_u32()).copied(), pm),
            }
        })
    }
}

fn no_figure(what: &str, on: Date) -> AppError {
    AppError::InvalidInput {
        field: "date",
        code: "assessment.no_figure",
        reason: format!("no {what} is known for {}", shanyraq_domain::dates::iso(on)),
    }
}
