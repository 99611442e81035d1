//! Rigged people: every humanoid instance (a form of the humanoid family, or one of the
//! hand-made crowds, musicians, knights and soldiers) becomes a skinned body on a skeleton of
//! seventeen joints, and plays the clip that fits what it does — chosen each frame from its
//! activity, its motion and the timeline's beats (see [`clips::choose`]) and sampled as a
//! pure function of the scenario time, so a snapshot at t shows what a viewer sees at t.
//!
//! Budgets: bodies of one look share their meshes (one draw per look and level of detail,
//! whatever the crowd's size), three levels of detail switch by distance (a crowd's far
//! members cost about as many triangles as the box people did), the joints are flat children
//! of the instance (one level of transform propagation), and members that are out of view
//! or far away are posed less often — except in a snapshot, where every one is posed at t.

mod body;
pub mod clips;
mod skeleton;
mod skin;

use std::collections::{HashMap, HashSet};

use bevy::camera::primitives::Aabb;
use bevy::camera::visibility::{NoAutoAabb, VisibilityRange};
use bevy::mesh::skinning::{SkinnedMesh, SkinnedMeshInverseBindposes};
use bevy::prelude::*;

pub use self::body::Body;
use self::body::{Detail, Look};
use self::clips::{Beats, CHAIR_HEIGHT, Moment, Role, Support};
pub use self::skeleton::{JOINTS, Joint, Pose, Skeleton};
pub use self::skin::{SkinStreams, SkinnedGeometry};
use super::instances::{InstanceEntities, ModelMaterials};
use super::{CurrentLayout, SceneClock, WorldSpawn, WorldSystems};
use crate::plan::{Layout, Motions};
use crate::scene::form::Family;
use crate::scene::{Activity, BeatEvent, Catalog, Color as SceneColor, Habitat, MotionKind};

/// Whether people are rigged and animated (the default) or built as the static models they
/// were before: the benchmark shows a world both ways in one run to compare their costs.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rigged(pub bool);

impl Default for Rigged {
    fn default() -> Self {
        Rigged(true)
    }
}

pub struct RigsPlugin;

impl Plugin for RigsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Rigged>()
            .add_systems(Update, spawn_rigs.in_set(WorldSpawn).after(super::instances::spawn_instances))
            .add_systems(Update, (pose_rigs, apply_poses).chain().in_set(WorldSystems).after(super::motion::move_instances));
    }
}

/// At most this many looks (hair, skin, height, shirts for crowds) per entity.
const MAX_VARIANTS: u32 = 6;
/// Seconds a shake lasts when its beat does not say.
const SHAKE_S: f32 = 8.0;
/// Entities with more instances than this are crowds: their full detail ends sooner.
const CROWD: u32 = 40;

/// The look of instance `i` in `variant`, when it is a person.
fn look_of(layout: &Layout, i: usize, variant: u32) -> Option<Look> {
    let inst = &layout.instances[i];
    let paint = inst.color.map(|c| c.rgb());
    if let Some(form) = layout.forms.get(&inst.entity) {
        return body::is_person(form).then(|| Look::of_form(&inst.kind, form, paint, variant));
    }
    if let Some(look) = Look::handmade(&inst.kind, paint, variant) {
        return Some(look);
    }
    let form = Catalog::builtin().get(&inst.kind)?.form.as_ref()?;
    body::is_person(form).then(|| Look::of_form(&inst.kind, form, paint, variant))
}

/// Whether instance `i` is a rigged person (the world builds no static model for it then).
pub fn is_person(layout: &Layout, i: usize) -> bool {
    let inst = &layout.instances[i];
    match layout.forms.get(&inst.entity) {
        Some(form) => body::is_person(form),
        None => {
            Look::handmade(&inst.kind, None, 0).is_some()
                || Catalog::builtin().get(&inst.kind).and_then(|k| k.form.as_ref()).is_some_and(body::is_person)
        }
    }
}

/// What makes two people share their meshes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LookKey {
    kind: String,
    own_form_of: Option<String>,
    color: Option<SceneColor>,
    variant: u32,
}

