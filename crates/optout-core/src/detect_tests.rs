use super::*;
use proptest::prelude::{
    any, prop_assert, prop_assert_eq, prop_oneof, proptest, Just, ProptestConfig,
};
use proptest::strategy::Strategy as Gen;

const AI_PAGE: &str = "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement";

fn switch(labelledby: &str, checked: bool) -> Control {
    Control {
        tag: "input".into(),
        input_type: Some("checkbox".into()),
        role: Some("switch".into()),
        id: Some("ember412".into()),
        aria_labelledby: Some(labelledby.into()),
        label: None,
        description: None,
        checked: Some(checked),
        aria_checked: Some(checked.to_string()),
        disabled: false,
    }
}

fn page(url: &str, controls: Vec<Control>) -> PageSnapshot {
    PageSnapshot {
        url: url.into(),
        lang: Some("en".into()),
        login_form: false,
        controls,
        links: vec![],
    }
}

fn link(href: &str, state: Option<&str>) -> Link {
    Link {
        href: href.into(),
        text: Some("A setting".into()),
        state_text: state.map(str::to_string),
    }
}

#[test]
fn known_switch_id_that_is_on() {
    let report = analyze(&page(
        AI_PAGE,
        vec![switch("allowDataForGenerativeAI", true)],
    ));
    assert_eq!(report.page.kind, PageKind::Setting);
    assert_eq!(report.page.item, Some("ai-training"));
    let c = &report.controls[0];
    assert_eq!(
        (c.item, c.state, c.evidence.strategy),
        (Some("ai-training"), State::On, Strategy::SwitchId)
    );
    assert!(
        c.evidence.detail.contains("allowDataForGenerativeAI"),
        "{}",
        c.evidence.detail
    );
    let warning = c
        .warning
        .as_ref()
        .expect("a switch that is on gets a warning");
    assert_eq!(warning.url, AI_PAGE);
    assert!(warning.text.contains("train"), "{}", warning.text);
    let banner = report.banner.expect("banner");
    assert_eq!((banner.on, banner.off), (1, 0));
    assert!(
        banner.text.starts_with("1 setting on this page still lets"),
        "{}",
        banner.text
    );
}

#[test]
fn known_switch_id_that_is_off_has_no_warning() {
    let report = analyze(&page(
        AI_PAGE,
        vec![switch("allowDataForGenerativeAI", false)],
    ));
    let c = &report.controls[0];
    assert_eq!(c.state, State::Off);
    assert!(c.warning.is_none());
    assert_eq!(report.banner.expect("banner").off, 1);
}

#[test]
fn switch_id_may_be_the_element_id_and_one_of_several_labelledby_ids() {
    let mut cookies = switch("ember9", false);
    cookies.id = Some("nonEssentialCookieConsent".into());
    cookies.role = None;
    let report = analyze(&page(
        "https://www.linkedin.com/mypreferences/d/member-cookies",
        vec![cookies],
    ));
    assert_eq!(report.controls[0].item, Some("non-essential-cookies"));
    assert_eq!(report.controls[0].evidence.strategy, Strategy::SwitchId);

    let report = analyze(&page(AI_PAGE, vec![switch("ember1 allowAdsByAge", true)]));
    assert_eq!(
        report.controls[0].item,
        Some("ads-by-age"),
        "the id wins over the page's slug"
    );
}

#[test]
fn unknown_id_but_known_slug_and_one_switch() {
    let report = analyze(&page(
        "https://www.linkedin.com/mypreferences/d/settings/ads-by-gender/?trk=nav",
        vec![switch("ember777", true)],
    ));
    let c = &report.controls[0];
    assert_eq!(
        (c.item, c.state, c.evidence.strategy),
        (Some("ads-by-gender"), State::On, Strategy::SlugSingleSwitch)
    );
}

#[test]
fn two_unknown_switches_on_a_slug_page_are_not_guessed() {
    let report = analyze(&page(
        "https://www.linkedin.com/mypreferences/d/settings/ads-by-gender",
        vec![switch("ember1", true), switch("ember2", false)],
    ));
    assert!(report
        .controls
        .iter()
        .all(|c| c.item.is_none() && c.state == State::Unrecognised));
    assert_eq!(report.banner.expect("banner").unrecognised, 2);
}

