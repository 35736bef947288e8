//! From a synthetic population to the rows a feed would carry: one row per person (or family)
//! and period, its cells typed, not yet text.

use std::borrow::Cow;

use shanyraq_domain::{
    Family, FamilyId, Iin, IndicatorKey, Kato, Observation, ObservationValue, Person, PersonId,
};
use shanyraq_store::PopulationChunk;
use time::Date;

use crate::schema::{ColumnType, FeedSchema, IndicatorMapping};

/// A person and the family they are counted in.
#[derive(Debug)]
struct Member {
    person: Person,
    /// The first membership that has not ended, or else the first.
    family: Option<FamilyId>,
}

/// A family and whom its household facts are reported under.
#[derive(Debug)]
struct Household {
    family: Family,
    /// A current, living member, with a valid IIN if any.
    representative: Option<PersonId>,
}

/// The persons, families and facts of a generated population, held for rendering.
///
/// Kept in key order in plain vectors: a generator's keys are consecutive, so a key finds its
/// entry by its offset from the first, and by a search otherwise.
#[derive(Debug, Default)]
pub struct Population {
    members: Vec<Member>,
    households: Vec<Household>,
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

    /// One chunk alone: a part of a run, for writing feeds chunk by chunk
    /// ([`super::FeedWriter::append`]).
    pub fn from_chunk(chunk: PopulationChunk) -> Population {
        let mut p = Population::default();
        p.add(chunk);
        p
    }

    fn add(&mut self, chunk: PopulationChunk) {
        let (members_before, households_before) = (self.members.len(), self.households.len());
        self.members
            .extend(chunk.persons.into_iter().map(|person| Member { person, family: None }));
        self.households.extend(
            chunk.families.into_iter().map(|family| Household { family, representative: None }),
        );
        // Chunks of one run come in key order; anything else is put in order.
        if !self.members[members_before.saturating_sub(1)..].is_sorted_by_key(|m| m.person.id) {
            self.members.sort_by_key(|m| m.person.id);
        }
        if !self.households[households_before.saturating_sub(1)..].is_sorted_by_key(|h| h.family.id)
        {
            self.households.sort_by_key(|h| h.family.id);
        }
        for m in chunk.memberships.iter().filter(|m| m.until.is_none()) {
            if let Some(i) = self.member(m.person) {
                self.members[i].family.get_or_insert(m.family);
            }
        }
        for m in &chunk.memberships {
            let member = self.member(m.person);
            if let Some(i) = member {
                self.members[i].family.get_or_insert(m.family);
            }
            let alive = member.is_some_and(|i| self.members[i].person.death_date.is_none());
            let Some(h) = self.household(m.family) else { continue };
            if m.until.is_none() && alive {
                let better = match self.households[h].representative {
                    None => true,
                    Some(current) => self.has_iin(m.person) && !self.has_iin(current),
                };
                if better {
                    self.households[h].representative = Some(m.person);
                }
            }
        }
        if self.observations.is_empty() {
            self.observations = chunk.observations;
        } else {
            self.observations.extend(chunk.observations);
        }
    }

    /// Where person `id` is in `members`.
    fn member(&self, id: PersonId) -> Option<usize> {
        let first = self.members.first()?.person.id;
        let guess = id.0.checked_sub(first.0).and_then(|d| usize::try_from(d).ok());
        match guess {
            Some(i) if self.members.get(i).is_some_and(|m| m.person.id == id) => Some(i),
            _ => self.members.binary_search_by_key(&id, |m| m.person.id).ok(),
        }
    }

    /// Where family `id` is in `households`.
    fn household(&self, id: FamilyId) -> Option<usize> {
        let first = self.households.first()?.family.id;
        let guess = id.0.checked_sub(first.0).and_then(|d| usize::try_from(d).ok());
        match guess {
            Some(i) if self.households.get(i).is_some_and(|h| h.family.id == id) => Some(i),
            _ => self.households.binary_search_by_key(&id, |h| h.family.id).ok(),
        }
    }

    fn has_iin(&self, id: PersonId) -> bool {
        self.member(id).is_some_and(|i| self.members[i].person.iin.is_some())
    }

    /// Who the household facts of family `id` are reported under.
    fn representative(&self, id: FamilyId) -> Option<PersonId> {
        self.household(id).and_then(|h| self.households[h].representative)
    }