/// What of a look its clips need: its skeleton, size and what it holds.
struct Built {
    skeleton: Skeleton,
    /// Metres per metre of a 1.8 m person.
    k: f32,
    holding: [bool; 2],
    instrument: bool,
}

impl Built {
    fn traits(look: &Look, skeleton: Skeleton) -> Built {
        Built { skeleton, k: look.scale(), holding: look.holding(), instrument: look.has(crate::scene::form::Part::Instrument) }
    }
}

/// The meshes of one look and what its clips need.
struct BuiltMeshes {
    meshes: [Handle<Mesh>; 3],
    glow: Option<Handle<Mesh>>,
    bindposes: Handle<SkinnedMeshInverseBindposes>,
    traits: Built,
}

/// The inverse bind matrices of a skeleton of size `k`: its joints at rest are unturned, so
/// each is the joint's rest place, undone.
pub fn inverse_binds(skeleton: &Skeleton, k: f32) -> [Mat4; JOINTS] {
    Joint::ALL.map(|j| Mat4::from_translation(-skeleton.at(j) * k))
}

fn build_look(look: &Look, meshes: &mut Assets<Mesh>, bindposes: &mut Assets<SkinnedMeshInverseBindposes>) -> BuiltMeshes {
    let traits = Built::traits(look, Skeleton::new(look.build));
    let bodies = Detail::ALL.map(|d| body::build(look, &traits.skeleton, d));
    let glow = (!bodies[0].glow.is_empty()).then(|| meshes.add(bodies[0].glow.clone().into_mesh()));
    let [near, mid, far] = bodies;
    let inverse = inverse_binds(&traits.skeleton, traits.k).to_vec();
    BuiltMeshes {
        meshes: [meshes.add(near.solid.into_mesh()), meshes.add(mid.solid.into_mesh()), meshes.add(far.solid.into_mesh())],
        glow,
        bindposes: bindposes.add(SkinnedMeshInverseBindposes::from(inverse)),
        traits,
    }
}

/// A rigged person: its joints, meshes and what its clips need to know about it.
#[derive(Component)]
struct Rig {
    instance: usize,
    meshes: Vec<Entity>,
    k: f32,
    performer: Performer,
    /// Beyond this distance from the camera the rig is posed every third frame.
    full_rate: f32,
}

/// What a person's clips need to know about them, fixed for a world.
#[derive(Clone)]
struct Performer {
    skeleton: Skeleton,
    activity: Option<Activity>,
    role: Role,
    /// The parts of a moment that do not change (phase, style, seat…).
    moment: Moment,
    /// Model metres per world metre (for stride lengths).
    per_metre: f32,
}

impl Performer {
    fn of(layout: &Layout, i: usize, built: &Built) -> Performer {
        let inst = &layout.instances[i];
        let (role, moment) = role_of(layout, i, built);
        Performer { skeleton: built.skeleton.clone(), activity: inst.activity, role, moment, per_metre: 1.0 / (built.k * inst.scale) }
    }

    /// The pose of instance `i` at `t`: its clip, chosen from what it does and what the
    /// timeline does to it, sampled at `t` (a pure function of the time).
    fn pose(&self, layout: &Layout, motions: &Motions, i: usize, t: f32, now: &BeatsNow) -> Pose {
        let inst = &layout.instances[i];
        let (mut speed, mut hop) = (0.0, None);
        if motions.moves(i) {
            let (now, before) = (motions.local_pose(i, t), motions.local_pose(i, t - 0.1));
            let (dx, dz) = (now.position[0] - before.position[0], now.position[2] - before.position[2]);
            speed = (dx * dx + dz * dz).sqrt() / 0.1;
            if inst.motion.kind == MotionKind::Cheer {
                hop = Some(((now.position[1] - inst.position[1]) / 0.25).clamp(0.0, 1.0));
            }
        }
        let beat_cheer = now.cheering.contains(&inst.entity);
        if beat_cheer && hop.is_none() {
            hop = Some(super::timeline::cheer_hop(i, t));
        }
        let beats = Beats { cheer: beat_cheer, shake: now.shaking };
        let clip = clips::choose(self.activity, speed, beats, &self.role);
        let moment = Moment { t, speed: speed * self.per_metre, hop, ..self.moment };
        clips::sample(clip, &moment, &self.skeleton)
    }
}

