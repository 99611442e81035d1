//! The world rendered for real (Bevy on Mesa's lavapipe, through a private Xvfb when there is
//! no display), checked on its pixels; and bad scene files refused before any window opens.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn sayscape() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sayscape"))
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Pixels of a PNG as RGB bytes, with its width.
struct Picture {
    width: usize,
    rgb: Vec<u8>,
}

impl Picture {
    fn load(path: &Path) -> Picture {
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).expect("the PNG exists")));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        assert_eq!(info.color_type, png::ColorType::Rgb, "{}: RGB expected", path.display());
        buf.truncate(info.buffer_size());
        Picture { width: info.width as usize, rgb: buf }
    }

    fn height(&self) -> usize {
        self.rgb.len() / 3 / self.width
    }

    /// Pixels in a region given as fractions of the image (x0, y0, x1, y1), top-left origin.
    fn region(&self, x0: f32, y0: f32, x1: f32, y1: f32) -> Vec<[f32; 3]> {
        let (w, h) = (self.width, self.height());
        let mut out = Vec::new();
        for y in (y0 * h as f32) as usize..(y1 * h as f32) as usize {
            for x in (x0 * w as f32) as usize..(x1 * w as f32) as usize {
                let i = (y * w + x) * 3;
                out.push([self.rgb[i] as f32, self.rgb[i + 1] as f32, self.rgb[i + 2] as f32]);
            }
        }
        out
    }
}

fn luminance(p: &[f32; 3]) -> f32 {
    0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]
}

fn mean_luminance(pixels: &[[f32; 3]]) -> f32 {
    pixels.iter().map(luminance).sum::<f32>() / pixels.len() as f32
}

fn std_dev(pixels: &[[f32; 3]]) -> f32 {
    let m = mean_luminance(pixels);
    (pixels.iter().map(|p| (luminance(p) - m).powi(2)).sum::<f32>() / pixels.len() as f32).sqrt()
}

fn render(scene: &Path, out: &Path, extra: &[&str]) -> Picture {
    let output =
        sayscape().arg("render").arg(scene).arg("--out").arg(out).args(["--size", "480x270"]).args(extra).output().expect("sayscape runs");
    assert!(output.status.success(), "render {} failed: {}", scene.display(), String::from_utf8_lossy(&output.stderr));
    Picture::load(out)
}

/// A copy of a scene with one setting changed.
fn variant(scene: &str, dir: &Path, key: &str, value: serde_json::Value) -> PathBuf {
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(repo(scene)).unwrap()).unwrap();
    json["setting"][key] = value;
    let path = dir.join(format!("{key}.json"));
    std::fs::write(&path, serde_json::to_string(&json).unwrap()).unwrap();
    path
}

#[test]
#[ignore = "full tier: needs a display stack, Xvfb and lavapipe (scripts/test.sh)"]
fn pirate_scene_shows_sea_and_sky_and_night_is_darker_than_noon() {
    support::display();
    let dir = tempfile::tempdir().unwrap();
    let overview = ["--view", "overview"];
    let noon = render(
        &variant("scenes/pirate_seven_seas.json", dir.path(), "time_of_day", "noon".into()),
        &dir.path().join("noon.png"),
        &overview,
    );
    assert!(std_dev(&noon.region(0.0, 0.0, 1.0, 1.0)) > 12.0, "the picture is nearly uniform: nothing was drawn");
    // Water: the lower part of the frame, either side of the ship in the middle, is mostly blue.
    let sides: Vec<[f32; 3]> = [noon.region(0.0, 0.55, 0.2, 1.0), noon.region(0.8, 0.55, 1.0, 1.0)].concat();
    let blue = sides.iter().filter(|p| p[2] > p[0] + 10.0 && p[2] >= p[1] * 0.9).count() as f32 / sides.len() as f32;
    assert!(blue > 0.4, "only {:.0}% of the lower sides are sea-blue", blue * 100.0);
    let night_file = variant("scenes/pirate_seven_seas.json", dir.path(), "time_of_day", "night".into());
    let night = render(&night_file, &dir.path().join("night.png"), &overview);
    let (sky_noon, sky_night) = (mean_luminance(&noon.region(0.0, 0.0, 1.0, 0.15)), mean_luminance(&night.region(0.0, 0.0, 1.0, 0.15)));
    assert!(sky_noon > 2.5 * sky_night + 20.0, "noon sky {sky_noon:.0} vs night sky {sky_night:.0}");
}