#[test]
fn german_label_identifies_the_ai_switch() {
    let mut control = switch("ember55", true);
    control.label =
        Some("Ihre Daten zum Schulen von KI-Modellen verwenden, um Inhalte zu erstellen".into());
    let mut snapshot = page(
        "https://www.linkedin.com/mypreferences/d/settings/something-new",
        vec![control, switch("ember56", false)],
    );
    snapshot.lang = Some("de-DE".into());
    let report = analyze(&snapshot);
    let c = &report.controls[0];
    assert_eq!(
        (c.item, c.evidence.strategy),
        (Some("ai-training"), Strategy::Label)
    );
    assert!(
        c.evidence.detail.contains("de label"),
        "{}",
        c.evidence.detail
    );
    assert_eq!(report.controls[1].state, State::Unrecognised);
}

#[test]
fn label_matching_ignores_case_spacing_and_curly_apostrophes() {
    let mut control = switch("ember55", false);
    control.label = Some("  données pour l’amélioration de l’IA   générative ".into());
    let report = analyze(&page(
        "https://www.linkedin.com/psettings/x",
        vec![control.clone(), control],
    ));
    assert_eq!(report.controls[0].item, Some("ai-training"));
}

#[test]
fn short_labels_must_match_whole_and_ambiguous_labels_are_no_evidence() {
    let mut control = switch("ember55", true);
    control.label = Some("Gender identity shown on profile".into());
    let report = analyze(&page(
        "https://www.linkedin.com/mypreferences/d/settings/profile",
        vec![control.clone(), control.clone()],
    ));
    assert_eq!(report.controls[0].state, State::Unrecognised);

    control.label = Some("Age range".into());
    control.description = Some("Gender".into());
    let report = analyze(&page(
        "https://www.linkedin.com/mypreferences/d/settings/profile",
        vec![control.clone(), control],
    ));
    assert_eq!(
        report.controls[0].state,
        State::Unrecognised,
        "two items named: neither is claimed"
    );
}

#[test]
fn checked_false_with_aria_checked_true_is_not_off() {
    let mut control = switch("allowDataForGenerativeAI", false);
    control.aria_checked = Some("true".into());
    let report = analyze(&page(AI_PAGE, vec![control]));
    assert_eq!(report.controls[0].state, State::Unknown);
    assert!(report.controls[0].warning.is_none());
    assert_eq!(report.banner.expect("banner").unknown, 1);
}

#[test]
fn states_that_cannot_be_read_are_unknown() {
    let mut no_checked = switch("allowDataForGenerativeAI", false);
    no_checked.checked = None;
    no_checked.aria_checked = Some("false".into());
    assert_eq!(
        read_state(&no_checked).0,
        State::Unknown,
        "a native checkbox needs its checked property"
    );

    let mut mixed = switch("allowDataForGenerativeAI", false);
    mixed.aria_checked = Some("mixed".into());
    assert_eq!(read_state(&mixed).0, State::Unknown);

    let div = |aria: Option<&str>, role: &str| Control {
        tag: "div".into(),
        role: Some(role.into()),
        aria_checked: aria.map(str::to_string),
        ..Control::default()
    };
    assert_eq!(read_state(&div(Some("false"), "switch")).0, State::Off);
    assert_eq!(read_state(&div(Some("true"), "switch")).0, State::On);
    assert_eq!(read_state(&div(None, "switch")).0, State::Unknown);
    assert_eq!(
        read_state(&div(Some("false"), "checkbox")).0,
        State::Unknown,
        "only a switch is trusted as off"
    );
    assert_eq!(read_state(&div(Some("TRUE "), "checkbox")).0, State::On);
}

#[test]
fn native_checkbox_without_aria_reads_from_checked() {
    let mut control = switch("allowAdsByAge", false);
    control.aria_checked = None;
    assert_eq!(read_state(&control).0, State::Off);
    control.checked = Some(true);
    assert_eq!(read_state(&control).0, State::On);
}

#[test]
fn a_disabled_switch_is_read_and_says_so() {
    let mut control = switch("allowDataForGenerativeAI", false);
    control.disabled = true;
    let report = analyze(&page(AI_PAGE, vec![control]));
    assert_eq!(report.controls[0].state, State::Off);
    assert!(report.controls[0].evidence.disabled);
}

