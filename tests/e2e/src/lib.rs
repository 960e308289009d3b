//! Helpers shared by the end-to-end tests: start the real Seam app under tauri-driver in an
//! isolated environment (temp project, temp HOME/XDG dirs, own ports) and poll its DOM with
//! bounded waits that leave a screenshot behind when they give up.

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tempfile::TempDir;
use thirtyfour::prelude::*;

/// How long a wait polls before it fails. Generous, because a cold WebKit start on a loaded
/// 2-core CI machine is slow; a passing run never waits this long.
pub const WAIT_TIMEOUT: Duration = Duration::from_secs(30);
/// Pause between two polls of a wait.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// How long tauri-driver gets to answer `GET /status`.
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(30);
/// Upper bound for one WebDriver request, session creation (which starts the app) included.
/// Without it a session that never starts (e.g. a build that loads a missing dev server) hangs.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);

/// The repository root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where failure screenshots, driver logs and the latest screenshots go (gitignored).
pub fn artifacts_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts");
    if let Err(error) = fs::create_dir_all(&dir) {
        panic!("cannot create {}: {error}", dir.display());
    }
    dir
}

/// The cargo target directory scripts/setup.sh uses: `$CARGO_TARGET_DIR`, else
/// `$HOME/.cache/seam-target`.
fn default_target_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/seam-target"))
}

/// Finds the built desktop app: `$SEAM_APP_BIN`, else `seam-app` next to the profile directory
/// this test binary was built into, in `$CARGO_TARGET_DIR/debug`, or in `<workspace>/target/debug`.
pub fn find_app_binary() -> PathBuf {
    if let Some(explicit) = std::env::var_os("SEAM_APP_BIN").filter(|path| !path.is_empty()) {
        let explicit = PathBuf::from(explicit);
        assert!(explicit.is_file(), "SEAM_APP_BIN points at {}, which is not a file", explicit.display());
        return absolute(&explicit);
    }
    let mut candidates = Vec::new();
    // The test binary lives in <target>/<profile>/deps/; the app is built into <target>/<profile>/.
    if let Ok(test_exe) = std::env::current_exe() {
        if let Some(profile_dir) = test_exe.parent().and_then(Path::parent) {
            candidates.push(profile_dir.join("seam-app"));
        }
    }
    if let Some(target_dir) = default_target_dir() {
        candidates.push(target_dir.join("debug/seam-app"));
    }
    candidates.push(workspace_root().join("target/debug/seam-app"));
    match candidates.iter().find(|candidate| candidate.is_file()) {
        Some(found) => absolute(found),
        None => panic!(
            "the app binary is missing; looked for: {}. Run `cargo build -p seam-app` first \
             (scripts/test.sh does), or point SEAM_APP_BIN at it.",
            candidates.iter().map(|candidate| candidate.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Finds `tauri-driver` on PATH or in `$HOME/.cargo/bin`. Resolved before HOME is overridden
/// for the child.
pub fn find_tauri_driver() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("tauri-driver"));
    let in_cargo_home =
        std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo/bin/tauri-driver")).into_iter();
    match on_path.chain(in_cargo_home).find(|candidate| candidate.is_file()) {
        Some(found) => found,
        None => panic!(
            "tauri-driver is not on PATH nor in ~/.cargo/bin; install it with \
             `cargo install tauri-driver --locked` (scripts/setup.sh does)"
        ),
    }
}

fn absolute(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|error| panic!("cannot resolve {}: {error}", path.display()))
}

/// Copies a directory tree (files and folders; the example has no symlinks).
pub fn copy_dir_recursive(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|error| panic!("cannot create {}: {error}", to.display()));
    let entries = fs::read_dir(from).unwrap_or_else(|error| panic!("cannot list {}: {error}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|error| panic!("cannot list {}: {error}", from.display()));
        let source = entry.path();
        let destination = to.join(entry.file_name());
        if source.is_dir() {
            copy_dir_recursive(&source, &destination);
        } else {
            fs::copy(&source, &destination).unwrap_or_else(|error| {
                panic!("cannot copy {} to {}: {error}", source.display(), destination.display())
            });
        }
    }
}

/// Asks the OS for a free TCP port on localhost. Another process could take it before
/// tauri-driver binds it; unlikely enough for a test.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port on 127.0.0.1");
    listener.local_addr().expect("local address of a bound listener").port()
}

/// One `GET /status` over plain HTTP/1.0; true when the driver answers 200.
fn driver_answers_status(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /status HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200")
}