    /// Person `id` and the territory of the family they are counted in.
    fn person_and_kato(&self, id: PersonId) -> Option<(&Person, Option<Kato>)> {
        let member = &self.members[self.member(id)?];
        let kato = member
            .family
            .and_then(|f| self.household(f))
            .map(|h| self.households[h].family.address.territory);
        Some((&member.person, kato))
    }

    /// The persons, in key order.
    pub fn persons(&self) -> impl Iterator<Item = &Person> {
        self.members.iter().map(|m| &m.person)
    }

    pub fn observations(&self) -> &[Observation] {
        &self.observations
    }
}

/// One cell before it is written; texts borrow from the population and schema where they can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Iin(Iin),
    Kato(Kato),
    Date(Date),
    Money(i64),
    Count(i64),
    Flag(bool),
}

impl Cell<'_> {
    fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Empty => Cell::Empty,
            Cell::Text(t) => Cell::Text(Cow::Owned(t.into_owned())),
            Cell::Iin(i) => Cell::Iin(i),
            Cell::Kato(k) => Cell::Kato(k),
            Cell::Date(d) => Cell::Date(d),
            Cell::Money(m) => Cell::Money(m),
            Cell::Count(n) => Cell::Count(n),
            Cell::Flag(b) => Cell::Flag(b),
        }
    }
}

/// A row of a feed: cells in the schema's column order, and whom it names.
#[derive(Debug, Clone)]
pub(crate) struct Row<'a> {
    pub cells: Vec<Cell<'a>>,
    /// The named person's valid IIN; `None` when the registry has none (kept for matching).
    pub iin: Option<Iin>,
    pub kato: Option<Kato>,
}

impl Row<'_> {
    /// The row with its texts copied, to outlive the population it came from.
    pub(crate) fn into_owned(self) -> Row<'static> {
        Row {
            cells: self.cells.into_iter().map(Cell::into_owned).collect(),
            iin: self.iin,
            kato: self.kato,
        }
    }
}

/// Where an indicator's value goes: its column and, for a by-code mapping, the code column, the
/// code's rank among all the schema's codes (orders rows as the code text does) and the code.
type Target<'s> = (usize, Option<(usize, u32, &'s str)>);

