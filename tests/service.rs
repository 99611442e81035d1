//! `sayscape serve` over real HTTP on loopback, with the embedded model: every endpoint and
//! every error with its message, the order of the progress events, a crowd of clients, a
//! token, SIGTERM and SIGKILL, and a client that falls back to the on-device model.

mod server;
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use server::{Server, call, generate_events, get, library_with_scenes, scene_file};

fn put(url: &str, body: &[u8]) -> server::Answer {
    call("PUT", url, &[("Content-Type", "application/json")], Some(body))
}

fn post(url: &str, body: &[u8]) -> server::Answer {
    call("POST", url, &[("Content-Type", "application/json")], Some(body))
}

/// The error answer's message, checked to contain `words`.
fn says(answer: &server::Answer, status: u16, words: &str) {
    assert_eq!(answer.status, status, "{}", answer.text());
    let message = answer.json()["error"].as_str().unwrap_or_default().to_string();
    assert!(message.contains(words), "expected {words:?} in the {status} message: {message}");
}

#[test]
fn the_library_endpoints_and_their_errors() {
    let dir = library_with_scenes();
    let server = Server::start(dir.path(), &[]);
    let u = &server.url;

    let health = get(&format!("{u}/healthz"));
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");

    let doc = get(&format!("{u}/v1/openapi.json")).json();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/healthz",
        "/v1/scenes",
        "/v1/scenes/{name}",
        "/v1/generate",
        "/v1/scenes/{name}/render",
        "/v1/scenes/{name}/soundscape",
        "/v1/scenes/{name}/world.glb",
        "/v1/export",
        "/metrics",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not in the OpenAPI document");
    }
    assert!(get(&format!("{u}/v1/schema")).json()["properties"]["entities"].is_object());
    assert!(get(&format!("{u}/v1/catalog")).json().as_array().is_some_and(|kinds| kinds.len() > 100));

    // The list validates each file as it is on disk.
    let list = get(&format!("{u}/v1/scenes")).json();
    let names: Vec<&str> = list["scenes"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["jazz_club", "pirate_seven_seas"]);
    assert_eq!(list["scenes"][1]["title"], "The life of a pirate on the seven seas");
    let pirate = get(&format!("{u}/v1/scenes/pirate_seven_seas"));
    assert_eq!(pirate.status, 200);
    assert_eq!(pirate.body, std::fs::read(scene_file("pirate_seven_seas")).unwrap(), "a scene is served as it is on disk");

    // Create, replace; the author's text is what is written.
    let farm = std::fs::read(scene_file("farm")).unwrap();
    let created = put(&format!("{u}/v1/scenes/farm"), &farm);
    assert_eq!((created.status, created.json()["created"].clone()), (201, json!(true)));
    assert_eq!(put(&format!("{u}/v1/scenes/farm"), &farm).status, 200);
    assert_eq!(std::fs::read(dir.path().join("farm.json")).unwrap(), farm);

    // An invalid scene: 422 with every problem's JSON path and line, and nothing written.
    let mut broken: Value = serde_json::from_slice(&farm).unwrap();
    broken["setting"]["terrain"] = json!("lava");
    broken["entities"][0]["count"] = json!(-3);
    let text = serde_json::to_string_pretty(&broken).unwrap();
    let answer = put(&format!("{u}/v1/scenes/farm"), text.as_bytes());
    says(&answer, 422, "invalid");
    let problems = answer.json()["problems"].as_array().unwrap().clone();
    let terrain_line = text.lines().position(|l| l.contains("\"terrain\"")).unwrap() + 1;
    assert!(problems.iter().any(|p| p["path"] == "$.setting.terrain" && p["line"] == terrain_line), "{problems:?}");
    assert!(problems.iter().any(|p| p["path"].as_str().unwrap().starts_with("$.entities[0].count")), "{problems:?}");
    assert_eq!(std::fs::read(dir.path().join("farm.json")).unwrap(), farm, "a refused scene leaves the file as it was");
    let answer = put(&format!("{u}/v1/scenes/new_one"), b"{\n  \"format\": \"sayscape.scene/1\",\n  \"title\": ");
    says(&answer, 422, "nothing was written to new_one.json");
    let problem = &answer.json()["problems"][0];
    assert!(problem["message"].as_str().unwrap().contains("malformed JSON") && problem["line"] == 3, "{problem}");
    assert!(!dir.path().join("new_one.json").exists());

    // Names that would leave the folder, or hide a file.
    for name in ["..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", ".hidden", "a%00b", "a%5Cb"] {
        says(&put(&format!("{u}/v1/scenes/{name}"), &farm), 400, "scene name");
        says(&get(&format!("{u}/v1/scenes/{name}")), 400, "scene name");
    }
    // A body over the 8 MiB cap.
    let huge = vec![b' '; 9 << 20];
    says(&put(&format!("{u}/v1/scenes/huge"), &huge), 413, "at most");
    says(&post(&format!("{u}/v1/validate"), &huge), 413, "at most");

    // Validation alone writes nothing.
    let valid = post(&format!("{u}/v1/validate"), &farm);
    assert_eq!((valid.status, valid.json()["valid"].clone()), (200, json!(true)));
    says(&post(&format!("{u}/v1/validate"), text.as_bytes()), 422, "invalid");

    // Delete; then it is gone.
    assert_eq!(call("DELETE", &format!("{u}/v1/scenes/farm"), &[], None).status, 204);
    says(&call("DELETE", &format!("{u}/v1/scenes/farm"), &[], None), 404, "no scene named");
    says(&get(&format!("{u}/v1/scenes/farm")), 404, "no scene named");
    says(&get(&format!("{u}/v1/nothing/here")), 404, "no such endpoint");

    // Files written by hand are seen at once, valid or not.
    std::fs::copy(scene_file("farm"), dir.path().join("by_hand.json")).unwrap();
    std::fs::write(dir.path().join("broken_by_hand.json"), "{\"format\": \"sayscape.scene/1\"}").unwrap();
    let list = get(&format!("{u}/v1/scenes")).json();
    let entry = |name: &str| {
        list["scenes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} not listed: {list}"))
    };
    assert!(entry("by_hand")["problems"].as_array().unwrap().is_empty());
    assert!(!entry("broken_by_hand")["problems"].as_array().unwrap().is_empty());
    assert!(entry("broken_by_hand")["title"].is_null());
    says(&get(&format!("{u}/v1/scenes/broken_by_hand/layout")), 422, "invalid");

    let metrics = get(&format!("{u}/metrics")).text();
    for name in ["sayscape_queue_depth", "sayscape_job_seconds_bucket", "sayscape_generation_tokens_per_second", "sayscape_renders_total"] {
        assert!(metrics.contains(name), "{name} missing from /metrics:\n{metrics}");
    }
    assert!(metrics.contains("sayscape_http_responses_total{code=\"422\"}"), "{metrics}");
}

