use super::*;
use crate::detect::{analyze, Control, Link, PageSnapshot};
use serde_json::Value;

/// Loads from JSON text the way the extension loads from chrome.storage (a parsed value).
fn load_json(text: &str) -> Result<Checklist, StateError> {
    let value: Value = serde_json::from_str(text).expect("test JSON parses");
    Checklist::load(|| &value)
}

fn stored(checklist: &Checklist) -> String {
    serde_json::to_string(checklist).expect("serializes")
}

const T0: i64 = 1_764_000_000_000; // 2025-11-24T16:00:00Z
const DAY: i64 = 24 * 60 * 60 * 1000;

fn ai_page(checked: bool) -> PageReport {
    switch_page(
        "data-for-ai-improvement",
        "allowDataForGenerativeAI",
        checked,
    )
}

fn switch_page(slug: &str, switch_id: &str, checked: bool) -> PageReport {
    analyze(&PageSnapshot {
        url: format!("https://www.linkedin.com/mypreferences/d/settings/{slug}"),
        lang: Some("en".into()),
        controls: vec![Control {
            tag: "input".into(),
            input_type: Some("checkbox".into()),
            role: Some("switch".into()),
            aria_labelledby: Some(switch_id.into()),
            checked: Some(checked),
            aria_checked: Some(checked.to_string()),
            ..Control::default()
        }],
        ..PageSnapshot::default()
    })
}

fn status(checklist: &Checklist, id: &str) -> Status {
    checklist.status(catalog::item(id).expect("item"))
}

#[test]
fn a_new_checklist_knows_nothing_and_says_so() {
    let checklist = Checklist::default();
    assert_eq!(status(&checklist, "ai-training"), Status::Unknown);
    assert_eq!(status(&checklist, "objection-form"), Status::Todo);
    let badge = checklist.badge();
    assert_eq!(badge.kind, BadgeKind::Unchecked);
    let view = checklist.view(T0);
    assert_eq!(view.session.state, SessionState::NotKnown);
    assert!(
        view.session.text.starts_with("Not known"),
        "{}",
        view.session.text
    );
    assert_eq!(view.summary.essential_done, 0);
    assert_eq!(view.summary.essential_applicable, 6);
}

#[test]
fn recording_a_page_keeps_history_and_evidence() {
    let mut checklist = Checklist::default();
    checklist.record(&ai_page(true), T0);
    checklist.record(&ai_page(false), T0 + DAY);
    let entry = &checklist.items["ai-training"];
    assert_eq!(entry.status, Status::Off);
    assert_eq!(entry.previous, Some(Status::On));
    assert_eq!(entry.changed_ms, Some(T0 + DAY));
    assert_eq!(entry.last_seen_ms, Some(T0 + DAY));
    let evidence = entry.evidence.as_deref().unwrap_or("");
    assert!(
        evidence.contains("allowDataForGenerativeAI") && evidence.contains("checked=false"),
        "{evidence}"
    );
    assert!(
        evidence.contains("/mypreferences/d/settings/data-for-ai-improvement"),
        "{evidence}"
    );
    assert_eq!(checklist.session.state, SessionState::SignedIn);

    // The same reading again moves last_seen but not the change history.
    checklist.record(&ai_page(false), T0 + 2 * DAY);
    let entry = &checklist.items["ai-training"];
    assert_eq!(entry.changed_ms, Some(T0 + DAY));
    assert_eq!(entry.last_seen_ms, Some(T0 + 2 * DAY));
}

#[test]
fn a_sign_in_wall_changes_the_session_and_nothing_else() {
    let mut checklist = Checklist::default();
    checklist.record(&ai_page(false), T0);
    let wall = analyze(&PageSnapshot {
        url: "https://www.linkedin.com/login".into(),
        login_form: true,
        ..PageSnapshot::default()
    });
    checklist.record(&wall, T0 + DAY);
    assert_eq!(
        checklist.session,
        Session {
            state: SessionState::SignedOut,
            seen_ms: Some(T0 + DAY)
        }
    );
    assert_eq!(checklist.items["ai-training"].status, Status::Off);
}

#[test]
fn an_overview_link_without_state_does_not_erase_a_reading() {
    let mut checklist = Checklist::default();
    checklist.record(&ai_page(false), T0);
    let overview = analyze(&PageSnapshot {
        url: "https://www.linkedin.com/mypreferences/d/categories/privacy".into(),
        links: vec![
            Link {
                href: "/mypreferences/d/settings/data-for-ai-improvement".into(),
                text: None,
                state_text: None,
            },
            Link {
                href: "/mypreferences/d/settings/ads-by-age".into(),
                text: None,
                state_text: Some("On".into()),
            },
        ],
        ..PageSnapshot::default()
    });
    checklist.record(&overview, T0 + DAY);
    assert_eq!(checklist.items["ai-training"].last_seen_ms, Some(T0));
    assert_eq!(checklist.items["ads-by-age"].status, Status::On);
    assert!(checklist.items["ads-by-age"]
        .evidence
        .as_deref()
        .unwrap_or("")
        .starts_with("overview page"));
}

#[test]
fn an_unreadable_switch_replaces_an_older_off() {
    let mut checklist = Checklist::default();
    checklist.record(&ai_page(false), T0);
    let mut report = ai_page(false);
    report.controls[0].state = State::Unknown;
    checklist.record(&report, T0 + DAY);
    assert_eq!(
        status(&checklist, "ai-training"),
        Status::Unknown,
        "never keep claiming off without seeing it"
    );
}

