//! The humanoid skeleton: seventeen joints from the hips out, their rest positions for a
//! person 1.8 m tall (the form's size scales the whole rig), and the forward kinematics the
//! clips and the tests share.
//!
//! Every joint rests unrotated (its axes are the model's: x right, y up, -z forward), so a
//! clip's rotation about x swings a hanging limb forward, about z out to the side.

use bevy::prelude::*;

pub const JOINTS: usize = 17;

/// The joints, in an order where every parent comes before its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Joint {
    Hips,
    Spine,
    Chest,
    Neck,
    Head,
    UpperArmR,
    LowerArmR,
    HandR,
    UpperArmL,
    LowerArmL,
    HandL,
    UpperLegR,
    LowerLegR,
    FootR,
    UpperLegL,
    LowerLegL,
    FootL,
}

use Joint::*;

impl Joint {
    pub const ALL: [Joint; JOINTS] = [
        Hips, Spine, Chest, Neck, Head, UpperArmR, LowerArmR, HandR, UpperArmL, LowerArmL, HandL, UpperLegR, LowerLegR, FootR, UpperLegL,
        LowerLegL, FootL,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn parent(self) -> Option<Joint> {
        Some(match self {
            Hips => return None,
            Spine | UpperLegR | UpperLegL => Hips,
            Chest => Spine,
            Neck | UpperArmR | UpperArmL => Chest,
            Head => Neck,
            LowerArmR => UpperArmR,
            HandR => LowerArmR,
            LowerArmL => UpperArmL,
            HandL => LowerArmL,
            LowerLegR => UpperLegR,
            FootR => LowerLegR,
            LowerLegL => UpperLegL,
            FootL => LowerLegL,
        })
    }
}

/// A side of the body: +1 right (+x, the model faces -z), -1 left.
pub const SIDES: [f32; 2] = [1.0, -1.0];

/// Shoulder, elbow and wrist of a side.
pub fn arm(side: f32) -> [Joint; 3] {
    if side > 0.0 { [UpperArmR, LowerArmR, HandR] } else { [UpperArmL, LowerArmL, HandL] }
}

/// Hip, knee and ankle of a side.
pub fn leg(side: f32) -> [Joint; 3] {
    if side > 0.0 { [UpperLegR, LowerLegR, FootR] } else { [UpperLegL, LowerLegL, FootL] }
}

/// Rest positions of a person 1.8 m tall in metres (base at y = 0, facing -z), widths by build.
#[derive(Clone, Debug, PartialEq)]
pub struct Skeleton {
    pub rest: [Vec3; JOINTS],
    pub build: f32,
}

/// Heights and lengths at rest (metres, 1.8 m person).
pub const ANKLE_Y: f32 = 0.08;
pub const THIGH: f32 = 0.43;
pub const SHIN: f32 = 0.43;
/// The hip joints' height, and the hips' (the root joint's) just above.
pub const LEG_TOP: f32 = ANKLE_Y + SHIN + THIGH;
pub const HIP_Y: f32 = LEG_TOP + 0.04;
pub const UPPER_ARM: f32 = 0.29;
pub const FOREARM: f32 = 0.25;
const SHOULDER_Y: f32 = 1.46;

impl Skeleton {
    pub fn new(build: f32) -> Skeleton {
        let w = build.clamp(0.5, 2.0);
        let (sx, hx) = (0.19 * w.sqrt() * (0.6 + 0.4 * w), 0.095 * (0.5 + 0.5 * w));
        let mut rest = [Vec3::ZERO; JOINTS];
        let mut set = |j: Joint, p: [f32; 3]| rest[j.index()] = Vec3::from(p);
        set(Hips, [0.0, HIP_Y, 0.0]);
        set(Spine, [0.0, 1.11, 0.0]);
        set(Chest, [0.0, 1.29, 0.0]);
        set(Neck, [0.0, 1.51, 0.0]);
        set(Head, [0.0, 1.60, 0.0]);
        for side in SIDES {
            let [shoulder, elbow, wrist] = arm(side);
            set(shoulder, [side * sx, SHOULDER_Y, 0.0]);
            set(elbow, [side * (sx + 0.02), SHOULDER_Y - UPPER_ARM, 0.01]);
            set(wrist, [side * (sx + 0.03), SHOULDER_Y - UPPER_ARM - FOREARM, 0.0]);
            let [hip_j, knee, ankle] = leg(side);
            set(hip_j, [side * hx, LEG_TOP, 0.0]);
            set(knee, [side * hx, ANKLE_Y + SHIN, 0.0]);
            set(ankle, [side * hx, ANKLE_Y, 0.0]);
        }
        Skeleton { rest, build: w }
    }

    pub fn at(&self, j: Joint) -> Vec3 {
        self.rest[j.index()]
    }

    /// A joint's rest offset from its parent (from the model's origin for the hips).
    pub fn offset(&self, j: Joint) -> Vec3 {
        match j.parent() {
            Some(p) => self.at(j) - self.at(p),
            None => self.at(j),
        }
    }
}

/// Local joint rotations and where the hips are: what a clip produces for one moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pose {
    pub rotation: [Quat; JOINTS],
    /// The hips joint's position in the model (metres of a 1.8 m person).
    pub hips: Vec3,
}

impl Pose {
    pub fn rest(skeleton: &Skeleton) -> Pose {
        Pose { rotation: [Quat::IDENTITY; JOINTS], hips: skeleton.at(Hips) }
    }

    /// Model-space rotation and position of every joint (forward kinematics).
    pub fn world(&self, skeleton: &Skeleton) -> [(Quat, Vec3); JOINTS] {
        let mut out = [(Quat::IDENTITY, Vec3::ZERO); JOINTS];
        for j in Joint::ALL {
            let local = self.rotation[j.index()];
            out[j.index()] = match j.parent() {
                None => (local, self.hips),
                Some(p) => {
                    let (pr, pp) = out[p.index()];
                    (pr * local, pp + pr * skeleton.offset(j))
                }
            };
        }
        out
    }
}
