//! Dated constants as data: the subsistence minimum (ПМ) by year, quarter and region, and the
//! monthly calculation index (МРП) by year. Loaded from `data/constants/`.