/// What the timeline does to people at a moment: the entities cheering, and whether the
/// ground shakes.
pub struct BeatsNow {
    cheering: HashSet<String>,
    shaking: bool,
}

impl BeatsNow {
    pub fn at(layout: &Layout, t: f32) -> BeatsNow {
        let cheering = super::timeline::cheering_at(layout, t);
        let shaking =
            layout.timeline.iter().any(|b| b.event == BeatEvent::Shake && (b.at..b.at + b.seconds.unwrap_or(SHAKE_S)).contains(&t));
        BeatsNow { cheering, shaking }
    }
}

/// The entity instance counts of a layout (crowds vary their looks and detail by them).
fn entity_counts(layout: &Layout) -> HashMap<&str, u32> {
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for inst in &layout.instances {
        *counts.entry(inst.entity.as_str()).or_default() += 1;
    }
    counts
}

impl LookKey {
    /// The look of instance `i`, one of `count` of its entity.
    fn of(layout: &Layout, i: usize, count: u32) -> LookKey {
        let inst = &layout.instances[i];
        LookKey {
            kind: inst.kind.clone(),
            own_form_of: layout.forms.contains_key(&inst.entity).then(|| inst.entity.clone()),
            color: inst.color,
            variant: inst.index % count.clamp(1, MAX_VARIANTS),
        }
    }
}

/// A rigged person as a file holds one (the exporter): the look its body is shared by, its
/// skeleton at rest and its size, and its pose at any moment: what [`spawn_rigs`] and
/// [`pose_rigs`] give the world's people, outside the ECS.
pub struct FileRig {
    pub look: LookKey,
    look_of: Look,
    /// Metres per metre of a 1.8 m person: the skeleton's and the poses' scale.
    pub k: f32,
    performer: Performer,
}

impl FileRig {
    /// The rig of every instance that is a person (`None` for the others).
    pub fn all(layout: &Layout) -> Vec<Option<FileRig>> {
        let counts = entity_counts(layout);
        (0..layout.instances.len())
            .map(|i| {
                let count = counts.get(layout.instances[i].entity.as_str()).copied().unwrap_or(1);
                let look = LookKey::of(layout, i, count);
                let look_of = look_of(layout, i, look.variant)?;
                let skeleton = Skeleton::new(look_of.build);
                let traits = Built::traits(&look_of, skeleton);
                let performer = Performer::of(layout, i, &traits);
                Some(FileRig { look, k: traits.k, look_of, performer })
            })
            .collect()
    }

    /// Its body in full detail, in metres (vertices skinned to [`Joint::ALL`]).
    pub fn body(&self) -> Body {
        body::build(&self.look_of, &self.performer.skeleton, Detail::Near)
    }

    pub fn skeleton(&self) -> &Skeleton {
        &self.performer.skeleton
    }

    /// Instance `i`'s pose at `t` (local joint rotations, the hips' place; metres of a 1.8 m
    /// person), as the world poses it.
    pub fn pose(&self, layout: &Layout, motions: &Motions, i: usize, t: f32, now: &BeatsNow) -> Pose {
        self.performer.pose(layout, motions, i, t, now)
    }
}

/// The joints' model-space transforms (metres of a 1.8 m person) from the last posing.
#[derive(Component)]
struct RigPose {
    joints: [(Quat, Vec3); JOINTS],
    /// Posed this frame: the joints need their transforms.
    fresh: bool,
    posed: bool,
}

/// A joint of a rig.
#[derive(Component)]
struct RigJoint {
    rig: Entity,
    joint: u8,
}

/// A small hash of an instance for its phase, rate and style.
fn hash(i: usize) -> u32 {
    let mut x = (i as u32).wrapping_mul(0x9e37_79b9) ^ 0x85eb_ca6b;
    x ^= x >> 15;
    x = x.wrapping_mul(0x2c1b_3c6d);
    x ^ (x >> 12)
}

