//! One window per user for "Open with": `picbucket FILE…` while a window is
//! open hands the files to that window over a unix socket in the data
//! directory (`picbucket.sock`, owner-only) and exits, instead of opening a
//! second window.
//!
//! The protocol: the new process writes each path's bytes followed by a NUL,
//! closes its sending half, and waits for `ok\n`, which the window sends once
//! it has queued them. Without that answer the new process opens its own window.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The socket's file name in the data directory.
pub const SOCKET_FILE: &str = "picbucket.sock";
/// Most bytes one hand-off may carry (thousands of paths).
const MAX_MESSAGE: u64 = 4 * 1024 * 1024;
/// How long the new process waits for the window to answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(3);
const ACK: &[u8] = b"ok\n";

/// The socket of the window for the data directory in effect.
pub fn socket_path() -> Option<PathBuf> {
    crate::core::paths::default_data_dir().map(|dir| dir.join(SOCKET_FILE))
}

/// Gives `paths` to the window listening on `socket`; true when it took them.
#[cfg(unix)]
pub fn hand_over(socket: &Path, paths: &[PathBuf]) -> bool {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::net::UnixStream;
    let Ok(mut stream) = UnixStream::connect(socket) else {
        return false;
    };
    let mut message = Vec::new();
    for path in paths {
        message.extend_from_slice(path.as_os_str().as_bytes());
        message.push(0);
    }
    let sent = stream.set_read_timeout(Some(ANSWER_TIMEOUT)).is_ok()
        && stream.write_all(&message).is_ok()
        && stream.shutdown(std::net::Shutdown::Write).is_ok();
    let mut answer = [0; ACK.len()];
    sent && stream.read_exact(&mut answer).is_ok() && answer == ACK
}

#[cfg(not(unix))]
pub fn hand_over(_socket: &Path, _paths: &[PathBuf]) -> bool {
    false
}

/// The window's end: while it lives, files handed over are passed to the
/// callback; dropping it removes the socket file.
pub struct Listener {
    path: PathBuf,
    #[cfg(unix)]
    socket: Option<std::os::unix::net::UnixListener>,
}

impl Listener {
    /// Claims `path` for this window; `None` when another window holds it
    /// (or the socket cannot be made: the window then works without it).
    /// A socket file left by a window that crashed is replaced.
    #[cfg(unix)]
    pub fn bind(path: &Path) -> Option<Self> {
        use std::os::unix::fs::PermissionsExt;
        use std::os::unix::net::{UnixListener, UnixStream};
        if UnixStream::connect(path).is_ok() {
            tracing::info!(socket = %path.display(), "another window is open; files are not handed to this one");
            return None;
        }
        std::fs::remove_file(path).ok();
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).ok()?;
        }
        let socket = match UnixListener::bind(path) {
            Ok(socket) => socket,
            Err(error) => {
                tracing::warn!(%error, socket = %path.display(), "files cannot be handed to this window");
                return None;
            }
        };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).ok();
        Some(Self {
            path: path.to_owned(),
            socket: Some(socket),
        })
    }

    #[cfg(not(unix))]
    pub fn bind(_path: &Path) -> Option<Self> {
        None
    }

    /// Serves hand-offs on a thread of its own; `on_files` gets each batch.
    #[cfg(unix)]
    pub fn serve(&mut self, on_files: impl Fn(Vec<PathBuf>) + Send + 'static) {
        let Some(socket) = self.socket.take() else { return };
        let spawned = std::thread::Builder::new()
            .name("picbucket-handoff".into())
            .spawn(move || {
                for stream in socket.incoming() {
                    let Ok(mut stream) = stream else { continue };
                    stream.set_read_timeout(Some(ANSWER_TIMEOUT)).ok();
                    let mut message = Vec::new();
                    if (&mut stream).take(MAX_MESSAGE).read_to_end(&mut message).is_err() {
                        continue;
                    }
                    let paths = parse_message(&message);
                    if !paths.is_empty() {
                        on_files(paths);
                    }
                    stream.write_all(ACK).ok();
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "files cannot be handed to this window");
        }
    }

    #[cfg(not(unix))]
    pub fn serve(&mut self, _on_files: impl Fn(Vec<PathBuf>) + Send + 'static) {}
}

impl Drop for Listener {
    fn drop(&mut self) {
        std::fs::remove_file(&self.path).ok();
    }
}

#[cfg(unix)]
fn parse_message(message: &[u8]) -> Vec<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    message
        .split(|&b| b == 0)
        .filter(|bytes| !bytes.is_empty())
        .map(|bytes| PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
        .collect()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn files_reach_the_window_that_holds_the_socket() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join(SOCKET_FILE);
        assert!(
            !hand_over(&socket, &[PathBuf::from("/tmp/a.png")]),
            "nobody listens yet"
        );

        let mut listener = Listener::bind(&socket).expect("socket claimed");
        let (tx, rx) = mpsc::channel();
        listener.serve(move |paths| tx.send(paths).unwrap());
        let batch = vec![
            PathBuf::from("/tmp/my photo.jpg"),
            PathBuf::from("/tmp/line\nbreak.png"),
            PathBuf::from("/tmp/猫.webp"),
        ];
        assert!(hand_over(&socket, &batch));
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), batch);
        assert!(hand_over(&socket, &[PathBuf::from("/tmp/second.gif")]));
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            [PathBuf::from("/tmp/second.gif")]
        );

        // A second window does not take the socket from the first.
        assert!(Listener::bind(&socket).is_none());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        drop(listener);
        assert!(!socket.exists(), "the socket file goes with the window");
    }

    #[test]
    fn a_socket_left_by_a_crashed_window_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join(SOCKET_FILE);
        // A bound socket whose process is gone: the file stays, nobody accepts.
        drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
        assert!(socket.exists());
        assert!(!hand_over(&socket, &[PathBuf::from("/tmp/a.png")]));
        let mut listener = Listener::bind(&socket).expect("stale socket replaced");
        let (tx, rx) = mpsc::channel();
        listener.serve(move |paths| tx.send(paths).unwrap());
        assert!(hand_over(&socket, &[PathBuf::from("/tmp/b.png")]));
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            [PathBuf::from("/tmp/b.png")]
        );
    }
}
