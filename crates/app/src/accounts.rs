//! Accounts: passwords (argon2id, hashed off the async threads and a few at a time), sign-in with
//! throttling, sessions held in the database, and the administrators' commands.

mod admin;
mod citizen;
mod passwords;
mod secrets;
mod sessions;
mod signin;
mod tokens;

pub use admin::{NewUser, UserAdmin};
pub use citizen::{CODE_LIFETIME, CitizenSignIn, CodeSent, MAX_CODE_ATTEMPTS};
pub use passwords::{PasswordHasher, PasswordProblem, check_password};
pub use secrets::{Secret, digest_hex, same_secret};
pub use sessions::{SessionPolicy, SignedIn};
pub use signin::{SignIn, SignInError};
pub use tokens::{MAX_TOKEN_DAYS, Tokens};