/// Who instance `i` is, as far as its clips care.
fn role_of(layout: &Layout, i: usize, built: &Built) -> (Role, Moment) {
    let inst = &layout.instances[i];
    let catalog = Catalog::builtin();
    let info_of = |j: usize| {
        let other = &layout.instances[j];
        layout.forms.get(&other.entity).map(|f| (f.family, f.deck())).or_else(|| {
            let k = catalog.get(&other.kind)?;
            Some((k.form.as_ref().map_or(Family::Prop, |f| f.family), k.deck))
        })
    };
    let own_scale = built.k * inst.scale;
    let mut moment = Moment::at(0.0);
    let support = match inst.parent.filter(|&p| p != i) {
        Some(p) => {
            let parent = &layout.instances[p];
            let (family, deck) = info_of(p).unwrap_or((Family::Prop, None));
            let animal = family == Family::Quadruped || matches!(parent.kind.as_str(), "horse" | "camel" | "elephant");
            let deck_height = deck.map_or(parent.height, |d| d.height * parent.scale);
            moment.seat = 0.0;
            moment.floor = -deck_height / own_scale;
            if let Some(local) = inst.local {
                moment.centre = Vec2::new(-local[0], -local[2]) / own_scale;
            }
            let small = deck.is_some_and(|d| d.width.max(d.length) * parent.scale <= 5.0);
            if animal {
                Support::Mount
            } else if parent.habitat == Habitat::Water && small {
                Support::Boat
            } else if small && deck_height <= 1.2 {
                Support::Deck
            } else {
                Support::Ground
            }
        }
        None => {
            moment.seat = CHAIR_HEIGHT / own_scale;
            Support::Ground
        }
    };
    let h = hash(i);
    moment.phase = (h % 1000) as f32 / 1000.0;
    moment.rate = 0.88 + 0.24 * ((h >> 10) % 1000) as f32 / 1000.0;
    moment.style = ((h >> 20) % 4) as u8;
    moment.holding = built.holding;
    let role = Role {
        instrument: built.instrument,
        dancer: matches!(inst.kind.as_str(), "dancer" | "ballerina" | "acrobat"),
        cheers: inst.motion.kind == MotionKind::Cheer,
        support,
        swims: matches!(inst.habitat, Habitat::Water | Habitat::Underwater) && inst.parent.is_none()
            || inst.motion.kind == MotionKind::Swim,
        flies: inst.habitat == Habitat::Sky && inst.parent.is_none(),
    };
    (role, moment)
}

