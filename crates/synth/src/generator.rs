//! The generator: families one after another, each from its own random stream, handed out in
//! chunks.

use std::marker::PhantomData;

use shanyraq_domain::constants::{mrp, subsistence_minimum};
use shanyraq_domain::person::age_on;
use shanyraq_domain::territory::RegionInfo;
use shanyraq_domain::{
    BatchId, Disability, Family, FamilyId, Membership, Person, PersonId, PersonName, TerritoryTree,
};
use shanyraq_store::{NextIds, PopulationChunk};

use crate::address::{address, phone};
use crate::config::GeneratorConfig;
use crate::error::SynthError;
use crate::facts::{FamilyContext, draw_disability, family_facts};
use crate::geography::{Geography, PlaceKind};
use crate::household::{Draft, HouseholdBuilder};
use crate::iin_alloc::IinAllocator;
use crate::keys::Keys;
use crate::names::{Ethnicity, PatronymicStyle, preferred_language, surname_for};
use crate::rng::Rng;

/// The most persons a family can have (a couple, seven children, two grandparents and a
/// former spouse fit well within it); bounds the key space checked up front.
const MAX_PERSONS_PER_FAMILY: i64 = 16;

/// A deterministic stream of [`PopulationChunk`]s. See the crate documentation.
pub struct Generator<'a> {
    config: GeneratorConfig,
    geography: Geography,
    /// ПМ per region of `geography.regions`, tenge.
    pm: Vec<i64>,
    mrp: i64,
    keys: Keys,
    iins: IinAllocator,
    batch: BatchId,
    start: NextIds,
    /// Index of the next family in the run.
    next_index: u64,
    next_person: i64,
    drafts: Vec<Draft>,
    disability: Vec<Option<Disability>>,
    _tree: PhantomData<&'a TerritoryTree>,
}

impl Generator<'static> {
    /// The population `shanyraq generate` writes into an empty database with `config`: the
    /// bundled classifier and regions, the first keys, batch 1. Feed files rendered from it
    /// name the same people.
    pub fn for_empty_database(config: GeneratorConfig) -> Result<Generator<'static>, SynthError> {
        Generator::new(
            config,
            shanyraq_domain::territory::bundled(),
            shanyraq_domain::territory::bundled_regions(),
            NextIds::FIRST,
            BatchId(1),
        )
    }
}

