//! The command line, as clap declares it.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};
use shanyraq_domain::access::{AgencyCode, Category, Role};
use shanyraq_domain::{Iin, Kato};
use shanyraq_feeds::synthetic::HeaderLang;
use shanyraq_store::DbUrl;

/// Shanyraq: an open platform for digital social support.
#[derive(Debug, Parser)]
#[command(name = "shanyraq", version, about)]
pub struct Cli {
    /// Database: sqlite:PATH (embedded) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "SHANYRAQ_DB", default_value = "sqlite:data/shanyraq.db")]
    pub db: DbUrl,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, fill an empty database with a synthetic district, and serve it.
    Demo(DemoArgs),
    /// Serve the web pages and the API.
    Serve(ServeArgs),
    /// Bring the database schema to this version and load the territory classifier.
    Migrate,
    /// Generate a deterministic synthetic population.
    Generate(GenerateArgs),
    /// Write agency feed files for the population `generate` makes from the same arguments.
    GenerateFeeds(GenerateFeedsArgs),
    /// Load an agency feed file exactly once, or check it with `--dry-run`; writes a report.
    Import(ImportArgs),
    /// List import batches with their outcome, newest first.
    Batches(BatchesArgs),
    /// Check IINs: one line per value; exit status 0 when all are valid.
    Iin(IinArgs),
    /// Assess families' well-being levels and store the results.
    Assess(AssessArgs),
    /// Install, check and list methodology versions.
    #[command(subcommand)]
    Methodology(MethodologyCommand),
    /// Families by level and territory, and movements between levels.
    #[command(subcommand)]
    Stats(StatsCommand),
    /// Proactive offers: expire unanswered ones, deliver messages, record answers.
    #[command(subcommand)]
    Offers(OffersCommand),
    /// The audit record: check its hash chain, print its head as an anchor.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Accounts: create, grant and revoke roles and categories, list, set a password, sign out.
    #[command(subcommand)]
    User(UserCommand),
    /// Integration tokens for agency systems: issue (shown once), list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Measure.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["all", "changed", "family"])))]
pub struct AssessArgs {
    /// Every family, streaming.
    #[arg(long)]
    pub all: bool,
    /// Only the families whose facts changed since they were last assessed.
    #[arg(long)]
    pub changed: bool,
    /// These families (ids, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub family: Vec<i64>,
    /// The day to assess as of (YYYY-MM-DD; default today). Only with --all.
    #[arg(long, value_parser = parse_date, requires = "all")]
    pub on: Option<time::Date>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum MethodologyCommand {
    /// Check a methodology file and install it; a new version in force today re-assesses
    /// every family.
    Install { file: std::path::PathBuf },
    /// Check a methodology file without installing it.
    Check { file: std::path::PathBuf },
    /// The installed versions (* marks the one in force today).
    List,
}

#[derive(Debug, Subcommand)]
pub enum OffersCommand {
    /// Expire offers nobody answered in time; each becomes a follow-up task for the district.
    Expire,
    /// Append every undelivered message to a file (JSON Lines) and mark it delivered: the
    /// stand-in for an SMS gateway.
    Deliver {
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Record a family's answer to an offer.
    Answer {
        id: i64,
        #[arg(long, conflicts_with = "decline", required_unless_present = "decline")]
        accept: bool,
        #[arg(long)]
        decline: bool,
    },
    /// A family's offers.
    List {
        #[arg(long)]
        family: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the whole chain; exit 1 naming the first broken entry. With --anchors, also check
    /// it against (seq, hash) pairs kept outside the database, which catches a rewritten chain.
    Verify {
        #[arg(long)]
        anchors: Option<std::path::PathBuf>,
    },
    /// Print the last entry as `SEQ HASH`, to append to an anchors file kept elsewhere.
    Anchor,
}

/// Passwords are never taken from the command line (other users of the machine see it in `ps`):
/// they come from `SHANYRAQ_PASSWORD` when it is set, otherwise from one line of standard input.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints its id and login. The password comes from SHANYRAQ_PASSWORD
    /// or one line of standard input (staff: at least 12 characters, citizens: 8).
    Add(UserAddArgs),
    /// Grant a role over a territory (--role, --agency, --territory), or a sensitive category
    /// (--category).
    Grant(UserGrantArgs),
    /// Revoke a role or a category: the same options as `grant`.
    Revoke(UserGrantArgs),
    /// Every account with its roles (role/agency@KATO) and categories.
    List,
    /// Set a new password (read as for `add`) and end every session of the account.
    Passwd { login: String },
    /// End every session of the account.
    SignOut { login: String },
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// The sign-in name (a citizen's is their IIN).
    pub login: String,
    /// The name shown to colleagues.
    #[arg(long)]
    pub name: String,
    /// A citizen's account (signs in with their IIN) rather than a staff member's.
    #[arg(long, requires = "iin")]
    pub citizen: bool,
    /// The citizen's IIN; the same as LOGIN.
    #[arg(long, requires = "citizen", value_parser = parse_iin)]
    pub iin: Option<Iin>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("grant").required(true).args(["role", "category"])))]
pub struct UserGrantArgs {
    pub login: String,
    /// The role: social_worker, school_specialist, health_specialist, police_specialist,
    /// employment_specialist, mobile_group, supervisor, analyst, data_steward, administrator.
    #[arg(long, value_parser = parse_role, requires = "agency", requires = "territory")]
    pub role: Option<Role>,
    /// The agency the role is held for: social, education, health, police, labour, an NGO's
    /// code … (lowercase letters, digits and _).
    #[arg(long, value_parser = parse_agency, requires = "role")]
    pub agency: Option<AgencyCode>,
    /// The KATO code of the territory the role covers, with everything below it.
    #[arg(long, value_parser = parse_kato, requires = "role")]
    pub territory: Option<Kato>,
    /// A sensitive category: health, disability, violence, child_protection.
    #[arg(long, value_parser = parse_category, conflicts_with = "role")]
    pub category: Option<Category>,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token that may upload files of the given feed sources for families in the
    /// territory; prints the token once (only its hash is kept).
    Issue {
        /// A name for it, unique: letters, digits and - _ .
        name: String,
        /// A feed source it may upload (repeat for several): income, police, health …
        #[arg(long = "source", required = true)]
        sources: Vec<String>,
        /// The KATO code of the territory whose families its files may touch.
        #[arg(long, value_parser = parse_kato)]
        territory: Kato,
        /// Days until it expires (at most 366).
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// Every token: name, sources, territory, expiry, whether revoked, last use.
    List,
    /// Revoke a token by name; uploads with it are refused from now on.
    Revoke { name: String },
}

#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Families by level in a territory, by region, district …; with --from/--to, also the
    /// movements between levels over the period.
    Levels(StatsLevelsArgs),
}

#[derive(Debug, Args)]
pub struct StatsLevelsArgs {
    /// The territory (KATO code of a region, district …).
    #[arg(long, value_parser = parse_kato)]
    pub territory: Kato,
    /// Group by `region`, `district`, `okrug` or `settlement`.
    #[arg(long, default_value = "district")]
    pub by: String,
    #[arg(long, value_parser = parse_date, requires = "to")]
    pub from: Option<time::Date>,
    #[arg(long, value_parser = parse_date, requires = "from")]
    pub to: Option<time::Date>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default: the server speaks plain HTTP, so anything
    /// wider belongs behind a proxy that terminates TLS.
    #[arg(long, env = "SHANYRAQ_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Language of pages when the browser states no preference: kk, ru or en.
    #[arg(long, env = "SHANYRAQ_LANGUAGE", default_value = "kk")]
    pub language: String,
    /// Seconds between re-assessments of families whose facts changed (0: never).
    #[arg(long, env = "SHANYRAQ_REASSESS_EVERY", default_value_t = 60)]
    pub reassess_every: u64,
    /// Append outbound messages (offers) to this file as JSON Lines, the stand-in for an SMS
    /// gateway; the demo uses `outbox.jsonl` beside its database.
    #[arg(long, env = "SHANYRAQ_OUTBOX_FILE")]
    pub outbox_file: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Families to generate when the database is empty.
    #[arg(long, default_value_t = 10_000)]
    pub families: u64,
    /// Territory the demo population lives in (default: Atbasar district, Akmola region).
    #[arg(long, default_value = "113800000", value_parser = parse_kato)]
    pub region: Kato,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Which synthetic population: shared by `generate` and `generate-feeds`, so that the same
/// arguments describe the same people.
#[derive(Debug, Args, Clone)]
pub struct PopulationArgs {
    /// Number of families.
    #[arg(long)]
    pub families: u64,
    /// Seed: the same seed, as-of date and region give the same population.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Only in this territory's subtree (any KATO level).
    #[arg(long, value_parser = parse_kato)]
    pub region: Option<Kato>,
    /// The population's "today", YYYY-MM-DD. Default: the state date of the bundled territory
    /// classifier, so that the same seed gives the same population on any day.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<time::Date>,
}

impl PopulationArgs {
    /// The as-of date, or the classifier's state date.
    pub fn as_of_or_default(&self) -> time::Date {
        self.as_of.unwrap_or_else(|| shanyraq_domain::territory::bundled_version().as_of)
    }
}

#[derive(Debug, Args, Clone)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub population: PopulationArgs,
    /// Per mille of persons whose IIN has a wrong check digit.
    #[arg(long)]
    pub wrong_check_digit_per_mille: Option<u16>,
    /// Per mille of persons whose IIN disagrees with their birth date or sex.
    #[arg(long)]
    pub structure_mismatch_per_mille: Option<u16>,
    /// Per mille of persons without an IIN.
    #[arg(long)]
    pub missing_iin_per_mille: Option<u16>,
    /// Families per write transaction.
    #[arg(long, default_value_t = 2_000)]
    pub chunk: usize,
}

#[derive(Debug, Args, Clone)]
pub struct GenerateFeedsArgs {
    /// The same arguments as `generate` give the same population.
    #[command(flatten)]
    pub population: PopulationArgs,
    /// Directory the files are written to (one `<feed>.csv` per feed).
    #[arg(long)]
    pub out: std::path::PathBuf,
    /// Language of the header rows: kk, ru or en.
    #[arg(long, default_value = "ru")]
    pub header_lang: HeaderLang,
    /// Rows given a fault, per mille.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(0..=1000))]
    pub faults_per_mille: u16,
    /// Only these feeds, comma-separated (default: all that the population fills).
    #[arg(long, value_delimiter = ',')]
    pub feeds: Vec<String>,
    /// Months of history in the monthly feeds (income, benefits): each row is written for the
    /// month of its period and the months before it.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=120))]
    pub months: u16,
}

#[derive(Debug, Args, Clone)]
pub struct ImportArgs {
    /// The declared source the file comes from: income, employment, health, …
    #[arg(long)]
    pub source: String,
    /// The feed file: CSV, JSON Lines or XLSX.
    pub file: std::path::PathBuf,
    /// Validate every row and write the report, without writing to the database.
    #[arg(long)]
    pub dry_run: bool,
    /// Where the report goes (default: next to the file, as `<file>.report.csv`).
    #[arg(long)]
    pub report: Option<std::path::PathBuf>,
    /// "Today" for the rule that birth dates and events are not in the future, YYYY-MM-DD.
    /// Default: today in Kazakhstan.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<time::Date>,
    /// Data rows per transaction (default 20,000): an interruption loses at most this many
    /// rows' work, and the same command resumes after the last one written.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk_rows: Option<u32>,
}

#[derive(Debug, Args)]
pub struct BatchesArgs {
    /// How many, newest first.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IinArgs {
    /// Values to check.
    #[arg(required = true)]
    pub values: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Generate and load families, then print rates and peak memory.
    Generate(GenerateArgs),
    /// Into an empty migrated database: generate a population, write its income feed, and
    /// measure the dry run, the import and the engine's own bulk loader on that file.
    Import(BenchImportArgs),
    /// The assessment: the engine on families in memory, full runs from the store with
    /// results written, and one family's re-assessment latency.
    Assess(BenchAssessArgs),
    /// The audit chain: append synthetic entries, then verify the whole chain.
    Audit {
        /// Entries to append first.
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
    },
    /// The family card over HTTP on loopback, with authorisation and audit and without, in
    /// alternating rounds; prints both rates and their ratio.
    Access {
        /// Concurrent clients, each on its own connection.
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// Seconds per round per server.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Rounds; each measures both servers once.
        #[arg(long, default_value_t = 3)]
        rounds: u64,
    },
}

#[derive(Debug, Args)]
pub struct BenchImportArgs {
    #[command(flatten)]
    pub population: PopulationArgs,
    /// Rows of the feed given a fault, per mille. 0 by default: the engine's bulk loader
    /// (PostgreSQL `COPY`) refuses a whole file at its first malformed row.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=1000))]
    pub faults_per_mille: u16,
    /// Directory for the feed, the reports and scratch files; kept when given (default: a
    /// temporary directory, removed at the end).
    #[arg(long)]
    pub work: Option<std::path::PathBuf>,
    /// The SQLite shell whose `.import` is the SQLite yardstick.
    #[arg(long, default_value = "sqlite3")]
    pub sqlite3: std::path::PathBuf,
    /// Months of income history per person and source (about 1.96 rows per family each).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u16).range(1..=120))]
    pub months: u16,
    /// Data rows per import transaction (default 20,000).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk_rows: Option<u32>,
}

fn parse_kato(s: &str) -> Result<Kato, String> {
    s.parse::<Kato>().map_err(|e| format!("{s:?} is not a KATO code: {e}"))
}

fn parse_iin(s: &str) -> Result<Iin, String> {
    s.parse::<Iin>().map_err(|e| format!("{s:?} is not an IIN: {e}"))
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).map_err(|e| e.to_string())
}

fn parse_agency(s: &str) -> Result<AgencyCode, String> {
    AgencyCode::parse(s).ok_or_else(|| {
        format!("{s:?} is not an agency code: 1 to 32 lowercase letters, digits and _")
    })
}

fn parse_category(s: &str) -> Result<Category, String> {
    Category::parse(s).ok_or_else(|| {
        let known = Category::ALL.map(Category::code).join(", ");
        format!("unknown category `{s}`; the categories are {known}")
    })
}

fn parse_date(s: &str) -> Result<time::Date, String> {
    shanyraq_domain::dates::parse_iso(s).map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
pub struct BenchAssessArgs {
    /// Generate this many families first if the database is empty.
    #[arg(long)]
    pub families: Option<u64>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The day to assess as of (default today).
    #[arg(long, value_parser = parse_date)]
    pub on: Option<time::Date>,
    /// Families held in memory for the engine's own figure.
    #[arg(long, default_value_t = 200_000)]
    pub engine_families: usize,
    /// One-family re-assessments timed for the latency figure.
    #[arg(long, default_value_t = 1_000)]
    pub incremental: usize,
}
