//! Behaviour tests every store backend must pass.
//!
//! # Use
//!
//! In a backend's integration tests (the crate needs `tokio` with `macros` and `rt` as a
//! dev-dependency, and `shanyraq-store` with feature `contract`):
//!
//! ```text
//! shanyraq_store::store_contract_tests!(fresh_store());
//! ```
//!
//! expands to one `#[tokio::test]` per contract function, each starting with
//! `let store = fresh_store().await;` and calling the function with `&*store`. The factory
//! expression must give, once awaited, a FRESH and EMPTY (unmigrated) store behind anything whose
//! `&*` coerces to `&dyn Store`: a `Box<dyn Store>`, an `Arc<dyn Store>`, or a guard type that
//! derefs to the backend and removes its database when dropped. Each test migrates itself.
//!
//! # What the suite fixes beyond the trait signatures
//!
//! - `FamilyRecord::members` are ordered by (membership `from`, person id);
//!   `FamilyRecord::latest_observations` by (indicator key as bytes, person id with household
//!   facts — `person: None` — first); `PersonRecord::memberships` by (`from`, family id).
//!   Sort in Rust where the engine's collation might differ.
//! - "Latest" per (indicator, person): the greatest `observed_at`, ties broken by the greater
//!   observation id; ids grow in the order observations appear in a chunk.
//! - `FamilySummary`: a member is current when [`Membership::holds_on`] the request's
//!   [`PageRequest::on`] (the store never reads a clock for it); `head` is the current member
//!   with role head (lowest person id if several); `member_count` counts current members.
//! - `FamilyPage::next` is `None` exactly when no family follows; a request `after` a cursor
//!   starts strictly after it. A page holds at most [`PageRequest::effective_limit`] families,
//!   whatever `limit` asks for.
//! - A duplicate key (person, family, batch) or a duplicate IIN is `StoreError::Conflict`, and a
//!   chunk that fails leaves nothing behind. No error message carries a stored or written value
//!   of personal data (an IIN, a name, a date of birth): messages name tables, columns,
//!   constraints and row keys. `finish_batch` of an unknown batch is `StoreError::NotFound`.
//! - Timestamps are given and read back in UTC; the fixtures use whole seconds.
//! - Batches: a generator batch (`create_batch`) is `running` with `updated_at` its start (its
//!   finish, if given) and `rows_read` = accepted + rejected; `finish_batch` makes it `complete`
//!   with `rows_read` = accepted + rejected and `updated_at` = `finished_at`. A feed batch's id
//!   is the greatest batch id of any kind plus one. `list_batches` is by id descending, `before`
//!   exclusive, at most [`crate::BatchPageRequest::effective_limit`].
//! - Feed chunks: a fact duplicates the current fact (not superseded) with its natural key when
//!   family, person, value, `valid_from` and `valid_until` are equal (not `observed_at`, not the
//!   source); otherwise it supersedes it. A row is a duplicate when it has at least one fact and
//!   every fact is a duplicate, else accepted (a row without facts too); superseded when
//!   accepted and any of its facts superseded one. The family card shows current facts only.
//!   A chunk off its batch's resume point, or for a batch not running, is `Conflict`
//!   (`NotFound` for an unknown batch) and writes nothing.
//! - Failing a batch deletes its facts (those it superseded itself included), change feed,
//!   pending rows and report lines; a fact it superseded becomes current again, unless a later
//!   batch has since stored a current fact with the same key: then it stays history, marked as
//!   superseded by that later batch. Any status can fail; an unknown batch is `NotFound`.
//! - `resolve_persons`: the membership that [`Membership::holds_on`] the day; of several, the
//!   greatest `from`, then the lowest family id.
//! - Methodology versions: `install_methodology` is `Installed::New` the first time; the same
//!   version with the same `source` again is `Unchanged` and changes nothing (not even
//!   `installed_at`); the same version with another `source` is `Conflict`. `methodologies` is
//!   by (`effective_from`, version as bytes).
//! - Assessment inputs: `assessment_inputs` gives the families with id greater than `after` in id
//!   order, at most `limit` clamped to 1..=10,000; `assessment_inputs_for` the given families
//!   that exist, in id order, each once. `family.territory` and `family.settlement` are the
//!   family's `territory_code` and `settlement_type`; `members` are EVERY membership of the
//!   family (ended ones, and dead persons, too) with the person's birth date, disability, death
//!   date and language, by (`from`, person id); `facts` are every observation of the family that
//!   is not superseded, by observation id. `previous` is the family's current assessment. A
//!   stored value that does not read back is `StoreError::Corrupt`. A page is read with a few
//!   statements whatever its size (ranges of family ids, merged in memory), never one per family.
//! - `write_assessments` is one transaction: each `StoredAssessment` replaces the family's
//!   current one (a chunk names each family at most once); each `HistoryEntry` is added, and a
//!   (family, seq) already stored is `Conflict` and nothing of the chunk is written; so is a
//!   result naming a methodology not installed. Events are added with ids growing in the order
//!   given. `level_history` is by seq; `level_events` by id after `after`, at most `limit`
//!   clamped to 1..=10,000.
//! - Change batches: `unassessed_change_batches` lists, in id order, batches with status
//!   complete that changed at least one family (a `changed_families` row) and are not marked;
//!   `mark_changes_assessed` marks them, and marking a batch again is no error.
//! - `level_counts(root, depth)`: families whose territory lies in `root`'s subtree and that have
//!   a current assessment, counted by (ancestor, level) in that order; the ancestor is the code
//!   with the digits below `depth` zeroed (region: code / 10^7 × 10^7, district: / 10^5 × 10^5,
//!   okrug: / 10^3 × 10^3, settlement: the code), so a family whose territory is above `depth`
//!   counts at its own code.
//! - `level_movements(root, from, to)`: for each family of the subtree with a history entry made
//!   on or before `to`, its level on a day is that of its entry with the greatest seq among
//!   those made on or before the day (`None` if none); counted by (from, to) with `None` first,
//!   then A to E.
//! - `region_medians(on)` is `None` when no median is stored for that day, else the day's rows
//!   by region; `store_region_medians` replaces the rows of that day only.
//! - Offers: `create_offers` is one transaction; in the order given, an offer is skipped when
//!   its person has an offer of the same measure that is sent or accepted (stored before, or
//!   written earlier in the same call), otherwise it is written in state sent (no `closed_on`)
//!   with one outbox message (channel `sms`, the offer's address, language and message as body,
//!   `created_at` = `at`, undelivered). It returns the offers written, in the order given, with
//!   ids growing in that order. An offer for an unknown family or person is `Conflict` and the
//!   call writes nothing. `live_offers` gives the (person, measure) pairs of sent or accepted
//!   offers of the families (in no particular order). `answer_offer` turns a sent offer into
//!   accepted or declined with `closed_on` = the day and appends its audit record in the same
//!   transaction (exactly one entry); an offer in any other state is `Conflict`, an unknown id
//!   `NotFound`, and neither writes an entry. `expire_offers(on)` turns every sent offer whose
//!   `expires_on` is before `on` into expired with `closed_on` = `on` and opens one task for it
//!   (kind `offer_follow_up`, the family and its territory, the offer, `created_on` = `on`,
//!   status open), in one transaction, and returns them by id. `family_offers` is newest (id)
//!   first. `undelivered_messages` is by id, at most `limit` clamped to 1..=10,000;
//!   `mark_delivered` marks the given messages delivered (a message delivered before keeps its
//!   time, unknown ids are passed over). `open_tasks` gives open tasks whose territory lies in
//!   the subtree, by id, at most `limit` clamped to 1..=10,000.
//! - Audit: `append_audit` gives the records seqs following the last entry (1 on an empty
//!   chain), each sealed with `shanyraq_domain::audit::seal` after the one before, in one
//!   transaction; the time is kept in UTC cut to whole microseconds and the entry is sealed with
//!   the time kept, so every entry read back verifies. Concurrent appends form one chain, each
//!   call's entries contiguous. `audit_entries` gives entries after `after` by seq, at most
//!   `limit` clamped to 1..=50,000, exactly as stored; `audit_head` is the last entry.
//!   `capacity` is stored and read back like the other optional texts. `audit_for_subject` gives
//!   the entries whose subject equals the text given (no prefix match), by seq descending,
//!   `before` exclusive, at most `limit` clamped to 1..=1,000.
//! - Accounts: `create_account` stores privilege epoch 0, no grants, not disabled; a login or
//!   IIN taken is `Conflict` (the message names the column, never the login or IIN) and writes
//!   nothing. `list_accounts` is by login as bytes (the suite uses logins of lowercase ASCII
//!   letters and digits, whose order no collation changes). Roles read back in `RoleGrant`'s
//!   `Ord` (sort in Rust), categories as a `CategorySet`; a stored role, agency, territory,
//!   category or kind that does not parse is `Corrupt`. A grant or revocation returns whether
//!   it changed anything and raises `privilege_epoch` by one exactly when it did; an unknown
//!   account is `NotFound` for these, `set_password` and `set_disabled`. `set_disabled(Some)`
//!   deletes the account's sessions in the same transaction; `set_disabled(None)` only clears
//!   the time.
//! - Sessions: a new session's `last_seen_at` is its `created_at`; `touch_session` sets
//!   `last_seen_at`; `rotate_session` deletes the old and inserts the new in one transaction
//!   and writes nothing when the old is gone; `purge_sessions` deletes those with
//!   `last_seen_at < idle_before` or `created_at < opened_before` and returns the count.
//! - Failed sign-ins: one row per key per call; `login_failures_since` counts `at >= since`;
//!   `purge_login_failures` deletes `at < before` and returns the count.
//! - Break-glass: `open_break_glass` and `review_break_glass` append their audit record in the
//!   same transaction as the row (an access for an unknown family or account is `Conflict` and
//!   appends nothing). `active_break_glass(account, now)` gives the account's accesses with
//!   `until > now` (reviewed or not), by id; `unreviewed_break_glass` those without a review by
//!   (`opened_at`, id), at most `limit` clamped to 1..=10,000. A review of an access reviewed
//!   before is `false` and writes nothing (no entry either); an unknown id is `NotFound`.
//! - Integration tokens: `create_token` stores neither a revocation nor a use; a name or hash
//!   taken is `Conflict` (the message names the column, never the value) and writes nothing.
//!   Sources read back in the order given (stored as a JSON array of strings; a stored value
//!   that is not one is `Corrupt`). `list_tokens` is by name as bytes (the suite uses names of
//!   lowercase ASCII letters, digits and hyphens). `revoke_token` sets `revoked_at` only when it
//!   is unset (`false` otherwise, the first time kept); `touch_token` sets `last_used_at`. An
//!   unknown name or id is `NotFound` for both.
//! - Sign-in challenges: `create_challenge` stores the challenge with no attempts, unused, and
//!   queues one outbox message (channel `sms`, no offer, the given person, address, language
//!   and body, `created_at` = the challenge's, undelivered) in the same transaction; an unknown
//!   account or person is `Conflict` and writes neither. `record_challenge_attempt` adds one and
//!   returns the count; `use_challenge` sets `used_at` only when it is unset (`false`
//!   otherwise, the first time kept). An unknown id is `NotFound` for both, `None` for
//!   `challenge`.
//! - The shape of the migrated schema is [`expected_schema`]: type classes `integer`, `text`,
//!   `date`, `timestamp` (also `real`, `blob`, `boolean` should they appear), columns in
//!   declaration order, only explicitly named indexes (no primary keys) with their uniqueness,
//!   primary keys, foreign keys and CHECK constraints (by the columns they read). The migration
//!   runner's own table (`schema_migrations`, or whatever the backend's runner uses) is not part
//!   of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A test suite: failing loudly with a message is its job.

