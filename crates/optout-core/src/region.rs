//! Which items apply in which region. The rule of last resort: when the region is unknown,
//! everything applies, because hiding a risk on a guess is worse than showing one too many.

use serde::Serialize;

use crate::catalog::{Applies, Item};
pub use crate::vocab::Region;

/// Whether an item applies to a member in a region, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "applies", rename_all = "kebab-case")]
pub enum Applicability {
    Applies { since: Option<&'static str> },
    NotApplicable { reason: String },
}

impl Applicability {
    pub fn applies(&self) -> bool {
        matches!(self, Applicability::Applies { .. })
    }
}

pub fn applicability(item: &Item, region: Region) -> Applicability {
    let rules = match item.applies {
        Applies::Everywhere => return Applicability::Applies { since: None },
        Applies::In(rules) => rules,
    };
    if region == Region::Unknown {
        // The earliest start anywhere is the honest "since" for a member we can't place.
        let since = rules.iter().filter_map(|r| r.since).min();
        return Applicability::Applies { since };
    }
    match rules.iter().find(|r| r.regions.contains(&region)) {
        Some(rule) => Applicability::Applies { since: rule.since },
        None => {
            // In the picker's order, so "most other countries" comes last.
            let places: Vec<&str> = Region::ALL
                .into_iter()
                .filter(|r| rules.iter().any(|rule| rule.regions.contains(r)))
                .map(Region::place)
                .collect();
            Applicability::NotApplicable {
                reason: format!(
                    "LinkedIn does not apply this in {}. It applies in {}.",
                    region.place(),
                    list(&places)
                ),
            }
        }
    }
}

/// "a", "a and b", "a, b and c".
fn list(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::item;

    fn applies(id: &str, region: Region) -> bool {
        applicability(item(id).expect("catalog item"), region).applies()
    }

    #[test]
    fn ai_training_applies_in_every_region_since_november_2025_at_the_latest() {
        for region in Region::ALL {
            assert!(applies("ai-training", region), "{region:?}");
        }
        let eu = applicability(item("ai-training").expect("item"), Region::EuEea);
        assert_eq!(
            eu,
            Applicability::Applies {
                since: Some("2025-11-03")
            }
        );
        let us = applicability(item("ai-training").expect("item"), Region::Us);
        assert_eq!(
            us,
            Applicability::Applies {
                since: Some("2024-09-18")
            }
        );
    }

    #[test]
    fn microsoft_ad_sharing_skips_eu_uk_and_switzerland_only() {
        for id in ["ads-share-affiliates", "microsoft-withdraw"] {
            for region in [Region::EuEea, Region::Uk, Region::Ch] {
                assert!(!applies(id, region), "{id} should not apply in {region:?}");
            }
            for region in [Region::Us, Region::Ca, Region::Hk, Region::Other] {
                assert!(applies(id, region), "{id} should apply in {region:?}");
            }
        }
    }

    #[test]
    fn unknown_region_means_everything_applies() {
        for item in crate::catalog::items() {
            assert!(
                applicability(item, Region::Unknown).applies(),
                "{}",
                item.id
            );
        }
    }

    #[test]
    fn not_applicable_says_why_in_words() {
        let a = applicability(item("ads-share-affiliates").expect("item"), Region::Uk);
        match a {
            Applicability::NotApplicable { reason } => {
                assert_eq!(
                    reason,
                    "LinkedIn does not apply this in the United Kingdom. It applies in the \
                     United States, Canada, Hong Kong and most other countries."
                );
            }
            other => panic!("expected not applicable, got {other:?}"),
        }
    }

    #[test]
    fn everywhere_items_apply_in_each_region() {
        for region in Region::ALL {
            assert!(applies("ads-beyond-linkedin", region));
            assert!(applies("objection-form", region));
        }
    }
}
