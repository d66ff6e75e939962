use super::schema::{self, AppliesFile, CatalogFile};
use super::*;

const CATALOG_TOML: &str = include_str!("../../catalog.toml");

fn parsed() -> CatalogFile {
    toml::from_str(CATALOG_TOML).expect("catalog.toml parses against the schema")
}

#[test]
fn embedded_file_passes_every_rule() {
    assert_eq!(schema::problems(&parsed()), Vec::<String>::new());
}

#[test]
fn compiled_data_is_the_file() {
    let file = parsed();
    assert_eq!(file.items.len(), items().len());
    for (from_file, compiled) in file.items.iter().zip(items()) {
        assert_eq!(from_file.id, compiled.id);
        assert_eq!(from_file.title, compiled.title);
        assert_eq!(from_file.url, compiled.url);
        assert_eq!(from_file.tier, compiled.tier);
        assert_eq!(from_file.kind, compiled.kind);
        assert_eq!(from_file.category, compiled.category);
        assert_eq!(from_file.switch_ids, compiled.switch_ids);
        let labels: Vec<(&str, &str)> = from_file
            .labels
            .iter()
            .flat_map(|(lang, texts)| texts.iter().map(move |t| (lang.as_str(), t.as_str())))
            .collect();
        let compiled_labels: Vec<(&str, &str)> =
            compiled.labels.iter().map(|l| (l.lang, l.text)).collect();
        assert_eq!(labels, compiled_labels, "{}", compiled.id);
        for label in compiled.labels {
            assert_eq!(label.key, crate::text::normalize(label.text));
        }
        match (&from_file.applies, &compiled.applies) {
            (AppliesFile::Everywhere(_), Applies::Everywhere) => {}
            (AppliesFile::In(a), Applies::In(b)) => {
                assert_eq!(a.len(), b.len());
                for (x, y) in a.iter().zip(b.iter()) {
                    assert_eq!(x.regions, y.regions);
                    assert_eq!(x.since.as_deref(), y.since);
                }
            }
            _ => panic!("{}: applies differs", compiled.id),
        }
    }
    assert_eq!(file.state_words.len(), state_words().len());
    for words in state_words() {
        let from_file = &file.state_words[words.lang];
        let keys =
            |w: &[String]| -> Vec<String> { w.iter().map(|x| crate::text::normalize(x)).collect() };
        assert_eq!(keys(&from_file.on), words.on);
        assert_eq!(keys(&from_file.off), words.off);
    }
}

