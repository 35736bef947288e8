-- The default well-being methodology (data/methodology/ckc-2023-reconstruction.toml, version
-- ckc-2023-r1) written as DuckDB SQL: an independent second implementation, to check the Rust
-- engine family by family. It mirrors the rules of crates/domain/src/assessment/profile.rs (how
-- a family's facts on a day become variables) and engine.rs (points, total, level, overrides).
--
-- Inputs: the Parquet files bench/duckdb/export.py writes, in the directory `data_dir`, and a CSV
-- of per-region figures. Set these variables before running the script:
--
--   SET VARIABLE data_dir     = '/path/to/export';  -- the directory of the Parquet files
--   SET VARIABLE on_date      = DATE '2026-11-30';  -- the day of the assessment
--   SET VARIABLE pm           = 50851;              -- ПМ (tenge per person per month) on that day
--   SET VARIABLE poverty_line = 35596;              -- the poverty line on that day
--   SET VARIABLE figures_csv  = '/path/to/region_figures.csv';
--
-- `region_figures.csv` has the header `region_code,pm,poverty_line`: the figures of a region
-- (code AB0000000) where they differ from `pm` and `poverty_line`; a header alone is fine.
-- crosscheck.py writes one row per region: ПМ from data/constants/subsistence_minimum.csv (the
-- latest national or regional figure in force, the regional one on the same date), the poverty
-- line max(35 % of the region's median, 70 % of ПМ), each rounded half away from zero.
--
-- Output: the table `result`, one row per family: its figures, every variable the methodology
-- reads, the points of every rule (NULL: the rule gave nothing), `total`, `score_level`, which
-- overrides held (o_*) and `level`.
--
-- Arithmetic is exact integer arithmetic, as in the Rust code: a band (above, upto] holds when
-- value × 1000 > above and value × 1000 ≤ upto, bounds in thousandths of the unit, or of ПМ for
-- bands measured in ПМ (bound × ПМ); per-capita values are divided as whole numbers.

-- ── Inputs ──────────────────────────────────────────────────────────────────────────────────

CREATE OR REPLACE TEMP VIEW families AS
    SELECT * FROM read_parquet(getvariable('data_dir') || '/families.parquet');
CREATE OR REPLACE TEMP VIEW persons AS
    SELECT * FROM read_parquet(getvariable('data_dir') || '/persons.parquet');
CREATE OR REPLACE TEMP VIEW memberships AS
    SELECT * FROM read_parquet(getvariable('data_dir') || '/memberships.parquet');
CREATE OR REPLACE TEMP VIEW observations AS
    SELECT * FROM read_parquet(getvariable('data_dir') || '/observations.parquet');
CREATE OR REPLACE TEMP TABLE region_figures AS
    SELECT * FROM read_csv(getvariable('figures_csv'), header = true,
        columns = {'region_code': 'BIGINT', 'pm': 'BIGINT', 'poverty_line': 'BIGINT'});

-- Whole years on `d` for someone born on `b`; a 29 February birthday counts on 1 March in common
-- years (dates::age_on).
CREATE OR REPLACE TEMP MACRO age_on(b, d) AS greatest(0,
    year(d) - year(b)
    - CASE WHEN month(d) * 100 + day(d) < month(b) * 100 + day(b) THEN 1 ELSE 0 END);

-- A band (above, upto] in thousandths of the value's unit; NULL is an open bound.
CREATE OR REPLACE TEMP MACRO in_band(v, above, upto) AS
    (above IS NULL OR v::HUGEINT * 1000 > above)
    AND (upto IS NULL OR v::HUGEINT * 1000 <= upto);

-- A band (above, upto] in thousandths of ПМ.
CREATE OR REPLACE TEMP MACRO in_band_pm(v, above, upto, pm) AS
    (above IS NULL OR v::HUGEINT * 1000 > above::HUGEINT * pm)
    AND (upto IS NULL OR v::HUGEINT * 1000 <= upto::HUGEINT * pm);

-- A flag observation (stored 0 or 1) as a boolean; anything else is no flag.
CREATE OR REPLACE TEMP MACRO as_flag(n) AS CASE n WHEN 1 THEN TRUE WHEN 0 THEN FALSE END;

-- ── Members on the day ──────────────────────────────────────────────────────────────────────
-- Membership holds (valid_from ≤ day < valid_until), the person is alive (day < death_date) and
-- born; each person once per family.

CREATE OR REPLACE TEMP TABLE cur_members AS
SELECT DISTINCT
    m.family_id,
    m.person_id,
    age_on(p.birth_date, getvariable('on_date')) AS age,
    CASE WHEN p.disability IN ('group1', 'group2', 'group3', 'child') THEN p.disability END
        AS person_disability
FROM memberships m
JOIN persons p ON p.id = m.person_id
WHERE m.valid_from <= getvariable('on_date')
  AND (m.valid_until IS NULL OR getvariable('on_date') < m.valid_until)
  AND (p.death_date IS NULL OR getvariable('on_date') < p.death_date)
  AND p.birth_date <= getvariable('on_date');

-- ── Facts in force on the day: the latest per family, person (or household) and indicator ──
-- In force: valid_from ≤ day < valid_until and observed by the day. Latest: the later
-- observation, then the later validity start, then the later row (the engine reads a family's
-- facts in row order and keeps the last of equals). The order is packed into one unsigned
-- 128-bit number, exact for every date and id: 32 bits for each date's day number, 64 for the
-- id. Facts of the family's rows only; a fact about someone who is not a current member is
-- dropped by the join with the members further down.

CREATE OR REPLACE TEMP MACRO fact_order(observed_at, valid_from, id) AS
    ((observed_at - DATE '1970-01-01') + 2147483648)::UHUGEINT * 79228162514264337593543950336
    + ((valid_from - DATE '1970-01-01') + 2147483648)::UHUGEINT * 18446744073709551616
    + (id::HUGEINT + 9223372036854775808)::UHUGEINT;

CREATE OR REPLACE TEMP VIEW facts_in_force AS
SELECT family_id, person_id, indicator AS ind, value_num AS num, value_text AS code,
       fact_order(observed_at, valid_from, id) AS ord
FROM observations
WHERE valid_from <= getvariable('on_date')
  AND (valid_until IS NULL OR getvariable('on_date') < valid_until)
  AND observed_at <= getvariable('on_date');

-- A member's facts, one column per indicator: the value of the latest fact (arg_max_null
-- keeps a latest fact whose value is missing rather than passing to an older one).
CREATE OR REPLACE TEMP TABLE member_facts AS
SELECT
    family_id,
    person_id,
    arg_max_null(num, ord) FILTER (WHERE ind = 'income.wage') AS wage,
    arg_max_null(num, ord) FILTER (WHERE ind = 'income.self_employment') AS self_employment,
    arg_max_null(num, ord) FILTER (WHERE ind = 'income.pension') AS pension,
    arg_max_null(num, ord) FILTER (WHERE ind = 'income.benefit') AS benefit,
    arg_max_null(num, ord) FILTER (WHERE ind = 'income.alimony') AS alimony,
    arg_max_null(code, ord) FILTER (WHERE ind = 'employment.status') AS status,
    as_flag(arg_max_null(num, ord) FILTER (WHERE ind = 'employment.able_bodied')) AS able_flag,
    as_flag(arg_max_null(num, ord) FILTER (WHERE ind = 'health.clinic_attached')) AS clinic,
    as_flag(arg_max_null(num, ord) FILTER (WHERE ind = 'health.insured')) AS insured,
    arg_max_null(code, ord) FILTER (WHERE ind = 'disability.group') AS disability_fact,
    as_flag(arg_max_null(num, ord) FILTER (WHERE ind = 'education.kindergarten_attached'))
        AS kindergarten,
    as_flag(arg_max_null(num, ord) FILTER (WHERE ind = 'education.school_attached')) AS school,
    arg_max_null(num, ord) FILTER (WHERE ind = 'education.absence_days') AS absence_days,
    as_flag(arg_max_null(num, ord) FILTER (WHERE ind = 'debt.overdue_90_days')) AS overdue
FROM facts_in_force
WHERE person_id IS NOT NULL
  AND ind IN (
      'income.wage', 'income.self_employment', 'income.pension', 'income.benefit',
      'income.alimony', 'employment.status', 'employment.able_bodied',
      'health.clinic_attached', 'health.insured', 'disability.group',
      'education.kindergarten_attached', 'education.school_attached', 'education.absence_days',
      'debt.overdue_90_days')
GROUP BY family_id, person_id;

-- The household's facts (those about no person).
CREATE OR REPLACE TEMP TABLE household_facts AS
SELECT
    family_id,
    arg_max_null(code, ord) FILTER (WHERE ind = 'housing.tenure') AS tenure,
    arg_max_null(num, ord) FILTER (WHERE ind = 'housing.area_m2') AS area,
    arg_max_null(num, ord) FILTER (WHERE ind = 'property.vehicle_count') AS vehicles,
    arg_max_null(num, ord) FILTER (WHERE ind = 'property.real_estate_count') AS real_estate,
    arg_max_null(num, ord) FILTER (WHERE ind = 'property.land_ha') AS land_ha,
    arg_max_null(num, ord) FILTER (WHERE ind = 'property.livestock_heads') AS livestock,
    arg_max_null(num, ord) FILTER (WHERE ind = 'property.agri_machinery_count') AS machinery,
    arg_max_null(num, ord) FILTER (WHERE ind = 'benefits.targeted_assistance')
        AS targeted_assistance,
    as_flag(arg_max_null(num, ord) FILTER (WHERE ind = 'police.domestic_violence_report'))
        AS domestic_violence
FROM facts_in_force
WHERE person_id IS NULL
  AND ind IN (
      'housing.tenure', 'housing.area_m2', 'property.vehicle_count',
      'property.real_estate_count', 'property.land_ha', 'property.livestock_heads',
      'property.agri_machinery_count', 'benefits.targeted_assistance',
      'police.domestic_violence_report')
GROUP BY family_id;

-- ── What each member counts for ─────────────────────────────────────────────────────────────
-- Missing data is not evidence: a flag counts only when the register says so.

CREATE OR REPLACE TEMP TABLE member_vars AS
WITH m AS (
    SELECT
        c.family_id,
        c.age,
        c.age >= 18 AS adult,
        f.* EXCLUDE (family_id, person_id),
        -- A disability decision in the facts (a known code) wins over the person's record.
        coalesce(
            CASE WHEN f.disability_fact IN ('group1', 'group2', 'group3', 'child')
                 THEN f.disability_fact END,
            c.person_disability) AS disability
    FROM cur_members c
    LEFT JOIN member_facts f ON f.family_id = c.family_id AND f.person_id = c.person_id
)
SELECT
    family_id,
    adult,
    -- Income: the five sources; a negative amount counts as nothing.
    greatest(coalesce(wage, 0), 0)::HUGEINT + greatest(coalesce(self_employment, 0), 0)
        + greatest(coalesce(pension, 0), 0) + greatest(coalesce(benefit, 0), 0)
        + greatest(coalesce(alimony, 0), 0) AS income,
    coalesce(adult AND disability IN ('group1', 'group2'), FALSE) AS adult_group_1_2,
    (NOT adult) AND (disability IS NOT NULL) AS child_disability,
    coalesce(status IN ('employed', 'self_employed'), FALSE) AS working,
    coalesce(status = 'unemployed_registered', FALSE) AS registered_unemployed,
    -- The labour register's word, or else: an adult under 63 without a group 1 or 2 disability
    -- who is neither unable to work nor retired.
    coalesce(able_flag,
        adult AND age < 63
        AND NOT coalesce(disability IN ('group1', 'group2'), FALSE)
        AND NOT coalesce(status IN ('unable_to_work', 'retired'), FALSE)) AS able_bodied,
    adult AND coalesce(overdue, FALSE) AS adult_overdue,
    coalesce(NOT clinic, FALSE) AS unattached,
    coalesce(NOT insured, FALSE) AS uninsured,
    (age BETWEEN 7 AND 17) AND coalesce(NOT school, FALSE) AS school_not_attached,
    CASE WHEN age BETWEEN 7 AND 17 THEN absence_days END AS absence_days,
    (age BETWEEN 3 AND 6) AND coalesce(NOT kindergarten, FALSE) AND NOT coalesce(school, FALSE)
        AS preschool_not_attached
FROM m;

-- ── The family's variables ──────────────────────────────────────────────────────────────────

CREATE OR REPLACE TEMP TABLE family_vars AS
WITH agg AS (
    SELECT
        family_id,
        count(*) AS members,
        count(*) FILTER (WHERE adult) AS adults,
        -- Saturating like the Rust sum (every addend is ≥ 0).
        least(sum(income), 9223372036854775807)::BIGINT AS income_total,
        count(*) FILTER (WHERE adult_overdue) AS adults_overdue,
        count(*) FILTER (WHERE working) AS working_members,
        count(*) FILTER (WHERE able_bodied) AS able_bodied_members,
        count(*) FILTER (WHERE registered_unemployed) AS registered_unemployed,
        count(*) FILTER (WHERE adult_group_1_2) AS adults_group_1_2,
        count(*) FILTER (WHERE child_disability) AS children_disability,
        count(*) FILTER (WHERE unattached) AS unattached_members,
        count(*) FILTER (WHERE uninsured) AS uninsured_members,
        count(*) FILTER (WHERE school_not_attached) AS school_age_not_attached,
        count(*) FILTER (WHERE preschool_not_attached) AS preschool_not_attached,
        greatest(0, coalesce(max(absence_days), 0)) AS max_absence_days
    FROM member_vars
    GROUP BY family_id
)
SELECT
    f.id AS family_id,
    f.territory_code // 10000000 * 10000000 AS region_code,
    coalesce(r.pm, getvariable('pm'))::BIGINT AS pm,
    coalesce(r.poverty_line, getvariable('poverty_line'))::BIGINT AS poverty_line,
    coalesce(a.members, 0) AS members,
    coalesce(a.adults, 0) AS adults,
    coalesce(a.income_total, 0) AS income_total,
    -- Whole-number division, truncating as Rust does.
    CASE WHEN a.members > 0 THEN a.income_total // a.members ELSE 0 END AS income_per_capita,
    coalesce(a.adults > 0 AND a.adults_overdue = a.adults, FALSE) AS all_adults_overdue,
    coalesce(a.working_members, 0) AS working_members,
    coalesce(a.able_bodied_members, 0) AS able_bodied_members,
    coalesce(a.members > 0 AND a.able_bodied_members = 0, FALSE) AS no_able_bodied,
    coalesce(a.registered_unemployed, 0) AS registered_unemployed,
    coalesce(h.targeted_assistance, 0) AS targeted_assistance,
    coalesce(a.adults_group_1_2, 0) AS adults_group_1_2,
    coalesce(a.children_disability, 0) AS children_disability,
    coalesce(a.unattached_members, 0) AS unattached_members,
    coalesce(a.uninsured_members, 0) AS uninsured_members,
    coalesce(a.school_age_not_attached, 0) AS school_age_not_attached,
    coalesce(a.max_absence_days, 0) AS max_absence_days,
    coalesce(a.preschool_not_attached, 0) AS preschool_not_attached,
    coalesce(h.tenure = 'none', FALSE) AS homeless,
    CASE WHEN a.members > 0 THEN coalesce(h.area, 0) // a.members ELSE 0 END AS area_per_capita,
    f.settlement_type IN ('rural_okrug', 'rural_settlement') AS rural,
    coalesce(h.vehicles, 0) AS vehicles,
    coalesce(h.real_estate, 0) AS real_estate,
    coalesce(h.land_ha, 0) AS land_ha,
    coalesce(h.livestock, 0) AS livestock,
    coalesce(h.machinery, 0) AS machinery,
    coalesce(h.domestic_violence, FALSE) AS domestic_violence
FROM families f
LEFT JOIN agg a ON a.family_id = f.id
LEFT JOIN household_facts h ON h.family_id = f.id
LEFT JOIN region_figures r ON r.region_code = f.territory_code // 10000000 * 10000000;

-- ── Points, total, levels ───────────────────────────────────────────────────────────────────
-- One column per rule of the methodology, in its order; bounds in thousandths.

CREATE OR REPLACE TEMP TABLE points AS
SELECT
    v.*,
    -- income.per_capita, in ПМ: (·, 0] 0, (0, 0.25] 40, (0.25, 1] 100, (1, 2] 170, (2, 3] 280,
    -- (3, 4] 400, (4, ·) 620.
    CASE
        WHEN in_band_pm(income_per_capita, NULL, 0, pm) THEN 0
        WHEN in_band_pm(income_per_capita, 0, 250, pm) THEN 40
        WHEN in_band_pm(income_per_capita, 250, 1000, pm) THEN 100
        WHEN in_band_pm(income_per_capita, 1000, 2000, pm) THEN 170
        WHEN in_band_pm(income_per_capita, 2000, 3000, pm) THEN 280
        WHEN in_band_pm(income_per_capita, 3000, 4000, pm) THEN 400
        WHEN in_band_pm(income_per_capita, 4000, NULL, pm) THEN 620
    END AS p_income_per_capita,
    CASE WHEN all_adults_overdue THEN -500 END AS p_debt_all_adults_overdue,
    CASE
        WHEN in_band(vehicles, 0, 1000) THEN 100
        WHEN in_band(vehicles, 1000, NULL) THEN 300
    END AS p_property_vehicles,
    CASE
        WHEN in_band(real_estate, 0, 1000) THEN 100
        WHEN in_band(real_estate, 1000, NULL) THEN 500
    END AS p_property_real_estate,
    CASE WHEN no_able_bodied THEN -100 END AS p_employment_no_able_bodied,
    CASE
        WHEN in_band(working_members, 0, 1000) THEN 100
        WHEN in_band(working_members, 1000, NULL) THEN 300
    END AS p_employment_working_members,
    CASE WHEN in_band(registered_unemployed, 0, NULL) THEN -50 END
        AS p_employment_registered_unemployed,
    CASE WHEN in_band(targeted_assistance, 0, NULL) THEN -50 END
        AS p_benefits_targeted_assistance,
    CASE WHEN in_band(adults_group_1_2, 0, NULL) THEN -250 END AS p_disability_adults_group_1_2,
    CASE WHEN in_band(children_disability, 0, NULL) THEN -150 END AS p_disability_children,
    CASE WHEN in_band(unattached_members, 0, NULL) THEN -50 END AS p_health_unattached_members,
    CASE WHEN in_band(uninsured_members, 0, NULL) THEN -30 END AS p_health_uninsured_members,
    CASE WHEN in_band(school_age_not_attached, 0, NULL) THEN -100 END
        AS p_education_school_age_not_attached,
    CASE WHEN in_band(preschool_not_attached, 0, NULL) THEN -30 END
        AS p_education_preschool_not_attached,
    CASE WHEN homeless THEN -200 END AS p_housing_none,
    CASE
        WHEN in_band(area_per_capita, 0, 6000) THEN -50
        WHEN in_band(area_per_capita, 30000, NULL) THEN 100
    END AS p_housing_area_per_capita,
    CASE WHEN rural THEN -70 END AS p_settlement_rural,
    CASE
        WHEN in_band(livestock, 0, 20000) THEN 50
        WHEN in_band(livestock, 20000, NULL) THEN 150
    END AS p_property_livestock_heads,
    CASE
        WHEN in_band(land_ha, 0, 10000) THEN 30
        WHEN in_band(land_ha, 10000, NULL) THEN 100
    END AS p_property_land_ha,
    CASE WHEN in_band(machinery, 0, NULL) THEN 100 END AS p_property_agri_machinery
FROM family_vars v;

CREATE OR REPLACE TABLE result AS
WITH t AS (
    SELECT
        *,
        (coalesce(p_income_per_capita, 0) + coalesce(p_debt_all_adults_overdue, 0)
         + coalesce(p_property_vehicles, 0) + coalesce(p_property_real_estate, 0)
         + coalesce(p_employment_no_able_bodied, 0) + coalesce(p_employment_working_members, 0)
         + coalesce(p_employment_registered_unemployed, 0)
         + coalesce(p_benefits_targeted_assistance, 0)
         + coalesce(p_disability_adults_group_1_2, 0) + coalesce(p_disability_children, 0)
         + coalesce(p_health_unattached_members, 0) + coalesce(p_health_uninsured_members, 0)
         + coalesce(p_education_school_age_not_attached, 0)
         + coalesce(p_education_preschool_not_attached, 0)
         + coalesce(p_housing_none, 0) + coalesce(p_housing_area_per_capita, 0)
         + coalesce(p_settlement_rural, 0) + coalesce(p_property_livestock_heads, 0)
         + coalesce(p_property_land_ha, 0) + coalesce(p_property_agri_machinery, 0))::BIGINT
            AS total,
        -- Overrides: when a condition holds, the family is at least at the override's level.
        domestic_violence AS o_domestic_violence,                                      -- E
        max_absence_days >= 30 AS o_out_of_school,                                     -- E
        homeless AS o_homeless,                                                        -- E
        members > 0 AND income_per_capita < poverty_line AND working_members = 0
            AS o_poor_without_work                                                     -- D
    FROM points
), s AS (
    SELECT
        *,
        -- Cut-offs: A ≥ 1800, B ≥ 730, C ≥ −30, D ≥ −458, else E.
        CASE
            WHEN total >= 1800 THEN 'A'
            WHEN total >= 730 THEN 'B'
            WHEN total >= -30 THEN 'C'
            WHEN total >= -458 THEN 'D'
            ELSE 'E'
        END AS score_level
    FROM t
)
SELECT
    *,
    -- Letters order by need (A < … < E), so "at least" is the greatest; NULLs are skipped.
    greatest(score_level,
        CASE WHEN o_domestic_violence THEN 'E' END,
        CASE WHEN o_out_of_school THEN 'E' END,
        CASE WHEN o_homeless THEN 'E' END,
        CASE WHEN o_poor_without_work THEN 'D' END) AS level
FROM s
ORDER BY family_id;