mod accounts;
mod assessment;
mod audit;
mod feed;
pub mod fixtures;
mod offers;
mod tokens;

pub use accounts::*;
pub use assessment::*;
pub use audit::*;
pub use feed::*;
pub use offers::*;
pub use tokens::*;

use std::collections::{BTreeMap, BTreeSet};

use shanyraq_domain::{BatchId, FamilyId, IndicatorKey, Membership, Observation, ObservationValue};
use shanyraq_domain::{Kato, PersonId, Sex, Tenge};
use time::Date;
use time::macros::{date, datetime};

use crate::error::StoreError;
use crate::port::Store;
use crate::records::{
    CheckShape, ColumnShape, FamilyCursor, FamilyPage, FamilySummary, ForeignKeyShape, IndexShape,
    Member, MigrationOutcome, NextIds, PageRequest, PersonRecord, PopulationChunk, SchemaShape,
    StoreStats,
};
use fixtures::*;

/// Expands to one `#[tokio::test]` per contract function; see the module documentation.
#[macro_export]
macro_rules! store_contract_tests {
    ($factory:expr) => {
        $crate::store_contract_tests!(@each $factory;
            migrate_goes_from_empty_to_supported,
            schema_has_the_agreed_shape,
            territories_load_and_look_up,
            territories_replace_the_previous_tree,
            batches_are_created_finished_and_read,
            family_round_trips_with_members,
            latest_observations_per_indicator_and_subject,
            ties_go_to_the_observation_stored_last,
            unknown_family_is_none,
            person_by_iin_with_memberships,
            families_in_territory_pages_the_subtree,
            family_summaries_count_current_members,
            current_members_follow_the_requested_day,
            page_size_is_capped,
            count_families_in_territory,
            family_territories_name_each_known_family_once,
            next_ids_follow_inserts,
            conflicting_chunk_changes_nothing,
            stats_count_rows,
            bulk_chunk_round_trips,
            bundled_tree_loads_whole,
            feed_batches_start_running_with_their_header_report,
            a_chunk_stores_facts_pending_rows_and_report_lines,
            repeated_facts_are_duplicates_and_changed_ones_supersede,
            rows_repeating_their_batch_get_its_repeat_note,
            a_large_chunk_decides_as_small_chunks_would,
            a_chunk_off_its_resume_point_changes_nothing,
            a_failing_chunk_leaves_nothing_behind,
            completing_checks_the_resume_point,
            failing_a_batch_takes_back_what_it_wrote,
            failing_a_batch_keeps_later_corrections,
            persons_resolve_to_their_family_on_the_day,
            batches_of_every_kind_are_listed_newest_first,
            report_lines_page_in_line_and_seq_order,
            methodology_versions_install_once,
            assessment_inputs_carry_every_membership_and_current_facts,
            assessment_inputs_page_by_family_id,
            assessment_input_pages_are_capped,
            assessment_inputs_for_given_families,
            results_replace_assessments_and_add_history_and_events,
            a_history_conflict_rolls_back_the_whole_chunk,
            change_batches_wait_until_marked_assessed,
            level_counts_group_by_ancestor_and_level,
            level_movements_compare_two_days,
            region_medians_are_kept_per_day,
            offers_are_made_once_per_person_and_measure,
            a_failing_offer_call_writes_nothing,
            an_offer_is_answered_once,
            expiry_opens_one_task_per_expired_offer,
            outbox_messages_wait_until_delivered,
            an_answer_and_its_audit_entry_are_written_together,
            audit_entries_chain_in_order,
            audit_entries_page_by_seq,
            concurrent_appends_keep_one_chain,
            an_empty_audit_chain_verifies,
            a_subjects_entries_read_newest_first,
            accounts_are_created_and_found,
            passwords_change_and_disabling_ends_sessions,
            roles_and_categories_are_granted_and_revoked,
            sessions_are_touched_rotated_and_ended,
            idle_and_old_sessions_are_purged,
            failed_sign_ins_are_counted_cleared_and_purged,
            break_glass_is_audited_and_reviewed_once,
            sessions_resume_with_account_and_break_glass,
            sessions_resume_with_a_family_card,
            resumed_sessions_show_every_change_of_grants,
            tokens_are_created_found_and_listed,
            tokens_are_revoked_once_and_touched,
            sign_in_challenges_queue_their_message,
            unknown_challenges_are_refused,
        );
    };
    (@each $factory:expr; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let store = $factory.await;
                $crate::contract::$name(&*store).await;
            }
        )*
    };
}

