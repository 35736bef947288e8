//! Sensitive categories: kinds of fact that need their own grant on top of a role's scope.

use std::fmt;

use crate::indicators::IndicatorDef;

/// A kind of fact whose mere presence harms the person if the wrong eyes see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Health,
    Disability,
    /// Domestic violence: police reports, protective orders.
    Violence,
    ChildProtection,
}

impl Category {
    pub const ALL: [Category; 4] =
        [Category::Health, Category::Disability, Category::Violence, Category::ChildProtection];

    /// The stable code, as stored and typed on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Category::Health => "health",
            Category::Disability => "disability",
            Category::Violence => "violence",
            Category::ChildProtection => "child_protection",
        }
    }

    pub fn parse(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A set of categories, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CategorySet(u8);

impl CategorySet {
    pub const EMPTY: CategorySet = CategorySet(0);

    pub fn of(categories: impl IntoIterator<Item = Category>) -> CategorySet {
        categories.into_iter().fold(CategorySet::EMPTY, |s, c| s.with(c))
    }

    #[must_use]
    pub fn with(self, c: Category) -> CategorySet {
        CategorySet(self.0 | c.bit())
    }

    pub fn contains(self, c: Category) -> bool {
        self.0 & c.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    #[must_use]
    pub fn intersect(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 & other.0)
    }

    #[must_use]
    pub fn union(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 | other.0)
    }

    pub fn iter(self) -> impl Iterator<Item = Category> {
        Category::ALL.into_iter().filter(move |c| self.contains(*c))
    }

    /// The categories of the facts with these indicators.
    pub fn of_indicators<'a>(defs: impl IntoIterator<Item = &'a IndicatorDef>) -> CategorySet {
        CategorySet::of(defs.into_iter().filter_map(|d| d.category))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_sets_hold_what_was_put_in() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.code()), Some(c));
        }
        assert_eq!(Category::parse("Health"), None);
        let s = CategorySet::of([Category::Violence, Category::Health]);
        assert!(s.contains(Category::Violence) && s.contains(Category::Health));
        assert!(!s.contains(Category::Disability));
        assert_eq!(s.iter().collect::<Vec<_>>(), [Category::Health, Category::Violence]);
        let t = CategorySet::of([Category::Health]);
        assert_eq!(s.intersect(t), t);
        assert_eq!(t.union(CategorySet::EMPTY), t);
        assert!(CategorySet::EMPTY.is_empty());
    }
}
