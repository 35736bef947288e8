//! Database URLs as the command line takes them: `sqlite:PATH` or `postgres://…`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// `sqlite:PATH` (also `sqlite://PATH`); the file is created on first migration.
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…`, passed to the driver as is.
    Postgres(String),
}

/// Why a text is not a database URL we can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbUrlError {
    #[error("the database URL is empty; use sqlite:PATH or postgres://USER@HOST/DB")]
    Empty,
    #[error("unknown database URL scheme {scheme:?}; use sqlite:PATH or postgres://USER@HOST/DB")]
    UnknownScheme { scheme: String },
    #[error("sqlite: needs a file path, e.g. sqlite:data/shanyraq.db")]
    MissingPath,
}

impl DbUrlError {
    /// Stable code for translation and reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "db_url.empty",
            Self::UnknownScheme { .. } => "db_url.unknown_scheme",
            Self::MissingPath => "db_url.missing_path",
        }
    }
}

impl FromStr for DbUrl {
    type Err = DbUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DbUrlError::Empty);
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(DbUrl::Postgres(s.to_owned()));
        }
        if let Some(rest) = s.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(DbUrlError::MissingPath);
            }
            return Ok(DbUrl::Sqlite(PathBuf::from(path)));
        }
        let scheme = s.split_once(':').map_or(s, |(scheme, _)| scheme).to_owned();
        Err(DbUrlError::UnknownScheme { scheme })
    }
}

/// Prints the URL without any password, so that it can be logged and shown.
impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbUrl::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            DbUrl::Postgres(u) => f.write_str(&redact_password(u)),
        }
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({self})")
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, tail) = rest.split_once('/').map_or((rest, None), |(a, t)| (a, Some(t)));
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    match tail {
        Some(t) => format!("{scheme}://{authority}/{t}"),
        None => format!("{scheme}://{authority}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_schemes() {
        assert_eq!("sqlite:data/x.db".parse(), Ok(DbUrl::Sqlite("data/x.db".into())));
        assert_eq!("sqlite:///tmp/x.db".parse(), Ok(DbUrl::Sqlite("/tmp/x.db".into())));
        assert_eq!("postgres://u@h/db".parse(), Ok(DbUrl::Postgres("postgres://u@h/db".into())));
        assert_eq!(
            "mysql://h/db".parse::<DbUrl>(),
            Err(DbUrlError::UnknownScheme { scheme: "mysql".into() })
        );
        assert_eq!("sqlite:".parse::<DbUrl>(), Err(DbUrlError::MissingPath));
        assert_eq!("".parse::<DbUrl>(), Err(DbUrlError::Empty));
    }

    #[test]
    fn errors_have_stable_codes() {
        let code = |s: &str| s.parse::<DbUrl>().map_err(|e| e.code());
        assert_eq!(code("  "), Err("db_url.empty"));
        assert_eq!(code("mysql://h/db"), Err("db_url.unknown_scheme"));
        assert_eq!(code("data.db"), Err("db_url.unknown_scheme"));
        assert_eq!(code("sqlite://"), Err("db_url.missing_path"));
    }

    #[test]
    fn display_hides_password() {
        let u: DbUrl = "postgres://app:s3cret@db.local:5432/shanyraq".parse().unwrap();
        assert_eq!(u.to_string(), "postgres://app:***@db.local:5432/shanyraq");
        assert!(!format!("{u:?}").contains("s3cret"));
    }
}