/// Tables, columns, named indexes, keys and checks every backend's migrated schema has
/// (primary keys are not listed as indexes; the unique IIN is the named unique index
/// `persons_iin_key`).
pub fn expected_schema() -> SchemaShape {
    fn col(name: &str, type_class: &str, nullable: bool) -> ColumnShape {
        ColumnShape { name: name.into(), type_class: type_class.into(), nullable }
    }
    const N: bool = true;
    const R: bool = false;
    let tables = [
        (
            "territory_versions",
            vec![col("id", "text", R), col("as_of", "date", R), col("loaded_at", "timestamp", R)],
        ),
        (
            "territories",
            vec![
                col("code", "integer", R),
                col("parent_code", "integer", N),
                col("level", "integer", R),
                col("name_kk", "text", R),
                col("name_ru", "text", R),
                col("name_en", "text", N),
                col("settlement_type", "text", R),
            ],
        ),
        (
            "import_batches",
            vec![
                col("id", "integer", R),
                col("feed", "text", R),
                col("label", "text", R),
                col("started_at", "timestamp", R),
                col("finished_at", "timestamp", N),
                col("rows_accepted", "integer", R),
                col("rows_rejected", "integer", R),
                col("source", "text", N),
                col("fingerprint", "text", N),
                col("status", "text", R),
                col("rows_read", "integer", R),
                col("rows_duplicate", "integer", R),
                col("rows_pending", "integer", R),
                col("rows_superseded", "integer", R),
                col("warnings", "integer", R),
                col("updated_at", "timestamp", N),
                col("error_code", "text", N),
            ],
        ),
        (
            "persons",
            vec![
                col("id", "integer", R),
                col("iin", "text", N),
                col("iin_as_reported", "text", N),
                col("last_name", "text", R),
                col("first_name", "text", R),
                col("patronymic", "text", N),
                col("birth_date", "date", R),
                col("sex", "text", R),
                col("language", "text", N),
                col("phone", "text", N),
                col("disability", "text", N),
                col("death_date", "date", N),
            ],
        ),
        (
            "families",
            vec![
                col("id", "integer", R),
                col("territory_code", "integer", R),
                col("street", "text", N),
                col("house", "text", N),
                col("flat", "text", N),
                col("settlement_type", "text", R),
                col("registered_on", "date", R),
            ],
        ),
        (
            "memberships",
            vec![
                col("family_id", "integer", R),
                col("person_id", "integer", R),
                col("role", "text", R),
                col("valid_from", "date", R),
                col("valid_until", "date", N),
            ],
        ),
        (
            "observations",
            vec![
                col("id", "integer", R),
                col("family_id", "integer", R),
                col("person_id", "integer", N),
                col("indicator", "text", R),
                col("value_num", "integer", N),
                col("value_text", "text", N),
                col("source", "text", R),
                col("observed_at", "date", R),
                col("valid_from", "date", R),
                col("valid_until", "date", N),
                col("batch_id", "integer", R),
                col("line", "integer", N),
                col("natural_key", "text", N),
                col("superseded_by", "integer", N),
            ],
        ),
        ("family_changes", vec![col("batch_id", "integer", R), col("family_id", "integer", R)]),
        (
            "import_issues",
            vec![
                col("batch_id", "integer", R),
                col("line", "integer", R),
                col("seq", "integer", R),
                col("verdict", "text", R),
                col("column_key", "text", R),
                col("value_masked", "text", R),
                col("code", "text", R),
                col("args", "text", R),
            ],
        ),
        (
            "pending_rows",
            vec![
                col("batch_id", "integer", R),
                col("line", "integer", R),
                col("reason", "text", R),
                col("iin", "text", N),
                col("last_name", "text", N),
                col("first_name", "text", N),
                col("birth_date", "date", N),
                col("territory_code", "integer", N),
                col("facts", "text", R),
            ],
        ),
        (
            "methodologies",
            vec![
                col("version", "text", R),
                col("effective_from", "date", R),
                col("file_name", "text", R),
                col("source", "text", R),
                col("installed_at", "timestamp", R),
            ],
        ),
        (
            "assessments",
            vec![
                col("family_id", "integer", R),
                col("seq", "integer", R),
                col("assessed_on", "date", R),
                col("methodology", "text", R),
                col("total", "integer", R),
                col("score_level", "text", R),
                col("level", "text", R),
                col("trigger", "text", R),
                col("detail", "text", R),
            ],
        ),
        (
            "level_history",
            vec![
                col("family_id", "integer", R),
                col("seq", "integer", R),
                col("assessed_on", "date", R),
                col("methodology", "text", R),
                col("total", "integer", R),
                col("level", "text", R),
                col("trigger", "text", R),
            ],
        ),
        (
            "level_events",
            vec![
                col("id", "integer", R),
                col("family_id", "integer", R),
                col("kind", "text", R),
                col("level", "text", R),
                col("previous_level", "text", N),
                col("occurred_on", "date", R),
                col("methodology", "text", R),
            ],
        ),
        (
            "assessed_batches",
            vec![col("batch_id", "integer", R), col("assessed_at", "timestamp", R)],
        ),
        (
            "region_medians",
            vec![
                col("on_date", "date", R),
                col("region_code", "integer", R),
                col("median", "integer", R),
                col("families", "integer", R),
            ],
        ),
        (
            "offers",
            vec![
                col("id", "integer", R),
                col("family_id", "integer", R),
                col("person_id", "integer", R),
                col("measure", "text", R),
                col("language", "text", R),
                col("state", "text", R),
                col("created_on", "date", R),
                col("expires_on", "date", R),
                col("closed_on", "date", N),
            ],
        ),
        (
            "outbox",
            vec![
                col("id", "integer", R),
                col("person_id", "integer", R),
                col("offer_id", "integer", N),
                col("channel", "text", R),
                col("address", "text", N),
                col("language", "text", R),
                col("body", "text", R),
                col("created_at", "timestamp", R),
                col("delivered_at", "timestamp", N),
            ],
        ),
        (
            "tasks",
            vec![
                col("id", "integer", R),
                col("kind", "text", R),
                col("family_id", "integer", R),
                col("territory_code", "integer", R),
                col("offer_id", "integer", N),
                col("created_on", "date", R),
                col("status", "text", R),
            ],
        ),
        (
            "audit_events",
            vec![
                col("seq", "integer", R),
                col("at", "timestamp", R),
                col("actor", "text", R),
                col("on_behalf_of", "text", N),
                col("action", "text", R),
                col("subject", "text", N),
                col("purpose", "text", N),
                col("outcome", "text", R),
                col("request_id", "text", R),
                col("hash", "text", R),
                col("capacity", "text", N),
            ],
        ),
        (
            "accounts",
            vec![
                col("id", "integer", R),
                col("login", "text", R),
                col("kind", "text", R),
                col("display_name", "text", R),
                col("password_hash", "text", R),
                col("iin", "text", N),
                col("privilege_epoch", "integer", R),
                col("created_at", "timestamp", R),
                col("disabled_at", "timestamp", N),
            ],
        ),
        (
            "account_roles",
            vec![
                col("account_id", "integer", R),
                col("role", "text", R),
                col("agency", "text", R),
                col("territory", "integer", R),
            ],
        ),
        ("account_categories", vec![col("account_id", "integer", R), col("category", "text", R)]),
        (
            "sessions",
            vec![
                col("id_hash", "text", R),
                col("account_id", "integer", R),
                col("created_at", "timestamp", R),
                col("last_seen_at", "timestamp", R),
                col("privilege_epoch", "integer", R),
                col("csrf_token", "text", R),
            ],
        ),
        ("login_failures", vec![col("key", "text", R), col("at", "timestamp", R)]),
        (
            "break_glass",
            vec![
                col("id", "integer", R),
                col("account_id", "integer", R),
                col("family_id", "integer", R),
                col("reason", "text", R),
                col("opened_at", "timestamp", R),
                col("until", "timestamp", R),
                col("reviewed_by", "integer", N),
                col("reviewed_at", "timestamp", N),
                col("review_note", "text", N),
            ],
        ),
        (
            "integration_tokens",
            vec![
                col("id", "integer", R),
                col("name", "text", R),
                col("secret_hash", "text", R),
                col("sources", "text", R),
                col("territory", "integer", R),
                col("created_at", "timestamp", R),
                col("expires_at", "timestamp", R),
                col("revoked_at", "timestamp", N),
                col("last_used_at", "timestamp", N),
            ],
        ),
        (
            "sign_in_challenges",
            vec![
                col("id", "integer", R),
                col("account_id", "integer", R),
                col("code_hash", "text", R),
                col("salt", "text", R),
                col("created_at", "timestamp", R),
                col("expires_at", "timestamp", R),
                col("attempts", "integer", R),
                col("used_at", "timestamp", N),
            ],
        ),
    ];
    let names = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let indexes: [(&str, &str, &[&str], bool); 20] = [
        ("territories_parent_idx", "territories", &["parent_code"], false),
        ("import_batches_fingerprint_key", "import_batches", &["feed", "fingerprint"], true),
        // Partial: current facts with a key only.
        ("observations_natural_key", "observations", &["natural_key"], true),
        ("family_changes_family_idx", "family_changes", &["family_id"], false),
        ("persons_iin_key", "persons", &["iin"], true),
        ("families_territory_idx", "families", &["territory_code", "id"], false),
        ("memberships_person_idx", "memberships", &["person_id"], false),
        (
            "observations_family_idx",
            "observations",
            &["family_id", "indicator", "observed_at"],
            false,
        ),
        ("level_events_family_idx", "level_events", &["family_id"], false),
        // Partial: live (sent or accepted) offers only.
        ("offers_live_key", "offers", &["person_id", "measure"], true),
        ("offers_family_idx", "offers", &["family_id"], false),
        // Partial: sent offers only.
        ("offers_expiry_idx", "offers", &["expires_on"], false),
        // Partial: undelivered messages only.
        ("outbox_undelivered_idx", "outbox", &["id"], false),
        // Partial: open tasks only.
        ("tasks_open_idx", "tasks", &["territory_code", "id"], false),
        ("audit_events_subject_idx", "audit_events", &["subject", "seq"], false),
        ("sessions_account_idx", "sessions", &["account_id"], false),
        ("login_failures_key_idx", "login_failures", &["key", "at"], false),
        ("break_glass_account_idx", "break_glass", &["account_id", "until"], false),
        // Partial: accesses not reviewed yet only.
        ("break_glass_unreviewed_idx", "break_glass", &["opened_at"], false),
        ("sign_in_challenges_account_idx", "sign_in_challenges", &["account_id"], false),
    ];
    let primary_keys: [(&str, &[&str]); 27] = [
        ("territory_versions", &["id"]),
        ("family_changes", &["batch_id", "family_id"]),
        ("import_issues", &["batch_id", "line", "seq"]),
        ("pending_rows", &["batch_id", "line"]),
        ("territories", &["code"]),
        ("import_batches", &["id"]),
        ("persons", &["id"]),
        ("families", &["id"]),
        ("memberships", &["family_id", "person_id", "valid_from"]),
        ("observations", &["id"]),
        ("methodologies", &["version"]),
        ("assessments", &["family_id"]),
        ("level_history", &["family_id", "seq"]),
        ("level_events", &["id"]),
        ("assessed_batches", &["batch_id"]),
        ("region_medians", &["on_date", "region_code"]),
        ("offers", &["id"]),
        ("outbox", &["id"]),
        ("tasks", &["id"]),
        ("audit_events", &["seq"]),
        ("accounts", &["id"]),
        ("account_roles", &["account_id", "role", "agency", "territory"]),
        ("account_categories", &["account_id", "category"]),
        ("sessions", &["id_hash"]),
        ("break_glass", &["id"]),
        ("integration_tokens", &["id"]),
        ("sign_in_challenges", &["id"]),
    ];
    let fk = |column: &str, ref_table: &str| ForeignKeyShape {
        columns: vec![column.to_owned()],
        ref_table: ref_table.to_owned(),
        ref_columns: vec!["id".to_owned()],
    };
    let methodology = ForeignKeyShape {
        columns: vec!["methodology".to_owned()],
        ref_table: "methodologies".to_owned(),
        ref_columns: vec!["version".to_owned()],
    };
    let foreign_keys = [
        ("memberships", vec![fk("family_id", "families"), fk("person_id", "persons")]),
        (
            "observations",
            vec![
                fk("batch_id", "import_batches"),
                fk("family_id", "families"),
                fk("person_id", "persons"),
                fk("superseded_by", "import_batches"),
            ],
        ),
        ("family_changes", vec![fk("batch_id", "import_batches"), fk("family_id", "families")]),
        ("import_issues", vec![fk("batch_id", "import_batches")]),
        ("pending_rows", vec![fk("batch_id", "import_batches")]),
        ("assessments", vec![fk("family_id", "families"), methodology.clone()]),
        ("level_history", vec![fk("family_id", "families"), methodology.clone()]),
        ("level_events", vec![fk("family_id", "families"), methodology]),
        ("assessed_batches", vec![fk("batch_id", "import_batches")]),
        ("offers", vec![fk("family_id", "families"), fk("person_id", "persons")]),
        ("outbox", vec![fk("offer_id", "offers"), fk("person_id", "persons")]),
        ("tasks", vec![fk("family_id", "families"), fk("offer_id", "offers")]),
        ("account_roles", vec![fk("account_id", "accounts")]),
        ("account_categories", vec![fk("account_id", "accounts")]),
        ("sessions", vec![fk("account_id", "accounts")]),
        (
            "break_glass",
            vec![
                fk("account_id", "accounts"),
                fk("family_id", "families"),
                fk("reviewed_by", "accounts"),
            ],
        ),
        ("sign_in_challenges", vec![fk("account_id", "accounts")]),
    ];
    let check = |column: &str| CheckShape { columns: vec![column.to_owned()] };
    let checks = [
        ("territories", vec![check("level")]),
        ("persons", vec![check("sex")]),
        ("memberships", vec![check("role")]),
        ("import_batches", vec![check("status")]),
        ("import_issues", vec![check("verdict")]),
        ("pending_rows", vec![check("reason")]),
        ("assessments", vec![check("level"), check("score_level"), check("trigger")]),
        ("level_history", vec![check("level"), check("trigger")]),
        ("level_events", vec![check("kind"), check("level"), check("previous_level")]),
        ("offers", vec![check("state")]),
        ("tasks", vec![check("kind"), check("status")]),
        ("audit_events", vec![check("outcome")]),
        ("accounts", vec![check("kind")]),
        ("account_categories", vec![check("category")]),
    ];
    SchemaShape {
        tables: tables.into_iter().map(|(n, c)| (n.to_owned(), c)).collect(),
        indexes: indexes
            .into_iter()
            .map(|(n, table, c, unique)| {
                (n.to_owned(), IndexShape { table: table.to_owned(), columns: names(c), unique })
            })
            .collect(),
        primary_keys: primary_keys.into_iter().map(|(t, c)| (t.to_owned(), names(c))).collect(),
        foreign_keys: foreign_keys.into_iter().map(|(t, f)| (t.to_owned(), f)).collect(),
        checks: checks.into_iter().map(|(t, c)| (t.to_owned(), c)).collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Expected values, computed from the chunks the tests write.

/// The members of `family` in `chunk`, in the order the store returns them.
pub fn expected_members(chunk: &PopulationChunk, family: FamilyId) -> Vec<Member> {
    let mut members: Vec<Member> = chunk
        .memberships
        .iter()
        .filter(|m| m.family == family)
        .map(|m| Member {
            person: chunk.persons.iter().find(|p| p.id == m.person).cloned().unwrap(),
            membership: m.clone(),
        })
        .collect();
    members.sort_by_key(|m| (m.membership.from, m.person.id));
    members
}

/// The latest observation per (indicator, person) of `family`, in the order the store returns
/// them. Later in the chunk means a greater id.
pub fn expected_latest(chunk: &PopulationChunk, family: FamilyId) -> Vec<Observation> {
    let mut best: BTreeMap<(&str, Option<PersonId>), &Observation> = BTreeMap::new();
    for o in chunk.observations.iter().filter(|o| o.family == family) {
        let key = (o.indicator.as_str(), o.person);
        match best.get(&key) {
            Some(b) if b.observed_at > o.observed_at => {}
            _ => {
                best.insert(key, o);
            }
        }
    }
    best.into_values().cloned().collect()
}

/// The summary a listing for day `on` shows for `family` of `chunk`.
pub fn expected_summary(chunk: &PopulationChunk, family: FamilyId, on: Date) -> FamilySummary {
    let f = chunk.families.iter().find(|f| f.id == family).unwrap();
    let current: Vec<&Membership> =
        chunk.memberships.iter().filter(|m| m.family == family && m.holds_on(on)).collect();
    let head = current
        .iter()
        .filter(|m| m.role == shanyraq_domain::Role::Head)
        .map(|m| m.person)
        .min()
        .and_then(|id| chunk.persons.iter().find(|p| p.id == id))
        .map(|p| p.name.clone());
    FamilySummary {
        id: f.id,
        territory: f.address.territory,
        settlement_type: f.settlement_type,
        head,
        member_count: u32::try_from(current.len()).unwrap(),
    }
}

// ---------------------------------------------------------------------------------------------
// Steps shared by the tests.

async fn migrated(store: &dyn Store) {
    let outcome = store.migrate().await.expect("migrate an empty database");
    assert_eq!(outcome.to, store.supported_schema_version());
}

/// Migrates, loads the fixture tree and batches, and writes the sample population.
async fn loaded(store: &dyn Store) -> PopulationChunk {
    migrated(store).await;
    store.replace_territories(&tree()).await.expect("load the fixture tree");
    for b in batches() {
        store.create_batch(&b).await.expect("create a fixture batch");
    }
    let sample = sample();
    store.insert_population(&sample).await.expect("insert the sample population");
    sample
}

/// Every page of `root`'s subtree with `limit`, as listed on `on`, checking the paging rules on
/// the way.
async fn walk_on(store: &dyn Store, root: Kato, limit: u32, on: Date) -> Vec<FamilySummary> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let FamilyPage { items, next } = store
            .families_in_territory(root, PageRequest { after, limit, on })
            .await
            .expect("list families");
        assert!(items.len() <= limit as usize, "a page of {} with limit {limit}", items.len());
        if after.is_some() {
            assert!(!items.is_empty(), "a cursor was given but no family followed it");
        }
        if let Some(cursor) = next {
            assert_eq!(items.len(), limit as usize, "a page short of the limit claims more");
            let last = items.last().unwrap();
            assert_eq!(cursor, FamilyCursor { territory: last.territory, id: last.id });
        }
        all.extend(items);
        match next {
            Some(c) => after = Some(c),
            None => break,
        }
        assert!(all.len() < 100_000, "paging does not end");
    }
    all
}