#[test]
#[ignore = "full tier: needs a display stack, Xvfb and lavapipe (scripts/test.sh)"]
fn a_scene_is_laid_out_rendered_and_heard() {
    support::display();
    let dir = library_with_scenes();
    let server = Server::start(dir.path(), &[]);
    let u = &server.url;

    let layout = get(&format!("{u}/v1/scenes/pirate_seven_seas/layout?seed=3"));
    assert_eq!(layout.status, 200);
    let sent = post(&format!("{u}/v1/layout?seed=3"), &std::fs::read(scene_file("pirate_seven_seas")).unwrap());
    assert_eq!(layout.json(), sent.json(), "a library scene and the same text sent lay out alike");
    says(&get(&format!("{u}/v1/scenes/pirate_seven_seas/layout?seed=minus")), 400, "seed=");

    let png = get(&format!("{u}/v1/scenes/pirate_seven_seas/render?view=overview&size=160x90"));
    assert_eq!((png.status, png.content_type.as_str()), (200, "image/png"), "{}", png.text());
    assert!(png.body.starts_with(b"\x89PNG"));
    let decoder = png::Decoder::new(std::io::Cursor::new(&png.body));
    let info = decoder.read_info().unwrap().info().clone();
    assert_eq!((info.width, info.height), (160, 90));
    says(&get(&format!("{u}/v1/scenes/pirate_seven_seas/render?view=top")), 400, "view=");
    says(&get(&format!("{u}/v1/scenes/pirate_seven_seas/render?size=99999x2")), 400, "size=");

    let wav = get(&format!("{u}/v1/scenes/pirate_seven_seas/soundscape?seconds=2"));
    assert_eq!((wav.status, wav.content_type.as_str()), (200, "audio/wav"));
    assert!(wav.body.starts_with(b"RIFF"));
    // 2 s of 48 kHz stereo 16-bit, and not silence.
    assert_eq!(wav.body.len(), 44 + 2 * 48_000 * 4);
    let loud = wav.body[44..].chunks_exact(2).map(|s| i16::from_le_bytes([s[0], s[1]]).unsigned_abs() as u64).max().unwrap();
    assert!(loud > 1000, "the soundscape is silent (peak {loud})");
    says(&get(&format!("{u}/v1/scenes/pirate_seven_seas/soundscape?seconds=999")), 400, "seconds=");
    let metrics = get(&format!("{u}/metrics")).text();
    assert!(metrics.contains("sayscape_renders_total 1\n"), "{metrics}");
}