fn timestamp_millis() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|elapsed| elapsed.as_millis()).unwrap_or(0)
}

/// A running app: tauri-driver (with WebKitWebDriver and the app under it), a WebDriver session,
/// and the temp folders it uses. Dropping it ends the session, stops tauri-driver with SIGTERM
/// and removes the folders.
pub struct AppSession {
    label: String,
    driver: Option<WebDriver>,
    tauri_driver: Option<Child>,
    driver_log: PathBuf,
    /// The temp copy of `assets/example/` the app was opened on.
    pub project_dir: PathBuf,
    // Last, so it is removed after the processes using it are gone.
    _temp_root: TempDir,
}

impl AppSession {
    /// Starts the app on a fresh copy of the bundled example project. `label` names the
    /// artifacts this session leaves behind.
    pub async fn start_on_example(label: &str) -> AppSession {
        AppSession::start(label, true).await
    }

    /// Starts the app with no folder argument, so it shows the welcome screen (first run: no
    /// recent projects). The example copy is still made, at `project_dir`, for the test to use.
    pub async fn start_on_welcome(label: &str) -> AppSession {
        AppSession::start(label, false).await
    }

    async fn start(label: &str, open_example: bool) -> AppSession {
        if std::env::var_os("DISPLAY").is_none_or(|display| display.is_empty()) {
            panic!("DISPLAY is not set: run the end-to-end tests under `xvfb-run -a` (scripts/test.sh does this)");
        }
        let app_binary = find_app_binary();
        let tauri_driver_binary = find_tauri_driver();

        let temp_root =
            tempfile::Builder::new().prefix("seam-e2e-").tempdir().expect("create a temp dir for the e2e session");
        let root = absolute(temp_root.path());
        let project_dir = root.join("Example project");
        copy_dir_recursive(&workspace_root().join("assets/example"), &project_dir);
        let isolated = |name: &str| {
            let dir = root.join(name);
            fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("cannot create {}: {error}", dir.display()));
            dir
        };
        let home = isolated("home");
        let data_home = isolated("xdg-data");
        let config_home = isolated("xdg-config");
        let cache_home = isolated("xdg-cache");
        let seam_data = isolated("seam-data");

        let driver_log = root.join("tauri-driver.log");
        let log_file = fs::File::create(&driver_log).expect("create the tauri-driver log file");
        let log_file_for_stderr = log_file.try_clone().expect("clone the log file handle");

