//! The operator's own MQTT account, for sending commands and configs
//! (the brokers' accounts in the definitions are the hosts').

use std::path::PathBuf;

use super::{in_file, Decl, Error};
use crate::config::Loaded;
use crate::secret::Secret;

pub const USER: Decl = Decl {
    label: "mqtt user",
    flag: "user",
    env: &[],
    key: Some("mqtt.user"),
};
pub const PASSWORD: Decl = Decl {
    label: "mqtt password",
    flag: "password",
    env: &["MON_MQTT_PASSWORD"],
    key: Some("mqtt.password"),
};

#[derive(clap::Args, Clone, Default)]
pub struct AccountFlags {
    #[arg(long = USER.flag, help = USER.help(
        "Your own MQTT account, for --host and for the definitions' hosts alike (their brokers' \
         accounts are for the hosts)"))]
    pub user: Option<String>,
    #[arg(long = PASSWORD.flag, help = PASSWORD.help(
        "Password of --user (better from the environment or --password-file)"))]
    pub password: Option<String>,
    /// Read the password of --user from this file
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

/// The operator's own account, and where its user name came from (for the
/// message when a broker refuses it; never the password).
#[derive(Clone, Debug)]
pub struct Account {
    pub user: String,
    pub password: Option<Secret>,
    pub from: String,
}

impl AccountFlags {
    /// The account: --user, its password from the flag, the environment or
    /// --password-file, else `[mqtt]` in mon.toml. A password exported for
    /// another occasion, with no user to go with it, is not used; `warn`
    /// hears of it.
    pub fn resolve(
        &self,
        cfg: Option<&Loaded>,
        warn: &mut dyn FnMut(String),
    ) -> Result<Option<Account>, Error> {
        let user = USER.text(self.user.clone(), in_file(cfg, |f| f.mqtt.user.clone()), "");
        if user.value.is_empty() {
            if self.password.is_some() || self.password_file.is_some() {
                return Err(Error::Usage(
                    "a password needs --user (or [mqtt] user in mon.toml)".into(),
                ));
            }
            if PASSWORD.env.iter().any(|v| std::env::var_os(v).is_some()) {
                warn(format!(
                    "{} is set but no --user (or [mqtt] user in mon.toml) goes with it, so it is not used",
                    PASSWORD.env.join(", ")
                ));
            }
            return Ok(None);
        }
        let given = super::given_password(&PASSWORD, &self.password, &self.password_file)?;
        let password = match given.map(|s| s.value) {
            Some(p) => Some(p),
            None => match cfg.and_then(|c| c.file.mqtt.password.as_ref().map(|r| (c, r))) {
                Some((c, r)) => Some(r.resolve(c).map_err(|e| {
                    Error::Unreadable(format!("{}: [mqtt] password: {e}", c.path.display()))
                })?),
                None => None,
            },
        };
        let from = match &user.source {
            super::Source::File(p) => format!("[mqtt] user in {}", p.display()),
            other => other.to_string(),
        };
        Ok(Some(Account {
            user: user.value,
            password: password.map(Secret::new),
            from,
        }))
    }
}
