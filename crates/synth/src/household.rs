//! Who lives in a family: its shape, its members' sexes, birth dates, roles, membership dates and
//! names. Facts about them come later (`facts`).
//!
//! Shapes, with their weights at fertility `f` (0 in the north … 1 in Turkestan; +0.25 in
//! rural places, ±0.15 by people; so they are per cent of families at `f` = 0):
//!
//! | shape | weight | who |
//! |---|---|---|
//! | single pensioner | 12 − 4f | a woman of 61+ (70 %) or a man of 63+; 18 % with the late spouse on record; a third of the women with grown children who left |
//! | single adult | 20 − 7f | 18–62 |
//! | couple without children | 19 − 5f | 40 % young (wife 19–34), 60 % empty nest whose children all left |
//! | couple with children | 31 + 8f | 1–7 children, the youngest under 16; grown children stay or leave by age; the wife heads 15 % |
//! | single parent | 10 − 2f | a mother (85 %) or father with 1–5 children; 30 % with the former spouse on record |
//! | multigenerational | 8 + 10f | a couple with 1–5 children and the husband's parent(s); in 30 % the grandfather (or widowed grandmother) heads it, the son is a child and his wife and children are "other"; a missing grandparent is on record as deceased in 40 % |
//!
//! Children per couple, 1…7, per cent: north `40 38 16 4.5 1.2 0.25 0.05`, south
//! `22 28 25 14 7 2.8 1.2`, blended by `f`. Mothers have their first child at 19–31 (mostly
//! 21–26), then one every 1–5 years, none after 44; husbands are 4 years younger to 12 older
//! (mostly 2–3 older) and 19–54 at every birth; nobody marries before 18. Adult children still
//! at home: 85 % at 18–19, 60 % at 20–22, 35 % at 23–25, 15 % at 26–29, 5 % older; of those who
//! left, half are still on record as past members (`until` set). Pension age is 63 for men and
//! 61 for women.

use shanyraq_domain::{Role, Sex};
use time::Date;

use crate::calendar::{add_days, add_years, between, birth_for_age};
use crate::names::{Ethnicity, first_name, surname};
use crate::rng::Rng;

pub const PENSION_AGE_MEN: i32 = 63;
pub const PENSION_AGE_WOMEN: i32 = 61;

/// The pension age for `sex`.
pub fn pension_age(sex: Sex) -> i32 {
    if sex == Sex::Male { PENSION_AGE_MEN } else { PENSION_AGE_WOMEN }
}

/// The kinds of family the generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    SinglePensioner,
    SingleAdult,
    Couple,
    CoupleWithChildren,
    SingleParent,
    Multigenerational,
}

/// A member in the making: everything but the keys and the facts.
#[derive(Debug, Clone)]
pub struct Draft {
    pub sex: Sex,
    pub birth: Date,
    pub role: Role,
    pub from: Date,
    pub until: Option<Date>,
    pub death: Option<Date>,
    pub first: &'static str,
    /// Masculine form; the person's own form comes from [`crate::names::surname_for`].
    pub surname: &'static str,
    /// The father's first name, for the patronymic.
    pub father: &'static str,
}

impl Draft {
    /// A current, living member on the generation date.
    pub fn current(&self) -> bool {
        self.until.is_none() && self.death.is_none()
    }
}

/// Mothers' ages at first birth 19…31.
const FIRST_BIRTH: [u32; 13] = [6, 9, 11, 12, 12, 11, 10, 8, 7, 5, 4, 3, 2];
/// Years between births, 1…5.
const SPACING: [u32; 5] = [15, 35, 25, 15, 10];
/// Children per couple 1…7, per mille, in the north and in the south.
const CHILDREN_NORTH: [f64; 7] = [400.0, 380.0, 160.0, 45.0, 12.0, 2.5, 0.5];
const CHILDREN_SOUTH: [f64; 7] = [220.0, 280.0, 250.0, 140.0, 70.0, 28.0, 12.0];
const CHILDREN_SINGLE_PARENT: [u32; 5] = [50, 33, 12, 4, 1];

/// Builds one family's members into `out` (cleared first) and says its shape.
#[derive(Debug)]
pub struct HouseholdBuilder<'a> {
    pub rng: &'a mut Rng,
    pub as_of: Date,
    pub ethnicity: Ethnicity,
    /// 0…1.4; see the module docs.
    pub fertility: f64,
    pub out: &'a mut Vec<Draft>,
}