/// [`walk_on`] the fixtures' listing day.
async fn walk(store: &dyn Store, root: Kato, limit: u32) -> Vec<FamilySummary> {
    walk_on(store, root, limit, LISTED_ON).await
}

fn expected_ids_in(chunks: &[&PopulationChunk], root: Kato) -> Vec<FamilyId> {
    let mut v: Vec<(Kato, FamilyId)> = chunks
        .iter()
        .flat_map(|c| c.families.iter())
        .filter(|f| root.contains(f.address.territory))
        .map(|f| (f.address.territory, f.id))
        .collect();
    v.sort();
    v.into_iter().map(|(_, id)| id).collect()
}

// ---------------------------------------------------------------------------------------------
// The contract.

/// An empty database is at version 0; migrate takes it to the supported version; a second
/// migrate changes nothing.
pub async fn migrate_goes_from_empty_to_supported(store: &dyn Store) {
    let supported = store.supported_schema_version();
    assert!(supported >= 1, "a backend supports at least one migration");
    assert_eq!(store.schema_version().await.unwrap(), 0);
    let first = store.migrate().await.unwrap();
    assert_eq!(first, MigrationOutcome { from: 0, to: supported });
    assert_eq!(store.schema_version().await.unwrap(), supported);
    let again = store.migrate().await.unwrap();
    assert_eq!(again, MigrationOutcome { from: supported, to: supported });
    assert_eq!(store.schema_version().await.unwrap(), supported);
    assert_eq!(store.stats().await.unwrap(), StoreStats::default());
    assert_eq!(store.next_ids().await.unwrap(), NextIds::FIRST);
    assert_eq!(store.territory_version().await.unwrap(), None);
}

