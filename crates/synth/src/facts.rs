//! Facts about a family and its current members: indicator observations as the agencies would
//! report them, consistent with each other and with the family's latent prosperity `z`
//! (standard normal, shifted by region, −0.35 in rural places).
//!
//! Rates and amounts (ПМ = the regional subsistence minimum on the as-of date; ε is fresh
//! standard-normal noise):
//!
//! - **Disability**: children 0.9 %; adults 18–39 3.2 %, 40–59 6.3 %, 60+ 10 % (× e^−0.2z);
//!   adult groups 1/2/3 in 12/45/43 %. About 3.8 % of people.
//! - **Employment** (18+): pensioners (63 M / 61 F) retired, about 12 % under 70 still working;
//!   group 1 unable to work 90 %, group 2 55 %; adult children and singles are students 55 % at
//!   18–19, 45 % at 20–21, 25 % at 22; a mother with a baby on childcare leave (75 % under 1,
//!   35 % under 3); otherwise unemployed 4.5 % × e^−0.6z (× 1.25 rural, × 1.5 group 3, +8 % for
//!   a mother of 3+), of them 35 % registered; self-employed 33 % rural / 15 % urban; the rest
//!   employed.
//! - **Income** (monthly): wage ПМ × 4.2 (urban) / 3.5 (rural) × e^(0.35z + 0.35ε), at least
//!   1.6 ПМ (the minimum wage); self-employment ПМ × 2.8 / 2.3 × e^(0.35z + 0.5ε); pension
//!   ПМ × 2.2 × e^(0.12z + 0.15ε), at least 1.3 ПМ; benefits: disability 1.9/1.5/1.0 ПМ by
//!   group, a disabled child's carer 1.4 ПМ, childcare leave 0.9–1.7 ПМ, registered unemployed
//!   0.5 ПМ (half of them), students' grants 0.8 ПМ (40 %); alimony for half the single parents
//!   with a former spouse on record. Targeted assistance (АСП) tops up to 70 % of ПМ per head for
//!   65 % of the families below it; the large-family allowance is 4.01 МРП per child for 4+
//!   children. Per head, about 16 % of families are below 1 ПМ, 67 % within 1–4 ПМ, 17 % above.
//! - **Health**: clinic attachment 97 %; insured 95 % of children, 98 % of pensioners and
//!   disabled people, 88 % of the employed, 60 % of the self-employed, 35 % of the unregistered
//!   and 75 % of the registered unemployed (about 87 % of everyone); chronic condition 4 % under 18, 8 % 18–39, 25 % 40–59,
//!   55 % 60+ (80 % with a disability); pregnancy 6 % of married women 20–38, 1 % of other women
//!   18–45.
//! - **Education**: kindergarten for ages 1–6 (55 % at 1, then 92 % urban / 85 % rural); school
//!   for 7–17 and half of the 6-year-olds (99 %, 97 % when z < −1.5); absence days this school
//!   year: 56 % 0–4, 31 % 5–14, 12 % 15–29, 1 % 30–90 (2.5 % when z < −1), never more than the
//!   school days so far.
//! - **Debts**: overdue 90+ days for about 10 % of adults (9 % × e^−0.55z, halved for
//!   pensioners), amounts around 8 ПМ with a long tail.
//! - **Police**: a domestic-violence report for about 0.5 % of families (0.36 % × e^−0.6z, more
//!   in couples), a protective order for the woman in 40 % of them.
//! - **Housing**: homeless 0.3 % of poor single adults, dormitory 10 % of urban singles under
//!   35 (3 % of older ones), rent 30 % of urban heads under 35, 8 % of other urban and 3 % of rural families
//!   (× e^−0.3z), social housing 2 % (8 % of poor large families), relatives 5 % (12 % of
//!   couples), otherwise own. Area for n members: 25 + 15n m² in towns, 35 + 17n in villages,
//!   up to four members and 7 / 9 m² for each further one, × e^(0.18z + 0.15ε); rooms ≈ area / 18
//!   (at most 6 in towns, 8 in villages).
//! - **Property**: cars with P = σ(z − 0.1 + shape and rural terms), a second and third for the
//!   rich; real estate 1 when owned, more for the rich; rural families (and 3 % of urban ones):
//!   land (65 % none, 27 % 1–10 ha, 8 % 10–500 ha), livestock (40 % none, 50 % 1–20 heads,
//!   10 % 20–300), machinery mostly for farmers.

