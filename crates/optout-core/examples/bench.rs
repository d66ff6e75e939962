//! Prints how long the core's hot paths take natively: `cargo run --release -p optout-core
//! --example bench`. A figure to watch, not a pass/fail test (the machines are noisy); the
//! in-browser round trip is measured by `tests/bench/scan.mjs`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use optout_core::checklist::Checklist;
use optout_core::detect::{analyze, Control, Link, PageSnapshot};
use optout_core::export::{export, Format};

/// A settings page as LinkedIn renders it: the setting's switch plus the left nav's links.
fn setting_page() -> PageSnapshot {
    let mut controls = vec![Control {
        tag: "input".into(),
        input_type: Some("checkbox".into()),
        role: Some("switch".into()),
        id: Some("ember412".into()),
        aria_labelledby: Some("allowDataForGenerativeAI".into()),
        label: Some("Use my data for training content creation AI models".into()),
        description: Some("Allow LinkedIn and its affiliates to use your personal data and content you create on LinkedIn to train generative AI models that create content.".into()),
        checked: Some(true),
        aria_checked: Some("true".into()),
        disabled: false,
    }];
    // An unfamiliar switch forces the slower label path.
    controls.push(Control {
        aria_labelledby: Some("ember999".into()),
        label: Some("Let members find me through the new discovery experiment".into()),
        ..controls[0].clone()
    });
    PageSnapshot {
        url: "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement".into(),
        lang: Some("en".into()),
        login_form: false,
        controls,
        links: nav_links(6),
    }
}

/// An overview page: one link per setting with its On/Off text.
fn overview_page() -> PageSnapshot {
    PageSnapshot {
        url: "https://www.linkedin.com/mypreferences/d/categories/ads".into(),
        lang: Some("de".into()),
        login_form: false,
        controls: vec![],
        links: nav_links(40),
    }
}

fn nav_links(n: usize) -> Vec<Link> {
    let slugs = [
        "ads-by-age",
        "ads-by-gender",
        "ads-beyond-linkedin",
        "profile-visibility",
        "ads-related-actions",
    ];
    (0..n)
        .map(|i| Link {
            href: format!(
                "https://www.linkedin.com/mypreferences/d/settings/{}",
                slugs[i % slugs.len()]
            ),
            text: Some(format!("Setting {i}")),
            state_text: Some(if i % 2 == 0 { "An" } else { "Aus" }.into()),
        })
        .collect()
}

fn time<T>(name: &str, mut f: impl FnMut() -> T) {
    // Warm up, then take the median of batches so one noisy moment does not decide the figure.
    for _ in 0..200 {
        black_box(f());
    }
    let batch = 500;
    let mut per_op: Vec<Duration> = (0..21)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                black_box(f());
            }
            start.elapsed() / batch
        })
        .collect();
    per_op.sort();
    println!(
        "{name:<40} median {:>9.1} µs   min {:>9.1} µs",
        per_op[per_op.len() / 2].as_secs_f64() * 1e6,
        per_op[0].as_secs_f64() * 1e6
    );
}

fn main() {
    let setting = setting_page();
    let overview = overview_page();
    let mut checklist = Checklist::default();
    checklist.record(&analyze(&setting), 0);
    checklist.record(&analyze(&overview), 0);

    time("analyze: setting page (2 switches)", || {
        analyze(black_box(&setting))
    });
    time("analyze: overview page (40 links)", || {
        analyze(black_box(&overview))
    });
    time("record a report into the checklist", || {
        let mut c = checklist.clone();
        c.record(&analyze(&setting), 1);
        c
    });
    time("checklist view", || checklist.view(black_box(1)));
    time("export: markdown", || {
        export(&checklist, Format::Markdown, 1, "0.1.0")
    });
}
