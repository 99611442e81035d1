// sayscape studio: the live 3D view of the text in the editor. The service exports the world
// as binary glTF (POST /v1/export); three.js, served by the service itself from /vendor/three/,
// draws it in a WebGL canvas. Orbit around it, or walk it from the player's spawn at eye
// height; click a thing to select its entity in the editor. Reloaded whenever the text is
// valid and changed; the camera stays where it was.
"use strict";

const $ = (id) => document.getElementById(id);
const ui = {
  panel: $("world-panel"), box: $("world"), canvas: $("world-canvas"), note: $("world-note"), picked: $("world-picked"),
  orbit: $("world-orbit"), walk: $("world-walk"),
};

/** Reload this long after the last valid change (the export is fast; typing is faster). */
const RELOAD_DELAY_MS = 300;
/** Light intensities of the file are physical (lux, candela); three.js shows about this many
 * of its units for a sunny day's sun. */
const SUN_DISPLAY = 2.6;
const WALK_SPEED = 3, RUN_SPEED = 12, LOOK_SPEED = 0.004;

const world = {
  state: "empty",       // empty | loading | ready | error (also the box's data-state)
  text: null,           // the text shown
  wanted: null,         // the latest valid text not yet shown
  timer: 0,
  busy: false,
  three: null,          // { THREE, OrbitControls, GLTFLoader }
  renderer: null, scene: null, camera: null, controls: null, root: null, extras: null,
  spawn: null,          // { position, quaternion, eyeHeight }
  mode: "orbit",
  walk: { yaw: 0, pitch: 0, keys: new Set(), dragging: null },
  framed: false,
  highlight: null,
  last: 0,
  loads: 0,             // worlds loaded (or failed to): the tests wait on it
};

function setState(state, note = "") {
  world.state = state;
  ui.box.dataset.state = state;
  ui.note.textContent = note;
}

// --- three.js, from the service --------------------------------------------------------------

async function three() {
  if (world.three) return world.three;
  try {
    const THREE = await import("three");
    const { OrbitControls } = await import("three/addons/controls/OrbitControls.js");
    const { GLTFLoader } = await import("three/addons/loaders/GLTFLoader.js");
    world.three = { THREE, OrbitControls, GLTFLoader };
    return world.three;
  } catch (error) {
    // Say why: the service answers with how to install three.js when it is missing.
    let why = error.message;
    try {
      const response = await fetch("/vendor/three/three.module.js", { method: "GET" });
      if (!response.ok) why = await response.text();
    } catch { /* keep the import's message */ }
    throw new Error(`the 3D view cannot start: ${why}`);
  }
}