/// Gives every person of a new world a skeleton and its bodies (all levels of detail, each
/// shown in its range of distances), sharing meshes between people of one look.
#[allow(clippy::too_many_arguments)]
fn spawn_rigs(
    mut commands: Commands,
    layout: Res<CurrentLayout>,
    rigged: Res<Rigged>,
    entities: Res<InstanceEntities>,
    shared: Option<Res<ModelMaterials>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut bindposes: ResMut<Assets<SkinnedMeshInverseBindposes>>,
) {
    if !rigged.0 {
        return;
    }
    let layout: &Layout = &layout.0;
    let solid = materials.add(StandardMaterial { base_color: Color::WHITE, perceptual_roughness: 0.8, ..default() });
    let glow_material = shared.map(|s| s.glow.clone());
    let counts = entity_counts(layout);
    let mut cache: HashMap<LookKey, Option<BuiltMeshes>> = HashMap::new();
    for i in 0..layout.instances.len() {
        let Some(&root) = entities.0.get(i) else { break };
        let inst = &layout.instances[i];
        let count = counts.get(inst.entity.as_str()).copied().unwrap_or(1);
        let key = LookKey::of(layout, i, count);
        let built = cache
            .entry(key.clone())
            .or_insert_with(|| look_of(layout, i, key.variant).map(|l| build_look(&l, &mut meshes, &mut bindposes)));
        let Some(built) = built.as_ref() else { continue };
        let k = built.traits.k;
        let joints: [Entity; JOINTS] = Joint::ALL.map(|j| {
            commands
                .spawn((
                    Transform::from_translation(built.traits.skeleton.at(j) * k),
                    RigJoint { rig: root, joint: j.index() as u8 },
                    ChildOf(root),
                ))
                .id()
        });
        let performer = Performer::of(layout, i, &built.traits);
        let moment = performer.moment;
        // Full detail ends sooner in a crowd: its front rows are near, the rest are many.
        let near: f32 = if count > CROWD { 7.0 } else { 20.0 };
        let ranges = [(0.0, near), (near, near.max(32.0)), (near.max(32.0), f32::MAX)];
        let bounds = Aabb::from_min_max(Vec3::new(-1.2, moment.floor.min(-0.3) - 0.2, -1.2) * k, Vec3::new(1.2, 2.5, 1.2) * k);
        let skin = SkinnedMesh { inverse_bindposes: built.bindposes.clone(), joints: joints.to_vec() };
        let mut parts = Vec::new();
        for (mesh, (from, to)) in built.meshes.iter().zip(ranges) {
            let range = VisibilityRange { start_margin: from..from, end_margin: to..to, use_aabb: false };
            let part = (Mesh3d(mesh.clone()), MeshMaterial3d(solid.clone()), skin.clone(), range, bounds, NoAutoAabb, ChildOf(root));
            parts.push(commands.spawn(part).id());
        }
        if let (Some(glow), Some(material)) = (&built.glow, &glow_material) {
            let part = (Mesh3d(glow.clone()), MeshMaterial3d(material.clone()), skin, bounds, NoAutoAabb, ChildOf(root));
            parts.push(commands.spawn((part, bevy::light::NotShadowCaster)).id());
        }
        commands.entity(root).insert((
            Rig { instance: i, meshes: parts, k, performer, full_rate: near + 4.0 },
            RigPose { joints: [(Quat::IDENTITY, Vec3::ZERO); JOINTS], fresh: false, posed: false },
        ));
    }
}

/// Picks and samples every rig's clip; each rig is independent, so they are posed in
/// parallel.
#[allow(clippy::too_many_arguments)]
fn pose_rigs(
    clock: Res<SceneClock>,
    layout: Option<Res<CurrentLayout>>,
    cameras: Query<&GlobalTransform, With<Camera3d>>,
    views: Query<&ViewVisibility>,
    mut rigs: Query<(&Rig, &GlobalTransform, &mut RigPose)>,
    mut frame: Local<u32>,
) {
    let Some(layout) = layout else { return };
    let layout: &Layout = &layout.0;
    let t = clock.t;
    *frame = frame.wrapping_add(1);
    let frame = *frame;
    let eye = cameras.iter().next().map(|c| c.translation());
    let motions = Motions::new(layout);
    let now = BeatsNow::at(layout, t);
    rigs.par_iter_mut().for_each(|(rig, at, mut pose)| {
        if rig.instance >= layout.instances.len() {
            return;
        }
        // Every rig is posed in a snapshot (a frozen clock); live, only those in view, and
        // the far ones every third frame.
        if pose.posed && !clock.frozen {
            let seen = rig.meshes.iter().any(|m| views.get(*m).is_ok_and(|v| v.get()));
            let far = eye.is_some_and(|e| e.distance(at.translation()) > rig.full_rate);
            if !seen || (far && !(frame as usize + rig.instance).is_multiple_of(3)) {
                pose.fresh = false;
                return;
            }
        }
        let sampled = rig.performer.pose(layout, &motions, rig.instance, t, &now);
        pose.joints = sampled.world(&rig.performer.skeleton);
        pose.fresh = true;
        pose.posed = true;
    });
}

/// Moves the joints of the rigs posed this frame.
fn apply_poses(rigs: Query<(&Rig, &RigPose)>, mut joints: Query<(&RigJoint, &mut Transform)>) {
    joints.par_iter_mut().for_each(|(joint, mut transform)| {
        let Ok((rig, pose)) = rigs.get(joint.rig) else { return };
        if !pose.fresh {
            return;
        }
        let (rotation, position) = pose.joints[joint.joint as usize];
        *transform = Transform { translation: position * rig.k, rotation, scale: Vec3::ONE };
    });
}
