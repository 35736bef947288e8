//! The catalogue entries the generator writes, looked up once.

use shanyraq_domain::IndicatorKey;

use crate::error::SynthError;

/// Every indicator the generator produces.
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    pub wage: IndicatorKey,
    pub self_employment: IndicatorKey,
    pub pension: IndicatorKey,
    pub benefit: IndicatorKey,
    pub alimony: IndicatorKey,
    pub employment: IndicatorKey,
    pub able_bodied: IndicatorKey,
    pub clinic: IndicatorKey,
    pub insured: IndicatorKey,
    pub chronic: IndicatorKey,
    pub pregnant: IndicatorKey,
    pub disability: IndicatorKey,
    pub kindergarten: IndicatorKey,
    pub school: IndicatorKey,
    pub absence: IndicatorKey,
    pub debt: IndicatorKey,
    pub debt_amount: IndicatorKey,
    pub violence: IndicatorKey,
    pub protective_order: IndicatorKey,
    pub tenure: IndicatorKey,
    pub area: IndicatorKey,
    pub rooms: IndicatorKey,
    pub real_estate: IndicatorKey,
    pub vehicles: IndicatorKey,
    pub machinery: IndicatorKey,
    pub land: IndicatorKey,
    pub livestock: IndicatorKey,
    pub targeted_assistance: IndicatorKey,
    pub child_allowance: IndicatorKey,
}

fn key(name: &'static str) -> Result<IndicatorKey, SynthError> {
    IndicatorKey::named(name).map_err(|_| SynthError::UnknownIndicator { key: name })
}

impl Keys {
    pub fn resolve() -> Result<Keys, SynthError> {
        Ok(Keys {
            wage: key("income.wage")?,
            self_employment: key("income.self_employment")?,
            pension: key("income.pension")?,
            benefit: key("income.benefit")?,
            alimony: key("income.alimony")?,
            employment: key("employment.status")?,
            able_bodied: key("employment.able_bodied")?,
            clinic: key("health.clinic_attached")?,
            insured: key("health.insured")?,
            chronic: key("health.chronic_condition")?,
            pregnant: key("health.pregnant")?,
            disability: key("disability.group")?,
            kindergarten: key("education.kindergarten_attached")?,
            school: key("education.school_attached")?,
            absence: key("education.absence_days")?,
            debt: key("debt.overdue_90_days")?,
            debt_amount: key("debt.overdue_amount")?,
            violence: key("police.domestic_violence_report")?,
            protective_order: key("police.protective_order")?,
            tenure: key("housing.tenure")?,
            area: key("housing.area_m2")?,
            rooms: key("housing.rooms")?,
            real_estate: key("property.real_estate_count")?,
            vehicles: key("property.vehicle_count")?,
            machinery: key("property.agri_machinery_count")?,
            land: key("property.land_ha")?,
            livestock: key("property.livestock_heads")?,
            targeted_assistance: key("benefits.targeted_assistance")?,
            child_allowance: key("benefits.child_allowance")?,
        })
    }
}