#[test]
fn a_scene_is_exported_as_binary_gltf_and_remembered() {
    let dir = library_with_scenes();
    let no_three = tempfile::tempdir().unwrap();
    let server = Server::start_with_env(dir.path(), &[], &[("SAYSCAPE_THREE_DIR", no_three.path())]);
    let u = &server.url;

    let glb = get(&format!("{u}/v1/scenes/pirate_seven_seas/world.glb"));
    assert_eq!((glb.status, glb.content_type.as_str()), (200, "model/gltf-binary"), "{}", glb.text());
    let doc = sayscape::export::glb::json_chunk(&glb.body).expect("a GLB file");
    let names: Vec<&str> = doc["nodes"].as_array().unwrap().iter().filter_map(|n| n["name"].as_str()).collect();
    assert!(names.contains(&"spawn") && names.contains(&"water"), "{names:?}");
    // The same text is exported once: the second answer comes from the cache.
    assert_eq!(get(&format!("{u}/v1/scenes/pirate_seven_seas/world.glb")).body, glb.body);
    let text = std::fs::read(scene_file("pirate_seven_seas")).unwrap();
    assert_eq!(post(&format!("{u}/v1/export"), &text).body, glb.body, "a library scene and the same text sent export alike");
    let metrics = get(&format!("{u}/metrics")).text();
    assert!(metrics.contains("sayscape_exports_total 1\n"), "{metrics}");
    // Another seed is another world.
    let other = get(&format!("{u}/v1/scenes/pirate_seven_seas/world.glb?seed=5"));
    assert_eq!(other.status, 200);
    assert_ne!(other.body, glb.body);

    let room = post(&format!("{u}/v1/export"), &std::fs::read(scene_file("jazz_club")).unwrap());
    assert_eq!(room.status, 200);
    assert!(sayscape::export::glb::json_chunk(&room.body).unwrap()["nodes"].as_array().unwrap().iter().any(|n| n["name"] == "room_walls"));
    says(&post(&format!("{u}/v1/export"), br#"{"format": "sayscape.scene/1"}"#), 422, "invalid");
    says(&get(&format!("{u}/v1/scenes/nowhere/world.glb")), 404, "nowhere");

    // Without three.js the studio's 3D view is told how to install it.
    let missing = get(&format!("{u}/vendor/three/three.module.js"));
    assert_eq!(missing.status, 503);
    assert!(missing.text().contains("three.js is not installed") && missing.text().contains("npm install"), "{}", missing.text());
    assert_eq!(get(&format!("{u}/vendor/three/../package.json")).status, 404);
}

#[test]
#[ignore = "full tier: needs the embedded model (scripts/test.sh)"]
fn generation_streams_its_stages_in_order_and_ends_with_the_scene() {
    support::model();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let u = &server.url;

    let (status, _, events) = generate_events(u, &json!({"prompt": "a pirate ship on a stormy sea at night", "save_as": "storm"}));
    assert_eq!(status, 200);
    let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names.first(), Some(&"queued"), "{names:?}");
    assert_eq!(names.last(), Some(&"done"), "{names:?}");
    assert_eq!(names.iter().filter(|n| **n == "done" || **n == "error").count(), 1, "{names:?}");
    let order = [
        "queued",
        "loading_speech_model",
        "transcribing",
        "heard",
        "loading_model",
        "asking",
        "ranking",
        "writing",
        "planning",
        "saved",
        "done",
    ];
    let ranks: Vec<usize> =
        names.iter().map(|n| order.iter().position(|o| o == n).unwrap_or_else(|| panic!("unknown event {n}"))).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "events out of order: {names:?}");
    for stage in ["ranking", "writing", "planning"] {
        assert!(names.contains(&stage), "no {stage} event: {names:?}");
    }
    for event in &events[..events.len() - 1] {
        let data: Value = serde_json::from_str(&event.data).unwrap();
        assert_eq!(data["stage"], event.name.as_str());
        assert!(!data["message"].as_str().unwrap().is_empty());
    }
    let scene: Value = serde_json::from_str(&events.last().unwrap().data).unwrap();
    assert_eq!(scene["format"], "sayscape.scene/1");
    assert_eq!(scene["setting"]["terrain"], "ocean", "{scene}");
    let saved: Value = serde_json::from_slice(&std::fs::read(dir.path().join("storm.json")).unwrap()).unwrap();
    assert_eq!(saved, scene, "save_as keeps the scene that was streamed");

    // Without an event stream, the answer is the scene itself.
    let plain = post(&format!("{u}/v1/generate"), r#"{"prompt": "un marché de Noël la nuit"}"#.as_bytes());
    assert_eq!(plain.status, 200, "{}", plain.text());
    assert_eq!(plain.json()["format"], "sayscape.scene/1");
    // A seed belongs to its request: the next request without one gets the server's own.
    let seeded = post(&format!("{u}/v1/generate"), r#"{"prompt": "un marché de Noël la nuit", "seed": 7}"#.as_bytes());
    assert_eq!(seeded.status, 200);
    let again = post(&format!("{u}/v1/generate"), r#"{"prompt": "un marché de Noël la nuit"}"#.as_bytes());
    assert_eq!(again.json(), plain.json(), "a request without a seed is repeatable");

    // Bad requests: each names what is wrong.
    says(&post(&format!("{u}/v1/generate"), br#"{"prompt": "   "}"#), 400, "$.prompt");
    says(&post(&format!("{u}/v1/generate"), br#"{"promt": "a ship"}"#), 400, "promt");
    says(&post(&format!("{u}/v1/generate"), br#"{"prompt": 3}"#), 400, "$.prompt");
    says(&post(&format!("{u}/v1/generate"), br#"{"prompt": "a ship", "save_as": "../x"}"#), 400, "save_as");
    says(&call("POST", &format!("{u}/v1/generate"), &[("Content-Type", "audio/wav")], Some(b"not a wav")), 400, "not usable speech");
    // 61 s of silence at 8 kHz: a valid WAV, too long to be a request.
    let samples = 61 * 8000;
    let mut wav = Vec::new();
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples * 2u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    for v in [
        16u32.to_le_bytes().to_vec(),
        1u16.to_le_bytes().to_vec(),
        1u16.to_le_bytes().to_vec(),
        8000u32.to_le_bytes().to_vec(),
        16000u32.to_le_bytes().to_vec(),
        2u16.to_le_bytes().to_vec(),
        16u16.to_le_bytes().to_vec(),
    ] {
        wav.extend_from_slice(&v);
    }
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(samples * 2).to_le_bytes());
    wav.resize(wav.len() + samples as usize * 2, 0);
    says(&call("POST", &format!("{u}/v1/generate"), &[("Content-Type", "audio/wav")], Some(&wav)), 413, "at most 60");
}

#[test]
#[ignore = "full tier: needs the embedded model, the speech model and espeak-ng (scripts/test.sh)"]
fn spoken_requests_are_heard_and_then_generated() {
    support::model();
    support::speech_model();
    support::espeak();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--language", "en"]);
    let wav = dir.path().join("said.wav");
    let spoken =
        Command::new("espeak-ng").args(["-v", "en-us", "-s", "150", "-w"]).arg(&wav).arg("I want to be on a pirate ship at sea").status();
    assert!(spoken.unwrap().success(), "espeak-ng speaks");
    let answer = call(
        "POST",
        &format!("{}/v1/generate?save_as=spoken", server.url),
        &[("Content-Type", "audio/wav"), ("Accept", "text/event-stream")],
        Some(&std::fs::read(&wav).unwrap()),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let events = server::parse_events(&answer.text());
    let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
    let at = |n: &str| names.iter().position(|x| *x == n).unwrap_or_else(|| panic!("no {n}: {events:?}"));
    assert!(at("queued") < at("transcribing") && at("transcribing") < at("heard") && at("heard") < at("ranking"), "{names:?}");
    let heard: Value = serde_json::from_str(&events[at("heard")].data).unwrap();
    assert!(heard["text"].as_str().unwrap().to_lowercase().contains("pirate"), "{heard}");
    assert_eq!(heard["language"], "en");
    let saved: Value = serde_json::from_str(&events[at("saved")].data).unwrap();
    assert_eq!((saved["name"].clone(), saved["created"].clone()), (json!("spoken"), json!(true)));
    assert_eq!(names.last(), Some(&"done"));
    assert!(dir.path().join("spoken.json").exists());
}

#[test]
#[ignore = "full tier: needs the embedded model (scripts/test.sh)"]
fn twenty_clients_at_once_are_each_answered_once_or_told_to_retry() {
    support::model();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--queue", "2"]);
    let url = server.url.clone();
    server.wait_until_ready();
    let prompts = ["a pirate ship", "a jazz club", "the moon", "a dragon over a castle", "a farm at dawn"];
    let clients: Vec<_> = (0..20)
        .map(|i| {
            let url = url.clone();
            let prompt = prompts[i % prompts.len()];
            std::thread::spawn(move || generate_events(&url, &json!({"prompt": prompt, "seed": i})))
        })
        .collect();
    let (mut done, mut busy) = (0, 0);
    for client in clients {
        let (status, retry_after, events) = client.join().unwrap();
        match status {
            200 => {
                let finals: Vec<&str> = events.iter().map(|e| e.name.as_str()).filter(|n| *n == "done" || *n == "error").collect();
                assert_eq!(finals, ["done"], "one answer, once: {events:?}");
                done += 1;
            }
            503 => {
                let seconds: u64 = retry_after.expect("a 503 says when to retry").parse().unwrap();
                assert!(seconds >= 1);
                busy += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(done + busy, 20);
    assert!(done >= 3, "the running job and the two queued ones are answered (done {done})");
    assert!(busy >= 1, "a queue of 2 cannot hold 20 clients at once");
    let metrics = get(&format!("{url}/metrics")).text();
    assert!(metrics.contains(&format!("sayscape_jobs_total{{outcome=\"done\"}} {done}\n")), "{metrics}");
    assert!(metrics.contains(&format!("sayscape_jobs_total{{outcome=\"rejected\"}} {busy}\n")), "{metrics}");
    assert!(metrics.contains("sayscape_queue_depth 0\n"), "{metrics}");
}

/// The time limit passes while the job is inside the model: the test waits for the event
/// that says the model is at work (`ranking`), then holds the whole server (SIGSTOP) past the
/// limit and lets it go on (SIGCONT). No assumption on how fast the machine generates.
#[test]
#[ignore = "full tier: needs the embedded model (scripts/test.sh)"]
fn a_job_past_its_time_limit_is_stopped_and_the_worker_takes_the_next() {
    support::model();
    let dir = tempfile::tempdir().unwrap();
    let limit = 5.0;
    let server = Server::start(dir.path(), &["--job-timeout", &limit.to_string()]);
    server.wait_until_ready();
    for (n, prompt) in ["a pirate ship on the open sea", "a castle under siege at dusk"].into_iter().enumerate() {
        let (status, events) = server::generate_streaming(&server.url, &json!({"prompt": prompt}), &mut |event| {
            if event.name == "ranking" {
                server.signal("STOP");
                std::thread::sleep(Duration::from_secs_f64(limit + 1.0));
                server.signal("CONT");
            }
        });
        assert_eq!(status, 200);
        let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        assert!(names.contains(&"ranking"), "the job started: {names:?}");
        let last = events.last().unwrap();
        assert_eq!(last.name, "error", "{events:?}");
        let data: Value = serde_json::from_str(&last.data).unwrap();
        assert_eq!(data["status"], 504, "{data}");
        assert!(data["message"].as_str().unwrap().contains("time limit"), "{data}");
        // The worker is free again before the next request (the bound only keeps a broken
        // server from hanging the test).
        let t0 = Instant::now();
        loop {
            let metrics = get(&format!("{}/metrics", server.url)).text();
            let counted = format!("sayscape_jobs_total{{outcome=\"timed_out\"}} {}\n", n + 1);
            if metrics.contains(&counted) && metrics.contains("sayscape_jobs_running 0\n") {
                break;
            }
            assert!(t0.elapsed() < Duration::from_secs(300), "the worker is still busy with a timed-out job:\n{metrics}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    // Both were stopped inside the model, not finished late and dropped: the server says which.
    let log = server.stderr_text();
    assert_eq!(log.matches("a job was stopped at its time limit").count(), 2, "{log}");
    assert!(!log.contains("past its time limit: dropped"), "{log}");
}

#[test]
fn a_token_is_required_beyond_loopback_and_checked_on_every_call() {
    let dir = library_with_scenes();
    let open =
        Command::new(env!("CARGO_BIN_EXE_sayscape")).args(["serve", "--addr", "0.0.0.0:0", "--library"]).arg(dir.path()).output().unwrap();
    assert!(!open.status.success());
    let stderr = String::from_utf8_lossy(&open.stderr);
    assert!(stderr.contains("--token") && stderr.contains("0.0.0.0"), "{stderr}");
    let short = Command::new(env!("CARGO_BIN_EXE_sayscape"))
        .args(["serve", "--addr", "0.0.0.0:0", "--token", "abc", "--library"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!short.status.success() && String::from_utf8_lossy(&short.stderr).contains("at least 16"));

    let token = "s3cret-token-for-tests-0123";
    let server = Server::start(dir.path(), &["--token", token]);
    let u = &server.url;
    says(&get(&format!("{u}/v1/scenes")), 401, "Authorization: Bearer");
    says(&call("GET", &format!("{u}/v1/scenes"), &[("Authorization", "Bearer wrong-token-0123456789")], None), 401, "wrong");
    says(&get(&format!("{u}/metrics")), 401, "token");
    let ok = call("GET", &format!("{u}/v1/scenes"), &[("Authorization", &format!("Bearer {token}"))], None);
    assert_eq!(ok.status, 200);
    assert_eq!(get(&format!("{u}/healthz")).status, 200, "the health check is public");
    assert_eq!(get(&format!("{u}/")).status, 200, "the studio page is public (it asks for the token)");
    // CORS is off unless asked for; then only the named origin is allowed.
    let answer = call("GET", &format!("{u}/healthz"), &[("Origin", "http://elsewhere.example")], None);
    assert_eq!(answer.status, 200);
    assert!(!answer.headers.contains_key("access-control-allow-origin"), "{:?}", answer.headers);
    drop(server);
    let server = Server::start(dir.path(), &["--cors", "http://studio.example"]);
    let preflight = call("OPTIONS", &format!("{}/v1/scenes", server.url), &[("Origin", "http://studio.example")], None);
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.headers.get("access-control-allow-origin").map(String::as_str), Some("http://studio.example"));
}

#[test]
#[ignore = "full tier: needs the embedded model (scripts/test.sh)"]
fn sigterm_finishes_the_running_job_and_turns_the_queued_ones_away() {
    support::model();
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &["--queue", "4"]);
    let url = server.url.clone();
    let clients: Vec<_> = (0..3)
        .map(|i| {
            let url = url.clone();
            std::thread::sleep(Duration::from_millis(50));
            std::thread::spawn(move || {
                let answer = generate_events(&url, &json!({"prompt": format!("a busy harbour number {i}")}));
                (answer, Instant::now())
            })
        })
        .collect();
    // Wait until the first job runs, then stop the server.
    let t0 = Instant::now();
    while !get(&format!("{url}/metrics")).text().contains("sayscape_jobs_running 1") {
        assert!(t0.elapsed() < Duration::from_secs(600), "no job started");
        std::thread::sleep(Duration::from_millis(20));
    }
    server.signal("TERM");
    let mut finals = Vec::new();
    for client in clients {
        let ((status, _, events), ended) = client.join().unwrap();
        if status == 503 {
            finals.push(("refused".to_string(), String::new(), ended));
            continue;
        }
        let last = events.last().unwrap();
        finals.push((last.name.clone(), last.data.clone(), ended));
    }
    let done: Vec<_> = finals.iter().filter(|(n, ..)| n == "done").collect();
    assert_eq!(done.len(), 1, "the running job finishes: {finals:?}");
    for (name, data, ended) in finals.iter().filter(|(n, ..)| n != "done") {
        assert!(name == "refused" || (name == "error" && data.contains("stopping")), "{name}: {data}");
        // The waiting ones are told at the signal, not when the running job is over.
        assert!(*ended < done[0].2, "{name} was answered after the running job ended");
    }
    let status = server.wait(Duration::from_secs(30)).expect("the server exits after SIGTERM");
    assert!(status.success(), "{status:?}");
    assert!(server.stderr_text().contains("SIGTERM"), "{}", server.stderr_text());
}

#[test]
fn a_server_killed_during_writes_leaves_no_torn_file_and_restarts_with_the_whole_library() {
    let dir = tempfile::tempdir().unwrap();
    let versions: Vec<Vec<u8>> = ["farm", "jazz_club", "pirate_seven_seas"].iter().map(|n| std::fs::read(scene_file(n)).unwrap()).collect();
    let names: Vec<String> = (0..6).map(|i| format!("scene_{i}")).collect();
    let mut server = Server::start(dir.path(), &[]);
    for name in &names {
        assert_eq!(put(&format!("{}/v1/scenes/{name}", server.url), &versions[0]).status, 201);
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (url, names, versions, stop) = (server.url.clone(), names.clone(), versions.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = w;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let request = ureq::http::Request::put(format!("{url}/v1/scenes/{}", names[i % names.len()]))
                        .body(versions[i % versions.len()].clone())
                        .unwrap();
                    if server::agent().run(request).is_err() {
                        break; // the server is gone
                    }
                    i += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.signal("KILL");
    server.wait(Duration::from_secs(10)).expect("killed");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for writer in writers {
        writer.join().unwrap();
    }
    for name in &names {
        let bytes = std::fs::read(dir.path().join(format!("{name}.json"))).unwrap();
        assert!(versions.contains(&bytes), "{name}.json is torn ({} bytes)", bytes.len());
    }
    // A temporary file left by the killed writes (if one was mid-write) is swept by the next
    // server; one planted here stands for it, in case the kill came between writes.
    std::fs::write(dir.path().join(".sayscape-killed.tmp"), &versions[0][..100]).unwrap();
    let again = Server::start(dir.path(), &[]);
    let temporaries = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.unwrap().file_name().into_string().ok())
            .filter(|n| n.starts_with(".sayscape-") && n.ends_with(".tmp"))
            .collect::<Vec<_>>()
    };
    let t0 = Instant::now();
    while !temporaries().is_empty() {
        assert!(t0.elapsed() < Duration::from_secs(60), "temporary files are left in the library: {:?}", temporaries());
        std::thread::sleep(Duration::from_millis(100));
    }
    let list = get(&format!("{}/v1/scenes", again.url)).json();
    let listed: Vec<&str> = list["scenes"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(listed, names.iter().map(String::as_str).collect::<Vec<_>>(), "temporary files are not scenes");
    assert!(list["scenes"].as_array().unwrap().iter().all(|e| e["problems"].as_array().unwrap().is_empty()));
}

#[test]
#[ignore = "full tier: needs the embedded model and a display stack, Xvfb and lavapipe (scripts/test.sh)"]
fn a_client_uses_the_service_and_falls_back_to_the_device_when_it_is_gone() {
    support::model();
    support::headless();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let generate = |remote: &str| {
        Command::new(env!("CARGO_BIN_EXE_sayscape"))
            .args(["generate", "a pirate ship on the open sea", "--remote", remote, "--timeout", "60"])
            .env("SAYSCAPE_LOG", "info")
            .output()
            .unwrap()
    };
    let via_service = generate(&server.url);
    assert!(via_service.status.success(), "{}", String::from_utf8_lossy(&via_service.stderr));
    let scene: Value = serde_json::from_slice(&via_service.stdout).unwrap();
    assert_eq!(scene["format"], "sayscape.scene/1");
    let metrics = get(&format!("{}/metrics", server.url)).text();
    assert!(metrics.contains("sayscape_jobs_total{outcome=\"done\"} 1\n"), "the scene came from the service: {metrics}");

    // A port nobody listens on: the client says so and makes the scene itself. The port stays
    // bound (never listening) while the test runs, so no other process can take it meanwhile.
    let unheard = tokio::net::TcpSocket::new_v4().unwrap();
    unheard.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let closed = unheard.local_addr().unwrap();
    let fallback = generate(&format!("http://{closed}"));
    let stderr = String::from_utf8_lossy(&fallback.stderr);
    assert!(fallback.status.success(), "{stderr}");
    assert!(stderr.contains("not reachable") && stderr.contains("on-device model"), "{stderr}");
    let scene: Value = serde_json::from_slice(&fallback.stdout).unwrap();
    assert_eq!(scene["setting"]["terrain"], "ocean");

    // The main job with no display: the service's scene, rendered here.
    let png = dir.path().join("world.png");
    let run = Command::new(env!("CARGO_BIN_EXE_sayscape"))
        .args(["run", "a lighthouse in a storm", "--remote", &server.url, "--out"])
        .arg(dir.path().join("world.json"))
        .arg("--png")
        .arg(&png)
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let metrics = get(&format!("{}/metrics", server.url)).text();
    assert!(metrics.contains("sayscape_jobs_total{outcome=\"done\"} 2\n"), "the main job asked the service: {metrics}");
}