/// Where each indicator's value goes in a schema; a handful, so found by a scan.
fn targets(schema: &FeedSchema) -> Vec<(IndicatorKey, Target<'_>)> {
    let mut codes: Vec<&str> = Vec::new();
    for mapping in &schema.indicators {
        if let IndicatorMapping::ByCode { by, .. } = mapping
            && let ColumnType::Code(declared) = &schema.columns[*by].ty
        {
            codes.extend(declared.iter().map(String::as_str));
        }
    }
    codes.sort_unstable();
    codes.dedup();
    let rank = |code: &str| codes.binary_search(&code).map_or(u32::MAX, |r| r as u32);
    let mut map: Vec<(IndicatorKey, Target<'_>)> = Vec::new();
    let position = |map: &[(IndicatorKey, Target<'_>)], key: IndicatorKey| {
        map.iter().position(|(k, _)| same(*k, key))
    };
    for mapping in &schema.indicators {
        match mapping {
            IndicatorMapping::Fixed { column, indicator } => {
                let target = (*column, None);
                match position(&map, *indicator) {
                    Some(i) => map[i].1 = target,
                    None => map.push((*indicator, target)),
                }
            }
            IndicatorMapping::ByCode { column, by, indicators } => {
                let ColumnType::Code(codes) = &schema.columns[*by].ty else { continue };
                for (indicator, code) in indicators.iter().zip(codes) {
                    // The first code wins where two map to one indicator.
                    if position(&map, *indicator).is_none() {
                        map.push((*indicator, (*column, Some((*by, rank(code), code.as_str())))));
                    }
                }
            }
        }
    }
    map
}

/// One catalogue entry: keys are made only from the catalogue's static entries, so the address
/// tells them apart (the derived equality compares whole entries).
fn same(a: IndicatorKey, b: IndicatorKey) -> bool {
    std::ptr::eq(a.def(), b.def())
}

/// Rows key: person, period, and the rank of a by-code mapping's code (one row per source of
/// income).
type Key = (PersonId, Date, Option<Date>, Option<u32>);

/// Makes the rows of one schema from a population given in parts, as if it were given whole.
///
/// Each part must hold whole families, and parts must come in key order (as the generator's
/// chunks do): rows are ordered by person, so the rows of one part all come before the next
/// part's, and the row numbers that pick descriptive texts run on across parts.
pub(crate) struct RowMaker<'s> {
    schema: &'s FeedSchema,
    targets: Vec<(IndicatorKey, Target<'s>)>,
    fillers: Vec<Filler>,
    seed: u64,
    /// Months each row of a monthly feed is repeated for (see [`super::Options::months`]).
    months: u16,
    /// Groups of facts seen in earlier parts.
    groups_before: u64,
}

impl<'s> RowMaker<'s> {
    pub(crate) fn new(schema: &'s FeedSchema, seed: u64, months: u16) -> RowMaker<'s> {
        let monthly = MONTHLY.contains(&schema.name.as_str()) && schema.period_end.is_some();
        RowMaker {
            schema,
            targets: targets(schema),
            fillers: fillers(schema),
            seed,
            months: if monthly { months.max(1) } else { 1 },
            groups_before: 0,
        }
    }

    /// The rows the next part's observations give, in a stable order. A row whose required
    /// column cannot be filled from the facts is left out.
    pub(crate) fn rows<'p>(&mut self, population: &'p Population) -> Vec<Row<'p>>
    where
        's: 'p,
    {
        let schema = self.schema;
        // Each fact with its row's key, sorted by key; a stable sort keeps the facts of one row
        // in the order they came, so a later one overwrites an earlier one in the same cell.
        let mut facts: Vec<(Key, &'p Observation, &Target<'s>)> = Vec::new();
        for obs in &population.observations {
            let Some((_, target)) = self.targets.iter().find(|(k, _)| same(*k, obs.indicator))
            else {
                continue;
            };
            let person = match obs.person {
                Some(p) if schema.subject == shanyraq_domain::indicators::Subject::Person => {
                    Some(p)
                }
                _ => population.representative(obs.family),
            };
            let Some(person) = person else { continue };
            let rank = target.1.map(|(_, rank, _)| rank);
            facts.push(((person, obs.valid_from, obs.valid_until, rank), obs, target));
        }
        facts.sort_by_key(|(key, _, _)| *key);

        let mut out = Vec::new();
        let mut n = self.groups_before;
        for group in facts.chunk_by(|a, b| a.0 == b.0) {
            let (person_id, from, until, _) = group[0].0;
            let mut cells = vec![Cell::Empty; schema.columns.len()];
            for (_, obs, (column, by)) in group {
                cells[*column] = cell(&obs.value);
                if let Some((by, _, code)) = by {
                    cells[*by] = Cell::Text(Cow::Borrowed(code));
                }
            }
            let Some((person, kato)) = population.person_and_kato(person_id) else {
                n += u64::from(self.months);
                continue;
            };
            for back in 0..self.months {
                let period = if self.months > 1 { month_before(from, back) } else { (from, until) };
                let (seed, row_number) = (self.seed, n);
                n += 1;
                let mut cells =
                    if back + 1 < self.months { cells.clone() } else { std::mem::take(&mut cells) };
                if fill(schema, &self.fillers, &mut cells, person, kato, period, seed, row_number) {
                    out.push(Row { cells, iin: person.iin, kato });
                }
            }
        }
        self.groups_before = n;
        out
    }
}

/// Feeds delivered month by month, which `months` repeats.
const MONTHLY: [&str; 2] = ["income", "benefits"];

/// The calendar month `back` months before the one `day` falls in: its first day, and the first
/// day of the month after it (the exclusive end).
fn month_before(day: Date, back: u16) -> (Date, Option<Date>) {
    let index = day.year() * 12 + i32::from(u8::from(day.month())) - 1 - i32::from(back);
    let first = |index: i32| {
        let month = time::Month::try_from(u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1));
        Date::from_calendar_date(index.div_euclid(12), month.unwrap_or(time::Month::January), 1)
            .ok()
    };
    match first(index) {
        Some(start) => (start, first(index + 1)),
        None => (day, None),
    }
}

fn cell(value: &ObservationValue) -> Cell<'_> {
    match value {
        ObservationValue::Money(t) => Cell::Money(t.0),
        ObservationValue::Count(n) => Cell::Count(*n),
        ObservationValue::Flag(b) => Cell::Flag(*b),
        ObservationValue::Code(c) => Cell::Text(Cow::Borrowed(c)),
        ObservationValue::Date(d) => Cell::Date(*d),
    }
}

