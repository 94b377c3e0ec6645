//! Folders and files only the server's user may read: the data folder (0700), the SQLite
//! database and the key file (0600). Other users of the machine must not read the sealed
//! secrets, nor the key that opens them. Only what the server creates gets these modes; an
//! operator's own folder keeps theirs.

use std::io::Write;
use std::path::Path;

/// Creates `dir` and any missing parent, each 0700.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates `path` with `contents`, 0600; fails if it exists.
pub fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    private_options().open(path)?.write_all(contents.as_bytes())
}

/// Creates an empty `path`, 0600, unless it exists (then it is left as it is).
pub fn touch_private_file(path: &Path) -> std::io::Result<()> {
    match private_options().open(path) {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(err),
    }
}

fn private_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// The folder `path` is in, unless it is the current one.
pub fn parent_dir(path: &Path) -> Option<&Path> {
    path.parent().filter(|dir| !dir.as_os_str().is_empty())
}