#[test]
fn an_unknown_switch_on_a_settings_page_is_unrecognised() {
    let report = analyze(&page(
        "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement",
        vec![
            switch("allowDataForGenerativeAI", true),
            switch("somethingNew", false),
        ],
    ));
    assert_eq!(report.controls[0].item, Some("ai-training"));
    assert_eq!(report.controls[1].item, None);
    assert_eq!(report.controls[1].state, State::Unrecognised);
    let banner = report.banner.expect("banner");
    assert_eq!((banner.on, banner.unrecognised), (1, 1));
    assert!(
        banner.text.contains("not in Optout Guard's checklist"),
        "{}",
        banner.text
    );
}

#[test]
fn non_switch_controls_are_left_out() {
    let button = Control {
        tag: "button".into(),
        aria_checked: None,
        ..Control::default()
    };
    let report = analyze(&page(
        AI_PAGE,
        vec![button, switch("allowDataForGenerativeAI", true)],
    ));
    assert_eq!(report.controls.len(), 1);
    assert_eq!(
        report.controls[0].index, 1,
        "indices point into the snapshot"
    );
}

#[test]
fn sign_in_wall_yields_no_items() {
    let mut login = page(
        "https://www.linkedin.com/login?session_redirect=%2Fmypreferences",
        vec![],
    );
    login.login_form = true;
    let report = analyze(&login);
    assert_eq!(report.page.kind, PageKind::SignInWall);
    assert!(report.controls.is_empty() && report.links.is_empty() && report.banner.is_none());
    assert!(report
        .page
        .message
        .as_deref()
        .unwrap_or("")
        .contains("signed out"));

    // A settings URL that shows a login form and a "remember me" checkbox is still a wall.
    let remember = Control {
        tag: "input".into(),
        input_type: Some("text".into()),
        ..Control::default()
    };
    let mut wall = page(AI_PAGE, vec![remember]);
    wall.login_form = true;
    let report = analyze(&wall);
    assert_eq!(report.page.kind, PageKind::SignInWall);
    assert!(report.controls.is_empty());

    // A login form shown in place, with a "keep me signed in" checkbox as the page's only
    // switch: the slug rule must not turn that checkbox into the AI setting.
    let keep_signed_in = Control {
        label: Some("Keep me logged in".into()),
        ..switch("ember3", true)
    };
    let mut in_place = page(AI_PAGE, vec![keep_signed_in]);
    in_place.login_form = true;
    let report = analyze(&in_place);
    assert_eq!(report.page.kind, PageKind::SignInWall);
    assert!(report.controls.is_empty() && report.banner.is_none());

    // A real settings page that also carries a login form somewhere is still read.
    let mut both = page(AI_PAGE, vec![switch("allowDataForGenerativeAI", true)]);
    both.login_form = true;
    assert_eq!(analyze(&both).page.kind, PageKind::Setting);

    let authwall = analyze(&page(
        "https://www.linkedin.com/authwall?trk=x",
        vec![switch("allowDataForGenerativeAI", true)],
    ));
    assert_eq!(authwall.page.kind, PageKind::SignInWall);
    assert!(authwall.controls.is_empty());
}

#[test]
fn empty_and_outside_pages_yield_no_items() {
    let empty = analyze(&page(AI_PAGE, vec![]));
    assert_eq!(empty.page.kind, PageKind::Empty);
    assert!(empty.banner.is_none());
    for url in [
        "https://www.linkedin.com/feed/",
        "https://www.linkedin.com.evil.example/mypreferences/d/settings/data-for-ai-improvement",
        "https://evil.example/?https://www.linkedin.com/mypreferences/",
        "",
        "not a url",
    ] {
        let report = analyze(&page(url, vec![switch("allowDataForGenerativeAI", true)]));
        assert_eq!(report.page.kind, PageKind::Outside, "{url}");
        assert!(report.controls.is_empty(), "{url}");
    }
}

