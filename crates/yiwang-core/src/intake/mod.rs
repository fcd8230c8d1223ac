//! Rules applied when a case comes in: which category it is ([`classify`]), who handles it
//! ([`routing`]), whether it repeats an open case ([`duplicates`]), and what a sensor alert is
//! ([`sensors`]).

pub mod classify;
pub mod duplicates;
pub mod model;
pub mod routing;
pub mod sensors;

pub use classify::{Classification, Classifier, synonyms};
pub use duplicates::{DuplicateRules, Probe, find_duplicate};
pub use model::{CategoryModel, Prediction};
pub use routing::{ResponsibilityMatrix, Route, RouteRule, RoutingError, Target};
pub use sensors::{SENSOR_CATEGORIES, SensorCategory, sensor_category};