/// The migrated schema has exactly the agreed tables, columns and indexes.
pub async fn schema_has_the_agreed_shape(store: &dyn Store) {
    migrated(store).await;
    let shape = store.describe_schema().await.unwrap();
    let expected = expected_schema();
    let names: Vec<&String> = shape.tables.keys().collect();
    let expected_names: Vec<&String> = expected.tables.keys().collect();
    assert_eq!(names, expected_names, "tables");
    for (table, columns) in &expected.tables {
        assert_eq!(&shape.tables[table], columns, "columns of {table}");
    }
    assert_eq!(shape.indexes, expected.indexes, "indexes");
    assert_eq!(shape.primary_keys, expected.primary_keys, "primary keys");
    assert_eq!(shape.foreign_keys, expected.foreign_keys, "foreign keys");
    assert_eq!(shape.checks, expected.checks, "checks");
    assert!(shape.indexes["persons_iin_key"].unique, "the IIN is unique");
}

/// A loaded tree is found by code, children come in code order, and the version is kept.
pub async fn territories_load_and_look_up(store: &dyn Store) {
    migrated(store).await;
    let tree = tree();
    store.replace_territories(&tree).await.unwrap();
    assert_eq!(store.territory_version().await.unwrap(), Some(tree.version.clone()));
    for t in tree.iter() {
        assert_eq!(store.territory(t.code).await.unwrap().as_ref(), Some(t), "{}", t.code);
    }
    assert_eq!(store.territory(kato(ABAI)).await.unwrap(), None);
    let codes =
        |v: Vec<shanyraq_domain::Territory>| v.into_iter().map(|t| t.code).collect::<Vec<_>>();
    let children = |c: u32| store.territory_children(kato(c));
    assert_eq!(
        codes(children(AKMOLA).await.unwrap()),
        vec![kato(KOKSHETAU_GA), kato(AKKOL_DISTRICT)]
    );
    assert_eq!(
        codes(children(AKKOL_DISTRICT).await.unwrap()),
        vec![kato(AKKOL_OKRUG), kato(AZAT_OKRUG)]
    );
    assert_eq!(codes(children(AKKOL_OKRUG).await.unwrap()), vec![kato(AKKOL_TOWN), kato(RADOVKA)]);
    assert_eq!(
        codes(children(ASTANA).await.unwrap()),
        vec![kato(ASTANA_ALMATY_DISTRICT), kato(ASTANA_ESIL_DISTRICT)]
    );
    let full: Vec<_> = children(AKMOLA).await.unwrap();
    let expected: Vec<_> = tree.children(kato(AKMOLA)).cloned().collect();
    assert_eq!(full, expected, "children come back whole");
    assert!(children(AKKOL_TOWN).await.unwrap().is_empty());
    assert!(children(ABAI).await.unwrap().is_empty());
    assert_eq!(store.stats().await.unwrap().territories, tree.len() as u64);
}

