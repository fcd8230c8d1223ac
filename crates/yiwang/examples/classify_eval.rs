//! Category suggestion on held-back twin cases: the keyword rules, the model learned from closed
//! cases, and the two together (keywords first, then the model), as used at intake.
//!
//! `cargo run --release -p yiwang --example classify_eval -- [--scale 0.2] [--seed 1]`
//!
//! Every fifth case is held back; the model learns from the other closed cases' categories.
//! Only reports of a problem are scored (consultations, suggestions and praise name no
//! category in their text).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use yiwang_core::intake::{CategoryModel, Classifier};
use yiwang_core::reference::{CategoryKind, event_categories};

/// Model probability from which intake prefers the model to the keywords.
const CONFIDENT: f64 = yiwang_core::intake::model::CONFIDENT;

fn main() {
    let mut scale = 0.2;
    let mut seed = 1;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().expect("a value");
        match flag.as_str() {
            "--scale" => scale = value.parse().expect("scale"),
            "--seed" => seed = value.parse().expect("seed"),
            other => panic!("unknown flag {other}"),
        }
    }
    let twin = yiwang_twin::generate(
        &yiwang_twin::TwinConfig {
            scale,
            seed,
            boundaries: None,
        },
        &mut |_| {},
    )
    .expect("twin");
    let labelled = |c: &&yiwang_core::model::Case| {
        c.category_code.is_some()
            && !matches!(c.request_type.as_deref(), Some("咨询" | "建议" | "表扬"))
    };
    let (held, train): (Vec<_>, Vec<_>) = twin
        .cases
        .iter()
        .filter(labelled)
        .partition(|c| c.id % 5 == 0);
    let kind = |c: &yiwang_core::model::Case| {
        c.category_kind
            .as_deref()
            .unwrap()
            .parse::<CategoryKind>()
            .unwrap()
    };
    let started = std::time::Instant::now();
    let model = CategoryModel::train(train.iter().filter(|c| c.state == "closed").map(|c| {
        (
            c.text.as_str(),
            kind(c),
            c.category_code.as_deref().unwrap(),
        )
    }));
    let train_ms = started.elapsed().as_millis();
    let classifier = Classifier::new(event_categories().unwrap());
    let (mut keyword_answered, mut keyword_right, mut model_right, mut both_right) = (0, 0, 0, 0);
    let mut suggested_right = 0;
    for c in &held {
        let truth = (kind(c), c.category_code.clone().unwrap());
        let keyword = classifier
            .classify(&c.text)
            .map(|k| (k.category.kind, k.category.subclass_code));
        let prediction = model.predict(&c.text);
        let confident = prediction
            .as_ref()
            .filter(|p| p.probability >= CONFIDENT)
            .map(|p| (p.kind, p.subclass_code.clone()));
        let learned = prediction.map(|p| (p.kind, p.subclass_code));
        // As intake suggests: a confident model, else the keywords, else the model.
        let suggested = confident.or(keyword.clone()).or(learned.clone());
        suggested_right += usize::from(suggested.as_ref() == Some(&truth));
        if keyword.is_some() {
            keyword_answered += 1;
        }
        keyword_right += usize::from(keyword.as_ref() == Some(&truth));
        model_right += usize::from(learned.as_ref() == Some(&truth));
        both_right += usize::from(keyword.or(learned).as_ref() == Some(&truth));
    }
    let pct = |n: usize| (n as f64 * 1000.0 / held.len() as f64).round() / 10.0;
    println!(
        "{}",
        serde_json::json!({
            "scale": scale,
            "held_back": held.len(),
            "trained_on": train.iter().filter(|c| c.state == "closed").count(),
            "categories_learned": model.label_count(),
            "train_ms": train_ms,
            "keyword_answers_pct": pct(keyword_answered),
            "keyword_accuracy_pct": pct(keyword_right),
            "model_accuracy_pct": pct(model_right),
            "keywords_then_model_accuracy_pct": pct(both_right),
            "as_suggested_at_intake_accuracy_pct": pct(suggested_right),
        })
    );
}