/// The mother's and father's side of a family core and when the children were born.
struct Core {
    mother: usize,
    father: Option<usize>,
    children: [usize; 7],
    n_children: usize,
}

impl HouseholdBuilder<'_> {
    pub fn build(&mut self) -> Shape {
        self.out.clear();
        let f = self.fertility;
        let weights = [
            (12.0 - 4.0 * f).max(1.0),
            (20.0 - 7.0 * f).max(1.0),
            (19.0 - 5.0 * f).max(1.0),
            31.0 + 8.0 * f,
            (10.0 - 2.0 * f).max(1.0),
            8.0 + 10.0 * f,
        ];
        let w: Vec<u32> = weights.iter().map(|w| (w * 100.0) as u32).collect();
        let shape = match self.rng.weighted(&w) {
            0 => self.single_pensioner(),
            1 => self.single_adult(),
            2 => self.couple(),
            3 => self.couple_with_children(),
            4 => self.single_parent(),
            _ => self.multigenerational(),
        };
        // Registries keep only some of the children who moved out long ago.
        let rng = &mut *self.rng;
        self.out.retain(|d| {
            let left_child = d.until.is_some()
                && d.death.is_none()
                && matches!(d.role, Role::Child | Role::Other);
            !left_child || rng.below(2) == 0
        });
        shape
    }

    /// A first name no one in the family has yet: parents do not give two children one name.
    fn name(&mut self, sex: Sex, birth: Date) -> &'static str {
        let mut name = first_name(self.rng, self.ethnicity, sex, birth.year());
        for _ in 0..8 {
            if !self.out.iter().any(|d| d.first == name) {
                break;
            }
            name = first_name(self.rng, self.ethnicity, sex, birth.year());
        }
        name
    }

    fn surname(&mut self) -> &'static str {
        surname(self.rng, self.ethnicity)
    }

    /// A father's name for someone whose father is not on record.
    fn father_name(&mut self, child_birth: Date) -> &'static str {
        first_name(self.rng, self.ethnicity, Sex::Male, child_birth.year() - 28)
    }

    fn push(&mut self, draft: Draft) -> usize {
        self.out.push(draft);
        self.out.len() - 1
    }

    /// A person of `sex` aged `age`, with a new surname and father's name.
    fn person(&mut self, sex: Sex, age: i32, role: Role) -> usize {
        let birth = birth_for_age(self.rng, self.as_of, age);
        let first = self.name(sex, birth);
        let surname = self.surname();
        let father = self.father_name(birth);
        self.push(Draft {
            sex,
            birth,
            role,
            from: birth,
            until: None,
            death: None,
            first,
            surname,
            father,
        })
    }

    fn random_sex(&mut self) -> Sex {
        if self.rng.below(1000) < 513 { Sex::Male } else { Sex::Female }
    }

    /// The date someone born on `birth` turns `years`.
    fn birthday(birth: Date, years: i32) -> Date {
        add_years(birth, years)
    }

    /// A date when someone (born `birth`) started living on their own: 18 to 15 years ago.
    fn own_household_since(&mut self, birth: Date) -> Date {
        let eighteen = Self::birthday(birth, 18);
        let since = add_days(self.as_of, -self.rng.range(0, 15 * 365));
        since.max(eighteen).min(self.as_of)
    }

    /// Mothers' ages at each birth for up to `k` children.
    fn birth_ages(&mut self, k: usize) -> ([i32; 7], usize) {
        let mut ages = [0i32; 7];
        let mut a = 19 + self.rng.weighted(&FIRST_BIRTH) as i32;
        let mut n = 0;
        while n < k.min(7) && a <= 44 {
            ages[n] = a;
            n += 1;
            a += 1 + self.rng.weighted(&SPACING) as i32;
        }
        (ages, n.max(1))
    }

    fn children_count(&mut self) -> usize {
        let f = self.fertility.clamp(0.0, 1.0);
        let w: Vec<u32> = CHILDREN_NORTH
            .iter()
            .zip(CHILDREN_SOUTH)
            .map(|(n, s)| (n * (1.0 - f) + s * f) as u32)
            .collect();
        1 + self.rng.weighted(&w)
    }

    /// Husband's age minus wife's, kept so that he is 19–54 at every birth.
    fn age_gap(&mut self, first_birth_age: i32, last_birth_age: i32) -> i32 {
        let d = (2.5 + 3.0 * self.rng.normal()).round() as i32;
        d.clamp((-4).max(19 - first_birth_age), 12.min(54 - last_birth_age))
    }

    /// A mother (and, if `with_father`, her husband) with `k` children, the youngest aged
    /// `youngest` (or born in the last year if 0). Children are pushed but not yet given roles
    /// or membership ends; surnames and patronymics follow the father.
    fn core(&mut self, k: usize, youngest: i32, with_father: bool, wife_role: Role) -> Core {
        let (ages, n) = self.birth_ages(k);
        let m = ages[n - 1] + youngest;
        let d = self.age_gap(ages[0], ages[n - 1]);
        let mother_birth = birth_for_age(self.rng, self.as_of, m);
        let father_birth = birth_for_age(self.rng, self.as_of, m + d);
        let father_first = self.name(Sex::Male, father_birth);
        let family_surname = self.surname();

        // Marriage: at the mother's 18+ (and the father's 18+), up to 3 years before the first
        // child.
        let wife_age = 18.max(18 - d).max(ages[0] - self.rng.range(0, 3) as i32);
        let marriage = add_days(Self::birthday(mother_birth, wife_age), self.rng.range(0, 364));
        let marriage = marriage
            .max(Self::birthday(father_birth, 18))
            .max(Self::birthday(mother_birth, 18))
            .min(add_days(self.as_of, -1));

        let mother_first = self.name(Sex::Female, mother_birth);
        let mother_father = self.father_name(mother_birth);
        // Three wives in four take the husband's surname.
        let mother_surname = if self.rng.below(4) == 0 { self.surname() } else { family_surname };
        let mother = self.push(Draft {
            sex: Sex::Female,
            birth: mother_birth,
            role: wife_role,
            from: marriage,
            until: None,
            death: None,
            first: mother_first,
            surname: mother_surname,
            father: mother_father,
        });
        let father = with_father.then(|| {
            let grandfather = self.father_name(father_birth);
            self.push(Draft {
                sex: Sex::Male,
                birth: father_birth,
                role: Role::Head,
                from: marriage,
                until: None,
                death: None,
                first: father_first,
                surname: family_surname,
                father: grandfather,
            })
        });

        let mut children = [0usize; 7];
        for (i, slot) in children.iter_mut().enumerate().take(n) {
            let mut birth = add_days(Self::birthday(mother_birth, ages[i]), self.rng.range(0, 364));
            if birth >= self.as_of {
                birth = add_days(self.as_of, -self.rng.range(1, 300));
            }
            let sex = self.random_sex();
            let first = self.name(sex, birth);
            *slot = self.push(Draft {
                sex,
                birth,
                role: Role::Child,
                from: birth,
                until: None,
                death: None,
                first,
                surname: family_surname,
                father: father_first,
            });
        }
        Core { mother, father, children, n_children: n }
    }

    /// Grown children leave: the chance to still live at home falls with age; `force` makes all
    /// adults leave (an empty nest).
    fn grown_children_leave(&mut self, core: &Core, force: bool) {
        for &i in &core.children[..core.n_children] {
            let birth = self.out[i].birth;
            let age = shanyraq_domain::person::age_on(birth, self.as_of);
            if age < 18 {
                continue;
            }
            let stay_per_mille = match age {
                18..=19 => 850,
                20..=22 => 600,
                23..=25 => 350,
                26..=29 => 150,
                _ => 50,
            };
            if !force && self.rng.per_mille(stay_per_mille) {
                continue;
            }
            let leave_age = self.rng.range(18, i64::from(age)) as i32;
            let left = add_days(Self::birthday(birth, leave_age), self.rng.range(0, 364))
                .min(add_days(self.as_of, -1));
            self.out[i].until = Some(left.max(add_days(birth, 1)));
        }
    }

    /// A death date for someone born `birth`: after 45 and after `not_before`, up to 15 years ago.
    /// `None` when no such date lies before the generation date.
    fn death_date(&mut self, birth: Date, not_before: Date) -> Option<Date> {
        let lo = Self::birthday(birth, 45).max(add_days(self.as_of, -15 * 365)).max(not_before);
        let hi = add_days(self.as_of, -1);
        (lo <= hi).then(|| between(self.rng, lo, hi))
    }

    fn single_pensioner(&mut self) -> Shape {
        let sex = if self.rng.below(10) < 7 { Sex::Female } else { Sex::Male };
        let spread =
            [10, 10, 9, 9, 8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1];
        let age = pension_age(sex) + self.rng.weighted(&spread) as i32;
        let head = self.person(sex, age, Role::Head);
        let birth = self.out[head].birth;
        self.out[head].from = self.own_household_since(birth);
        let mut late_husband = None;
        if self.rng.below(100) < 45 && self.rng.below(100) < 40 {
            // Widowed, the late spouse still on record.
            let other = if sex == Sex::Male { Sex::Female } else { Sex::Male };
            let gap = if sex == Sex::Female { self.rng.range(0, 6) } else { -self.rng.range(0, 6) };
            let spouse_age = (age + gap as i32).max(pension_age(other) - 5);
            let spouse = self.person(other, spouse_age, Role::Spouse);
            let spouse_birth = self.out[spouse].birth;
            let marriage = add_days(
                Self::birthday(birth.max(spouse_birth), 18 + self.rng.range(2, 8) as i32),
                self.rng.range(0, 364),
            );
            if let Some(death) = self.death_date(spouse_birth, add_days(marriage, 365)) {
                self.out[head].from = marriage;
                if sex == Sex::Female {
                    self.out[head].surname = self.out[spouse].surname;
                    late_husband = Some(self.out[spouse].first);
                } else {
                    self.out[spouse].surname = self.out[head].surname;
                }
                self.out[spouse].from = marriage;
                self.out[spouse].death = Some(death);
                self.out[spouse].until = Some(death);
            } else {
                self.out.truncate(head + 1);
            }
        }
        if sex == Sex::Female && self.rng.below(100) < 35 {
            // Grown children who once lived here.
            let count = 1 + self.rng.below(3) as usize;
            let (ages, n) = self.birth_ages(count);
            let surname = self.out[head].surname;
            let father = match late_husband {
                Some(name) => name,
                None => self.father_name(birth),
            };
            for &a in &ages[..n] {
                let child_birth = add_days(Self::birthday(birth, a), self.rng.range(0, 364));
                let csex = self.random_sex();
                let first = self.name(csex, child_birth);
                let left_age = 18 + self.rng.range(0, 7) as i32;
                let left = add_days(Self::birthday(child_birth, left_age), self.rng.range(0, 364))
                    .min(add_days(self.as_of, -1));
                self.push(Draft {
                    sex: csex,
                    birth: child_birth,
                    role: Role::Child,
                    from: child_birth,
                    until: Some(left),
                    death: None,
                    first,
                    surname,
                    father,
                });
            }
            let earliest = self.out[head + 1..].iter().map(|d| d.from).min();
            if let Some(e) = earliest {
                self.out[head].from = self.out[head].from.min(e);
            }
        }
        Shape::SinglePensioner
    }

    fn single_adult(&mut self) -> Shape {
        let sex = if self.rng.below(100) < 55 { Sex::Male } else { Sex::Female };
        let age = match self.rng.weighted(&[40, 30, 30]) {
            0 => self.rng.range(18, 29),
            1 => self.rng.range(30, 44),
            _ => self.rng.range(45, i64::from(pension_age(sex) - 1)),
        } as i32;
        let head = self.person(sex, age, Role::Head);
        let birth = self.out[head].birth;
        self.out[head].from = self.own_household_since(birth);
        Shape::SingleAdult
    }

    fn couple(&mut self) -> Shape {
        if self.rng.below(100) < 40 {
            // Young, no children yet: married within the last five years.
            let wife_age = self.rng.range(19, 34) as i32;
            let gap = self.age_gap(25, 25);
            let husband = self.person(Sex::Male, (wife_age + gap).max(19), Role::Head);
            let wife = self.person(Sex::Female, wife_age, Role::Spouse);
            let marriage = add_days(self.as_of, -self.rng.range(30, 5 * 365))
                .max(Self::birthday(self.out[wife].birth, 18))
                .max(Self::birthday(self.out[husband].birth, 18));
            self.out[husband].from = marriage;
            self.out[wife].from = marriage;
            if self.rng.below(4) != 0 {
                self.out[wife].surname = self.out[husband].surname;
            }
        } else {
            // Empty nest: every child has grown up and left.
            let k = self.children_count().min(5);
            let youngest = self.rng.range(19, 40) as i32;
            let core = self.core(k, youngest, true, Role::Spouse);
            self.grown_children_leave(&core, true);
        }
        self.head_first();
        Shape::Couple
    }

    fn couple_with_children(&mut self) -> Shape {
        let k = self.children_count();
        let youngest = self.rng.range(0, 15) as i32;
        let core = self.core(k, youngest, true, Role::Spouse);
        self.grown_children_leave(&core, false);
        self.wife_heads_sometimes(&core);
        self.head_first();
        Shape::CoupleWithChildren
    }

    /// In 15 % of couples the wife is registered as the head.
    fn wife_heads_sometimes(&mut self, core: &Core) {
        if let Some(h) = core.father
            && self.rng.below(100) < 15
        {
            self.out[h].role = Role::Spouse;
            self.out[core.mother].role = Role::Head;
        }
    }

    /// Puts the head first, the order lists show members in.
    fn head_first(&mut self) {
        if let Some(h) = self.out.iter().position(|d| d.role == Role::Head && d.current())
            && h != 0
        {
            let head = self.out.remove(h);
            self.out.insert(0, head);
        }
    }

    fn single_parent(&mut self) -> Shape {
        let k = 1 + self.rng.weighted(&CHILDREN_SINGLE_PARENT);
        let youngest = self.rng.range(0, 15) as i32;
        let mother_heads = self.rng.below(100) < 85;
        let keep_ex = self.rng.below(100) < 30;
        let core = self.core(k, youngest, true, Role::Head);
        let father = core.father.unwrap_or(core.mother);
        let youngest_birth =
            core.children[..core.n_children].iter().map(|&i| self.out[i].birth).max();
        let separated = youngest_birth
            .map(|b| between(self.rng, add_days(b, 30), add_days(self.as_of, -1)))
            .unwrap_or(self.as_of)
            .min(add_days(self.as_of, -1));
        let (stays, leaves) =
            if mother_heads { (core.mother, father) } else { (father, core.mother) };
        self.out[stays].role = Role::Head;
        self.out[leaves].role = Role::Spouse;
        self.out[leaves].until = Some(separated.max(add_days(self.out[leaves].from, 1)));
        self.grown_children_leave(&core, false);
        if !keep_ex {
            self.out.remove(leaves);
        }
        self.head_first();
        Shape::SingleParent
    }

    fn multigenerational(&mut self) -> Shape {
        let k = self.children_count().min(5);
        let youngest = self.rng.range(0, 10) as i32;
        let core = self.core(k, youngest, true, Role::Spouse);
        let Some(husband) = core.father else { return Shape::CoupleWithChildren };
        self.grown_children_leave(&core, false);
        let husband_birth = self.out[husband].birth;
        let husband_age = shanyraq_domain::person::age_on(husband_birth, self.as_of);
        let max_g = (95 - husband_age).min(40);
        if max_g < 19 {
            self.head_first();
            return Shape::CoupleWithChildren;
        }
        // The husband's mother had him at g; her husband is d2 older.
        let g = self.rng.range(19, i64::from(max_g)) as i32;
        let d2 = self.age_gap(g, g).min(97 - husband_age - g);
        let gm_birth = add_days(Self::birthday(husband_birth, -g), -self.rng.range(1, 364));
        let gf_birth = add_days(Self::birthday(gm_birth, -d2), self.rng.range(-180, 180));
        let grandfather_first = self.out[husband].father;
        let family_surname = self.out[husband].surname;
        // The elders married up to a year before their son was born, both 18 or older.
        let gp_marriage = add_days(husband_birth, -self.rng.range(30, 365))
            .max(Self::birthday(gm_birth, 18))
            .max(Self::birthday(gf_birth, 18));
        let who = self.rng.weighted(&[55, 33, 12]); // both, grandmother, grandfather
        let deceased_on_record = who != 0 && self.rng.below(100) < 40;
        let flip = self.rng.below(100) < 30;
        let couple_marriage = self.out[husband].from;

        let gm_first = self.name(Sex::Female, gm_birth);
        let gm_father = self.father_name(gm_birth);
        let gm_surname = if self.rng.below(4) == 0 { self.surname() } else { family_surname };
        let gf_father = self.father_name(gf_birth);
        let gm = self.push(Draft {
            sex: Sex::Female,
            birth: gm_birth,
            role: Role::Parent,
            from: couple_marriage,
            until: None,
            death: None,
            first: gm_first,
            surname: gm_surname,
            father: gm_father,
        });
        let gf = self.push(Draft {
            sex: Sex::Male,
            birth: gf_birth,
            role: Role::Parent,
            from: couple_marriage,
            until: None,
            death: None,
            first: grandfather_first,
            surname: family_surname,
            father: gf_father,
        });
        let absent = match who {
            1 => Some(gf),
            2 => Some(gm),
            _ => None,
        };
        if flip {
            // The elders head the household; the son is their child, his family "other".
            let elder_head = if who == 1 { gm } else { gf };
            let elder_spouse = if elder_head == gf { gm } else { gf };
            self.out[elder_head].role = Role::Head;
            self.out[elder_spouse].role = Role::Spouse;
            self.out[elder_head].from = gp_marriage;
            self.out[elder_spouse].from = gp_marriage;
            self.out[husband].role = Role::Child;
            self.out[husband].from = husband_birth;
            self.out[core.mother].role = Role::Other;
            for &c in &core.children[..core.n_children] {
                self.out[c].role = Role::Other;
            }
        }
        if let Some(a) = absent {
            let birth = self.out[a].birth;
            let from = self.out[a].from;
            let death =
                if deceased_on_record { self.death_date(birth, add_days(from, 1)) } else { None };
            if let Some(death) = death {
                self.out[a].death = Some(death);
                self.out[a].until = Some(death);
            } else {
                self.out.remove(a);
            }
        }
        self.head_first();
        Shape::Multigenerational
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shanyraq_domain::person::age_on;
    use time::macros::date;

    fn families(n: u64, fertility: f64) -> Vec<(Shape, Vec<Draft>)> {
        let as_of = date!(2026 - 03 - 01);
        (0..n)
            .map(|i| {
                let mut rng = Rng::for_family(11, i);
                let mut out = Vec::new();
                let shape = HouseholdBuilder {
                    rng: &mut rng,
                    as_of,
                    ethnicity: Ethnicity::Kazakh,
                    fertility,
                    out: &mut out,
                }
                .build();
                (shape, out)
            })
            .collect()
    }

    #[test]
    fn every_family_has_one_current_head_first() {
        for (shape, members) in families(20_000, 0.5) {
            let heads: Vec<_> =
                members.iter().filter(|d| d.role == Role::Head && d.current()).collect();
            assert_eq!(heads.len(), 1, "{shape:?}: {members:#?}");
            assert_eq!(members[0].role, Role::Head);
            assert!(members[0].current());
            let as_of = date!(2026 - 03 - 01);
            for d in &members {
                assert!(d.birth <= as_of && d.from >= d.birth && d.from <= as_of, "{d:#?}");
                if let Some(u) = d.until {
                    assert!(u > d.from && u <= as_of, "{shape:?} {d:#?}");
                }
                if let Some(death) = d.death {
                    assert!(death > d.birth && death <= as_of && d.until == Some(death));
                }
            }
        }
    }

    #[test]
    fn siblings_have_different_names() {
        let mut dupes = 0;
        for (_, members) in families(20_000, 1.0) {
            let children: Vec<_> = members.iter().filter(|d| d.role == Role::Child).collect();
            for (i, a) in children.iter().enumerate() {
                dupes += children[i + 1..].iter().filter(|b| b.first == a.first).count();
            }
        }
        // Only when eight draws in a row hit taken names, which is rare.
        assert!(dupes < 20, "{dupes}");
    }

    #[test]
    fn the_south_has_more_children() {
        let mean_children = |f: f64| {
            let fams = families(20_000, f);
            let kids: usize = fams
                .iter()
                .map(|(_, m)| m.iter().filter(|d| d.role == Role::Child && d.current()).count())
                .sum();
            kids as f64 / fams.len() as f64
        };
        let north = mean_children(0.0);
        let south = mean_children(1.0);
        assert!(south > north + 0.4, "north {north}, south {south}");
        let as_of = date!(2026 - 03 - 01);
        let young_single_pensioners = families(5_000, 0.5)
            .iter()
            .filter(|(s, m)| {
                *s == Shape::SinglePensioner && age_on(m[0].birth, as_of) < pension_age(m[0].sex)
            })
            .count();
        assert_eq!(young_single_pensioners, 0);
    }
}