/// Loading another tree replaces the first one entirely, version included.
pub async fn territories_replace_the_previous_tree(store: &dyn Store) {
    migrated(store).await;
    store.replace_territories(&tree()).await.unwrap();
    let other = other_tree();
    store.replace_territories(&other).await.unwrap();
    assert_eq!(store.territory_version().await.unwrap(), Some(other.version.clone()));
    assert_eq!(store.territory(kato(AKMOLA)).await.unwrap(), None);
    assert_eq!(store.territory(kato(AKKOL_TOWN)).await.unwrap(), None);
    assert_eq!(store.territory(kato(ABAI)).await.unwrap().as_ref(), other.get(kato(ABAI)));
    assert!(store.territory_children(kato(ASTANA)).await.unwrap().is_empty());
    assert_eq!(store.territory_children(kato(ABAI)).await.unwrap().len(), 1);
    assert_eq!(store.stats().await.unwrap().territories, other.len() as u64);
    // And back again.
    store.replace_territories(&tree()).await.unwrap();
    assert_eq!(store.stats().await.unwrap().territories, tree().len() as u64);
    assert_eq!(store.territory(kato(ABAI)).await.unwrap(), None);
    assert_eq!(store.territory_version().await.unwrap(), Some(tree().version));
}

/// Batches are stored, finished and read back; duplicate and unknown ids are refused.
pub async fn batches_are_created_finished_and_read(store: &dyn Store) {
    migrated(store).await;
    let [done, open] = batches();
    assert_eq!(store.batch(done.id).await.unwrap(), None);
    store.create_batch(&done).await.unwrap();
    store.create_batch(&open).await.unwrap();
    assert_eq!(store.batch(done.id).await.unwrap(), Some(done.clone()));
    assert_eq!(store.batch(open.id).await.unwrap(), Some(open.clone()));
    let finished_at = datetime!(2026-02-10 09:41:07 UTC);
    store.finish_batch(open.id, finished_at, 1_234_567, 89).await.unwrap();
    let read = store.batch(open.id).await.unwrap().unwrap();
    assert_eq!(read.finished_at, Some(finished_at));
    assert_eq!((read.rows_accepted, read.rows_rejected), (1_234_567, 89));
    assert_eq!(
        (read.feed.as_str(), read.label.as_str()),
        (open.feed.as_str(), open.label.as_str())
    );
    assert_eq!(read.started_at, open.started_at);
    let err = store.finish_batch(BatchId(99), finished_at, 0, 0).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "finishing an unknown batch: {err:?}");
    let err = store.create_batch(&done).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "a batch id twice: {err:?}");
    assert_eq!(store.batch(done.id).await.unwrap(), Some(done));
    assert_eq!(store.next_ids().await.unwrap().batch, BatchId(3));
    assert_eq!(store.stats().await.unwrap().batches, 2);
}

/// A family comes back with its address and every member, past ones included, exactly as
/// written (absent fields, dates, IINs, `iin_as_reported`).
pub async fn family_round_trips_with_members(store: &dyn Store) {
    let sample = loaded(store).await;
    for f in &sample.families {
        let record = store.family(f.id).await.unwrap().unwrap_or_else(|| panic!("family {}", f.id));
        assert_eq!(&record.family, f);
        assert_eq!(record.members, expected_members(&sample, f.id), "members of family {}", f.id);
    }
    let f1 = store.family(F_SERIKBAYEV).await.unwrap().unwrap();
    let ids: Vec<PersonId> = f1.members.iter().map(|m| m.person.id).collect();
    assert_eq!(ids, vec![P_ARMAN, P_AIGUL, P_ERLAN, P_NURLAN, P_AYAULYM]);
    let newborn = &f1.members[4].person;
    assert_eq!((newborn.iin, newborn.name.patronymic.as_deref()), (None, None));
    let f2 = store.family(F_ERLAN).await.unwrap().unwrap();
    let maria = &f2.members.iter().find(|m| m.person.id == P_MARIA).unwrap().person;
    assert_eq!(maria.iin, None);
    assert_eq!(maria.iin_as_reported.as_deref(), Some("50030840012"));
    let f3 = store.family(F_PETROV).await.unwrap().unwrap();
    assert_eq!(f3.members[0].person.death_date, Some(date!(2026 - 01 - 15)));
}

/// The family card shows the latest observation per indicator and subject, with its source and
/// batch: by `observed_at`, then by insertion order; every value kind reads back.
pub async fn latest_observations_per_indicator_and_subject(store: &dyn Store) {
    let sample = loaded(store).await;
    for f in &sample.families {
        let record = store.family(f.id).await.unwrap().unwrap();
        let got: Vec<Observation> =
            record.latest_observations.iter().map(|s| s.observation.clone()).collect();
        assert_eq!(got, expected_latest(&sample, f.id), "latest observations of family {}", f.id);
        let ids: BTreeSet<_> = record.latest_observations.iter().map(|s| s.id).collect();
        assert_eq!(ids.len(), record.latest_observations.len(), "observation ids are distinct");
    }
    let f1 = store.family(F_SERIKBAYEV).await.unwrap().unwrap();
    let find = |key: &str, person: Option<PersonId>| {
        f1.latest_observations
            .iter()
            .find(|s| s.observation.indicator.as_str() == key && s.observation.person == person)
            .map(|s| &s.observation)
            .unwrap_or_else(|| panic!("no {key} for {person:?}"))
    };
    let wage = find("income.wage", Some(P_ARMAN));
    assert_eq!(wage.value, ObservationValue::Money(Tenge(265_000)));
    assert_eq!((wage.batch, wage.observed_at), (BATCH_UPDATE, date!(2026 - 02 - 10)));
    assert_eq!(wage.source, shanyraq_domain::Source::Tax);
    assert_eq!(find("income.wage", Some(P_AIGUL)).value, ObservationValue::Money(Tenge(120_000)));
    let tenure = find("housing.tenure", None);
    assert_eq!(tenure.value, ObservationValue::Code("rent".into()), "a tie goes to the later row");
    assert_eq!(tenure.batch, BATCH_UPDATE);
    assert_eq!(find("health.insured", Some(P_ARMAN)).value, ObservationValue::Flag(true));
    assert_eq!(find("health.insured", Some(P_NURLAN)).value, ObservationValue::Flag(false));
    let kinds: BTreeSet<String> = f1
        .latest_observations
        .iter()
        .map(|s| format!("{:?}", s.observation.value.kind()))
        .collect();
    let catalogue: BTreeSet<String> =
        IndicatorKey::all().map(|k| format!("{:?}", k.kind())).collect();
    assert_eq!(kinds, catalogue, "every value kind of the catalogue reads back");
    assert_eq!(f1.latest_observations.len(), IndicatorKey::all().count() + 3);
    let f5 = store.family(F_KIM).await.unwrap().unwrap();
    assert!(f5.latest_observations.is_empty());
}

/// Many observations of one indicator and subject on one day, in one large chunk: the last
/// stored is the latest, however the backend batches rows.
pub async fn ties_go_to_the_observation_stored_last(store: &dyn Store) {
    migrated(store).await;
    store.create_batch(&batches()[0]).await.unwrap();
    let mut chunk = generated(NextIds::FIRST, 2, BATCH_MAIN, &places());
    let template = chunk.observations[0].clone();
    let person = template.person;
    chunk.observations.clear();
    let day = date!(2026 - 04 - 01);
    for i in 0..300 {
        let (family, person, key) = match i % 3 {
            0 => (FamilyId(1), person, "education.absence_days"),
            1 => (FamilyId(1), None, "housing.rooms"),
            _ => (FamilyId(2), None, "housing.rooms"),
        };
        let indicator = IndicatorKey::named(key).unwrap();
        chunk.observations.push(Observation {
            family,
            person,
            indicator,
            value: ObservationValue::Count(i),
            source: indicator.def().source,
            observed_at: day,
            valid_from: day,
            valid_until: None,
            batch: BATCH_MAIN,
        });
    }
    store.insert_population(&chunk).await.unwrap();
    let latest = |r: crate::records::FamilyRecord| {
        r.latest_observations.into_iter().map(|s| s.observation.value).collect::<Vec<_>>()
    };
    let f1 = latest(store.family(FamilyId(1)).await.unwrap().unwrap());
    assert_eq!(f1, vec![ObservationValue::Count(297), ObservationValue::Count(298)]);
    let f2 = latest(store.family(FamilyId(2)).await.unwrap().unwrap());
    assert_eq!(f2, vec![ObservationValue::Count(299)]);
    assert_eq!(store.stats().await.unwrap().observations, 300);
}