use shanyraq_domain::person::age_on;
use shanyraq_domain::{
    BatchId, Disability, FamilyId, IndicatorKey, Observation, ObservationValue, PersonId, Role,
    Sex, Tenge,
};
use time::Date;

use crate::calendar::{
    add_days, add_years, between, days_between, first_of_month, school_year_start,
};
use crate::household::{Draft, Shape, pension_age};
use crate::keys::Keys;
use crate::rng::{Rng, exp, sigmoid};

/// What the facts of one family depend on besides its members.
#[derive(Debug, Clone, Copy)]
pub struct FamilyContext<'k> {
    pub keys: &'k Keys,
    pub batch: BatchId,
    pub family: FamilyId,
    /// The id of the first member; members are numbered in order.
    pub first_person: i64,
    pub as_of: Date,
    /// The regional subsistence minimum, tenge per month.
    pub pm: i64,
    pub mrp: i64,
    pub rural: bool,
    /// Latent prosperity, about standard normal.
    pub z: f64,
    pub shape: Shape,
    /// The earliest membership date: when the family was registered.
    pub registered_on: Date,
    pub head_age: i32,
}

/// A disability decision in force for someone aged `age`, or `None`.
pub fn draw_disability(rng: &mut Rng, age: i32, z: f64) -> Option<Disability> {
    let base = match age {
        0..=17 => 0.009,
        18..=39 => 0.032,
        40..=59 => 0.063,
        _ => 0.10,
    };
    if !rng.chance(base * exp(-0.2 * z)) {
        return None;
    }
    if age < 18 {
        return Some(Disability::Child);
    }
    Some(match rng.weighted(&[12, 45, 43]) {
        0 => Disability::Group1,
        1 => Disability::Group2,
        _ => Disability::Group3,
    })
}

/// Employment codes, checked against the catalogue in the tests.
mod code {
    pub const EMPLOYED: &str = "employed";
    pub const SELF_EMPLOYED: &str = "self_employed";
    pub const UNEMPLOYED_REGISTERED: &str = "unemployed_registered";
    pub const UNEMPLOYED: &str = "unemployed";
    pub const STUDENT: &str = "student";
    pub const RETIRED: &str = "retired";
    pub const CHILDCARE_LEAVE: &str = "childcare_leave";
    pub const UNABLE_TO_WORK: &str = "unable_to_work";
}

/// Writes observations for one family.
struct Writer<'c, 'o> {
    ctx: &'c FamilyContext<'c>,
    members: &'c [Draft],
    out: &'o mut Vec<Observation>,
}

impl Writer<'_, '_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        person: Option<usize>,
        key: IndicatorKey,
        value: ObservationValue,
        observed_at: Date,
        valid_from: Date,
        valid_until: Option<Date>,
    ) {
        // Nothing is observed about a person before they were born.
        let born = person.and_then(|i| self.members.get(i)).map(|d| d.birth);
        let observed_at = born.map_or(observed_at, |b| observed_at.max(b));
        let valid_from = born.map_or(valid_from, |b| valid_from.max(b)).min(observed_at);
        self.out.push(Observation {
            family: self.ctx.family,
            person: person.map(|i| PersonId(self.ctx.first_person + i as i64)),
            indicator: key,
            value,
            source: key.def().source,
            observed_at,
            valid_from,
            valid_until: valid_until.filter(|u| *u > valid_from),
            batch: self.ctx.batch,
        });
    }
}

fn money(amount: f64) -> ObservationValue {
    // Whole tens of tenge, as payroll and benefit figures usually are.
    ObservationValue::Money(Tenge(((amount / 10.0).round() as i64).max(0) * 10))
}