#[test]
fn overview_links_with_on_and_off_text() {
    let mut snapshot = page(
        "https://www.linkedin.com/mypreferences/d/categories/privacy",
        vec![],
    );
    snapshot.links = vec![
        link(
            "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement",
            Some("On"),
        ),
        link(
            "/mypreferences/d/settings/policy-and-academic-research?trk=x",
            Some("Off"),
        ),
        link(
            "https://www.linkedin.com/mypreferences/d/settings/profile-visibility",
            Some("On"),
        ),
        link(
            "https://www.linkedin.com/mypreferences/d/settings/ads-by-age",
            Some("Maybe"),
        ),
        link(
            "https://www.linkedin.com/mypreferences/d/settings/ads-by-gender",
            None,
        ),
    ];
    let report = analyze(&snapshot);
    assert_eq!(report.page.kind, PageKind::Overview);
    let got: Vec<(usize, &str, State)> = report
        .links
        .iter()
        .map(|l| (l.index, l.item, l.state))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, "ai-training", State::On),
            (1, "research", State::Off),
            (3, "ads-by-age", State::Unknown),
            (4, "ads-by-gender", State::Unknown),
        ]
    );
    assert!(report
        .links
        .iter()
        .all(|l| l.evidence.strategy == Strategy::OverviewLink));
    let banner = report.banner.expect("banner");
    assert_eq!((banner.on, banner.off, banner.unknown), (1, 1, 2));
}

#[test]
fn overview_state_words_follow_the_page_language() {
    assert_eq!(state_from_words("Aus", Some("de")), State::Off);
    assert_eq!(state_from_words("An", Some("de")), State::On);
    assert_eq!(state_from_words("Désactivé", Some("fr")), State::Off);
    assert_eq!(state_from_words(" off ", None), State::Off);
    // "No" means off in Spanish and Italian but nothing in English: without a language it is
    // still off (every language that knows it agrees); "Non" likewise in French.
    assert_eq!(state_from_words("No", None), State::Off);
    assert_eq!(state_from_words("Sometimes", Some("en")), State::Unknown);
    assert_eq!(state_from_words("", Some("en")), State::Unknown);
}

#[test]
fn one_warning_per_item_even_when_a_switch_is_rendered_twice() {
    let report = analyze(&page(
        AI_PAGE,
        vec![
            switch("allowDataForGenerativeAI", true),
            switch("allowDataForGenerativeAI", true),
        ],
    ));
    let warnings = report
        .controls
        .iter()
        .filter(|c| c.warning.is_some())
        .count();
    assert_eq!(warnings, 1);
    assert_eq!(
        report.banner.expect("banner").on,
        1,
        "counted once per item"
    );
}

#[test]
fn linkedin_path_normalizes() {
    assert_eq!(
        linkedin_path("https://www.linkedin.com/MyPreferences/d/?a=b#c").as_deref(),
        Some("/mypreferences/d")
    );
    assert_eq!(
        linkedin_path("https://www.linkedin.com").as_deref(),
        Some("/")
    );
    assert_eq!(linkedin_path("//evil.example/x"), None);
    assert_eq!(linkedin_path("https://www.linkedin.company/x"), None);
}

#[test]
fn snapshot_parses_from_the_content_scripts_json() {
    let json = r#"{"url":"https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement","lang":"en",
      "login_form":false,"controls":[{"tag":"input","type":"checkbox","role":"switch","id":"ember4",
      "aria_labelledby":"allowDataForGenerativeAI","label":"Use my data","description":null,
      "checked":true,"aria_checked":"true","disabled":false,"future_field":1}],"links":[]}"#;
    let snapshot: PageSnapshot = serde_json::from_str(json).expect("parses");
    assert_eq!(analyze(&snapshot).controls[0].state, State::On);
}

fn arb_text() -> impl Gen<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("allowDataForGenerativeAI".to_string())),
        Just(Some("Data for Generative AI Improvement".to_string())),
        Just(Some("true".to_string())),
        Just(Some("false".to_string())),
        Just(Some("Off".to_string())),
        "\\PC{0,30}".prop_map(Some),
    ]
}