impl<'a> Generator<'a> {
    /// Checks the configuration against the tree, the regions and the dated constants, and
    /// prepares the places. Keys are assigned from `start` (persons and families in order);
    /// every observation carries `batch`, which also picks the run's block of IIN serials so that
    /// runs into one database do not repeat each other's IINs (see [`crate::iin_alloc`]).
    pub fn new(
        config: GeneratorConfig,
        tree: &'a TerritoryTree,
        regions: &'a [RegionInfo],
        start: NextIds,
        batch: BatchId,
    ) -> Result<Generator<'a>, SynthError> {
        config.errors.validate()?;
        if config.chunk_families == 0 {
            return Err(SynthError::ZeroChunkSize);
        }
        if !(2000..=2099).contains(&config.as_of.year()) {
            return Err(SynthError::AsOfOutOfRange { as_of: config.as_of });
        }
        let overflow = SynthError::IdOverflow { families: config.families };
        let families = i64::try_from(config.families).map_err(|_| overflow.clone())?;
        families
            .checked_add(start.family.0)
            .zip(
                families
                    .checked_mul(MAX_PERSONS_PER_FAMILY)
                    .and_then(|p| p.checked_add(start.person.0)),
            )
            .ok_or(overflow)?;
        let keys = Keys::resolve()?;
        let geography = Geography::build(tree, regions, config.region)?;
        let mrp = mrp(config.as_of).ok_or(SynthError::NoMrp { as_of: config.as_of })?.0;
        let pm = geography
            .regions
            .iter()
            .map(|r| {
                subsistence_minimum(config.as_of, Some(r.code))
                    .map(|t| t.0)
                    .ok_or(SynthError::NoSubsistenceMinimum { as_of: config.as_of, region: r.code })
            })
            .collect::<Result<Vec<i64>, SynthError>>()?;
        Ok(Generator {
            iins: IinAllocator::new(config.seed, batch),
            config,
            geography,
            pm,
            mrp,
            keys,
            batch,
            start,
            next_index: 0,
            next_person: start.person.0,
            drafts: Vec::with_capacity(16),
            disability: Vec::with_capacity(16),
            _tree: PhantomData,
        })
    }

    /// The keys the next family and person would get; after the last chunk, the next free ones.
    pub fn next_ids(&self) -> NextIds {
        NextIds {
            person: PersonId(self.next_person),
            family: FamilyId(self.start.family.0 + self.next_index as i64),
            batch: self.start.batch,
        }
    }

    /// Families still to come.
    pub fn remaining(&self) -> u64 {
        self.config.families - self.next_index
    }

    fn family(&mut self, chunk: &mut PopulationChunk) {
        let index = self.next_index;
        let as_of = self.config.as_of;
        let mut rng = Rng::for_family(self.config.seed, index);
        let place = *self.geography.sample(&mut rng);
        let profile = self.geography.regions[place.region].profile;
        let rural = place.kind == PlaceKind::Rural;

        let ethnicity = Ethnicity::ALL[rng.weighted(&profile.ethnicity)];
        let fertility = profile.fertility
            + if rural { 0.25 } else { 0.0 }
            + match ethnicity {
                Ethnicity::Kazakh | Ethnicity::Uzbek | Ethnicity::Uyghur => 0.15,
                Ethnicity::Russian | Ethnicity::Ukrainian | Ethnicity::German => -0.15,
                Ethnicity::Tatar => 0.0,
            };
        let z = rng.normal()
            + profile.prosperity
            + match place.kind {
                PlaceKind::Rural => -0.35,
                PlaceKind::Centre => 0.1,
                PlaceKind::Town => 0.0,
            };
        let shape = HouseholdBuilder {
            rng: &mut rng,
            as_of,
            ethnicity,
            fertility: fertility.clamp(0.0, 1.4),
            out: &mut self.drafts,
        }
        .build();
        let style = PatronymicStyle::choose(&mut rng, ethnicity);
        let kk_share = (profile.kazakh_language + if rural { 100 } else { 0 }).min(980);
        let language = preferred_language(&mut rng, ethnicity, kk_share);

        let family = FamilyId(self.start.family.0 + index as i64);
        let first_person = self.next_person;
        let registered_on = self.drafts.iter().map(|d| d.from).min().unwrap_or(as_of);
        self.disability.clear();
        for (i, d) in self.drafts.iter().enumerate() {
            let age = age_on(d.birth, as_of);
            let disability = if d.current() { draw_disability(&mut rng, age, z) } else { None };
            self.disability.push(disability);
            let issued = self.iins.issue(&mut rng, d.birth, d.sex, &self.config.errors);
            let phone =
                (age >= 16 && d.death.is_none() && rng.chance(0.92)).then(|| phone(&mut rng));
            let id = PersonId(first_person + i as i64);
            chunk.persons.push(Person {
                id,
                iin: issued.iin,
                iin_as_reported: issued.as_reported,
                name: PersonName {
                    last: surname_for(d.surname, d.sex),
                    first: d.first.to_owned(),
                    patronymic: style.patronymic(d.father, d.sex),
                },
                birth_date: d.birth,
                sex: d.sex,
                language: Some(language),
                phone,
                disability,
                death_date: d.death,
            });
            chunk.memberships.push(Membership {
                family,
                person: id,
                role: d.role,
                from: d.from,
                until: d.until,
            });
        }
        chunk.families.push(Family {
            id: family,
            address: address(&mut rng, place.code, !rural, kk_share),
            settlement_type: place.settlement_type,
            registered_on,
        });
        let ctx = FamilyContext {
            keys: &self.keys,
            batch: self.batch,
            family,
            first_person,
            as_of,
            pm: self.pm[place.region],
            mrp: self.mrp,
            rural,
            z,
            shape,
            registered_on,
            head_age: self.drafts.first().map_or(40, |d| age_on(d.birth, as_of)),
        };
        family_facts(&mut rng, &ctx, &self.drafts, &self.disability, &mut chunk.observations);
        self.next_person += self.drafts.len() as i64;
        self.next_index += 1;
    }
}

impl std::fmt::Debug for Generator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("config", &self.config)
            .field("places", &self.geography.places.len())
            .field("next_index", &self.next_index)
            .field("next_person", &self.next_person)
            .finish_non_exhaustive()
    }
}

impl Iterator for Generator<'_> {
    type Item = PopulationChunk;

    fn next(&mut self) -> Option<PopulationChunk> {
        let remaining = self.remaining();
        if remaining == 0 {
            return None;
        }
        let n = remaining.min(self.config.chunk_families as u64) as usize;
        let mut chunk = PopulationChunk {
            persons: Vec::with_capacity(n * 4),
            families: Vec::with_capacity(n),
            memberships: Vec::with_capacity(n * 4),
            observations: Vec::with_capacity(n * 32),
        };
        for _ in 0..n {
            self.family(&mut chunk);
        }
        Some(chunk)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let chunks = self.remaining().div_ceil(self.config.chunk_families as u64);
        let chunks = usize::try_from(chunks).unwrap_or(usize::MAX);
        (chunks, Some(chunks))
    }
}
