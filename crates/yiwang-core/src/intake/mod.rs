//! Rules applied when a case comes in: which category it is ([`classify`]), who handles it
//! ([`routing`]) and whether it repeats an open case ([`duplicates`]).

pub mod classify;
pub mod duplicates;
pub mod model;
pub mod routing;

pub use classify::{Classification, Classifier, synonyms};
pub use duplicates::{DuplicateRules, Probe, find_duplicate};
pub use model::{CategoryModel, Prediction};
pub use routing::{ResponsibilityMatrix, Route, RouteRule, RoutingError, Target};
