//! The API reference page: the served OpenAPI document laid out for people, operations
//! grouped by tag, each with its parameters, request and response schemas, an example body
//! and a curl command. Built from the document itself, so it says what the API does.

use super::Layout;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Serialize)]
pub struct ApiReferenceView {
    pub layout: Layout,
    pub title: String,
    pub description: String,
    pub version: String,
    /// The API's base URL (the document's first server).
    pub base_url: String,
    pub openapi_url: String,
    pub tags: Vec<ApiTagView>,
    pub schemas: Vec<ApiSchemaView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiTagView {
    pub name: String,
    pub anchor: String,
    pub description: String,
    pub operations: Vec<ApiOperationView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiOperationView {
    pub anchor: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<ApiFieldView>,
    /// The request body's media type and schema, if it takes one.
    pub request: Option<ApiBodyView>,
    pub responses: Vec<ApiResponseView>,
    pub curl: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiFieldView {
    pub name: String,
    /// `path`, `query`, `header`, or empty for a body field.
    pub location: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiBodyView {
    pub content_type: String,
    /// The schema's name (links to it), or its type.
    pub schema: String,
    pub schema_anchor: Option<String>,
    pub example: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiResponseView {
    pub status: String,
    pub description: String,
    pub bodies: Vec<ApiBodyView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiSchemaView {
    pub name: String,
    pub anchor: String,
    pub description: String,
    pub fields: Vec<ApiFieldView>,
    pub example: String,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn anchor(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
}

/// A schema in a few words: `AwardOut`, `array of AwardOut`, `string (email)`, …
fn kind(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return name.to_owned();
    }
    if let Some(all) = schema
        .get("oneOf")
        .or_else(|| schema.get("allOf"))
        .and_then(Value::as_array)
    {
        let parts: Vec<String> = all
            .iter()
            .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            .map(kind)
            .collect();
        return parts.join(" or ");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let vs: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        return format!("one of {}", vs.join(", "));
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    };
    if ty == "array" {
        return format!(
            "array of {}",
            schema.get("items").map_or_else(|| "any".to_owned(), kind)
        );
    }
    match schema.get("format").and_then(Value::as_str) {
        Some(f) => format!("{ty} ({f})"),
        None => ty,
    }
}

/// An example value for a schema, following references a few levels deep.
fn example(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 4 {
        return Value::Null;
    }
    if let Some(ex) = schema
        .get("example")
        .or_else(|| schema.get("examples").and_then(|e| e.get(0)))
    {
        return ex.clone();
    }
    if let Some(name) = ref_name(schema) {
        let target = &doc["components"]["schemas"][name];
        return example(doc, target, depth + 1);
    }
    if let Some(first) = schema
        .get("oneOf")
        .or_else(|| schema.get("allOf"))
        .and_then(Value::as_array)
        .and_then(|all| {
            all.iter()
                .find(|s| s.get("type").and_then(Value::as_str) != Some("null"))
        })
    {
        return example(doc, first, depth + 1);
    }
    if let Some(v) = schema.get("enum").and_then(|e| e.get(0)) {
        return v.clone();
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ => "object",
    };
    match ty {
        "object" => {
            let mut out = serde_json::Map::new();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, v) in props {
                    out.insert(k.clone(), example(doc, v, depth + 1));
                }
            }
            Value::Object(out)
        }
        "array" => Value::Array(vec![example(
            doc,
            schema.get("items").unwrap_or(&Value::Null),
            depth + 1,
        )]),
        "integer" => Value::from(1),
        "number" => Value::from(1.5),
        "boolean" => Value::from(true),
        "string" => Value::from(match schema.get("format").and_then(Value::as_str) {
            Some("email") => "ada@example.org",
            Some("date-time") => "2026-05-01T09:00:00Z",
            _ => "…",
        }),
        _ => Value::Null,
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn body(doc: &Value, content_type: &str, media: &Value) -> ApiBodyView {
    let schema = media.get("schema").unwrap_or(&Value::Null);
    let json = content_type.contains("json");
    ApiBodyView {
        content_type: content_type.to_owned(),
        schema: kind(schema),
        schema_anchor: ref_name(schema).map(|n| format!("schema-{}", anchor(n))),
        example: json.then(|| pretty(&example(doc, schema, 0))),
    }
}

fn fields(schema: &Value) -> Vec<ApiFieldView> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, p)| ApiFieldView {
            name: name.clone(),
            location: String::new(),
            kind: kind(p),
            required: required.contains(&name.as_str()),
            description: text(p, "description"),
        })
        .collect()
}

fn curl(base: &str, method: &str, path: &str, request: Option<&ApiBodyView>) -> String {
    let mut out = String::from("curl");
    if method != "GET" {
        out.push_str(&format!(" -X {method}"));
    }
    out.push_str(&format!(
        " \"{base}{path}\" \\\n  -H \"Authorization: Bearer $ACCOLADE_API_KEY\""
    ));
    if let Some(b) = request {
        out.push_str(&format!(" \\\n  -H \"Content-Type: {}\"", b.content_type));
        if method == "POST" {
            out.push_str(" \\\n  -H \"Idempotency-Key: $(uuidgen)\"");
        }
        match &b.example {
            Some(ex) => out.push_str(&format!(" \\\n  --data '{}'", ex.replace('\'', "'\\''"))),
            None => out.push_str(" \\\n  --data-binary @recipients.csv"),
        }
    }
    out
}

impl ApiReferenceView {
    /// The page for the OpenAPI document `doc` (as served, with its server).
    pub fn of(doc: &Value, layout: Layout) -> Self {
        let info = &doc["info"];
        let base_url = doc["servers"][0]["url"]
            .as_str()
            .unwrap_or("/api/v1")
            .to_owned();
        let mut tags: Vec<ApiTagView> = doc["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| ApiTagView {
                name: text(t, "name"),
                anchor: format!("tag-{}", anchor(&text(t, "name"))),
                description: text(t, "description"),
                operations: Vec::new(),
            })
            .collect();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let tag = op["tags"][0].as_str().unwrap_or("Other").to_owned();
                let parameters = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| ApiFieldView {
                        name: text(p, "name"),
                        location: text(p, "in"),
                        kind: kind(&p["schema"]),
                        required: p["required"].as_bool().unwrap_or(false),
                        description: text(p, "description"),
                    })
                    .collect();
                let request = op["requestBody"]["content"]
                    .as_object()
                    .and_then(|c| c.iter().next())
                    .map(|(ct, media)| body(doc, ct, media));
                let responses = op["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(status, r)| ApiResponseView {
                        status: status.clone(),
                        description: text(r, "description"),
                        bodies: r["content"]
                            .as_object()
                            .into_iter()
                            .flatten()
                            .map(|(ct, media)| body(doc, ct, media))
                            .collect(),
                    })
                    .collect();
                let upper = method.to_ascii_uppercase();
                let operation = ApiOperationView {
                    anchor: anchor(&format!("{method} {path}")),
                    curl: curl(&base_url, &upper, path, request.as_ref()),
                    method: upper,
                    path: path.clone(),
                    summary: text(op, "summary"),
                    description: text(op, "description"),
                    parameters,
                    request,
                    responses,
                };
                match tags.iter_mut().find(|t| t.name == tag) {
                    Some(t) => t.operations.push(operation),
                    None => tags.push(ApiTagView {
                        anchor: format!("tag-{}", anchor(&tag)),
                        name: tag,
                        description: String::new(),
                        operations: vec![operation],
                    }),
                }
            }
        }
        tags.retain(|t| !t.operations.is_empty());
        let schemas = doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, s)| ApiSchemaView {
                anchor: format!("schema-{}", anchor(name)),
                name: name.clone(),
                description: text(s, "description"),
                fields: fields(s),
                example: pretty(&example(doc, s, 0)),
            })
            .collect();
        Self {
            layout,
            title: text(info, "title"),
            description: text(info, "description"),
            version: text(info, "version"),
            openapi_url: "/api/v1/openapi.json".to_owned(),
            base_url,
            tags,
            schemas,
        }
    }
}