/// Unknown family ids read as `None`, on an empty and on a filled database.
pub async fn unknown_family_is_none(store: &dyn Store) {
    migrated(store).await;
    assert_eq!(store.family(F_SERIKBAYEV).await.unwrap(), None);
    let _ = loaded(store).await;
    assert_eq!(store.family(FamilyId(999)).await.unwrap(), None);
    assert_eq!(store.family(FamilyId(0)).await.unwrap(), None);
    assert_eq!(store.family(FamilyId(-1)).await.unwrap(), None);
    assert!(store.family(F_SERIKBAYEV).await.unwrap().is_some());
}

/// A person is found by IIN with all their memberships; an IIN nobody has finds nothing.
pub async fn person_by_iin_with_memberships(store: &dyn Store) {
    let sample = loaded(store).await;
    let erlan = sample.persons.iter().find(|p| p.id == P_ERLAN).unwrap();
    let found = store.person_by_iin(erlan.iin.unwrap()).await.unwrap();
    let mut memberships: Vec<Membership> =
        sample.memberships.iter().filter(|m| m.person == P_ERLAN).cloned().collect();
    memberships.sort_by_key(|m| (m.from, m.family));
    assert_eq!(memberships.len(), 2);
    assert_eq!(found, Some(PersonRecord { person: erlan.clone(), memberships }));
    for p in sample.persons.iter().filter(|p| p.iin.is_some()) {
        let r = store.person_by_iin(p.iin.unwrap()).await.unwrap().unwrap();
        assert_eq!(&r.person, p);
        assert!(!r.memberships.is_empty());
    }
    let stranger = iin_for(date!(2001 - 01 - 01), Sex::Male, 5000);
    assert!(sample.persons.iter().all(|p| p.iin != Some(stranger)));
    assert_eq!(store.person_by_iin(stranger).await.unwrap(), None);
}

/// Paging a subtree visits every family in it once, in (territory, id) order, and nothing else;
/// a settlement works as a root; an empty subtree is one empty page.
pub async fn families_in_territory_pages_the_subtree(store: &dyn Store) {
    let sample = loaded(store).await;
    let next = store.next_ids().await.unwrap();
    let extra = generated(next, 61, BATCH_MAIN, &places());
    store.insert_population(&extra).await.unwrap();
    let roots = [AKMOLA, AKKOL_DISTRICT, AKKOL_OKRUG, AKKOL_TOWN, AZAT, ASTANA, KOKSHETAU_GA];
    for root in roots.map(kato) {
        let expected = expected_ids_in(&[&sample, &extra], root);
        assert!(!expected.is_empty(), "fixture families live under {root}");
        for limit in [1, 2, 3, 4, 5, 7, 1000] {
            let got: Vec<FamilyId> = walk(store, root, limit).await.iter().map(|s| s.id).collect();
            assert_eq!(got, expected, "families under {root}, {limit} a page");
        }
    }
    let akmola = walk(store, kato(AKMOLA), 4).await;
    let ids: BTreeSet<FamilyId> = akmola.iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), akmola.len(), "no family twice");
    assert!(!ids.contains(&F_AKHMETOV), "a family of Astana is not in Akmola");
    let empty = store
        .families_in_territory(kato(ABAI), PageRequest { after: None, limit: 10, on: LISTED_ON })
        .await
        .unwrap();
    assert_eq!(empty, FamilyPage { items: vec![], next: None });
    // A cursor past the end of the subtree gives an empty last page.
    let past = FamilyCursor { territory: kato(AKMOLA + 9_999_999), id: FamilyId(i64::MAX) };
    let page = store
        .families_in_territory(
            kato(AKMOLA),
            PageRequest { after: Some(past), limit: 10, on: LISTED_ON },
        )
        .await
        .unwrap();
    assert_eq!(page, FamilyPage { items: vec![], next: None });
}

/// Listing lines carry the current head and the number of current members.
pub async fn family_summaries_count_current_members(store: &dyn Store) {
    let sample = loaded(store).await;
    let listed = walk(store, kato(AKMOLA), 100).await;
    for s in &listed {
        assert_eq!(s, &expected_summary(&sample, s.id, LISTED_ON), "summary of family {}", s.id);
    }
    let by_id = |id: FamilyId| listed.iter().find(|s| s.id == id).unwrap();
    let f1 = by_id(F_SERIKBAYEV);
    assert_eq!((f1.member_count, f1.head.as_ref().map(|n| n.first.as_str())), (4, Some("Арман")));
    let f2 = by_id(F_ERLAN);
    assert_eq!((f2.member_count, f2.head.as_ref().map(|n| n.first.as_str())), (2, Some("Ерлан")));
    let f3 = by_id(F_PETROV);
    assert_eq!((f3.member_count, f3.head.clone()), (0, None), "a family whose only member died");
}

/// Which members are current depends on the day the request names, not on any clock: a
/// membership counts from its first day and no longer on its `until` day.
pub async fn current_members_follow_the_requested_day(store: &dyn Store) {
    let sample = loaded(store).await;
    let summary = |listed: &[FamilySummary], id: FamilyId| {
        let s = listed.iter().find(|s| s.id == id).unwrap().clone();
        (s.member_count, s.head.map(|n| n.first))
    };
    let head = |name: &str| Some(name.to_owned());
    // (day before, day of, family, before, after): Ivan's membership ends on 2026-01-15, Erlan
    // leaves family 1 and heads family 2 from 2024-06-01, Ayaulym joins on 2025-12-01.
    let cases = [
        (date!(2026 - 01 - 14), date!(2026 - 01 - 15), F_PETROV, (1, head("Иван")), (0, None)),
        (date!(2024 - 05 - 31), date!(2024 - 06 - 01), F_ERLAN, (0, None), (2, head("Ерлан"))),
        (
            date!(2024 - 05 - 31),
            date!(2024 - 06 - 01),
            F_SERIKBAYEV,
            (4, head("Арман")),
            (3, head("Арман")),
        ),
        (
            date!(2025 - 11 - 30),
            date!(2025 - 12 - 01),
            F_SERIKBAYEV,
            (3, head("Арман")),
            (4, head("Арман")),
        ),
    ];
    for (before, after, family, then, now) in cases {
        for (on, want) in [(before, then), (after, now)] {
            let listed = walk_on(store, kato(AKMOLA), 3, on).await;
            assert_eq!(summary(&listed, family), want, "family {family} on {on}");
            for s in &listed {
                assert_eq!(s, &expected_summary(&sample, s.id, on), "family {} on {on}", s.id);
            }
        }
    }
}

/// A page never holds more than [`PageRequest::MAX_LIMIT`] families, however many are asked
/// for, and a limit of 0 is a page of one.
pub async fn page_size_is_capped(store: &dyn Store) {
    migrated(store).await;
    store.replace_territories(&tree()).await.unwrap();
    store.create_batch(&batches()[0]).await.unwrap();
    let many = PageRequest::MAX_LIMIT as usize + 30;
    let chunk = generated(
        NextIds::FIRST,
        many,
        BATCH_MAIN,
        &[(kato(AZAT), shanyraq_domain::SettlementType::RuralSettlement)],
    );
    store.insert_population(&chunk).await.unwrap();
    let max = PageRequest::MAX_LIMIT as usize;
    for limit in [PageRequest::MAX_LIMIT + 1, 100_000, u32::MAX] {
        let page = store
            .families_in_territory(kato(AKMOLA), PageRequest { after: None, limit, on: LISTED_ON })
            .await
            .unwrap();
        assert_eq!(page.items.len(), max, "limit {limit}");
        let last = page.items.last().unwrap();
        assert_eq!(page.next, Some(FamilyCursor { territory: last.territory, id: last.id }));
        let rest = store
            .families_in_territory(
                kato(AKMOLA),
                PageRequest { after: page.next, limit, on: LISTED_ON },
            )
            .await
            .unwrap();
        assert_eq!((rest.items.len(), rest.next), (many - max, None), "limit {limit}");
    }
    let one = store
        .families_in_territory(kato(AKMOLA), PageRequest { after: None, limit: 0, on: LISTED_ON })
        .await
        .unwrap();
    assert_eq!(one.items.len(), 1);
    assert!(one.next.is_some());
}