function setUp() {
  const { THREE, OrbitControls } = world.three;
  const renderer = new THREE.WebGLRenderer({ canvas: ui.canvas, antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.toneMapping = THREE.ACESFilmicToneMapping;
  world.renderer = renderer;
  world.scene = new THREE.Scene();
  world.camera = new THREE.PerspectiveCamera(60, 16 / 9, 0.1, 9000);
  world.camera.position.set(30, 20, 30);
  world.controls = new OrbitControls(world.camera, ui.canvas);
  world.controls.enableDamping = false;
  world.controls.addEventListener("change", draw);
  new ResizeObserver(resize).observe(ui.box);
  resize();
  wireInput();
}

function resize() {
  if (!world.renderer) return;
  const { clientWidth: w, clientHeight: h } = ui.box;
  if (!w || !h) return;
  world.renderer.setSize(w, h, false);
  world.camera.aspect = w / h;
  world.camera.updateProjectionMatrix();
  draw();
}

function draw() {
  if (world.renderer) world.renderer.render(world.scene, world.camera);
}

// --- loading a world ---------------------------------------------------------------------------

/** Called by the studio with every valid text of the editor. */
function wantText(text) {
  world.wanted = text;
  if (ui.panel.hidden) return;
  clearTimeout(world.timer);
  world.timer = setTimeout(pump, RELOAD_DELAY_MS);
}

async function pump() {
  if (world.busy || world.wanted === null || world.wanted === world.text) return;
  world.busy = true;
  const text = world.wanted;
  try {
    setState("loading", world.root ? "" : "Loading the world …");
    await three();
    if (!world.renderer) setUp();
    const response = await window.sayscapeStudio.api("/v1/export", {
      method: "POST", body: text, headers: { "Content-Type": "application/json" },
    });
    if (!response.ok) {
      let message = `${response.status}`;
      try { message = (await response.json()).error || message; } catch { /* status only */ }
      throw new Error(message);
    }
    const bytes = await response.arrayBuffer();
    const gltf = await new Promise((resolve, reject) => new world.three.GLTFLoader().parse(bytes, "", resolve, reject));
    show(gltf);
    world.text = text;
    setState("ready");
    world.loads++;
  } catch (error) {
    world.text = null;
    setState("error", error.message);
    world.loads++;
  } finally {
    world.busy = false;
    if (world.wanted !== world.text && world.state !== "error") pump();
  }
}

function show(gltf) {
  const { THREE } = world.three;
  if (world.root) {
    world.scene.remove(world.root);
    world.root.traverse((o) => {
      if (o.geometry) o.geometry.dispose();
      if (o.material) for (const m of [].concat(o.material)) m.dispose();
    });
  }
  world.highlight = null;
  const root = gltf.scene;
  world.extras = root.userData || {};
  const sky = world.extras.sky || {};
  const srgb = (c, fallback) => new THREE.Color().setRGB(...(c || fallback), THREE.SRGBColorSpace);
  world.scene.background = srgb(sky.horizon, [0.6, 0.7, 0.85]);
  const far = Math.max(60, sky.visibility_m || 4000);
  world.scene.fog = new THREE.Fog(srgb(sky.fog_color, [0.6, 0.7, 0.85]), far * 0.25, far * 1.2);
  // The file's lights are in lux and candela; scale them all alike to the display.
  const k = SUN_DISPLAY / Math.max(sky.sun_lux || 10000, 2500);
  root.traverse((o) => {
    if (o.isLight) o.intensity *= k;
  });
  const ambient = Math.min(1.6, Math.max(0.25, (sky.ambient_cd_m2 || 500) / 500));
  root.add(new THREE.HemisphereLight(srgb(sky.zenith, [0.5, 0.6, 0.9]), srgb(sky.ambient, [0.6, 0.6, 0.6]).multiplyScalar(0.5), ambient));
  world.scene.add(root);
  world.root = root;

  const spawn = root.getObjectByName("spawn");
  if (spawn) {
    root.updateMatrixWorld(true);
    world.spawn = {
      position: spawn.getWorldPosition(new THREE.Vector3()),
      quaternion: spawn.getWorldQuaternion(new THREE.Quaternion()),
      eyeHeight: spawn.userData.eye_height || 1.7,
    };
  }
  if (!world.framed) {
    frame();
    world.framed = true;
  }
  if (world.mode === "walk") startWalk();
  draw();
}

/** Frames the things of the world (not its ground or sea) from above and to the side. */
function frame() {
  const { THREE } = world.three;
  // The things near the spawn, not everything scattered to the edge of the area or flying
  // above it: the nearest three quarters of the instances on the ground.
  const at = world.spawn ? world.spawn.position : new THREE.Vector3();
  const instances = [];
  for (const node of entityNodes()) {
    for (const part of node.children.length ? node.children : [node]) {
      const p = part.getWorldPosition(new THREE.Vector3());
      if (p.y - at.y < 30) instances.push({ part, d: p.distanceTo(at) });
    }
  }
  instances.sort((a, b) => a.d - b.d);
  const box = new THREE.Box3();
  for (const { part } of instances.slice(0, Math.max(1, Math.ceil(instances.length * 0.75)))) box.expandByObject(part);
  const centre = new THREE.Vector3(), size = new THREE.Vector3();
  if (box.isEmpty()) {
    centre.copy(world.spawn ? world.spawn.position : new THREE.Vector3());
    size.set(20, 5, 20);
  } else {
    box.getCenter(centre);
    box.getSize(size);
  }
  const radius = Math.min(Math.max(size.length() / 2, 6), 600);
  const indoors = world.extras && world.extras.indoors;
  const from = world.spawn ? world.spawn.position.clone().sub(centre).setY(0) : new THREE.Vector3(1, 0, 1);
  if (from.lengthSq() < 1e-6) from.set(1, 0, 1);
  from.normalize().multiplyScalar(radius * (indoors ? 0.9 : 1.4)).add(new THREE.Vector3(0, radius * (indoors ? 0.45 : 0.8), 0));
  world.controls.target.copy(centre);
  world.camera.position.copy(centre).add(from);
  world.camera.near = Math.max(0.05, radius / 2000);
  world.camera.updateProjectionMatrix();
  world.controls.update();
}

const entityNodes = () => (world.root ? world.root.children.filter((o) => o.userData && o.userData.entity && !o.userData.part) : []);

// --- orbit and walk ------------------------------------------------------------------------------

function setMode(mode) {
  world.mode = mode;
  ui.orbit.setAttribute("aria-pressed", String(mode === "orbit"));
  ui.walk.setAttribute("aria-pressed", String(mode === "walk"));
  ui.box.dataset.mode = mode;
  if (!world.controls) return;
  if (mode === "walk") startWalk();
  else {
    world.controls.enabled = true;
    frame();
  }
  draw();
}

function startWalk() {
  const { THREE } = world.three;
  world.controls.enabled = false;
  if (!world.spawn) return;
  world.camera.position.copy(world.spawn.position);
  const euler = new THREE.Euler().setFromQuaternion(world.spawn.quaternion, "YXZ");
  world.walk.yaw = euler.y;
  world.walk.pitch = euler.x;
  world.camera.near = 0.05;
  world.camera.updateProjectionMatrix();
  look();
}

function look() {
  world.camera.rotation.set(world.walk.pitch, world.walk.yaw, 0, "YXZ");
  draw();
}

/** One step of walking: along the ground at eye height (what is under the eyes is the floor). */
function step(now) {
  const dt = Math.min(0.1, (now - world.last) / 1000);
  world.last = now;
  if (world.mode === "walk" && world.walk.keys.size && world.root) {
    const { THREE } = world.three;
    const k = world.walk.keys;
    const ahead = (k.has("w") || k.has("arrowup") ? 1 : 0) - (k.has("s") || k.has("arrowdown") ? 1 : 0);
    const side = (k.has("d") ? 1 : 0) - (k.has("a") ? 1 : 0);
    const turn = (k.has("arrowleft") ? 1 : 0) - (k.has("arrowright") ? 1 : 0);
    world.walk.yaw += turn * 1.6 * dt;
    const speed = (k.has("shift") ? RUN_SPEED : WALK_SPEED) * dt;
    const forward = new THREE.Vector3(-Math.sin(world.walk.yaw), 0, -Math.cos(world.walk.yaw));
    const right = new THREE.Vector3(-forward.z, 0, forward.x);
    const p = world.camera.position.addScaledVector(forward, ahead * speed).addScaledVector(right, side * speed);
    const eye = world.spawn ? world.spawn.eyeHeight : 1.7;
    const down = new THREE.Raycaster(p.clone().add(new THREE.Vector3(0, 0.6, 0)), new THREE.Vector3(0, -1, 0), 0, 50);
    const floor = down.intersectObject(world.root, true).find((h) => h.object.isMesh);
    if (floor) p.y = floor.point.y + eye;
    look();
  }
  requestAnimationFrame(step);
}

function wireInput() {
  const keyOf = (e) => e.key.toLowerCase();
  ui.canvas.tabIndex = 0;
  ui.canvas.addEventListener("keydown", (e) => {
    if (world.mode !== "walk") return;
    world.walk.keys.add(keyOf(e));
    e.preventDefault();
  });
  ui.canvas.addEventListener("keyup", (e) => world.walk.keys.delete(keyOf(e)));
  ui.canvas.addEventListener("blur", () => world.walk.keys.clear());
  ui.canvas.addEventListener("pointerdown", (e) => {
    world.walk.dragging = { x: e.clientX, y: e.clientY, moved: 0 };
    ui.canvas.focus({ preventScroll: true });
  });
  ui.canvas.addEventListener("pointermove", (e) => {
    const d = world.walk.dragging;
    if (!d) return;
    const dx = e.clientX - d.x, dy = e.clientY - d.y;
    d.moved += Math.abs(dx) + Math.abs(dy);
    d.x = e.clientX;
    d.y = e.clientY;
    if (world.mode === "walk") {
      world.walk.yaw -= dx * LOOK_SPEED;
      world.walk.pitch = Math.max(-1.45, Math.min(1.45, world.walk.pitch - dy * LOOK_SPEED));
      look();
    }
  });
  // A click (a press that did not drag) picks what is under it.
  ui.canvas.addEventListener("pointerup", (e) => {
    const d = world.walk.dragging;
    world.walk.dragging = null;
    if (!d || d.moved > 4) return;
    const rect = ui.canvas.getBoundingClientRect();
    pick(e.clientX - rect.left, e.clientY - rect.top);
  });
  requestAnimationFrame((t) => { world.last = t; step(t); });
}

// --- picking ---------------------------------------------------------------------------------------

/** The entity id of the first thing under a point of the canvas (CSS pixels), or null. */
function entityAt(x, y) {
  if (!world.root) return null;
  const { THREE } = world.three;
  const rect = ui.canvas.getBoundingClientRect();
  const ndc = new THREE.Vector2((x / rect.width) * 2 - 1, -(y / rect.height) * 2 + 1);
  const ray = new THREE.Raycaster();
  ray.setFromCamera(ndc, world.camera);
  for (const hit of ray.intersectObject(world.root, true)) {
    if (!hit.object.isMesh) continue;
    for (let o = hit.object; o; o = o.parent) {
      if (o.userData && typeof o.userData.entity === "string") return { id: o.userData.entity, object: o, point: hit.point };
      if (o.userData && o.userData.part) return null; // ground, water, room: nothing to select
    }
  }
  return null;
}

function pick(x, y) {
  const hit = entityAt(x, y);
  if (!hit) {
    ui.picked.textContent = "";
    ui.box.dataset.picked = "";
    setHighlight(null);
    return;
  }
  ui.picked.textContent = `${hit.id} (${hit.object.userData.kind || ""})`;
  ui.box.dataset.picked = hit.id;
  setHighlight(hit.object);
  window.sayscapeStudio.selectEntity(hit.id);
}

function setHighlight(object) {
  const { THREE } = world.three;
  if (world.highlight) {
    world.scene.remove(world.highlight);
    world.highlight.geometry.dispose();
    world.highlight = null;
  }
  if (object) {
    world.highlight = new THREE.BoxHelper(object, 0xffd84a);
    world.scene.add(world.highlight);
  }
  draw();
}

// --- what the tests (and curious authors) can ask --------------------------------------------------

window.sayscapeWorld = {
  get state() { return world.state; },
  get mode() { return world.mode; },
  get loads() { return world.loads; },
  /** The canvas's pixels, scaled to w × h, as [r, g, b, …]. */
  pixels(w = 64, h = 36) {
    draw();
    const c = document.createElement("canvas");
    c.width = w; c.height = h;
    const g = c.getContext("2d");
    g.drawImage(ui.canvas, 0, 0, w, h);
    const data = g.getImageData(0, 0, w, h).data;
    const out = [];
    for (let i = 0; i < data.length; i += 4) out.push(data[i], data[i + 1], data[i + 2]);
    return out;
  },
  /** A point of the canvas (CSS pixels from its top left) where a click hits `id`, or null. */
  pointOn(id) {
    const node = entityNodes().find((n) => n.userData.entity === id);
    if (!node) return null;
    const { THREE } = world.three;
    const rect = ui.canvas.getBoundingClientRect();
    for (const part of [node, ...node.children]) {
      const box = new THREE.Box3().setFromObject(part);
      if (box.isEmpty()) continue;
      const c = box.getCenter(new THREE.Vector3());
      for (const dy of [0, 0.25, -0.25]) {
        const p = c.clone().add(new THREE.Vector3(0, dy * (box.max.y - box.min.y), 0)).project(world.camera);
        if (Math.abs(p.x) > 0.95 || Math.abs(p.y) > 0.95 || p.z > 1) continue;
        const x = (p.x + 1) / 2 * rect.width, y = (1 - p.y) / 2 * rect.height;
        const hit = entityAt(x, y);
        if (hit && hit.id === id) return { x: Math.round(x), y: Math.round(y) };
      }
    }
    return null;
  },
  entities: () => entityNodes().map((n) => n.userData.entity),
  camera: () => world.camera && world.camera.position.toArray(),
  spawn: () => world.spawn && world.spawn.position.toArray(),
};

ui.orbit.addEventListener("click", () => setMode("orbit"));
ui.walk.addEventListener("click", () => setMode("walk"));
document.addEventListener("sayscape:valid", (e) => wantText(e.detail.text));
document.addEventListener("sayscape:world-shown", () => {
  resize();
  if (world.wanted !== null) wantText(world.wanted);
});