#[test]
#[ignore = "full tier: needs a display stack, Xvfb and lavapipe (scripts/test.sh)"]
fn concert_stage_is_bright_against_the_night() {
    support::display();
    let dir = tempfile::tempdir().unwrap();
    let pic = render(&repo("scenes/concert_stage.json"), &dir.path().join("concert.png"), &["--view", "overview"]);
    let all = pic.region(0.0, 0.0, 1.0, 1.0);
    let bright = all.iter().filter(|p| luminance(p) > 100.0).count() as f32 / all.len() as f32;
    let sky = mean_luminance(&pic.region(0.0, 0.0, 1.0, 0.1));
    assert!(bright > 0.005, "only {:.2}% bright pixels: the stage lights are missing", bright * 100.0);
    assert!(sky < 40.0, "the night sky is too bright ({sky:.0})");
    // The stage, in the middle of the view from the crowd, outshines the night around it.
    let (stage, surroundings) = (mean_luminance(&pic.region(0.4, 0.35, 0.6, 0.6)), mean_luminance(&all));
    assert!(stage > 2.0 * surroundings, "stage {stage:.0} vs whole view {surroundings:.0}");
}

#[test]
#[ignore = "full tier: needs a display stack, Xvfb and lavapipe (scripts/test.sh)"]
fn fighter_plane_scene_renders_from_the_cockpit() {
    support::display();
    let dir = tempfile::tempdir().unwrap();
    let pic = render(&repo("scenes/ww1_fighter_plane.json"), &dir.path().join("ww1.png"), &["--time", "3"]);
    assert!(std_dev(&pic.region(0.0, 0.0, 1.0, 1.0)) > 12.0, "nearly uniform picture");
    // Sky above (bright, bluish-grey), land far below (darker, greener or browner).
    let (top, bottom) = (mean_luminance(&pic.region(0.0, 0.0, 1.0, 0.2)), mean_luminance(&pic.region(0.0, 0.8, 1.0, 1.0)));
    assert!(top > bottom, "sky {top:.0} should be brighter than the ground {bottom:.0}");
}

#[test]
fn an_invalid_scene_is_refused_before_the_world_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"format":"sayscape.scene/1","title":"x","setting":{"terrain":"lava","time_of_day":"noon"},"player":{"vantage":"ground"},"entities":[]}"#).unwrap();
    let out = dir.path().join("bad.png");
    let output = sayscape().arg("render").arg(&bad).arg("--out").arg(&out).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.json") && stderr.contains("$.setting.terrain"), "stderr: {stderr}");
    assert!(!out.exists(), "no picture may be written for an invalid scene");
    let wrong_ext = sayscape().arg("render").arg(repo("scenes/farm.json")).args(["--out", "x.jpg"]).output().unwrap();
    assert!(!wrong_ext.status.success() && String::from_utf8_lossy(&wrong_ext.stderr).contains("--out"));
    let bad_size = sayscape().arg("render").arg(repo("scenes/farm.json")).args(["--out", "x.png", "--size", "12xfoo"]).output().unwrap();
    assert!(!bad_size.status.success() && String::from_utf8_lossy(&bad_size.stderr).contains("--size"));
}