/// Counting agrees with the fixture at every level.
pub async fn count_families_in_territory(store: &dyn Store) {
    let _ = loaded(store).await;
    let cases = [
        (AKMOLA, 5),
        (AKKOL_DISTRICT, 4),
        (AKKOL_OKRUG, 2),
        (AKKOL_TOWN, 1),
        (KOKSHETAU_GA, 1),
        (ASTANA, 1),
        (ASTANA_ESIL_DISTRICT, 0),
        (ABAI, 0),
    ];
    for (root, n) in cases {
        assert_eq!(store.count_families_in_territory(kato(root)).await.unwrap(), n, "under {root}");
    }
}

/// Territories of the families asked for that exist, in id order, each once.
pub async fn family_territories_name_each_known_family_once(store: &dyn Store) {
    let _ = loaded(store).await;
    assert!(store.family_territories(&[]).await.unwrap().is_empty());
    let asked = [F_KIM, FamilyId(999), F_SERIKBAYEV, F_KIM];
    let found = store.family_territories(&asked).await.unwrap();
    let ids: Vec<FamilyId> = found.iter().map(|(f, _)| *f).collect();
    assert_eq!(ids, [F_SERIKBAYEV, F_KIM]);
    for (family, territory) in found {
        let card = store.family(family).await.unwrap().unwrap();
        assert_eq!(territory, card.family.address.territory, "family {family}");
    }
    // More than one statement's worth of ids.
    let many: Vec<FamilyId> = (1..=1_200).map(FamilyId).collect();
    assert_eq!(store.family_territories(&many).await.unwrap().len(), 6);
}

/// The next free keys are one past the greatest stored ones.
pub async fn next_ids_follow_inserts(store: &dyn Store) {
    migrated(store).await;
    assert_eq!(store.next_ids().await.unwrap(), NextIds::FIRST);
    let _ = loaded(store).await;
    let next = store.next_ids().await.unwrap();
    assert_eq!(next, NextIds { person: PersonId(12), family: FamilyId(7), batch: BatchId(3) });
    let extra = generated(next, 10, BATCH_MAIN, &places());
    store.insert_population(&extra).await.unwrap();
    let last_person = extra.persons.iter().map(|p| p.id.0).max().unwrap();
    assert_eq!(
        store.next_ids().await.unwrap(),
        NextIds { person: PersonId(last_person + 1), family: FamilyId(17), batch: BatchId(3) }
    );
}

/// A chunk that repeats a stored IIN, person or family fails with `Conflict` and writes
/// nothing; the store stays usable.
pub async fn conflicting_chunk_changes_nothing(store: &dyn Store) {
    let sample = loaded(store).await;
    let before = store.stats().await.unwrap();
    let next = store.next_ids().await.unwrap();
    let fresh = || generated(next, 3, BATCH_MAIN, &places());
    let arman = sample.persons.iter().find(|p| p.id == P_ARMAN).unwrap().clone();
    let arman_iin = arman.iin.unwrap().to_string();

    let mut same_iin = fresh();
    same_iin.persons.last_mut().unwrap().iin = arman.iin;
    let mut same_person = fresh();
    same_person.persons.push(shanyraq_domain::Person { iin: None, ..arman });
    let mut same_family = fresh();
    same_family.families.push(sample.families[0].clone());

    for (what, chunk) in [("IIN", same_iin), ("person id", same_person), ("family id", same_family)]
    {
        let err = store.insert_population(&chunk).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "a duplicate {what}: {err:?}");
        let message = format!("{err} {err:?}");
        assert!(!message.contains(&arman_iin), "the IIN is in the message: {message}");
        assert!(!message.contains("Серікбаев"), "a name is in the message: {message}");
        assert_eq!(store.stats().await.unwrap(), before, "a failed chunk ({what}) left rows");
        assert_eq!(store.family(next.family).await.unwrap(), None);
        assert_eq!(store.next_ids().await.unwrap(), next);
    }
    let ok = fresh();
    store.insert_population(&ok).await.unwrap();
    assert_eq!(store.stats().await.unwrap().families, before.families + 3);
    assert_eq!(
        store.family(next.family).await.unwrap().unwrap().members,
        expected_members(&ok, next.family)
    );
}

/// Counts of every kind of row.
pub async fn stats_count_rows(store: &dyn Store) {
    let sample = loaded(store).await;
    let stats = store.stats().await.unwrap();
    assert_eq!(
        stats,
        StoreStats {
            families: 6,
            persons: 11,
            memberships: 12,
            observations: sample.observations.len() as u64,
            batches: 2,
            territories: tree().len() as u64,
        }
    );
}

/// A large chunk (5,000 families) goes in whole and reads back.
pub async fn bulk_chunk_round_trips(store: &dyn Store) {
    migrated(store).await;
    store.replace_territories(&tree()).await.unwrap();
    store.create_batch(&batches()[0]).await.unwrap();
    let chunk = generated(NextIds::FIRST, 5_000, BATCH_MAIN, &places());
    store.insert_population(&chunk).await.unwrap();
    let stats = store.stats().await.unwrap();
    assert_eq!(
        (stats.families, stats.persons, stats.memberships, stats.observations),
        (
            chunk.families.len() as u64,
            chunk.persons.len() as u64,
            chunk.memberships.len() as u64,
            chunk.observations.len() as u64
        )
    );
    let akmola = store.count_families_in_territory(kato(AKMOLA)).await.unwrap();
    let astana = store.count_families_in_territory(kato(ASTANA)).await.unwrap();
    assert_eq!(akmola + astana, 5_000);
    assert_eq!(akmola as usize, expected_ids_in(&[&chunk], kato(AKMOLA)).len());
    // Refreshing planner statistics after a load changes no data.
    store.refresh_statistics().await.unwrap();
    assert_eq!(store.stats().await.unwrap(), stats);
    assert_eq!(store.count_families_in_territory(kato(AKMOLA)).await.unwrap(), akmola);
    for id in [1, 2, 2_500, 4_999, 5_000].map(FamilyId) {
        let record = store.family(id).await.unwrap().unwrap();
        assert_eq!(record.members, expected_members(&chunk, id));
        let got: Vec<Observation> =
            record.latest_observations.into_iter().map(|s| s.observation).collect();
        assert_eq!(got, expected_latest(&chunk, id));
    }
    let last_person = chunk.persons.last().unwrap();
    if let Some(iin) = last_person.iin {
        assert_eq!(store.person_by_iin(iin).await.unwrap().unwrap().person, *last_person);
    }
    assert_eq!(
        store.next_ids().await.unwrap(),
        NextIds {
            person: PersonId(last_person.id.0 + 1),
            family: FamilyId(5_001),
            batch: BatchId(2)
        }
    );
}

/// The classifier the project ships loads whole and reads back.
pub async fn bundled_tree_loads_whole(store: &dyn Store) {
    migrated(store).await;
    let tree = shanyraq_domain::territory::bundled();
    assert!(tree.len() > 15_000, "the bundled classifier is loaded");
    store.replace_territories(tree).await.unwrap();
    assert_eq!(store.stats().await.unwrap().territories, tree.len() as u64);
    assert_eq!(store.territory_version().await.unwrap(), Some(tree.version.clone()));
    for t in tree.iter().step_by(97).chain(tree.regions()) {
        assert_eq!(store.territory(t.code).await.unwrap().as_ref(), Some(t), "{}", t.code);
    }
    for region in tree.regions() {
        let expected: Vec<_> = tree.children(region.code).cloned().collect();
        assert_eq!(store.territory_children(region.code).await.unwrap(), expected);
    }
}
