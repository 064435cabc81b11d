//! The secrets a member needs to reach a team archive: the database's password and the
//! bucket's keys. Taken from the environment or from a file only its owner can read; kept
//! in memory only, never in the profile's record of the connection, the log, the index or a
//! message (`docs/archive-team.md`, "Secrets").

use std::path::Path;

use super::ArchiveError;

/// The database's password.
pub const DATABASE_PASSWORD: &str = "TWEEVOUD_TEAM_DATABASE_PASSWORD";
/// The bucket's access key id.
pub const ACCESS_KEY_ID: &str = "TWEEVOUD_TEAM_ACCESS_KEY_ID";
/// The bucket's secret access key.
pub const SECRET_ACCESS_KEY: &str = "TWEEVOUD_TEAM_SECRET_ACCESS_KEY";

/// Largest secrets file, in bytes.
pub const MAX_SECRETS_BYTES: u64 = 4096;

/// What a member needs to reach a team archive beside its addresses.
#[derive(Clone, PartialEq, Eq)]
pub struct TeamSecrets {
    /// The database's password, if it asks for one.
    pub database_password: Option<String>,
    /// The bucket's access key id.
    pub access_key_id: String,
    /// The bucket's secret access key.
    pub secret_access_key: String,
}

impl std::fmt::Debug for TeamSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamSecrets")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

fn refuse(problem: &str) -> ArchiveError {
    ArchiveError::Secrets {
        problem: problem.into(),
    }
}

impl TeamSecrets {
    /// From the environment as `var` gives it: [`DATABASE_PASSWORD`] (optional),
    /// [`ACCESS_KEY_ID`] and [`SECRET_ACCESS_KEY`].
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<TeamSecrets, ArchiveError> {
        let need = |name: &str| {
            var(name)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| refuse(&format!("{name} is not set")))
        };
        Ok(TeamSecrets {
            database_password: var(DATABASE_PASSWORD).filter(|v| !v.is_empty()),
            access_key_id: need(ACCESS_KEY_ID)?,
            secret_access_key: need(SECRET_ACCESS_KEY)?,
        })
    }

    /// From a file of `NAME=value` lines with the environment's names (blank lines and lines
    /// starting with `#` aside): a regular file of at most [`MAX_SECRETS_BYTES`] that only its
    /// owner may read or write (mode 0600 or stricter). A file others may read, or a line
    /// that is not one of these names, is refused, quoting no value.
    pub fn from_file(path: &Path) -> Result<TeamSecrets, ArchiveError> {
        use std::io::Read;
        let unreadable =
            |e: std::io::Error| refuse(&format!("the file {} cannot be read: {e}", path.display()));
        // The mode is looked at on the file opened, the one whose bytes are read.
        let file = crate::fsutil::open_regular(path).map_err(unreadable)?;
        let meta = file.metadata().map_err(unreadable)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(refuse(&format!(
                    "the file {} may be read or written by others (mode {:o}): only its owner may (chmod 600)",
                    path.display(),
                    mode & 0o777
                )));
            }
        }
        if meta.len() > MAX_SECRETS_BYTES {
            return Err(refuse(&format!(
                "the file {} is larger than {MAX_SECRETS_BYTES} bytes",
                path.display()
            )));
        }
        let mut bytes = Vec::new();
        file.take(MAX_SECRETS_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > MAX_SECRETS_BYTES {
            return Err(refuse(&format!(
                "the file {} is larger than {MAX_SECRETS_BYTES} bytes",
                path.display()
            )));
        }
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| refuse(&format!("the file {} is not UTF-8 text", path.display())))?;
        let mut values: Vec<(&str, String)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let known = [DATABASE_PASSWORD, ACCESS_KEY_ID, SECRET_ACCESS_KEY];
            match line.split_once('=') {
                Some((name, value)) if known.contains(&name.trim()) => {
                    let name = name.trim();
                    if values.iter().any(|(k, _)| *k == name) {
                        return Err(refuse(&format!(
                            "line {} of {} sets {name} a second time",
                            n + 1,
                            path.display()
                        )));
                    }
                    values.push((name, value.trim().to_string()));
                }
                _ => {
                    return Err(refuse(&format!(
                        "line {} of {} is not {DATABASE_PASSWORD}, {ACCESS_KEY_ID} or {SECRET_ACCESS_KEY}=value",
                        n + 1,
                        path.display()
                    )))
                }
            }
        }
        TeamSecrets::from_env(|name| {
            values
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        })
        .map_err(|e| match e {
            ArchiveError::Secrets { problem } => refuse(&format!(
                "{}: {}",
                path.display(),
                problem.replace("is not set", "is not in the file")
            )),
            e => e,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Coded;

    fn write(dir: &Path, text: &str, mode: u32) -> std::path::PathBuf {
        let path = dir.join("secrets");
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        path
    }

    const WHOLE: &str = "# the team's\nTWEEVOUD_TEAM_ACCESS_KEY_ID=AKID\n\nTWEEVOUD_TEAM_SECRET_ACCESS_KEY = s3cr3t-value\nTWEEVOUD_TEAM_DATABASE_PASSWORD=pw-s3cr3t\n";

    #[test]
    fn from_a_private_file_or_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let s = TeamSecrets::from_file(&write(dir.path(), WHOLE, 0o600)).unwrap();
        assert_eq!(s.access_key_id, "AKID");
        assert_eq!(s.secret_access_key, "s3cr3t-value");
        assert_eq!(s.database_password.as_deref(), Some("pw-s3cr3t"));
        assert!(!format!("{s:?}").contains("s3cr3t"), "{s:?}");
        let env = |k: &str| (k != DATABASE_PASSWORD).then(|| format!("{k}-v"));
        let s = TeamSecrets::from_env(env).unwrap();
        assert_eq!(s.database_password, None);
        assert_eq!(s.secret_access_key, format!("{SECRET_ACCESS_KEY}-v"));
    }

    #[test]
    fn fail_a_file_others_may_read_or_one_not_whole_quoting_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (WHOLE, 0o644, "chmod 600"),
            (WHOLE, 0o620, "chmod 600"),
            (
                "TWEEVOUD_TEAM_ACCESS_KEY_ID=AKID\n",
                0o600,
                "is not in the file",
            ),
            ("AWS_SECRET=pw-s3cr3t\n", 0o600, "line 1"),
            ("pw-s3cr3t\n", 0o600, "line 1"),
            (
                "TWEEVOUD_TEAM_ACCESS_KEY_ID=a\nTWEEVOUD_TEAM_ACCESS_KEY_ID=pw-s3cr3t\n",
                0o600,
                "second time",
            ),
        ];
        for (text, mode, says) in cases {
            let e = TeamSecrets::from_file(&write(dir.path(), text, mode)).unwrap_err();
            assert_eq!(e.code(), "team_secrets", "{e}");
            assert!(e.to_string().contains(says), "{e}");
            assert!(!e.to_string().contains("s3cr3t"), "{e}");
        }
        let big = "#".repeat(MAX_SECRETS_BYTES as usize + 1);
        let e = TeamSecrets::from_file(&write(dir.path(), &big, 0o600)).unwrap_err();
        assert_eq!(e.code(), "team_secrets", "{e}");
        let e = TeamSecrets::from_env(|_| None).unwrap_err();
        assert!(e.to_string().contains(ACCESS_KEY_ID), "{e}");
    }
}
