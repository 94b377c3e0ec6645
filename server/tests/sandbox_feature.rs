//! The provider sandbox exists only in builds with the `sandbox` feature: without it, asking
//! for it is a start-up error; with it, the control token is printed at start.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};

/// `server serve` over a throwaway SQLite database, with `vars` set.
fn server(vars: &[(&str, &str)]) -> (Command, tempdir::Dir) {
    let dir = tempdir::Dir::new();
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.path("db.sqlite")),
        )
        .env("SECRET_KEY_FILE", dir.path("secret.key"))
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .env_remove("SANDBOX_URL")
        .env_remove("DEMO_MODE")
        .env_remove("SANDBOX_CONTROL_TOKEN")
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    (command, dir)
}

#[cfg(not(feature = "sandbox"))]
#[test]
fn without_the_feature_sandbox_addr_and_demo_mode_refuse_to_start() {
    for vars in [
        &[("SANDBOX_ADDR", "127.0.0.1:0")][..],
        &[("SANDBOX_ADDR", "127.0.0.1:0"), ("DEMO_MODE", "true")][..],
    ] {
        let (mut command, _dir) = server(vars);
        let out = command.output().unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("this build has no provider sandbox; build with --features sandbox"),
            "{stderr}"
        );
    }
}

#[cfg(feature = "sandbox")]
#[test]
fn with_the_feature_the_control_token_is_printed_at_start() {
    use std::io::{BufRead, BufReader};

    let (mut command, _dir) = server(&[
        ("SANDBOX_ADDR", "127.0.0.1:0"),
        ("SANDBOX_CONTROL_TOKEN", "token-from-the-environment"),
    ]);
    let mut child = command.spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let line = stdout
        .lines()
        .map_while(Result::ok)
        .find(|line| line.contains("control token"));
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        line.as_deref(),
        Some("provider sandbox control token: token-from-the-environment")
    );
}

/// A directory removed when dropped.
mod tempdir {
    use std::path::PathBuf;

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Self {
            let dir = std::env::temp_dir().join(format!(
                "orga_sandbox_feature_{}_{:x}",
                std::process::id(),
                rand::random::<u64>()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        pub fn path(&self, file: &str) -> String {
            self.0.join(file).display().to_string()
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