#[test]
fn public_ids_pages_switches_and_tiers_are_as_promised() {
    let contract = [
        (
            "ai-training",
            "/mypreferences/d/settings/data-for-ai-improvement",
            Some("allowDataForGenerativeAI"),
            Tier::Essential,
        ),
        (
            "ads-share-affiliates",
            "/mypreferences/d/settings/share-data-with-select-partners",
            Some("shareDataWithTrustedPartners"),
            Tier::Essential,
        ),
        (
            "ads-beyond-linkedin",
            "/mypreferences/d/settings/ads-beyond-linkedin",
            Some("allowLinkedInAudienceNetwork"),
            Tier::Essential,
        ),
        (
            "ads-data-from-others",
            "/mypreferences/d/settings/ads-interactions-with-business",
            Some("allowUseOfThirdPartyData"),
            Tier::Essential,
        ),
        (
            "ads-measure-success",
            "/mypreferences/d/settings/ads-related-actions",
            Some("allowConversionTrackings"),
            Tier::Essential,
        ),
        (
            "objection-form",
            "/help/linkedin/ask/TS-DPRO",
            None,
            Tier::Essential,
        ),
        (
            "research",
            "/mypreferences/d/settings/policy-and-academic-research",
            Some("allowAnonymizedDataResearch"),
            Tier::Recommended,
        ),
        (
            "ads-interests-traits",
            "/mypreferences/d/interest-categories",
            Some("adsPrivacyAllowInterestsAndBehaviors"),
            Tier::Recommended,
        ),
        (
            "ads-by-age",
            "/mypreferences/d/settings/ads-by-age",
            Some("allowAdsByAge"),
            Tier::Recommended,
        ),
        (
            "ads-by-gender",
            "/mypreferences/d/settings/ads-by-gender",
            Some("allowAdsByGender"),
            Tier::Recommended,
        ),
        (
            "ads-inferred-location",
            "/mypreferences/d/settings/ads-inferred-location",
            Some("allowIpToPersonalizeAds"),
            Tier::Recommended,
        ),
        (
            "marketing-promotions",
            "/mypreferences/d/settings/linkedin-promotions",
            Some("allowProfileAndActivityDataForMarketingAds"),
            Tier::Recommended,
        ),
        (
            "non-essential-cookies",
            "/mypreferences/d/member-cookies",
            Some("nonEssentialCookieConsent"),
            Tier::Recommended,
        ),
        (
            "microsoft-withdraw",
            "https://account.microsoft.com/privacy",
            None,
            Tier::Recommended,
        ),
        (
            "download-my-data",
            "/mypreferences/d/download-my-data",
            None,
            Tier::Optional,
        ),
        (
            "permitted-services",
            "/mypreferences/d/permitted-services",
            None,
            Tier::Optional,
        ),
    ];
    assert_eq!(items().len(), contract.len());
    for (id, page, switch_id, tier) in contract {
        let item = item(id).unwrap_or_else(|| panic!("{id} missing"));
        let url = if page.starts_with('/') {
            format!("https://www.linkedin.com{page}")
        } else {
            page.to_string()
        };
        assert_eq!(item.url, url, "{id}");
        assert_eq!(item.tier, tier, "{id}");
        match switch_id {
            Some(sid) => {
                assert_eq!(item.kind, Kind::Switch, "{id}");
                assert!(item.switch_ids.contains(&sid), "{id}");
                assert_eq!(item.safe_state, Some(SafeState::Off), "{id}");
            }
            None => assert_eq!(item.kind, Kind::Manual, "{id}"),
        }
    }
}

#[test]
fn every_item_is_complete_and_linkedin_urls_are_canonical() {
    let mut switch_ids = std::collections::BTreeSet::new();
    for item in items() {
        assert!(
            !item.title.is_empty() && !item.why.is_empty() && !item.how.is_empty(),
            "{}",
            item.id
        );
        assert!(item.why.ends_with('.'), "{}: why is one sentence", item.id);
        if item.url.contains("linkedin.com") {
            assert!(
                item.url.starts_with("https://www.linkedin.com/"),
                "{}",
                item.id
            );
        }
        if let Applies::In(rules) = item.applies {
            assert!(!rules.is_empty(), "{}", item.id);
        }
        for sid in item.switch_ids {
            assert!(switch_ids.insert(*sid), "switch id {sid} twice");
        }
    }
}

#[test]
fn the_ai_setting_is_known_in_five_languages() {
    let ai = item("ai-training").expect("ai-training");
    let langs: std::collections::BTreeSet<&str> = ai.labels.iter().map(|l| l.lang).collect();
    for lang in ["en", "de", "fr", "nl", "pt"] {
        assert!(langs.contains(lang), "{lang}");
    }
}

#[test]
fn a_broken_catalog_is_refused() {
    let unknown_key = CATALOG_TOML.replacen(
        "tier = \"essential\"",
        "tier = \"essential\"\ncolour = \"red\"",
        1,
    );
    assert!(toml::from_str::<CatalogFile>(&unknown_key).is_err());
    let bad_applies =
        CATALOG_TOML.replacen("applies = \"everywhere\"", "applies = \"somewhere\"", 1);
    assert!(toml::from_str::<CatalogFile>(&bad_applies).is_err());
    let duplicate = CATALOG_TOML.replacen("id = \"research\"", "id = \"ai-training\"", 1);
    let problems = schema::problems(&toml::from_str(&duplicate).expect("still parses"));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("duplicate item id ai-training")),
        "{problems:?}"
    );
    let http = CATALOG_TOML.replacen(
        "url = \"https://www.linkedin.com/mypreferences/d/settings/ads-by-age\"",
        "url = \"http://linkedin.com/ads-by-age\"",
        1,
    );
    let problems = schema::problems(&toml::from_str(&http).expect("still parses"));
    assert!(!problems.is_empty());
}