/// `render --report`: what the picture shows, measured on its own pixels (each kind painted
/// in a colour of its own in a second frame). From the deck of the pirate ship the player sees
/// the ship itself and what is on it and around it; a view from above sees more, smaller.
#[test]
#[ignore = "full tier: needs a display stack, Xvfb and lavapipe (scripts/test.sh)"]
fn the_report_says_what_the_picture_shows() {
    support::display();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pirate.png");
    let run = sayscape()
        .args([
            "render",
            repo("scenes/pirate_seven_seas.json").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--size",
            "480x270",
            "--report",
        ])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("one JSON object on stdout");
    assert_eq!(report["image"], out.to_str().unwrap());
    let visible = report["visible"].as_array().unwrap();
    let share = |kind: &str| visible.iter().find(|v| v["kind"] == kind).and_then(|v| v["coverage"].as_f64()).unwrap_or(0.0);
    let total: f64 = visible.iter().map(|v| v["coverage"].as_f64().unwrap()).sum();
    assert!(total > 0.0 && total <= 1.0, "{report}");
    assert!(share("sailing_ship") > 0.05, "the deck fills part of the view: {report}");
    assert!(visible.len() >= 3, "the ship and at least two other kinds: {report}");
    // The picture itself is the normal one, not the identity frame.
    assert!(Picture::load(&out).rgb.iter().any(|&c| c > 120), "the saved PNG is the lit world");
}

/// A scene file written from JSON into `dir`.
fn scene_file(dir: &Path, name: &str, scene: serde_json::Value) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string(&scene).unwrap()).unwrap();
    path
}

fn outdoor(terrain: &str, time: &str, sky: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "format": "sayscape.scene/1", "title": terrain,
        "setting": {"terrain": terrain, "time_of_day": time, "weather": "clear", "cloud_cover": 0.0, "sky": sky},
        "player": {"vantage": "ground"},
        "entities": [{"id": "rocks", "kind": "rock", "count": 12, "placement": {"relation": "scattered"}}]
    })
}

#[test]
#[ignore = "full tier: needs a display stack, Xvfb and lavapipe (scripts/test.sh)"]
fn the_lunar_sky_is_black_above_the_horizon_in_daylight() {
    support::display();
    let dir = tempfile::tempdir().unwrap();
    let moon = render(&scene_file(dir.path(), "moon", outdoor("moon", "noon", &[])), &dir.path().join("moon.png"), &[]);
    let desert = render(&scene_file(dir.path(), "desert", outdoor("desert", "noon", &[])), &dir.path().join("desert.png"), &[]);
    let (moon_sky, desert_sky) = (mean_luminance(&moon.region(0.0, 0.0, 1.0, 0.25)), mean_luminance(&desert.region(0.0, 0.0, 1.0, 0.25)));
    assert!(moon_sky < 12.0, "the sky over the moon at noon is not black: {moon_sky:.0}");
    assert!(desert_sky > 100.0, "the sky over the desert at noon is not bright: {desert_sky:.0}");
    // The ground is in full sunlight all the same.
    let ground = mean_luminance(&moon.region(0.0, 0.75, 1.0, 1.0));
    assert!(ground > 60.0, "the lunar ground is dark ({ground:.0})");
}

#[test]
#[ignore = "full tier: needs a display stack, Xvfb and lavapipe (scripts/test.sh)"]
fn the_aurora_adds_green_light_to_the_night_sky() {
    support::display();
    let dir = tempfile::tempdir().unwrap();
    let plain = render(&scene_file(dir.path(), "night", outdoor("arctic", "night", &[])), &dir.path().join("night.png"), &[]);
    let aurora = render(&scene_file(dir.path(), "aurora", outdoor("arctic", "night", &["aurora"])), &dir.path().join("aurora.png"), &[]);
    // How much greener than red and blue the upper part of the view is, on average.
    let greenness = |p: &Picture| {
        let sky = p.region(0.0, 0.0, 1.0, 0.5);
        sky.iter().map(|c| c[1] - (c[0] + c[2]) / 2.0).sum::<f32>() / sky.len() as f32
    };
    let (before, after) = (greenness(&plain), greenness(&aurora));
    assert!(after > before + 4.0, "the aurora adds too little green: {before:.1} → {after:.1}");
    let green_pixels = aurora.region(0.0, 0.0, 1.0, 0.5).iter().filter(|c| c[1] > c[0] + 30.0 && c[1] > c[2] + 20.0).count();
    assert!(green_pixels > 500, "only {green_pixels} clearly green pixels in the sky");
}

