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
        // WebGL without a GPU: SwiftShader, Chromium's software renderer.
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-unsafe-swiftshader",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
        ];
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

    /// A click at (x, y) CSS pixels from the top left of the element matching `css`, as a
    /// person's mouse makes it (pointer move, press, release).
    fn click_at(&self, css: &str, x: i64, y: i64) {
        let id = self.element(css);
        let size =
            self.js("const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.width, r.height];", json!([css]));
        let (w, h) = (size[0].as_f64().unwrap(), size[1].as_f64().unwrap());
        // WebDriver offsets are from the element's centre.
        let (dx, dy) = (x - (w / 2.0).floor() as i64, y - (h / 2.0).floor() as i64);
        let element = json!({"element-6066-11e4-a52e-4f735466cecf": id});
        let actions = json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
            {"type": "pointerMove", "duration": 0, "origin": element, "x": dx, "y": dy},
            {"type": "pointerDown", "button": 0},
            {"type": "pointerUp", "button": 0},
        ]}]});
        self.session("POST", "/actions", Some(actions));
    }

    /// Holds a key down for `ms` milliseconds (the focused element gets it).
    fn hold_key(&self, key: &str, ms: u64) {
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "pause", "duration": ms}, {"type": "keyUp", "value": key},
        ]}]});
        self.session("POST", "/actions", Some(actions));
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

    // The still render of the current text appears (the 3D view is the first tab).
    browser.click("#tab-still");
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

/// The share of two pictures' pixels (r, g, b triples) that differ by more than a little.
fn differing(a: &Value, b: &Value) -> f64 {
    let (a, b) = (a.as_array().unwrap(), b.as_array().unwrap());
    assert_eq!(a.len(), b.len());
    let pixels = a.len() / 3;
    let differ = (0..pixels)
        .filter(|&p| (0..3).map(|k| (a[3 * p + k].as_i64().unwrap() - b[3 * p + k].as_i64().unwrap()).abs()).sum::<i64>() > 24)
        .count();
    differ as f64 / pixels as f64
}

#[test]
fn the_3d_view_shows_the_world_orbits_walks_and_picks_an_entity() {
    let library = tempfile::tempdir().unwrap();
    for name in ["farm", "jazz_club"] {
        std::fs::copy(scene_file(name), library.path().join(format!("{name}.json"))).unwrap();
    }
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("studio-3d");
    std::fs::create_dir_all(&shots).unwrap();
    let server = Server::start(library.path(), &[]);
    let browser = Browser::start(&shots);
    let limit = Duration::from_secs(120);
    let loads = |b: &Browser| b.js("return window.sayscapeWorld ? window.sayscapeWorld.loads : 0;", json!([])).as_u64().unwrap_or(0);
    let wait_load = |b: &Browser, after: u64| {
        b.wait_for(
            "the 3D view to show the text",
            "const w = window.sayscapeWorld; return w && w.loads > arguments[0] && (w.state === 'ready' || w.state === 'error') ? w.state : null;",
            json!([after]),
            limit,
        )
    };

    // `/?scene=NAME` opens that scene; its world appears in the canvas.
    browser.session("POST", "/url", Some(json!({"url": format!("{}/?scene=farm", server.url)})));
    browser.wait_attribute("body", "data-ready", &["1"], limit);
    assert_eq!(
        wait_load(&browser, 0),
        json!("ready"),
        "{}",
        browser.js("return document.getElementById('world-note').textContent;", json!([]))
    );
    let farm = std::fs::read_to_string(scene_file("farm")).unwrap();
    assert_eq!(browser.js("return document.getElementById('editor').value;", json!([])), json!(farm), "the scene the link names is open");
    let world = browser.js("return window.sayscapeWorld.pixels();", json!([]));
    browser.screenshot("1-orbit");

    // The same setting without its things: the canvas shows less (the camera stays put).
    let mut empty: Value = serde_json::from_str(&farm).unwrap();
    empty["entities"] = json!([]);
    // What referred to the things goes with them, or the text is not valid.
    empty["soundscape"]["emitters"] = json!([]);
    empty["timeline"] = json!([]);
    let before = loads(&browser);
    browser.set_editor(&serde_json::to_string_pretty(&empty).unwrap());
    assert_eq!(wait_load(&browser, before), json!("ready"));
    let bare = browser.js("return window.sayscapeWorld.pixels();", json!([]));
    let changed = differing(&world, &bare);
    eprintln!("the world's things change {:.1} % of the canvas", changed * 100.0);
    assert!(changed > 0.03, "the canvas with the farm's things differs from the bare setting's in {:.1} % of its pixels", changed * 100.0);
    browser.screenshot("2-no-entities");

    // Back to the farm: a click on a thing selects its entity's block in the editor.
    let before = loads(&browser);
    browser.set_editor(&farm);
    assert_eq!(wait_load(&browser, before), json!("ready"));
    let entities: Vec<String> = serde_json::from_value(browser.js("return window.sayscapeWorld.entities();", json!([]))).unwrap();
    let (id, point) = entities
        .iter()
        .find_map(|id| {
            let p = browser.js("return window.sayscapeWorld.pointOn(arguments[0]);", json!([id]));
            (!p.is_null()).then(|| (id.clone(), p))
        })
        .expect("some entity can be clicked in the framed view");
    browser.click_at("#world-canvas", point["x"].as_i64().unwrap(), point["y"].as_i64().unwrap());
    browser.wait_attribute("#world", "data-picked", &[id.as_str()], Duration::from_secs(10));
    let selected =
        browser.js("const e = document.getElementById('editor'); return e.value.slice(e.selectionStart, e.selectionEnd);", json!([]));
    let block: Value = serde_json::from_str(selected.as_str().unwrap()).expect("the selection is the entity's whole object");
    assert_eq!(block["id"], json!(id), "the click selected {id}'s block");
    browser.screenshot("3-picked");

    // Walk: from the player's spawn at eye height, then a few steps forward.
    browser.click("#world-walk");
    let camera = browser.js("return window.sayscapeWorld.camera();", json!([]));
    let spawn = browser.js("return window.sayscapeWorld.spawn();", json!([]));
    assert_eq!(camera, spawn, "walking starts at the spawn camera");
    let walk = browser.js("return window.sayscapeWorld.pixels();", json!([]));
    assert!(differing(&world, &walk) > 0.1, "the walk view is not the orbit view");
    browser.screenshot("4-walk-spawn");
    browser.click_at("#world-canvas", 5, 5);
    browser.hold_key("w", 800);
    let moved = browser.js("return window.sayscapeWorld.camera();", json!([]));
    let d: f64 = (0..3).map(|k| (moved[k].as_f64().unwrap() - spawn[k].as_f64().unwrap()).powi(2)).sum::<f64>().sqrt();
    assert!(d > 0.5 && d < 20.0, "W walked {d:.2} m from {spawn} to {moved}");
    browser.screenshot("5-walked");

    // The still render is still there, in its tab.
    browser.click("#tab-still");
    assert_eq!(browser.attribute("#still-panel", "hidden"), Value::Null);
}