fn ago(rng: &mut Rng, as_of: Date, lo: i64, hi: i64) -> Date {
    add_days(as_of, -rng.range(lo, hi))
}

/// Generates every observation of the family into `out`. `disability[i]` is member `i`'s.
pub fn family_facts(
    rng: &mut Rng,
    ctx: &FamilyContext<'_>,
    members: &[Draft],
    disability: &[Option<Disability>],
    out: &mut Vec<Observation>,
) {
    let as_of = ctx.as_of;
    let pm = ctx.pm as f64;
    let z = ctx.z;
    let k = ctx.keys;
    let mut w = Writer { ctx, members, out };

    let current = || members.iter().enumerate().filter(|(_, d)| d.current());
    let n = current().count().max(1);
    let ages: Vec<i32> = members.iter().map(|d| age_on(d.birth, as_of)).collect();
    let minors = current().filter(|(i, _)| ages[*i] < 18).count();
    let youngest = current().map(|(i, _)| ages[i]).min().unwrap_or(99);
    let disabled_children = current()
        .filter(|(i, _)| ages[*i] < 18 && disability[*i] == Some(Disability::Child))
        .count();
    let couple = current().any(|(_, d)| d.role == Role::Spouse);
    // The adult woman who looks after the children (else the head).
    let carer = current()
        .find(|(i, d)| {
            d.sex == Sex::Female && (18..46).contains(&ages[*i]) && d.role != Role::Child
        })
        .map_or(0, |(i, _)| i);
    let ex_spouse_on_record =
        members.iter().any(|d| d.role == Role::Spouse && d.death.is_none() && d.until.is_some());

    let mut total_income = 0.0f64;

    for (i, d) in current() {
        let age = ages[i];
        let dis = disability[i];
        let female = d.sex == Sex::Female;

        // Health.
        let observed = ago(rng, as_of, 1, 60);
        let attached = rng.chance(if ctx.rural { 0.96 } else { 0.975 });
        let since = add_days(observed, -rng.range(0, 3650)).max(d.birth);
        w.push(Some(i), k.clinic, ObservationValue::Flag(attached), observed, since, None);
        let chronic_p = match (age, dis.is_some()) {
            (_, true) => 0.8,
            (0..=17, _) => 0.04,
            (18..=39, _) => 0.08,
            (40..=59, _) => 0.25,
            _ => 0.55,
        };
        let observed = ago(rng, as_of, 1, 120);
        let chronic = rng.chance(chronic_p);
        let since = add_days(observed, -rng.range(0, 5000)).max(d.birth);
        w.push(Some(i), k.chronic, ObservationValue::Flag(chronic), observed, since, None);

        if let Some(dis) = dis {
            let observed = ago(rng, as_of, 1, 60);
            let earliest = if age < 18 { add_days(d.birth, 30) } else { add_years(d.birth, 18) };
            let decided = add_days(as_of, -rng.range(30, 3000)).max(earliest).min(observed);
            let until = match dis {
                Disability::Group1 => None,
                Disability::Group2 | Disability::Group3 => {
                    Some(add_days(as_of, rng.range(30, 720)))
                }
                Disability::Child => Some(add_years(d.birth, 18)),
            };
            w.push(
                Some(i),
                k.disability,
                ObservationValue::Code(dis.code().to_owned()),
                observed,
                decided,
                until,
            );
        }

        if female && (18..=45).contains(&age) {
            let p = if couple && (20..=38).contains(&age) && d.role != Role::Child {
                0.06
            } else {
                0.01
            };
            if rng.chance(p) {
                let conceived = add_days(as_of, -rng.range(40, 250));
                let registered = add_days(conceived, 56).min(as_of);
                let observed = between(rng, registered, as_of);
                let due = add_days(conceived, 280);
                w.push(
                    Some(i),
                    k.pregnant,
                    ObservationValue::Flag(true),
                    observed,
                    registered,
                    Some(due),
                );
            }
        }

        if age < 18 {
            // Children: insurance, kindergarten or school.
            let observed = ago(rng, as_of, 1, 30);
            let insured = rng.chance(0.95);
            w.push(
                Some(i),
                k.insured,
                ObservationValue::Flag(insured),
                observed,
                first_of_month(observed).max(d.birth),
                None,
            );
            child_education(rng, &mut w, ctx, i, d, age);
            continue;
        }

        // Adults: employment and income.
        let pensioner = age >= pension_age(d.sex);
        let leave_p = match youngest {
            0 => 0.75,
            1..=2 => 0.35,
            _ => 0.0,
        };
        let (status, work) = if pensioner {
            if age < 70 && rng.chance(0.12 * exp(0.3 * z)) {
                (code::EMPLOYED, Work::Wage)
            } else {
                (code::RETIRED, Work::None)
            }
        } else if dis == Some(Disability::Group1) && rng.chance(0.9)
            || dis == Some(Disability::Group2) && rng.chance(0.55)
        {
            (code::UNABLE_TO_WORK, Work::None)
        } else if age <= 22
            && (d.role == Role::Child || d.role == Role::Other || ctx.shape == Shape::SingleAdult)
            && rng.chance(match age {
                18..=19 => 0.55,
                20..=21 => 0.45,
                _ => 0.25,
            })
        {
            (code::STUDENT, Work::None)
        } else if i == carer && female && rng.chance(leave_p) {
            (code::CHILDCARE_LEAVE, Work::None)
        } else {
            let mut p_unemployed = 0.045 * exp(-0.6 * z);
            if ctx.rural {
                p_unemployed *= 1.25;
            }
            if dis == Some(Disability::Group3) {
                p_unemployed *= 1.5;
            }
            if female && minors >= 3 && i == carer {
                p_unemployed += 0.08;
            }
            if rng.chance(p_unemployed.min(0.6)) {
                if rng.chance(0.35) {
                    (code::UNEMPLOYED_REGISTERED, Work::None)
                } else {
                    (code::UNEMPLOYED, Work::None)
                }
            } else if rng.chance(if ctx.rural { 0.33 } else { 0.15 }) {
                (code::SELF_EMPLOYED, Work::SelfEmployed)
            } else {
                (code::EMPLOYED, Work::Wage)
            }
        };
        let observed = ago(rng, as_of, 5, 90);
        let adult_since = if status == code::RETIRED { pension_age(d.sex) } else { 18 };
        let since = add_days(observed, -rng.range(30, 3650)).max(add_years(d.birth, adult_since));
        w.push(
            Some(i),
            k.employment,
            ObservationValue::Code(status.to_owned()),
            observed,
            since,
            None,
        );
        let able = !pensioner && !matches!(dis, Some(Disability::Group1 | Disability::Group2));
        w.push(Some(i), k.able_bodied, ObservationValue::Flag(able), observed, since, None);

        let income_observed = ago(rng, as_of, 5, 45);
        let income_from =
            first_of_month(add_days(income_observed, -30)).max(add_years(d.birth, 16));
        match work {
            Work::Wage => {
                let base = if ctx.rural { 3.5 } else { 4.2 };
                let wage = (pm * base * exp(0.35 * z + 0.35 * rng.normal())).max(1.6 * pm);
                total_income += wage;
                w.push(Some(i), k.wage, money(wage), income_observed, income_from, None);
            }
            Work::SelfEmployed => {
                let base = if ctx.rural { 2.3 } else { 2.8 };
                let earned = (pm * base * exp(0.35 * z + 0.5 * rng.normal())).max(0.3 * pm);
                total_income += earned;
                w.push(
                    Some(i),
                    k.self_employment,
                    money(earned),
                    income_observed,
                    income_from,
                    None,
                );
            }
            Work::None => {}
        }
        if pensioner {
            let pension = (pm * 2.2 * exp(0.12 * z + 0.15 * rng.normal())).max(1.3 * pm);
            total_income += pension;
            let observed = ago(rng, as_of, 1, 40);
            let since = add_years(d.birth, pension_age(d.sex));
            w.push(Some(i), k.pension, money(pension), observed, since, None);
        }
        let mut benefit = match dis {
            Some(Disability::Group1) => 1.9 * pm,
            Some(Disability::Group2) => 1.5 * pm,
            Some(Disability::Group3) => 1.0 * pm,
            _ => 0.0,
        };
        if i == carer {
            benefit += 1.4 * pm * disabled_children as f64;
        }
        match status {
            code::CHILDCARE_LEAVE => benefit += pm * (0.9 + 0.8 * rng.unit()),
            code::UNEMPLOYED_REGISTERED if rng.chance(0.5) => benefit += 0.5 * pm,
            code::STUDENT if rng.chance(0.4) => benefit += 0.8 * pm,
            _ => {}
        }
        if benefit > 0.0 {
            total_income += benefit;
            let observed = ago(rng, as_of, 1, 40);
            let since = first_of_month(add_days(observed, -rng.range(0, 700))).max(d.birth);
            w.push(Some(i), k.benefit, money(benefit), observed, since, None);
        }
        if ctx.shape == Shape::SingleParent
            && d.role == Role::Head
            && ex_spouse_on_record
            && minors > 0
            && rng.chance(0.5)
        {
            let alimony = pm * (0.3 + 0.4 * rng.unit()) * minors as f64;
            total_income += alimony;
            let observed = ago(rng, as_of, 10, 150);
            let since = add_days(observed, -rng.range(0, 1000));
            w.push(Some(i), k.alimony, money(alimony), observed, since, None);
        }

        // Debts.
        let observed = ago(rng, as_of, 5, 60);
        let mut p_debt = 0.09 * exp(-0.55 * z);
        if pensioner {
            p_debt *= 0.5;
        }
        if age < 80 && rng.chance(p_debt.min(0.7)) {
            let since = add_days(observed, -rng.range(90, 1500))
                .max(add_years(d.birth, 18))
                .min(add_days(observed, -90));
            w.push(Some(i), k.debt, ObservationValue::Flag(true), observed, since, None);
            let amount = pm * 8.0 * exp(0.9 * rng.normal() + 0.2 * z);
            w.push(Some(i), k.debt_amount, money(amount), observed, since, None);
        } else {
            w.push(
                Some(i),
                k.debt,
                ObservationValue::Flag(false),
                observed,
                first_of_month(observed),
                None,
            );
        }

        // Health insurance for adults depends on their work.
        let p_insured = if pensioner || dis.is_some() {
            0.98
        } else {
            match status {
                code::EMPLOYED => 0.88,
                code::SELF_EMPLOYED => 0.60,
                code::UNEMPLOYED => 0.35,
                code::UNEMPLOYED_REGISTERED => 0.75,
                _ => 0.90,
            }
        };
        let observed = ago(rng, as_of, 1, 30);
        let insured = rng.chance(p_insured);
        w.push(
            Some(i),
            k.insured,
            ObservationValue::Flag(insured),
            observed,
            first_of_month(observed),
            None,
        );
    }

    // Police: domestic violence and protective orders.
    let adults = n - minors;
    let p_violence = 0.0036
        * exp(-0.6 * z)
        * if couple { 1.3 } else { 0.6 }
        * if adults >= 2 { 1.0 } else { 0.5 };
    if rng.chance(p_violence) {
        let observed = ago(rng, as_of, 1, 150);
        let since = add_days(observed, -rng.range(0, 7));
        w.push(None, k.violence, ObservationValue::Flag(true), observed, since, None);
        if rng.chance(0.4) {
            let victim = current()
                .find(|(i, d)| d.sex == Sex::Female && ages[*i] >= 18)
                .map_or(0, |(i, _)| i);
            let from = add_days(since, rng.range(0, 3)).min(as_of);
            w.push(
                Some(victim),
                k.protective_order,
                ObservationValue::Flag(true),
                from,
                from,
                Some(add_days(from, 90)),
            );
        }
    }

    let per_capita = total_income / n as f64;
    housing_and_property(rng, &mut w, ctx, n, minors, per_capita);

    // Benefits paid to the family.
    let line = 0.7 * pm;
    if per_capita < line && rng.chance(0.65) {
        let from = first_of_month(ago(rng, as_of, 0, 150));
        let observed = between(rng, from, as_of);
        let amount = (line - per_capita) * n as f64;
        w.push(
            None,
            k.targeted_assistance,
            money(amount),
            observed,
            from,
            Some(add_days(from, 182)),
        );
    }
    if minors >= 4 {
        let amount = 4.01 * ctx.mrp as f64 * minors as f64;
        let observed = ago(rng, as_of, 1, 40);
        let since = first_of_month(add_days(observed, -rng.range(0, 2000))).max(ctx.registered_on);
        w.push(None, k.child_allowance, money(amount), observed, since, None);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Work {
    Wage,
    SelfEmployed,
    None,
}

fn child_education(
    rng: &mut Rng,
    w: &mut Writer<'_, '_>,
    ctx: &FamilyContext<'_>,
    i: usize,
    d: &Draft,
    age: i32,
) {
    let k = ctx.keys;
    let z = ctx.z;
    let observed = ago(rng, ctx.as_of, 1, 45);
    let at_school = age >= 7 || (age == 6 && rng.chance(0.5));
    if at_school {
        let attached = rng.chance(if z < -1.5 { 0.97 } else { 0.99 });
        let start = school_year_start(observed).max(add_years(d.birth, 6));
        w.push(Some(i), k.school, ObservationValue::Flag(attached), observed, start, None);
        if attached {
            let mut weights = [560, 310, 120, 10];
            if z < -1.0 {
                weights[3] = 25;
            }
            let days = match rng.weighted(&weights) {
                0 => rng.range(0, 4),
                1 => rng.range(5, 14),
                2 => rng.range(15, 29),
                _ => rng.range(30, 90),
            };
            // No more absences than school days so far (five a week, at most 170 a year).
            let school_days =
                (days_between(school_year_start(observed), observed) * 5 / 7).clamp(0, 170);
            let start = school_year_start(observed);
            w.push(
                Some(i),
                k.absence,
                ObservationValue::Count(days.min(school_days)),
                observed,
                start,
                None,
            );
        }
    } else if age >= 1 {
        let p = if age == 1 {
            0.55
        } else if ctx.rural {
            0.85
        } else {
            0.92
        };
        let attached = rng.chance(p);
        let since = add_days(observed, -rng.range(0, 1500)).max(add_years(d.birth, 1));
        w.push(Some(i), k.kindergarten, ObservationValue::Flag(attached), observed, since, None);
    }
}

fn housing_and_property(
    rng: &mut Rng,
    w: &mut Writer<'_, '_>,
    ctx: &FamilyContext<'_>,
    n: usize,
    minors: usize,
    per_capita: f64,
) {
    let k = ctx.keys;
    let z = ctx.z;
    let as_of = ctx.as_of;
    let poor = per_capita < ctx.pm as f64;
    let young = ctx.head_age < 35;
    let tenure = {
        let single = ctx.shape == Shape::SingleAdult;
        if single && poor && rng.chance(0.003) {
            "none"
        } else if single && !ctx.rural && rng.chance(0.10 * if young { 1.0 } else { 0.3 }) {
            "dormitory"
        } else if rng.chance(
            if ctx.rural {
                0.03
            } else if young {
                0.30
            } else {
                0.08
            } * exp(-0.3 * z),
        ) {
            "rent"
        } else if rng.chance(if poor && minors >= 3 { 0.08 } else { 0.02 }) {
            "social"
        } else if rng.chance(if ctx.shape == Shape::Couple { 0.12 } else { 0.05 }) {
            "relatives"
        } else {
            "own"
        }
    };
    let observed = ago(rng, as_of, 10, 180);
    let since = add_days(observed, -rng.range(0, 7000)).max(ctx.registered_on);
    w.push(None, k.tenure, ObservationValue::Code(tenure.to_owned()), observed, since, None);
    let (area, rooms) = match tenure {
        "none" => (0, 0),
        "dormitory" => (rng.range(12, 18), 1),
        _ => {
            // Space grows more slowly beyond four people: large families live more tightly.
            let (first, next, beyond) =
                if ctx.rural { (35.0, 17.0, 9.0) } else { (25.0, 15.0, 7.0) };
            let n = n as f64;
            let base = first + next * n.min(4.0) + beyond * (n - 4.0).max(0.0);
            let area = (base * exp(0.18 * z + 0.15 * rng.normal())).round().max(14.0) as i64;
            let max_rooms = if ctx.rural { 8 } else { 6 };
            let rooms = ((area as f64 / 18.0).round() as i64).clamp(1, max_rooms);
            (area, rooms)
        }
    };
    w.push(None, k.area, ObservationValue::Count(area), observed, since, None);
    w.push(None, k.rooms, ObservationValue::Count(rooms), observed, since, None);

    let real_estate = if tenure == "own" {
        1 + i64::from(z > 0.8 && rng.chance(0.3)) + i64::from(z > 1.5 && rng.chance(0.3))
    } else {
        i64::from(z > 0.0 && rng.chance(0.08))
    };
    let observed = ago(rng, as_of, 10, 180);
    let since = add_days(observed, -rng.range(0, 5000)).max(ctx.registered_on);
    w.push(None, k.real_estate, ObservationValue::Count(real_estate), observed, since, None);

    let mut car_bias = -0.1 + if ctx.rural { 0.15 } else { 0.0 };
    car_bias += match ctx.shape {
        Shape::SinglePensioner => -1.2,
        Shape::SingleAdult => -0.5,
        Shape::CoupleWithChildren | Shape::Multigenerational => 0.4,
        _ => 0.0,
    };
    let mut cars = 0;
    if rng.chance(sigmoid(car_bias + z)) {
        cars = 1;
        if rng.chance(sigmoid(-2.0 + z)) {
            cars += 1;
            if rng.chance(sigmoid(-3.5 + z)) {
                cars += 1;
            }
        }
    }
    let observed = ago(rng, as_of, 10, 120);
    let since = add_days(observed, -rng.range(0, 3000)).max(ctx.registered_on);
    w.push(None, k.vehicles, ObservationValue::Count(cars), observed, since, None);

    if ctx.rural || rng.chance(0.03) {
        let observed = ago(rng, as_of, 10, 180);
        let since = add_days(observed, -rng.range(0, 5000)).max(ctx.registered_on);
        let land = match rng.weighted(&[65, 27, 8]) {
            0 => 0,
            1 => rng.range(1, 10),
            _ => rng.range(10, 500),
        };
        let livestock = match rng.weighted(&[40, 50, 10]) {
            0 => 0,
            1 => rng.range(1, 20),
            _ => rng.range(20, 300),
        };
        let machinery = if land >= 10 {
            if rng.chance(0.7) { rng.range(1, 4) } else { 0 }
        } else {
            i64::from(rng.chance(0.05))
        };
        w.push(None, k.land, ObservationValue::Count(land), observed, since, None);
        w.push(None, k.livestock, ObservationValue::Count(livestock), observed, since, None);
        w.push(None, k.machinery, ObservationValue::Count(machinery), observed, since, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shanyraq_domain::indicators::{EMPLOYMENT_CODES, HOUSING_CODES};

    #[test]
    fn codes_are_in_the_catalogue() {
        for c in [
            code::EMPLOYED,
            code::SELF_EMPLOYED,
            code::UNEMPLOYED_REGISTERED,
            code::UNEMPLOYED,
            code::STUDENT,
            code::RETIRED,
            code::CHILDCARE_LEAVE,
            code::UNABLE_TO_WORK,
        ] {
            assert!(EMPLOYMENT_CODES.contains(&c), "{c}");
        }
        for c in ["own", "rent", "social", "relatives", "dormitory", "none"] {
            assert!(HOUSING_CODES.contains(&c), "{c}");
        }
    }
}
