//! The studio page in a real browser: headless Chromium driven through its WebDriver
//! (Debian's chromium and chromium-driver) against a real `sayscape serve`. Open the page,
//! generate a scenario and watch its progress, render it, break a field and see the problem
//! at its line, fix it, save, and find the file on disk. Screenshots are written under the
//! test's output folder (printed) to be looked at.

mod server;
mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use server::{Server, scene_file};

/// chromedriver on a loopback port it chose itself (`--port=0`, read back from its first
/// lines), and one browser session.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    shots: PathBuf,
}

impl Browser {
    fn start(shots: &Path) -> Browser {
        let mut driver = Command::new("chromedriver")
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver, installed by scripts/setup-tests.sh)");
        // "ChromeDriver was started successfully on port 37129." comes once it listens.
        let mut lines = BufReader::new(driver.stdout.take().unwrap()).lines().map_while(Result::ok);
        let port = lines
            .by_ref()
            .find_map(|l| l.split_once("started successfully on port ").map(|(_, p)| p.trim_end_matches('.').trim().to_string()))
            .unwrap_or_else(|| panic!("chromedriver ended without saying its port"));
        // The rest of its output is read so that the pipe never fills.
        std::thread::spawn(move || lines.for_each(drop));
        let base = format!("http://127.0.0.1:{port}");
        let mut browser = Browser { driver, base, session: String::new(), shots: shots.to_path_buf() };
        let args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"];
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"args": args, "binary": "/usr/bin/chromium"}}}});
        let value = browser.call("POST", "/session", Some(caps));
        browser.session = value["sessionId"].as_str().expect("a session").to_string();
        browser
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let answer =
            server::call(method, &url, &[("Content-Type", "application/json")], body.map(|b| b.to_string().into_bytes()).as_deref());
        let value = answer.json()["value"].clone();
        assert!(answer.status == 200, "WebDriver {method} {path}: {} {value}", answer.status);
        value
    }

    fn session(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn js(&self, script: &str, args: Value) -> Value {
        self.session("POST", "/execute/sync", Some(json!({"script": script, "args": args})))
    }

    fn element(&self, css: &str) -> String {
        let value = self.session("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        value.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("an element reference").to_string()
    }

    fn click(&self, css: &str) {
        let id = self.element(css);
        self.session("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.session("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.session("POST", &format!("/element/{id}/value"), Some(json!({"text": text})));
    }

    /// The attribute of the first element matching `css`, or null.
    fn attribute(&self, css: &str, name: &str) -> Value {
        self.js("const e = document.querySelector(arguments[0]); return e && e.getAttribute(arguments[1]);", json!([css, name]))
    }

    /// Waits until `script` returns something truthy; that value.
    fn wait_for(&self, what: &str, script: &str, args: Value, limit: Duration) -> Value {
        let t0 = Instant::now();
        loop {
            let value = self.js(script, args.clone());
            if !(value.is_null() || value == json!(false) || value == json!("")) {
                return value;
            }
            if t0.elapsed() > limit {
                self.screenshot("failure");
                panic!(
                    "waited {} s for {what}; status: {}",
                    limit.as_secs(),
                    self.js("return document.getElementById('status').textContent;", json!([]))
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn wait_attribute(&self, css: &str, name: &str, wanted: &[&str], limit: Duration) -> String {
        let script = "const e = document.querySelector(arguments[0]); const v = e && e.getAttribute(arguments[1]); return arguments[2].includes(v) ? v : null;";
        self.wait_for(&format!("{css} [{name}] in {wanted:?}"), script, json!([css, name, wanted]), limit).as_str().unwrap().to_string()
    }

    /// Sets the editor's text as typing would: the value, then an input event.
    fn set_editor(&self, text: &str) {
        self.js(
            "const e = document.getElementById('editor'); e.value = arguments[0]; e.dispatchEvent(new Event('input', {bubbles: true}));",
            json!([text]),
        );
    }

    fn screenshot(&self, name: &str) -> PathBuf {
        use base64_decode::decode;
        let png = decode(self.session("GET", "/screenshot", None).as_str().unwrap_or_default());
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = server::call("DELETE", &format!("{}/session/{}", self.base, self.session), &[], None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The WebDriver's screenshots are base64; a decoder of a dozen lines beats a dependency.
mod base64_decode {
    pub fn decode(text: &str) -> Vec<u8> {
        let value = |c: u8| match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        };
        let digits: Vec<u8> = text.bytes().filter_map(value).collect();
        digits
            .chunks(4)
            .flat_map(|c| {
                let n = c.iter().enumerate().fold(0u32, |n, (i, d)| n | (*d as u32) << (18 - 6 * i));
                let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
                bytes.into_iter().take(c.len().saturating_sub(1))
            })
            .collect()
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle} not in the text")) + 1
}

#[test]
#[ignore = "full tier: needs the embedded model, chromium and chromedriver, and a display stack (scripts/test.sh)"]
fn an_author_generates_renders_fixes_and_saves_a_scenario_in_the_browser() {
    support::model();
    support::browser();
    support::display();
    let library = tempfile::tempdir().unwrap();
    for name in ["pirate_seven_seas", "jazz_club", "farm"] {
        std::fs::copy(scene_file(name), library.path().join(format!("{name}.json"))).unwrap();
    }
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("studio");
    std::fs::create_dir_all(&shots).unwrap();
    let server = Server::start(library.path(), &[]);
    let browser = Browser::start(&shots);
    let minutes = |m: u64| Duration::from_secs(60 * m);

    browser.session("POST", "/url", Some(json!({"url": format!("{}/", server.url)})));
    browser.wait_attribute("body", "data-ready", &["1"], minutes(1));
    let names = browser.js("return [...document.querySelectorAll('#library .scene')].map(e => e.dataset.name);", json!([]));
    assert_eq!(names, json!(["farm", "jazz_club", "pirate_seven_seas"]), "the library as the folder holds it");
    browser.screenshot("1-opened");

    // Generate, saved under a name; the progress comes in order and the scene lands in the editor.
    browser.type_into("#prompt", "a foggy harbour at dawn with fishing boats and seagulls");
    browser.type_into("#save-as", "harbour");
    browser.click("#generate");
    let outcome = browser.wait_attribute("#progress", "data-state", &["done", "error"], minutes(3));
    let stages: Vec<String> = serde_json::from_value(
        browser.js("return [...document.querySelectorAll('#progress .event')].map(e => e.dataset.stage);", json!([])),
    )
    .unwrap();
    assert_eq!(outcome, "done", "{stages:?}");
    let order = ["queued", "loading_model", "ranking", "writing", "planning", "saved", "done"];
    let ranks: Vec<usize> =
        stages.iter().map(|s| order.iter().position(|o| o == s).unwrap_or_else(|| panic!("unexpected stage {s}: {stages:?}"))).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]) && stages.first().map(String::as_str) == Some("queued"), "{stages:?}");
    for stage in ["ranking", "writing", "planning", "done"] {
        assert!(stages.iter().any(|s| s == stage), "no {stage}: {stages:?}");
    }
    let editor = browser.js("return document.getElementById('editor').value;", json!([])).as_str().unwrap().to_string();
    let scene: Value = serde_json::from_str(&editor).unwrap();
    assert_eq!(scene["format"], "sayscape.scene/1");
    assert_eq!(std::fs::read_to_string(library.path().join("harbour.json")).unwrap(), editor, "the generated scene was saved as shown");
    browser.screenshot("2-generated");

    // The render of the current text appears.
    browser.click("#render");
    assert_eq!(browser.wait_attribute("#preview", "data-state", &["ready", "error"], minutes(3)), "ready");
    assert_eq!(browser.js("return document.getElementById('preview').naturalWidth;", json!([])), json!(640));
    browser.screenshot("3-rendered");

    // Break a field: the problem shows at its line.
    let terrain = scene["setting"]["terrain"].as_str().unwrap();
    let broken = editor.replacen(&format!("\"terrain\": \"{terrain}\""), "\"terrain\": \"lava\"", 1);
    assert_ne!(broken, editor);
    let line = line_of(&broken, "\"terrain\"");
    browser.set_editor(&broken);
    browser.wait_for(
        "the terrain problem at its line",
        "return document.querySelector(`#problems .problem[data-path='$.setting.terrain'][data-line='${arguments[0]}']`);",
        json!([line]),
        Duration::from_secs(30),
    );
    assert_eq!(browser.attribute("#valid", "data-state"), json!("invalid"));
    browser.screenshot("4-problem-at-its-line");

    // Fix it, save under a new name, and find the file on disk.
    browser.set_editor(&editor);
    browser.wait_attribute("#valid", "data-state", &["valid"], Duration::from_secs(30));
    browser.type_into("#name", "harbour_checked");
    browser.click("#save");
    assert_eq!(browser.wait_attribute("#status", "data-state", &["saved", "error"], Duration::from_secs(30)), "saved");
    assert_eq!(std::fs::read_to_string(library.path().join("harbour_checked.json")).unwrap(), editor);
    browser.wait_for(
        "the saved scene in the library list",
        "return document.querySelector(`#library .scene[data-name='harbour_checked']`);",
        json!([]),
        Duration::from_secs(10),
    );
    let shot = browser.screenshot("5-saved");
    assert!(std::fs::metadata(shot).unwrap().len() > 10_000, "the screenshot shows the page");

    // Every valid scene's thumbnail arrives (rendered one after another by the server).
    browser.wait_for(
        "every thumbnail",
        "return [...document.querySelectorAll('#library .scene img')].every(i => i.dataset.state === 'ready');",
        json!([]),
        minutes(3),
    );
    browser.screenshot("6-library");
}