        let port = free_port();
        let mut native_port = free_port();
        while native_port == port {
            native_port = free_port();
        }
        let child = Command::new(&tauri_driver_binary)
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .env("HOME", &home)
            .env("XDG_DATA_HOME", &data_home)
            .env("XDG_CONFIG_HOME", &config_home)
            .env("XDG_CACHE_HOME", &cache_home)
            .env("SEAM_DATA_DIR", &seam_data)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log_file))
            .stderr(Stdio::from(log_file_for_stderr))
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", tauri_driver_binary.display()));

        let mut session = AppSession {
            label: label.to_owned(),
            driver: None,
            tauri_driver: Some(child),
            driver_log,
            project_dir: project_dir.clone(),
            _temp_root: temp_root,
        };
        session.wait_for_driver_status(port).await;

        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".to_owned(),
            serde_json::json!({
                "application": app_binary.to_string_lossy(),
                "args": if open_example { vec![project_dir.to_string_lossy().into_owned()] } else { Vec::new() },
            }),
        );
        let driver =
            WebDriver::builder(format!("http://127.0.0.1:{port}"), capabilities).request_timeout(REQUEST_TIMEOUT).await;
        match driver {
            Ok(driver) => session.driver = Some(driver),
            Err(error) => session.fail_without_window(&format!(
                "could not create a WebDriver session for {} (if it hangs, check that the \
                 debug build does not load a devUrl): {error}",
                app_binary.display()
            )),
        }
        // A fixed size keeps screenshots comparable; the app may refuse, which is fine.
        let _ = session.driver().set_window_rect(0, 0, 1280, 800).await;
        session
    }

    async fn wait_for_driver_status(&mut self, port: u16) {
        let deadline = Instant::now() + DRIVER_READY_TIMEOUT;
        loop {
            if driver_answers_status(port) {
                return;
            }
            if let Some(child) = self.tauri_driver.as_mut() {
                if let Ok(Some(exit)) = child.try_wait() {
                    self.tauri_driver = None;
                    self.fail_without_window(&format!("tauri-driver exited early ({exit})"));
                }
            }
            if Instant::now() > deadline {
                self.fail_without_window(&format!(
                    "tauri-driver did not answer GET /status on port {port} within {DRIVER_READY_TIMEOUT:?}"
                ));
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// The WebDriver session.
    pub fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("the session is started")
    }

    /// Path of a file inside the test project.
    pub fn project_file(&self, rel_path: &str) -> PathBuf {
        self.project_dir.join(rel_path)
    }

    /// Reads a file of the test project.
    pub fn read_project_file(&self, rel_path: &str) -> Vec<u8> {
        let path = self.project_file(rel_path);
        fs::read(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
    }

    /// Polls `probe` until it returns `Ok`, for at most `timeout`. `Err` means "not yet" and
    /// says what was seen; the last one ends up in the failure message, with a screenshot.
    pub async fn wait_until<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut probe: impl AsyncFnMut() -> Result<T, String>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            let last_seen = match probe().await {
                Ok(value) => return value,
                Err(seen) => seen,
            };
            if Instant::now() > deadline {
                self.fail(&format!("timed out after {timeout:?} waiting for {what}; last seen: {last_seen}")).await;
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Scrolls `element` to the middle of its scroll container, clear of sticky toolbars and of
    /// the scroll bars at the edges, so a click reaches it as a user's would.
    pub async fn scroll_to_middle(&self, element: &WebElement) {
        let arg = self.check("pass the element", element.to_json()).await;
        self.check(
            "scroll the element into the middle",
            self.driver()
                .execute(r#"arguments[0].scrollIntoView({block: "center", inline: "center"});"#, vec![arg])
                .await,
        )
        .await;
    }

    /// Waits until at least one element matches `css` and returns the first.
    pub async fn wait_for(&self, css: &str) -> WebElement {
        let driver = self.driver();
        self.wait_until(&format!("`{css}`"), WAIT_TIMEOUT, async || match driver.find_all(By::Css(css)).await {
            Ok(elements) => elements.into_iter().next().ok_or_else(|| "no match".to_owned()),
            Err(error) => Err(error.to_string()),
        })
        .await
    }

    /// All elements matching `css` right now.
    pub async fn find_all(&self, css: &str) -> Vec<WebElement> {
        match self.driver().find_all(By::Css(css)).await {
            Ok(elements) => elements,
            Err(error) => self.fail(&format!("find `{css}`: {error}")).await,
        }
    }

    /// Unwraps a WebDriver result, failing the test with a screenshot on error.
    pub async fn check<T>(&self, what: &str, result: WebDriverResult<T>) -> T {
        match result {
            Ok(value) => value,
            Err(error) => self.fail(&format!("{what}: {error}")).await,
        }
    }

    /// Saves a screenshot of the window into the artifacts folder and returns its path.
    pub async fn screenshot(&self, file_name: &str) -> Result<PathBuf, String> {
        let path = artifacts_dir().join(file_name);
        let png = self.driver().screenshot_as_png().await.map_err(|error| format!("screenshot failed: {error}"))?;
        fs::write(&path, png).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        Ok(path)
    }

    /// Fails the test: saves a screenshot and the driver log into the artifacts folder and
    /// panics with their paths.
    pub async fn fail(&self, message: &str) -> ! {
        let stamp = timestamp_millis();
        let screenshot = match self.screenshot(&format!("{}-failure-{stamp}.png", self.label)).await {
            Ok(path) => format!("screenshot: {}", path.display()),
            Err(error) => format!("no screenshot ({error})"),
        };
        let log = self.save_driver_log(stamp);
        panic!("{message}\n  {screenshot}\n  {log}");
    }

    /// Fails before there is a window to photograph.
    fn fail_without_window(&self, message: &str) -> ! {
        let log = self.save_driver_log(timestamp_millis());
        panic!("{message}\n  {log}");
    }

    fn save_driver_log(&self, stamp: u128) -> String {
        let copy = artifacts_dir().join(format!("{}-tauri-driver-{stamp}.log", self.label));
        match fs::copy(&self.driver_log, &copy) {
            Ok(_) => format!("tauri-driver/app log: {}", copy.display()),
            Err(error) => format!("no tauri-driver log ({error})"),
        }
    }

    /// Ends the session cleanly (closes the app); the rest happens on drop.
    pub async fn close(mut self) {
        if let Some(driver) = self.driver.take() {
            if let Err(error) = driver.quit().await {
                eprintln!("warning: ending the WebDriver session failed: {error}");
            }
        }
    }
}

impl Drop for AppSession {
    fn drop(&mut self) {
        // Dropping the driver deletes the session (thirtyfour does it synchronously), which
        // closes the app.
        drop(self.driver.take());
        if let Some(mut child) = self.tauri_driver.take() {
            stop_gently(&mut child);
        }
    }
}

/// SIGTERM, so tauri-driver stops WebKitWebDriver too (after SIGKILL it keeps holding its
/// port); SIGKILL only if it ignores that for 10 s.
fn stop_gently(child: &mut Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) with a pid we spawned and have not reaped yet, so it cannot have
        // been reused.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => return,
            Ok(None) if Instant::now() > deadline => {
                eprintln!("warning: tauri-driver ignored SIGTERM for 10 s; killing it");
                let _ = child.kill();
                let _ = child.wait();
                return;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Plain helpers for comparing files byte by byte.

/// Splits into lines that keep their terminator (`\n` or `\r\n`), so line endings are compared.
pub fn lines_with_endings(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&byte| byte == b'\n').collect()
}

/// Removes a trailing `\n` or `\r\n`.
pub fn without_line_ending(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Length in bytes of the front matter block (from the opening `---` line through the closing
/// `---` line, terminators included), or None when the file has no front matter.
pub fn front_matter_len(bytes: &[u8]) -> Option<usize> {
    let mut lines = lines_with_endings(bytes).into_iter();
    let first = lines.next()?;
    if without_line_ending(first) != b"---" {
        return None;
    }
    let mut length = first.len();
    for line in lines {
        length += line.len();
        let content = without_line_ending(line);
        if content == b"---" || content == b"..." {
            return Some(length);
        }
    }
    None
}

/// Decodes a single- or double-quoted YAML flow scalar (the whole of `text`), or None when it
/// is not one. Handles the escapes a title can contain.
pub fn decode_quoted_yaml_scalar(text: &str) -> Option<String> {
    if let Some(inner) = text.strip_prefix('\'').and_then(|rest| rest.strip_suffix('\'')) {
        if inner.replace("''", "").contains('\'') {
            return None;
        }
        return Some(inner.replace("''", "'"));
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut decoded = String::new();
    let mut chars = inner.chars();
    while let Some(character) = chars.next() {
        match character {
            '"' => return None,
            '\\' => match chars.next()? {
                '"' => decoded.push('"'),
                '\\' => decoded.push('\\'),
                '/' => decoded.push('/'),
                't' => decoded.push('\t'),
                'n' => decoded.push('\n'),
                _ => return None,
            },
            other => decoded.push(other),
        }
    }
    Some(decoded)
}

/// The value of a top-level `key:` line in the front matter, unquoted when quoted.
pub fn front_matter_value(bytes: &[u8], key: &str) -> Option<String> {
    let front_matter = &bytes[..front_matter_len(bytes)?];
    let prefix = format!("{key}:");
    lines_with_endings(front_matter).into_iter().find_map(|line| {
        let line = String::from_utf8_lossy(without_line_ending(line));
        let value = line.strip_prefix(&prefix)?.trim();
        Some(decode_quoted_yaml_scalar(value).unwrap_or_else(|| value.to_owned()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_len_keeps_crlf_terminators() {
        let file = b"---\r\ntitle: A\r\n---\r\nBody\r\n";
        assert_eq!(front_matter_len(file), Some(20));
        assert_eq!(front_matter_len(b"no front matter\n"), None);
        assert_eq!(front_matter_len(b"---\ntitle: unterminated\n"), None);
    }

    #[test]
    fn quoted_scalars_decode_and_plain_ones_do_not() {
        assert_eq!(decode_quoted_yaml_scalar("\"Edited: ETA API\"").as_deref(), Some("Edited: ETA API"));
        assert_eq!(decode_quoted_yaml_scalar("'It''s: here'").as_deref(), Some("It's: here"));
        assert_eq!(decode_quoted_yaml_scalar("Edited: ETA API"), None);
        assert_eq!(decode_quoted_yaml_scalar("\"a\" b\""), None);
    }

    #[test]
    fn front_matter_value_reads_top_level_keys() {
        let file = b"---\nid: x\ntitle: \"A: B\"\n---\ntitle: not this\n";
        assert_eq!(front_matter_value(file, "title").as_deref(), Some("A: B"));
        assert_eq!(front_matter_value(file, "missing"), None);
    }
}
