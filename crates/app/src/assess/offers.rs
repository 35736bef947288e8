//! Proactive offers: for each measure of the catalogue a family is eligible for and does not
//! receive, a message to the family's head in their language. Offers expire after
//! [`ANSWER_DAYS`] days without an answer and become a follow-up task for the district.

use std::sync::{Arc, OnceLock};

use shanyraq_domain::Role;
use shanyraq_domain::assessment::{
    Catalogue, DEFAULT_MEASURES, DEFAULT_MEASURES_FILE, FamilyInput, Lang, MemberInput,
    MethodologyError, Profile, parse_measures,
};
use shanyraq_domain::person::age_on;
use shanyraq_store::{NewOffer, OfferRecord, OutboxMessage, Store};
use time::{Date, Duration, OffsetDateTime};

use crate::error::AppError;

/// Days a family has to answer an offer.
pub const ANSWER_DAYS: i64 = 14;

/// The bundled catalogue of measures, parsed once.
pub fn catalogue() -> Result<Catalogue, AppError> {
    static PARSED: OnceLock<Result<Catalogue, MethodologyError>> = OnceLock::new();
    Ok(PARSED.get_or_init(|| parse_measures(DEFAULT_MEASURES_FILE, DEFAULT_MEASURES)).clone()?)
}

/// Who receives a family's offers: the current head, else the oldest current adult.
fn recipient(family: &FamilyInput, on: Date) -> Option<&MemberInput> {
    let current: Vec<&MemberInput> = family
        .members
        .iter()
        .filter(|m| {
            m.from <= on
                && m.until.is_none_or(|u| on < u)
                && m.death_date.is_none_or(|d| on < d)
                && age_on(m.birth_date, on) >= 18
        })
        .collect();
    current
        .iter()
        .find(|m| m.role == Role::Head)
        .or_else(|| current.iter().min_by_key(|m| (m.birth_date, m.person)))
        .copied()
}

/// Adds to `out` the offers a family is due.
pub(crate) fn offers_for(
    catalogue: &Catalogue,
    family: &FamilyInput,
    profile: &Profile,
    on: Date,
    out: &mut Vec<NewOffer>,
) {
    let mut due = catalogue.offers(profile).peekable();
    if due.peek().is_none() {
        return;
    }
    let Some(to) = recipient(family, on) else { return };
    let lang = to.language.map_or(Lang::Kk, Lang::from);
    for m in due {
        let Some(text) = &m.offer else { continue };
        out.push(NewOffer {
            family: family.family,
            person: to.person,
            measure: m.key.clone(),
            language: lang.code().to_owned(),
            created_on: on,
            expires_on: on + Duration::days(ANSWER_DAYS),
            message: text.get(lang).to_owned(),
            // Delivery looks the phone up when it sends: the outbox copies no contact data.
            address: None,
        });
    }
}

/// Expires unanswered offers (each becomes a follow-up task).
pub async fn expire(store: &Arc<dyn Store>, on: Date) -> Result<Vec<OfferRecord>, AppError> {
    Ok(store.expire_offers(on).await?)
}

/// Hands undelivered messages to `deliver`, then marks them delivered; returns how many.
pub async fn deliver(
    store: &Arc<dyn Store>,
    mut deliver: impl FnMut(&OutboxMessage) -> std::io::Result<()>,
    at: OffsetDateTime,
) -> Result<usize, AppError> {
    let mut total = 0;
    loop {
        let batch = store.undelivered_messages(1_000).await?;
        if batch.is_empty() {
            return Ok(total);
        }
        let mut ids = Vec::with_capacity(batch.len());
        for m in &batch {
            deliver(m).map_err(|e| AppError::Internal(format!("delivering a message: {e}")))?;
            ids.push(m.id);
        }
        store.mark_delivered(&ids, at).await?;
        total += ids.len();
    }
}
