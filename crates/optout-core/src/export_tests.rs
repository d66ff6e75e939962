use super::*;
use crate::detect::{analyze, Control, PageSnapshot};
use serde_json::Value;

const T0: i64 = 1_795_000_000_000;

/// The file's text, as the extension writes it (the JSON document through a JSON writer).
fn text_of(file: &ExportedFile) -> String {
    match &file.body {
        Body::Text(text) => text.clone(),
        Body::Document(doc) => serde_json::to_string_pretty(doc).expect("serializes"),
    }
}

/// Imports text the way the extension does: size check, parse, then the core's validation.
fn import(text: &str) -> Result<Imported, ImportError> {
    check_import_size(text.len())?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| ImportError::NotJson(e.to_string()))?;
    super::import(|| &value)
}

fn sample() -> Checklist {
    let report = analyze(&PageSnapshot {
        url: "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement".into(),
        controls: vec![Control {
            tag: "input".into(),
            input_type: Some("checkbox".into()),
            aria_labelledby: Some("allowDataForGenerativeAI".into()),
            checked: Some(true),
            ..Control::default()
        }],
        ..PageSnapshot::default()
    });
    let mut checklist = Checklist::default();
    checklist.record(&report, T0 - 1000);
    checklist
        .mark("objection-form", true, T0 - 500)
        .expect("manual");
    checklist.set_region("uk").expect("region");
    checklist
}

#[test]
fn json_follows_the_public_format() {
    let file = export(&sample(), Format::Json, T0, "0.1.0");
    assert_eq!(file.filename, "optout-guard-checklist-2026-11-18.json");
    assert_eq!(file.mime, "application/json");
    let value: Value = serde_json::from_str(&text_of(&file)).expect("json");
    assert_eq!(value["format"], "optout-guard/checklist");
    assert_eq!(value["version"], 1);
    assert_eq!(value["exported_at"], "2026-11-18T11:06:40Z");
    assert_eq!(value["region"], "uk");
    assert_eq!(value["extension_version"], "0.1.0");
    let items = value["items"].as_array().expect("items");
    assert_eq!(items.len(), catalog::items().len());
    let ai = &items[0];
    let keys: Vec<&str> = ai
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 8);
    for key in [
        "id",
        "title",
        "tier",
        "category",
        "status",
        "last_seen",
        "evidence",
        "url",
    ] {
        assert!(keys.contains(&key), "{key}");
    }
    assert_eq!(ai["id"], "ai-training");
    assert_eq!(ai["status"], "on");
    assert_eq!(ai["last_seen"], "2026-11-18T11:06:39Z");
    let by_id = |id: &str| items.iter().find(|i| i["id"] == id).expect("item").clone();
    assert_eq!(by_id("ads-share-affiliates")["status"], "not-applicable");
    assert_eq!(by_id("objection-form")["status"], "done");
    assert_eq!(by_id("research")["status"], "unknown");
    assert_eq!(by_id("research")["last_seen"], Value::Null);
    assert_eq!(by_id("download-my-data")["status"], "todo");
}

#[test]
fn json_export_import_export_is_identical() {
    let first = text_of(&export(&sample(), Format::Json, T0, "0.1.0"));
    let imported = import(&first).expect("imports");
    assert!(imported.skipped.is_empty());
    let second = text_of(&export(&imported.checklist, Format::Json, T0, "0.1.0"));
    assert_eq!(first, second);
}

#[test]
fn csv_has_the_promised_columns_and_quotes_awkward_fields() {
    let text = text_of(&export(&sample(), Format::Csv, T0, "0.1.0"));
    let mut lines = text.split("\r\n");
    assert_eq!(lines.next(), Some("id,title,tier,status,last_seen,url"));
    assert_eq!(
        lines.next(),
        Some("ai-training,Data for Generative AI Improvement,essential,on,2026-11-18T11:06:39Z,https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement")
    );
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches("\r\n").count(), catalog::items().len() + 1);
    // "Data from others (interactions with businesses)" has no comma; research's title neither:
    // the quoting rule is checked on awkward titles directly.
    assert_eq!(
        csv_field("Social, economic and workplace research"),
        "\"Social, economic and workplace research\""
    );
    assert_eq!(csv_field("Say \"no\""), "\"Say \"\"no\"\"\"");
    assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    assert_eq!(csv_field("plain"), "plain");
}

#[test]
fn markdown_is_a_readable_report_with_checkboxes() {
    let text = text_of(&export(&sample(), Format::Markdown, T0, "0.1.0"));
    assert!(text.starts_with("# LinkedIn opt-out checklist"));
    assert!(text.contains("Region: United Kingdom."));
    assert!(text.contains("- [ ] **Data for Generative AI Improvement**: ON"));
    assert!(text.contains("- [x] **Data Processing Objection Form**: done"));
    assert!(text.contains("## Recommended") && text.contains("## Optional"));
}

#[test]
fn markdown_escapes_page_text_in_evidence() {
    let mut checklist = sample();
    if let Some(entry) = checklist.items.get_mut("ai-training") {
        entry.evidence = Some("label [click](https://evil.example) <b>".into());
    }
    let text = text_of(&export(&checklist, Format::Markdown, T0, "0.1.0"));
    assert!(
        text.contains("label \\[click\\](https://evil.example) \\<b\\>"),
        "{text}"
    );
}

#[test]
fn imports_of_the_wrong_shape_are_refused_with_a_reason() {
    let good = text_of(&export(&sample(), Format::Json, T0, "0.1.0"));
    assert!(matches!(import("not json"), Err(ImportError::NotJson(_))));
    assert_eq!(
        import("{\"format\":\"something-else\",\"version\":1}"),
        Err(ImportError::WrongFormat)
    );
    assert!(matches!(
        import(&good.replace("\"version\": 1", "\"version\": 2")),
        Err(ImportError::WrongVersion { .. })
    ));
    assert!(matches!(
        import(&good.replace("\"region\": \"uk\"", "\"region\": \"atlantis\"")),
        Err(ImportError::Shape(_))
    ));
    assert!(matches!(
        import(&good.replace("\"status\": \"done\"", "\"status\": \"on\"")),
        Err(ImportError::Shape(_))
    ));
    assert!(matches!(
        import(&good.replace("2026-11-18T11:06:39Z", "yesterday")),
        Err(ImportError::Shape(_))
    ));
    assert!(matches!(
        import(&good.replacen("\"research\"", "\"ai-training\"", 1)),
        Err(ImportError::Shape(_))
    ));
    let huge = format!(
        "{{\"format\":\"optout-guard/checklist\",\"pad\":\"{}\"}}",
        "x".repeat(MAX_IMPORT_BYTES)
    );
    assert!(matches!(import(&huge), Err(ImportError::TooLarge { .. })));
    assert!(matches!(import("[]"), Err(ImportError::WrongFormat)));
}

#[test]
fn unknown_item_ids_from_a_newer_version_are_skipped_and_reported() {
    let good = text_of(&export(&sample(), Format::Json, T0, "0.1.0"));
    let renamed = good.replace("\"permitted-services\"", "\"brand-new-setting\"");
    let imported = import(&renamed).expect("imports");
    assert_eq!(imported.skipped, vec!["brand-new-setting".to_string()]);
    assert_eq!(imported.checklist.region, Region::Uk);
}

#[test]
fn format_words() {
    assert_eq!(Format::parse("json"), Ok(Format::Json));
    assert_eq!(Format::parse("md"), Ok(Format::Markdown));
    assert!(Format::parse("pdf").is_err());
}
