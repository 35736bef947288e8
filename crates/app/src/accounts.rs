//! Accounts: passwords (argon2id, hashed off the async threads and a few at a time), sign-in with
//! throttling, sessions held in the database, and the administrators' commands.

mod admin;
mod passwords;
mod secrets;
mod sessions;
mod signin;

pub use admin::{NewUser, UserAdmin};
pub use passwords::{PasswordHasher, PasswordProblem, check_password};
pub use secrets::{Secret, digest_hex, same_secret};
pub use sessions::{SessionPolicy, SignedIn};
pub use signin::{SignIn, SignInError};