#[test]
fn region_makes_items_not_applicable_unless_the_page_showed_them() {
    let mut checklist = Checklist::default();
    checklist.set_region("eu-eea").expect("region");
    assert_eq!(
        status(&checklist, "ads-share-affiliates"),
        Status::NotApplicable
    );
    assert_eq!(
        status(&checklist, "microsoft-withdraw"),
        Status::NotApplicable
    );
    assert_eq!(status(&checklist, "ai-training"), Status::Unknown);
    assert_eq!(checklist.summary().essential_applicable, 5);

    checklist.record(
        &switch_page(
            "share-data-with-select-partners",
            "shareDataWithTrustedPartners",
            true,
        ),
        T0,
    );
    assert_eq!(
        status(&checklist, "ads-share-affiliates"),
        Status::On,
        "seen on the page: judged whatever the region says"
    );
    let view = checklist.view(T0);
    let item = view
        .items
        .iter()
        .find(|i| i.id == "ads-share-affiliates")
        .expect("item");
    assert!(!item.applies);
    assert!(item.not_applicable_reason.is_some());

    assert!(matches!(
        checklist.set_region("mars"),
        Err(ActionError::UnknownRegion(_))
    ));
    assert_eq!(checklist.region, Region::EuEea);
}

#[test]
fn manual_steps_are_marked_and_unmarked() {
    let mut checklist = Checklist::default();
    checklist.mark("objection-form", true, T0).expect("manual");
    assert_eq!(status(&checklist, "objection-form"), Status::Done);
    assert_eq!(checklist.items["objection-form"].last_seen_ms, Some(T0));
    checklist
        .mark("objection-form", false, T0 + DAY)
        .expect("manual");
    assert_eq!(status(&checklist, "objection-form"), Status::Todo);
    assert_eq!(
        checklist.mark("ai-training", true, T0),
        Err(ActionError::NotManual("ai-training".into()))
    );
    assert_eq!(
        checklist.mark("nope", true, T0),
        Err(ActionError::UnknownItem("nope".into()))
    );
}

#[test]
fn summary_and_badge_follow_the_readings() {
    let mut checklist = Checklist::default();
    checklist.record(&ai_page(true), T0);
    assert_eq!(checklist.badge().kind, BadgeKind::On);
    assert_eq!(checklist.badge().text, "1");
    assert!(
        checklist
            .badge()
            .tooltip
            .starts_with("1 setting still lets"),
        "{}",
        checklist.badge().tooltip
    );

    checklist.record(&ai_page(false), T0);
    assert_eq!(checklist.badge().kind, BadgeKind::Partial);
    assert_eq!(checklist.summary().text, "1 of 6 essential opt-outs done");

    for (slug, sid) in [
        (
            "share-data-with-select-partners",
            "shareDataWithTrustedPartners",
        ),
        ("ads-beyond-linkedin", "allowLinkedInAudienceNetwork"),
        ("ads-interactions-with-business", "allowUseOfThirdPartyData"),
        ("ads-related-actions", "allowConversionTrackings"),
    ] {
        checklist.record(&switch_page(slug, sid, false), T0);
    }
    checklist.mark("objection-form", true, T0).expect("manual");
    assert_eq!(checklist.summary().text, "6 of 6 essential opt-outs done");
    assert_eq!(checklist.badge().kind, BadgeKind::EssentialDone);
}

#[test]
fn items_not_seen_for_thirty_days_are_due_for_a_recheck() {
    let mut checklist = Checklist::default();
    checklist.record(&ai_page(false), T0);
    let due = |now| {
        checklist
            .view(now)
            .items
            .iter()
            .find(|i| i.id == "ai-training")
            .map(|i| i.due_recheck)
    };
    assert_eq!(due(T0 + 30 * DAY), Some(false));
    assert_eq!(due(T0 + 30 * DAY + 1), Some(true));
}

#[test]
fn stored_form_round_trips_and_bad_state_is_refused() {
    let mut checklist = Checklist::default();
    checklist.record(&ai_page(true), T0);
    checklist.set_region("ca").expect("region");
    let text = stored(&checklist);
    assert_eq!(load_json(&text).expect("loads"), checklist);

    assert_eq!(load_json("{\"region\":\"us\"}"), Err(StateError::NoSchema));
    assert!(matches!(
        load_json("\"garbage\""),
        Err(StateError::Shape(_))
    ));
    assert!(matches!(
        load_json("{\"schema\":\"one\"}"),
        Err(StateError::Shape(_))
    ));
    assert_eq!(
        load_json("{\"schema\":99}"),
        Err(StateError::NewerSchema {
            found: 99,
            supported: SCHEMA
        })
    );
    let wrong = text.replace("\"on\"", "\"sideways\"");
    assert!(matches!(load_json(&wrong), Err(StateError::Shape(_))));
    let extra = text.replacen('{', "{\"surprise\":1,", 1);
    assert!(
        matches!(load_json(&extra), Err(StateError::Shape(_))),
        "unknown fields are not silently dropped"
    );
}

#[test]
fn entries_for_items_this_version_does_not_know_are_dropped_on_load() {
    let mut checklist = Checklist::default();
    checklist.record(&ai_page(true), T0);
    let text = stored(&checklist).replace("\"ai-training\"", "\"retired-item\"");
    assert!(load_json(&text).expect("loads").items.is_empty());
}

#[test]
fn an_unreadable_state_starts_fresh_with_a_notice_until_dismissed() {
    let mut checklist = Checklist::after_unreadable("checklist_backup_2026-11-24T10:00:00.000Z");
    let notice = checklist.view(T0).notice.expect("a notice");
    assert!(notice.contains("could not be read"), "{notice}");
    assert!(
        notice.contains("checklist_backup_2026-11-24T10:00:00.000Z"),
        "{notice}"
    );
    assert!(checklist.items.is_empty());
    checklist.dismiss_notice();
    assert_eq!(checklist.view(T0).notice, None);
}
