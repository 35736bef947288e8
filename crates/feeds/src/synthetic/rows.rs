//! From a synthetic population to the rows a feed would carry: one row per person (or family)
//! and period, its cells typed, not yet text.

use std::collections::{BTreeMap, HashMap};

use shanyraq_domain::{
    Family, FamilyId, Iin, IndicatorKey, Kato, Observation, ObservationValue, Person, PersonId,
};
use shanyraq_store::PopulationChunk;
use time::Date;

use crate::schema::{ColumnType, FeedSchema, IndicatorMapping};

/// The persons, families and facts of a generated population, held for rendering.
#[derive(Debug, Default)]
pub struct Population {
    persons: HashMap<PersonId, Person>,
    families: HashMap<FamilyId, Family>,
    /// Each person's current family (the first membership that has not ended).
    family_of: HashMap<PersonId, FamilyId>,
    /// Who a household fact is reported under: a current member, with a valid IIN if any.
    representative: HashMap<FamilyId, PersonId>,
    observations: Vec<Observation>,
}

impl Population {
    /// Collects the chunks of one generator run.
    pub fn collect(chunks: impl IntoIterator<Item = PopulationChunk>) -> Population {
        let mut p = Population::default();
        for chunk in chunks {
            p.add(chunk);
        }
        p
    }

    fn add(&mut self, chunk: PopulationChunk) {
        for person in chunk.persons {
            self.persons.insert(person.id, person);
        }
        for family in chunk.families {
            self.families.insert(family.id, family);
        }
        for m in &chunk.memberships {
            if m.until.is_none() {
                self.family_of.entry(m.person).or_insert(m.family);
            }
        }
        for m in &chunk.memberships {
            self.family_of.entry(m.person).or_insert(m.family);
            let alive = self.persons.get(&m.person).is_some_and(|p| p.death_date.is_none());
            let score = |id: PersonId, persons: &HashMap<PersonId, Person>| {
                persons.get(&id).map_or(0, |p| u8::from(p.iin.is_some()))
            };
            if m.until.is_none() && alive {
                let better = match self.representative.get(&m.family) {
                    None => true,
                    Some(&current) => {
                        score(m.person, &self.persons) > score(current, &self.persons)
                    }
                };
                if better {
                    self.representative.insert(m.family, m.person);
                }
            }
        }
        self.observations.extend(chunk.observations);
    }

    /// The persons, in key order.
    pub fn persons(&self) -> impl Iterator<Item = &Person> {
        let mut persons: Vec<&Person> = self.persons.values().collect();
        persons.sort_by_key(|p| p.id);
        persons.into_iter()
    }

    pub fn observations(&self) -> &[Observation] {
        &self.observations
    }
}

/// One cell before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Date(Date),
    Money(i64),
    Count(i64),
    Flag(bool),
}

/// A row of a feed: cells in the schema's column order, and whom it names.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub cells: Vec<Cell>,
    /// The named person's valid IIN; `None` when the registry has none (kept for matching).
    pub iin: Option<Iin>,
    pub kato: Option<Kato>,
}

/// Where an indicator's value goes in a schema: its column and, for a by-code mapping, the code.
fn targets(schema: &FeedSchema) -> HashMap<IndicatorKey, (usize, Option<(usize, String)>)> {
    let mut map = HashMap::new();
    for mapping in &schema.indicators {
        match mapping {
            IndicatorMapping::Fixed { column, indicator } => {
                map.insert(*indicator, (*column, None));
            }
            IndicatorMapping::ByCode { column, by, indicators } => {
                let ColumnType::Code(codes) = &schema.columns[*by].ty else { continue };
                for (indicator, code) in indicators.iter().zip(codes) {
                    // The first code wins where two map to one indicator.
                    map.entry(*indicator).or_insert((*column, Some((*by, code.clone()))));
                }
            }
        }
    }
    map
}

/// Rows key: person, period, and the code of a by-code mapping (one row per source of income).
type Key = (PersonId, Date, Option<Date>, Option<String>);