fn arb_control() -> impl Gen<Value = Control> {
    (
        prop_oneof![
            Just("input".to_string()),
            Just("button".to_string()),
            Just("div".to_string()),
            "\\PC{0,6}"
        ],
        prop_oneof![
            Just(None),
            Just(Some("checkbox".to_string())),
            Just(Some("radio".to_string()))
        ],
        prop_oneof![
            Just(None),
            Just(Some("switch".to_string())),
            Just(Some("checkbox".to_string())),
            Just(Some("SWITCH".to_string()))
        ],
        (arb_text(), arb_text(), arb_text(), arb_text()),
        proptest::option::of(any::<bool>()),
        arb_text(),
        any::<bool>(),
    )
        .prop_map(
            |(
                tag,
                input_type,
                role,
                (id, aria_labelledby, label, description),
                checked,
                aria_checked,
                disabled,
            )| Control {
                tag,
                input_type,
                role,
                id,
                aria_labelledby,
                label,
                description,
                checked,
                aria_checked,
                disabled,
            },
        )
}

fn arb_snapshot() -> impl Gen<Value = PageSnapshot> {
    (
        prop_oneof![
            Just(AI_PAGE.to_string()),
            Just("https://www.linkedin.com/mypreferences/d/categories/privacy".to_string()),
            Just("https://www.linkedin.com/login".to_string()),
            Just("https://www.linkedin.com/psettings/".to_string()),
            "\\PC{0,40}",
        ],
        arb_text(),
        any::<bool>(),
        proptest::collection::vec(arb_control(), 0..6),
        proptest::collection::vec(
            (
                prop_oneof![
                    Just("/mypreferences/d/settings/ads-by-age".to_string()),
                    "\\PC{0,40}"
                ],
                arb_text(),
                arb_text(),
            )
                .prop_map(|(href, text, state_text)| Link {
                    href,
                    text,
                    state_text,
                }),
            0..4,
        ),
    )
        .prop_map(|(url, lang, login_form, controls, links)| PageSnapshot {
            url,
            lang,
            login_form,
            controls,
            links,
        })
}

/// The only controls allowed to read as off, restated independently of `read_state`.
fn unambiguously_off(c: &Control) -> bool {
    let aria = c
        .aria_checked
        .as_deref()
        .map(|a| a.trim().to_ascii_lowercase());
    let native = c.tag.eq_ignore_ascii_case("input")
        && c.input_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("checkbox"));
    if native {
        c.checked == Some(false) && matches!(aria.as_deref(), None | Some("false"))
    } else {
        c.role
            .as_deref()
            .is_some_and(|r| r.trim().eq_ignore_ascii_case("switch"))
            && aria.as_deref() == Some("false")
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_snapshots_never_panic_never_claim_off_unseen_and_name_only_catalog_items(snapshot in arb_snapshot()) {
        let report = analyze(&snapshot);
        for finding in &report.controls {
            let control = &snapshot.controls[finding.index];
            if finding.state == State::Off {
                prop_assert!(unambiguously_off(control), "off from {:?}", control);
            }
            prop_assert_eq!(finding.item.is_none(), finding.state == State::Unrecognised);
            if let Some(id) = finding.item {
                prop_assert!(crate::catalog::item(id).is_some());
            }
            prop_assert_eq!(finding.warning.is_some() && finding.state != State::On, false);
        }
        for finding in &report.links {
            prop_assert!(crate::catalog::item(finding.item).is_some());
            if finding.state == State::Off {
                let text = snapshot.links[finding.index].state_text.clone().unwrap_or_default();
                prop_assert!(state_from_words(&text, None) == State::Off || state_from_words(&text, snapshot.lang.as_deref()) == State::Off);
            }
        }
        if matches!(report.page.kind, PageKind::SignInWall | PageKind::Empty | PageKind::Outside) {
            prop_assert!(report.controls.is_empty() && report.links.is_empty());
        }
    }
}

#[test]
fn per_item_keeps_the_most_worrying_reading() {
    let mut items = PerItem::default();
    items.add("ai-training", State::Off, "first");
    items.add("research", State::Unknown, "a");
    items.add("ai-training", State::On, "second");
    items.add("ai-training", State::Unknown, "third");
    items.add("research", State::Off, "b");
    assert_eq!(
        items.0,
        vec![
            ("ai-training", State::On, "second"),
            ("research", State::Unknown, "a")
        ]
    );
    assert!(items.contains("research") && !items.contains("ads-by-age"));
}