/// The share of the view that the walls of an empty `width` × `length` × `height` room take,
/// seen from its middle 1.7 m up facing `facing` degrees (70° vertical field of view, 16:9,
/// pitched 4° down, as the renderer's camera): each ray leaves the box through a wall, the
/// floor or the ceiling.
fn expected_wall_share(width: f32, length: f32, height: f32, facing: f32) -> f32 {
    let (t, aspect, eye) = (35f32.to_radians().tan(), 16.0 / 9.0, 1.7);
    let (pitch, yaw) = (-4f32.to_radians(), facing.to_radians());
    let (cols, rows) = (160, 90);
    let mut walls = 0;
    for r in 0..rows {
        for c in 0..cols {
            let x = ((c as f32 + 0.5) / cols as f32 * 2.0 - 1.0) * t * aspect;
            let y = (1.0 - (r as f32 + 0.5) / rows as f32 * 2.0) * t;
            // Camera space (-Z ahead), pitched about X, then turned clockwise by the heading.
            // The ray (x, y, -1) turned about X by the pitch.
            let (y, z) = (y * pitch.cos() + pitch.sin(), y * pitch.sin() - pitch.cos());
            let (dx, dz) = (x * yaw.cos() - z * yaw.sin(), x * yaw.sin() + z * yaw.cos());
            let exit = |d: f32, lo: f32, hi: f32, at: f32| {
                if d > 0.0 {
                    (hi - at) / d
                } else if d < 0.0 {
                    (lo - at) / d
                } else {
                    f32::INFINITY
                }
            };
            let through_walls = exit(dx, -width / 2.0, width / 2.0, 0.0).min(exit(dz, -length / 2.0, length / 2.0, 0.0));
            let through_floor_or_ceiling = exit(y, 0.0, height, eye);
            if through_walls < through_floor_or_ceiling {
                walls += 1;
            }
        }
    }
    walls as f32 / (cols * rows) as f32
}