/// What fills a column no fact filled; found once per schema, not per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filler {
    Iin,
    LastName,
    FirstName,
    BirthDate,
    Kato,
    PeriodStart,
    PeriodEnd,
    /// Made up from the row's number ([`descriptive`]), or left empty.
    Other,
}

fn fillers(schema: &FeedSchema) -> Vec<Filler> {
    let columns = schema.columns.iter().enumerate();
    columns
        .map(|(i, column)| match column.key.as_str() {
            "iin" => Filler::Iin,
            "last_name" => Filler::LastName,
            "first_name" => Filler::FirstName,
            "birth_date" => Filler::BirthDate,
            "kato" => Filler::Kato,
            _ if i == schema.period_start => Filler::PeriodStart,
            _ if Some(i) == schema.period_end => Filler::PeriodEnd,
            _ => Filler::Other,
        })
        .collect()
}

/// Fills the person, period and descriptive columns; `false` if a required one stays empty.
#[allow(clippy::too_many_arguments)]
fn fill<'p>(
    schema: &FeedSchema,
    fillers: &[Filler],
    cells: &mut [Cell<'p>],
    person: &'p Person,
    kato: Option<Kato>,
    (from, until): (Date, Option<Date>),
    seed: u64,
    n: u64,
) -> bool {
    for (i, (column, filler)) in schema.columns.iter().zip(fillers).enumerate() {
        if cells[i] != Cell::Empty {
            continue;
        }
        let value = match filler {
            Filler::Iin => match (person.iin, &person.iin_as_reported) {
                (Some(iin), _) => Cell::Iin(iin),
                (None, Some(text)) => Cell::Text(Cow::Borrowed(text)),
                (None, None) => Cell::Empty,
            },
            Filler::LastName => Cell::Text(Cow::Borrowed(&person.name.last)),
            Filler::FirstName => Cell::Text(Cow::Borrowed(&person.name.first)),
            Filler::BirthDate => Cell::Date(person.birth_date),
            Filler::Kato => kato.map_or(Cell::Empty, Cell::Kato),
            Filler::PeriodStart => Cell::Date(from),
            Filler::PeriodEnd => until.and_then(Date::previous_day).map_or(Cell::Empty, Cell::Date),
            // Only those in work have an employer.
            Filler::Other if column.key == "employer" && !working(schema, cells) => Cell::Empty,
            Filler::Other => descriptive(&column.key, &column.ty, from, seed, n),
        };
        if value == Cell::Empty && column.required && *filler != Filler::Iin {
            return false;
        }
        cells[i] = value;
    }
    true
}

fn working(schema: &FeedSchema, cells: &[Cell<'_>]) -> bool {
    schema
        .column("status")
        .and_then(|i| cells.get(i))
        .is_some_and(|c| matches!(c, Cell::Text(s) if s == "employed" || s == "self_employed"))
}

/// Text columns no fact carries: names of employers, clinics, schools, creditors, case numbers.
/// Some carry quotes and commas, as real names do, so that writers must quote them.
fn descriptive(key: &str, ty: &ColumnType, from: Date, seed: u64, n: u64) -> Cell<'static> {
    let pick = shanyraq_synth::rng::mix64(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)) as usize;
    let choose = |items: &[&'static str]| Cow::Borrowed(items[pick % items.len()]);
    match (key, ty) {
        ("decision_date", ColumnType::Date) => Cell::Date(from),
        ("employer", _) => Cell::Text(choose(&[
            "ТОО «Береке-Агро»",
            "АО \"КазМунайГаз\"",
            "ИП Сейткали, магазин",
            "КГУ «Школа-гимназия №12»",
            "ТОО Astana Logistics, филиал",
        ])),
        ("clinic", _) => {
            Cell::Text(Cow::Owned(format!("Городская поликлиника №{}", pick % 40 + 1)))
        }
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
        ("case_number", _) => {
            Cell::Text(Cow::Owned(format!("{}-{:06}", from.year(), pick % 1_000_000)))
        }
        _ => Cell::Empty,
    }
}