/// The rows of `schema` the population's observations give, in a stable order. A row whose
/// required column cannot be filled from the facts is left out.
pub(crate) fn rows(schema: &FeedSchema, population: &Population, seed: u64) -> Vec<Row> {
    let targets = targets(schema);
    let mut grouped: BTreeMap<Key, Vec<Cell>> = BTreeMap::new();
    for obs in &population.observations {
        let Some((column, by)) = targets.get(&obs.indicator) else { continue };
        let person = match obs.person {
            Some(p) if schema.subject == shanyraq_domain::indicators::Subject::Person => Some(p),
            _ => population.representative.get(&obs.family).copied(),
        };
        let Some(person) = person else { continue };
        let key = (person, obs.valid_from, obs.valid_until, by.as_ref().map(|(_, c)| c.clone()));
        let cells = grouped.entry(key).or_insert_with(|| vec![Cell::Empty; schema.columns.len()]);
        cells[*column] = cell(&obs.value);
        if let Some((by, code)) = by {
            cells[*by] = Cell::Text(code.clone());
        }
    }
    let mut out = Vec::with_capacity(grouped.len());
    for (n, ((person_id, from, until, _), mut cells)) in grouped.into_iter().enumerate() {
        let Some(person) = population.persons.get(&person_id) else { continue };
        let family = population.family_of.get(&person_id).and_then(|f| population.families.get(f));
        let kato = family.map(|f| f.address.territory);
        if fill(schema, &mut cells, person, kato, from, until, seed, n as u64) {
            out.push(Row { cells, iin: person.iin, kato });
        }
    }
    out
}

fn cell(value: &ObservationValue) -> Cell {
    match value {
        ObservationValue::Money(t) => Cell::Money(t.0),
        ObservationValue::Count(n) => Cell::Count(*n),
        ObservationValue::Flag(b) => Cell::Flag(*b),
        ObservationValue::Code(c) => Cell::Text(c.clone()),
        ObservationValue::Date(d) => Cell::Date(*d),
    }
}

/// Fills the person, period and descriptive columns; `false` if a required one stays empty.
#[allow(clippy::too_many_arguments)]
fn fill(
    schema: &FeedSchema,
    cells: &mut [Cell],
    person: &Person,
    kato: Option<Kato>,
    from: Date,
    until: Option<Date>,
    seed: u64,
    n: u64,
) -> bool {
    for (i, column) in schema.columns.iter().enumerate() {
        if cells[i] != Cell::Empty {
            continue;
        }
        let value = match column.key.as_str() {
            "iin" => match (person.iin, &person.iin_as_reported) {
                (Some(iin), _) => Cell::Text(iin.to_string()),
                (None, Some(text)) => Cell::Text(text.clone()),
                (None, None) => Cell::Empty,
            },
            "last_name" => Cell::Text(person.name.last.clone()),
            "first_name" => Cell::Text(person.name.first.clone()),
            "birth_date" => Cell::Date(person.birth_date),
            "kato" => kato.map_or(Cell::Empty, |k| Cell::Text(k.to_string())),
            _ if i == schema.period_start => Cell::Date(from),
            _ if Some(i) == schema.period_end => {
                until.and_then(Date::previous_day).map_or(Cell::Empty, Cell::Date)
            }
            // Only those in work have an employer.
            "employer" if !working(schema, cells) => Cell::Empty,
            key => descriptive(key, &column.ty, from, seed, n),
        };
        if value == Cell::Empty && column.required && column.key != "iin" {
            return false;
        }
        cells[i] = value;
    }
    true
}

fn working(schema: &FeedSchema, cells: &[Cell]) -> bool {
    schema
        .column("status")
        .and_then(|i| cells.get(i))
        .is_some_and(|c| matches!(c, Cell::Text(s) if s == "employed" || s == "self_employed"))
}

/// Text columns no fact carries: names of employers, clinics, schools, creditors, case numbers.
/// Some carry quotes and commas, as real names do, so that writers must quote them.
fn descriptive(key: &str, ty: &ColumnType, from: Date, seed: u64, n: u64) -> Cell {
    let pick = shanyraq_synth::rng::mix64(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)) as usize;
    let choose = |items: &[&str]| items[pick % items.len()].to_owned();
    match (key, ty) {
        ("decision_date", ColumnType::Date) => Cell::Date(from),
        ("employer", _) => Cell::Text(choose(&[
            "ТОО «Береке-Агро»",
            "АО \"КазМунайГаз\"",
            "ИП Сейткали, магазин",
            "КГУ «Школа-гимназия №12»",
            "ТОО Astana Logistics, филиал",
        ])),
        ("clinic", _) => Cell::Text(format!("Городская поликлиника №{}", pick % 40 + 1)),
        ("organization", _) => Cell::Text(choose(&[
            "Ясли-сад «Балапан»",
            "КГУ \"Средняя школа №7\"",
            "Школа-лицей №3, г. Атбасар",
            "Мектеп-гимназия №25",
        ])),
        ("creditor", _) => Cell::Text(choose(&[
            "АО «Kaspi Bank»",
            "АО \"Народный банк Казахстана\"",
            "ТОО МФО «Shinhan Finance»",
            "АО Банк ЦентрКредит, филиал",
        ])),
        ("case_number", _) => Cell::Text(format!("{}-{:06}", from.year(), pick % 1_000_000)),
        _ => Cell::Empty,
    }
}