/// From the middle of an empty room, in each of the four directions, the walls fill the share
/// of the view that walls at the room's own size fill (a camera 1.7 m up, 70° vertical field
/// of view, pitched 4° down): nothing from outside shows, and the walls are neither farther
/// nor nearer than the size says.
#[test]
#[ignore = "full tier: needs a display stack, Xvfb and lavapipe (scripts/test.sh)"]
fn an_interior_is_walled_at_its_size_in_every_direction() {
    support::display();
    let dir = tempfile::tempdir().unwrap();
    let (width, length, height) = (8.0f32, 12.0f32, 3.5f32);
    for facing in [0.0f32, 90.0, 180.0, 270.0] {
        let scene = serde_json::json!({
            "format": "sayscape.scene/1", "title": "an empty hall",
            "setting": {"terrain": "grassland", "time_of_day": "noon", "area_radius": 60,
                        "room": {"purpose": "hall", "size": [width, length, height], "walls": "brick", "floor": "tiles",
                                 "ceiling": "plaster", "windows": 0, "doors": 0, "lights": "panels"}},
            "player": {"vantage": "ground", "facing": facing}
        });
        let file = scene_file(dir.path(), &format!("room_{facing}"), scene);
        let out = dir.path().join(format!("room_{facing}.png"));
        let run = sayscape()
            .args(["render", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--size", "480x270", "--report"])
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        let share = |kind: &str| {
            report["visible"].as_array().unwrap().iter().find(|v| v["kind"] == kind).and_then(|v| v["coverage"].as_f64()).unwrap_or(0.0)
                as f32
        };
        let room = share("room_walls") + share("room_floor") + share("room_ceiling");
        assert!(room > 0.95, "facing {facing}: the room fills only {room:.3} of the view: {report}");
        let expected = expected_wall_share(width, length, height, facing);
        let walls = share("room_walls");
        assert!(
            (walls - expected).abs() < 0.05,
            "facing {facing}: walls fill {walls:.3} of the view, {expected:.3} expected at the room's size"
        );
        // A room half as large again would look different: the test can tell.
        let bigger = expected_wall_share(width * 1.5, length * 1.5, height, facing);
        assert!((bigger - expected).abs() > 0.06, "facing {facing}: {bigger:.3} vs {expected:.3}");
    }
}

/// A modern office at night: a power cut and an evacuation at 1 s.
fn power_cut_office() -> serde_json::Value {
    serde_json::json!({
        "format": "sayscape.scene/1", "title": "the power goes and everyone leaves",
        "setting": {"terrain": "city", "era": "modern", "time_of_day": "night", "area_radius": 60,
                    "room": {"purpose": "office", "size": [10, 14, 3.2], "walls": "plaster", "floor": "carpet",
                             "ceiling": "panels", "windows": 2, "doors": 2, "lights": "panels"}},
        "player": {"vantage": "ground", "facing": 180},
        "entities": [
            {"id": "desks", "kind": "desk", "count": 3, "placement": {"relation": "along_wall"}},
            {"id": "workers", "kind": "office_worker", "count": 5, "placement": {"relation": "in_front_of", "distance": 3}}
        ],
        "timeline": [{"at": 1.0, "event": "evacuate"}, {"at": 1.0, "event": "lights_out"}]
    })
}

/// The picture and what it shows (`--report`) of a scene at a scenario time.
fn render_at(scene: &Path, out: &Path, time: &str) -> (Picture, serde_json::Value) {
    let run = sayscape()
        .args(["render", scene.to_str().unwrap(), "--out", out.to_str().unwrap(), "--size", "480x270", "--view", "spawn", "--report"])
        .args(["--time", time])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    (Picture::load(out), serde_json::from_slice(&run.stdout).expect("one JSON object on stdout"))
}

/// Before the beat the lamps are lit and the people stand in the room; at 12 s they have all
/// walked out through the doors and the room is dark but for the red emergency lamps and the
/// green exit sign above the door ahead.
#[test]
fn the_lights_go_out_and_everyone_leaves_through_the_doors() {
    let dir = tempfile::tempdir().unwrap();
    let scene = scene_file(dir.path(), "power_cut", power_cut_office());
    let (before, seen_before) = render_at(&scene, &dir.path().join("before.png"), "0.5");
    let (after, seen_after) = render_at(&scene, &dir.path().join("after.png"), "12");
    let share = |report: &serde_json::Value, kind: &str| {
        report["visible"].as_array().unwrap().iter().find(|v| v["kind"] == kind).and_then(|v| v["coverage"].as_f64()).unwrap_or(0.0)
    };
    assert!(share(&seen_before, "office_worker") > 0.01, "the people are there at first: {seen_before}");
    // A handful of pixels (under 0.1 % of the view) is what the coverage count still finds of
    // people in the identity frame at 12 s, where the picture shows no one: see the note on
    // issue 27. Anyone still in the room covers far more.
    assert!(share(&seen_after, "office_worker") < 0.001, "everyone has left: {seen_after}");
    let (lit, dark) = (mean_luminance(&before.region(0.0, 0.0, 1.0, 1.0)), mean_luminance(&after.region(0.0, 0.0, 1.0, 1.0)));
    assert!(dark < lit * 0.5, "the room goes dark: {lit:.0} before, {dark:.0} after");
    let green = |p: &Picture| p.region(0.0, 0.0, 1.0, 0.6).iter().filter(|c| c[1] > 90.0 && c[1] > c[0] * 1.6 && c[1] > c[2] * 1.3).count();
    assert!(green(&after) >= 40, "the exit sign shows green in the dark: {} pixels", green(&after));
    assert!(green(&before) >= 20, "the exit sign is lit with the lamps on too: {} pixels", green(&before));
}
