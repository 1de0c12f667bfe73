//! A small JSON Schema checker for the answers of a backend: the subset the task
//! files use — `type` (object, array, string, number, integer, boolean, null),
//! `required`, `properties`, `additionalProperties: false`, `enum`, `items`,
//! `minimum` / `maximum`, `minLength`, `maxItems`. Anything else in a schema is
//! ignored (documented in `docs/text.md`), so a schema written for an endpoint's own
//! structured-output mode still works here.

use serde_json::Value;

/// The first violation of `schema` by `value`, as (JSON pointer, message); None when
/// the value conforms.
pub fn violation(schema: &Value, value: &Value) -> Option<(String, String)> {
    check(schema, value, "")
}

fn type_matches(ty: &str, v: &Value) -> bool {
    match ty {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.as_f64().is_some_and(|x| x.fract() == 0.0),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn check_type(schema: &Value, v: &Value, at: &str) -> Option<(String, String)> {
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    if types.iter().any(|t| type_matches(t, v)) {
        None
    } else {
        Some((
            at.to_string(),
            format!("expected {}, found {}", types.join(" or "), kind(v)),
        ))
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check(schema: &Value, v: &Value, at: &str) -> Option<(String, String)> {
    if let Some(e) = check_type(schema, v, at) {
        return Some(e);
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(v) {
            let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
            return Some((
                at.to_string(),
                format!("{v} is not one of {}", list.join(", ")),
            ));
        }
    }
    check_bounds(schema, v, at)
        .or_else(|| check_object(schema, v, at))
        .or_else(|| check_array(schema, v, at))
}

fn check_bounds(schema: &Value, v: &Value, at: &str) -> Option<(String, String)> {
    if let Some(x) = v.as_f64() {
        if let Some(lo) = schema.get("minimum").and_then(Value::as_f64) {
            if x < lo {
                return Some((at.to_string(), format!("{x} is below the minimum {lo}")));
            }
        }
        if let Some(hi) = schema.get("maximum").and_then(Value::as_f64) {
            if x > hi {
                return Some((at.to_string(), format!("{x} is above the maximum {hi}")));
            }
        }
    }
    if let (Some(s), Some(n)) = (v.as_str(), schema.get("minLength").and_then(Value::as_u64)) {
        if (s.chars().count() as u64) < n {
            return Some((
                at.to_string(),
                format!("a string of at least {n} characters expected"),
            ));
        }
    }
    None
}

fn check_object(schema: &Value, v: &Value, at: &str) -> Option<(String, String)> {
    let obj = v.as_object()?;
    if let Some(req) = schema.get("required").and_then(Value::as_array) {
        for r in req.iter().filter_map(Value::as_str) {
            if !obj.contains_key(r) {
                return Some((at.to_string(), format!("required field \"{r}\" is missing")));
            }
        }
    }
    let props = schema.get("properties").and_then(Value::as_object);
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    for (k, x) in obj {
        let here = format!("{at}/{k}");
        match props.and_then(|p| p.get(k)) {
            Some(sub) => {
                if let Some(e) = check(sub, x, &here) {
                    return Some(e);
                }
            }
            None if closed => return Some((here, "field not allowed by the schema".into())),
            None => {}
        }
    }
    None
}

fn check_array(schema: &Value, v: &Value, at: &str) -> Option<(String, String)> {
    let arr = v.as_array()?;
    if let Some(n) = schema.get("maxItems").and_then(Value::as_u64) {
        if arr.len() as u64 > n {
            return Some((
                at.to_string(),
                format!("at most {n} items expected, found {}", arr.len()),
            ));
        }
    }
    let item_schema = schema.get("items")?;
    arr.iter()
        .enumerate()
        .find_map(|(i, x)| check(item_schema, x, &format!("{at}/{i}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn label_schema() -> Value {
        json!({"type": "object", "required": ["label"], "additionalProperties": false,
               "properties": {"label": {"type": "string", "enum": ["growth", "value"]},
                              "score": {"type": "number", "minimum": 0, "maximum": 1},
                              "reason": {"type": "string"}}})
    }

    #[test]
    fn conforming_answer_passes() {
        assert_eq!(
            violation(&label_schema(), &json!({"label": "value", "score": 0.5})),
            None
        );
    }

    #[test]
    fn each_rule_names_the_place() {
        let s = label_schema();
        let cases = [
            (json!([1]), "", "expected object"),
            (json!({"score": 0.2}), "", "\"label\" is missing"),
            (json!({"label": "momentum"}), "/label", "not one of"),
            (json!({"label": 3}), "/label", "expected string"),
            (
                json!({"label": "value", "score": 1.5}),
                "/score",
                "above the maximum",
            ),
            (
                json!({"label": "value", "extra": 1}),
                "/extra",
                "not allowed",
            ),
        ];
        for (v, at, msg) in cases {
            let (p, m) = violation(&s, &v).expect("a violation");
            assert_eq!(p, at, "{v}");
            assert!(m.contains(msg), "{m} for {v}");
        }
    }

    #[test]
    fn array_items_are_checked_with_their_index() {
        let s = json!({"type": "object", "required": ["items"], "properties": {"items": {
            "type": "array", "maxItems": 3,
            "items": {"type": "object", "required": ["concept"], "properties": {"concept": {"type": "string"}}}}}});
        assert_eq!(violation(&s, &json!({"items": []})), None);
        let (p, _) = violation(&s, &json!({"items": [{"concept": "a"}, {"stock": "b"}]})).unwrap();
        assert_eq!(p, "/items/1");
        let (p, m) = violation(&s, &json!({"items": [{}, {}, {}, {}]})).unwrap();
        assert_eq!((p.as_str(), m.contains("at most 3")), ("/items", true));
    }

    #[test]
    fn integer_and_union_types() {
        let s = json!({"type": ["integer", "null"]});
        assert_eq!(violation(&s, &json!(3)), None);
        assert_eq!(violation(&s, &Value::Null), None);
        assert!(violation(&s, &json!(3.5)).is_some());
    }
}
