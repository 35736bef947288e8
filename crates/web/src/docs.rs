//! The API reference page's content, read from the OpenAPI document (as JSON, so that it shows
//! exactly what `/api/openapi.json` says) into plain lists a template can print without script.

use serde_json::Value;

use crate::i18n::{self, Tr};

/// Everything the reference page shows.
#[derive(Debug, Clone, Default)]
pub struct DocsModel {
    pub title: String,
    pub version: String,
    pub openapi_version: String,
    /// Paragraphs of the document's description, as safe HTML.
    pub description: Vec<String>,
    pub operations: Vec<OperationDoc>,
    pub schemas: Vec<SchemaDoc>,
}

#[derive(Debug, Clone)]
pub struct OperationDoc {
    pub method: String,
    pub path: String,
    pub anchor: String,
    /// The first tag, which groups operations on the page.
    pub tag: String,
    pub summary: String,
    /// Safe HTML.
    pub description: String,
    pub params: Vec<ParamDoc>,
    pub responses: Vec<ResponseDoc>,
}

#[derive(Debug, Clone)]
pub struct ParamDoc {
    pub name: String,
    /// Where the parameter goes, as OpenAPI says it: `path`, `query`, `header` or `cookie`.
    pub location: String,
    pub ty: TypeDoc,
    pub required: bool,
    /// Safe HTML.
    pub description: String,
}

impl ParamDoc {
    /// The Fluent key that names the location in the reader's language, when it is one of
    /// the four OpenAPI knows.
    pub fn location_key(&self) -> Option<&'static str> {
        match self.location.as_str() {
            "path" => Some("docs-in-path"),
            "query" => Some("docs-in-query"),
            "header" => Some("docs-in-header"),
            "cookie" => Some("docs-in-cookie"),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ResponseDoc {
    pub status: String,
    /// Safe HTML.
    pub description: String,
    pub media_type: String,
    pub ty: Option<TypeDoc>,
}

#[derive(Debug, Clone)]
pub struct SchemaDoc {
    pub name: String,
    pub anchor: String,
    /// Safe HTML.
    pub description: String,
    pub properties: Vec<PropertyDoc>,
    /// For string enumerations.
    pub values: Vec<String>,
    /// For one-of schemas.
    pub variants: Vec<TypeDoc>,
    /// For schemas that are neither objects, enumerations nor one-ofs.
    pub ty: Option<TypeDoc>,
}

#[derive(Debug, Clone)]
pub struct PropertyDoc {
    pub name: String,
    pub ty: TypeDoc,
    pub required: bool,
    /// Safe HTML.
    pub description: String,
}

/// A type as a reader sees it. The schema's own words (`string`, `integer (int64)`) and schema
/// names stay as the document spells them; the words joining them are ours and are translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeDoc {
    /// JSON Schema words with their format, bounds or values: `integer (int64), 1–500`.
    Term(String),
    /// A schema of this document, linked to its section.
    Schema(String),
    /// An array of the inner type.
    Array(Box<TypeDoc>),
    /// Any one of these (`oneOf`, `anyOf`, a list of types).
    OneOf(Vec<TypeDoc>),
    /// All of these at once (`allOf`).
    AllOf(Vec<TypeDoc>),
    /// No constraint at all.
    Any,
}

/// Stands for the inner type inside a translated array phrase until the phrase is escaped.
const INNER: &str = "\u{E000}";

impl TypeDoc {
    /// The type as HTML in the page's language. Everything English carries `lang="en"`, so
    /// that screen readers switch voice on kk and ru pages.
    pub fn html(&self, tr: &Tr) -> String {
        match self {
            TypeDoc::Term(text) => format!("<span lang=\"en\">{}</span>", escape(text)),
            TypeDoc::Schema(name) => {
                format!("<a href=\"#{}\" lang=\"en\">{}</a>", schema_anchor(name), escape(name))
            }
            TypeDoc::Array(inner) => {
                let phrase = i18n::t_args(tr.0, "docs-type-array", &[("items", INNER.to_owned())]);
                escape(&phrase).replace(INNER, &inner.html(tr))
            }
            TypeDoc::OneOf(items) => joined(items, &tr.t("docs-type-or"), tr),
            TypeDoc::AllOf(items) => joined(items, &tr.t("docs-type-and"), tr),
            TypeDoc::Any => escape(&tr.t("docs-type-any")),
        }
    }
}

fn joined(items: &[TypeDoc], word: &str, tr: &Tr) -> String {
    let sep = format!(" {} ", escape(word));
    items.iter().map(|t| t.html(tr)).collect::<Vec<_>>().join(&sep)
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

impl DocsModel {
    pub fn from_openapi(doc: &Value) -> DocsModel {
        let info = doc.get("info");
        let text = |v: Option<&Value>, key: &str| {
            v.and_then(|v| v.get(key)).and_then(Value::as_str).unwrap_or_default().to_owned()
        };
        let description = text(info, "description")
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(inline_html)
            .collect();
        let mut operations = Vec::new();
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                for method in METHODS {
                    if let Some(op) = item.get(method) {
                        operations.push(operation(path, method, op));
                    }
                }
            }
        }
        // In the order of the document's tags (families, persons, territories, batches,
        // service), then by path: the API first, the service's own endpoints last.
        let tags: Vec<&str> = doc
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|t| str_of(t, "name"))
            .collect();
        let rank = |tag: &str| tags.iter().position(|t| *t == tag).unwrap_or(tags.len());
        operations.sort_by(|a, b| (rank(&a.tag), &a.path).cmp(&(rank(&b.tag), &b.path)));
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(name, s)| schema(name, s)).collect())
            .unwrap_or_default();
        DocsModel {
            title: text(info, "title"),
            version: text(info, "version"),
            openapi_version: text(Some(doc), "openapi"),
            description,
            operations,
            schemas,
        }
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn anchor(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

fn schema_anchor(name: &str) -> String {
    format!("schema-{}", anchor(name))
}

fn operation(path: &str, method: &str, op: &Value) -> OperationDoc {
    let params = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| ParamDoc {
            name: str_of(p, "name").to_owned(),
            location: str_of(p, "in").to_owned(),
            ty: p.get("schema").map_or(TypeDoc::Any, type_of),
            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
            description: inline_html(str_of(p, "description")),
        })
        .collect();
    let mut responses = Vec::new();
    if let Some(map) = op.get("responses").and_then(Value::as_object) {
        for (status, r) in map {
            let content = r.get("content").and_then(Value::as_object);
            let (media_type, ty) = content
                .and_then(|c| c.iter().next())
                .map(|(mt, c)| (mt.clone(), c.get("schema").map(type_of)))
                .unwrap_or_default();
            responses.push(ResponseDoc {
                status: status.clone(),
                description: inline_html(str_of(r, "description")),
                media_type,
                ty,
            });
        }
    }
    let method = method.to_ascii_uppercase();
    OperationDoc {
        anchor: format!("op-{}{}", method.to_ascii_lowercase(), anchor(path)),
        method,
        path: path.to_owned(),
        tag: op
            .get("tags")
            .and_then(|t| t.get(0))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        summary: str_of(op, "summary").to_owned(),
        description: inline_html(str_of(op, "description")),
        params,
        responses,
    }
}

fn schema(name: &str, s: &Value) -> SchemaDoc {
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let properties = s
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(pname, p)| PropertyDoc {
                    name: pname.clone(),
                    ty: type_of(p),
                    required: required.contains(&pname.as_str()),
                    description: inline_html(&description_of(p)),
                })
                .collect()
        })
        .unwrap_or_default();
    let values: Vec<String> = s
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .collect();
    let variants: Vec<TypeDoc> =
        s.get("oneOf").and_then(Value::as_array).into_iter().flatten().map(type_of).collect();
    let is_plain = s.get("properties").is_none() && values.is_empty() && variants.is_empty();
    SchemaDoc {
        name: name.to_owned(),
        anchor: schema_anchor(name),
        description: inline_html(str_of(s, "description")),
        properties,
        values,
        variants,
        ty: is_plain.then(|| type_of(s)),
    }
}

/// A property's description; for a `oneOf` with `null` the description may sit on the variant.
fn description_of(p: &Value) -> String {
    let own = str_of(p, "description");
    if !own.is_empty() {
        return own.to_owned();
    }
    p.get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| str_of(v, "description"))
        .find(|d| !d.is_empty())
        .unwrap_or_default()
        .to_owned()
}

/// A JSON Schema as a reader sees it: `integer (int64)`, an array of `Member`, `null` or
/// `TerritoryView`.
pub fn type_of(s: &Value) -> TypeDoc {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return TypeDoc::Schema(r.rsplit('/').next().unwrap_or(r).to_owned());
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(list) = s.get(key).and_then(Value::as_array) {
            return either(list.iter().map(type_of).collect());
        }
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        return TypeDoc::AllOf(all.iter().map(type_of).collect());
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.is_empty() {
        return TypeDoc::Any;
    }
    either(types.iter().map(|t| single_type(t, s)).collect())
}

fn either(mut items: Vec<TypeDoc>) -> TypeDoc {
    if items.len() == 1 { items.remove(0) } else { TypeDoc::OneOf(items) }
}

fn single_type(t: &str, s: &Value) -> TypeDoc {
    match t {
        "array" => TypeDoc::Array(Box::new(s.get("items").map_or(TypeDoc::Any, type_of))),
        "object" | "null" => TypeDoc::Term(t.to_owned()),
        other => {
            let mut text = other.to_owned();
            if let Some(f) = s.get("format").and_then(Value::as_str) {
                text.push_str(&format!(" ({f})"));
            }
            let bound = |key: &str| s.get(key).filter(|v| v.is_number()).map(Value::to_string);
            match (bound("minimum"), bound("maximum")) {
                (Some(lo), Some(hi)) => text.push_str(&format!(", {lo}–{hi}")),
                (Some(lo), None) => text.push_str(&format!(", ≥ {lo}")),
                (None, Some(hi)) => text.push_str(&format!(", ≤ {hi}")),
                (None, None) => {}
            }
            if let Some(values) = s.get("enum").and_then(Value::as_array) {
                let vs: Vec<String> = values
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect();
                text.push_str(&format!(": {}", vs.join(" | ")));
            }
            TypeDoc::Term(text)
        }
    }
}

/// Escapes `text` for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes `text` for HTML and turns `backticked` spans into `<code>`.
pub fn inline_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => {
                out.push_str(if in_code { "</code>" } else { "<code>" });
                in_code = !in_code;
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    if in_code {
        out.push_str("</code>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use serde_json::json;

    /// The words a reader sees, without the markup.
    fn words(t: &TypeDoc, lang: Lang) -> String {
        let html = t.html(&Tr(lang));
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn types_read_as_words() {
        let int64 = type_of(&json!({"type": "integer", "format": "int64"}));
        assert_eq!(int64.html(&Tr(Lang::En)), "<span lang=\"en\">integer (int64)</span>");
        let nullable = type_of(&json!({"type": ["string", "null"]}));
        assert_eq!(words(&nullable, Lang::En), "string or null");
        let limit = json!({"type": ["integer", "null"], "minimum": 1, "maximum": 500});
        assert_eq!(words(&type_of(&limit), Lang::En), "integer, 1–500 or null");
        let opt = json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/T"}]});
        assert_eq!(words(&type_of(&opt), Lang::En), "null or T");
        assert_eq!(type_of(&json!({})), TypeDoc::Any);
    }

    #[test]
    fn joining_words_are_translated_and_english_is_marked() {
        let arr =
            type_of(&json!({"type": "array", "items": {"$ref": "#/components/schemas/Member"}}));
        assert_eq!(words(&arr, Lang::En), "array of Member");
        assert_eq!(words(&arr, Lang::Ru), "массив Member");
        assert_eq!(words(&arr, Lang::Kk), "Member жиымы");
        assert!(
            arr.html(&Tr(Lang::Kk)).contains("<a href=\"#schema-Member\" lang=\"en\">Member</a>")
        );
        let nullable = type_of(&json!({"type": ["string", "null"]}));
        assert_eq!(words(&nullable, Lang::Kk), "string немесе null");
        assert_eq!(words(&nullable, Lang::Ru), "string или null");
        assert_eq!(words(&TypeDoc::Any, Lang::Ru), "любое значение");
        let odd = type_of(&json!({"type": "string", "enum": ["a<b", "c"]}));
        assert!(odd.html(&Tr(Lang::En)).contains("a&lt;b | c"), "{}", odd.html(&Tr(Lang::En)));
    }

    #[test]
    fn parameter_locations_have_words() {
        let param = |location: &str| ParamDoc {
            name: "x".into(),
            location: location.into(),
            ty: TypeDoc::Any,
            required: false,
            description: String::new(),
        };
        for location in ["path", "query", "header", "cookie"] {
            let key = param(location).location_key().unwrap();
            for lang in Lang::ALL {
                assert_ne!(i18n::t(lang, key), key, "{lang} lacks {key}");
            }
        }
        assert_eq!(param("body").location_key(), None);
    }

    #[test]
    fn inline_html_escapes_and_marks_code() {
        assert_eq!(inline_html("a `<b>` & c"), "a <code>&lt;b&gt;</code> &amp; c");
        assert_eq!(inline_html("open `x"), "open <code>x</code>");
    }

    #[test]
    fn operations_follow_the_tag_order() {
        let op = |tag: &str| json!({"get": {"tags": [tag], "responses": {}}});
        let doc = json!({
            "tags": [{"name": "families"}, {"name": "service"}],
            "paths": {"/a": op("service"), "/b": op("families"), "/c": op("families")}
        });
        let m = DocsModel::from_openapi(&doc);
        let paths: Vec<&str> = m.operations.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(paths, ["/b", "/c", "/a"]);
    }

    #[test]
    fn reads_operations_and_schemas() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1", "description": "One.\n\nTwo `x`."},
            "paths": {"/a/{id}": {"get": {
                "summary": "Get a",
                "parameters": [{"name": "id", "in": "path", "required": true,
                    "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok", "content":
                    {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}
            }}},
            "components": {"schemas": {
                "A": {"type": "object", "required": ["id"],
                    "properties": {"id": {"type": "integer"}, "n": {"type": ["string", "null"]}}},
                "E": {"type": "string", "enum": ["x", "y"]}
            }}
        });
        let m = DocsModel::from_openapi(&doc);
        assert_eq!(m.description, vec!["One.".to_owned(), "Two <code>x</code>.".to_owned()]);
        assert_eq!(m.operations.len(), 1);
        let op = &m.operations[0];
        assert_eq!((op.method.as_str(), op.path.as_str()), ("GET", "/a/{id}"));
        assert!(op.params[0].required);
        assert_eq!(op.params[0].location_key(), Some("docs-in-path"));
        assert_eq!(op.responses[0].ty, Some(TypeDoc::Schema("A".into())));
        assert_eq!(m.schemas[0].properties.len(), 2);
        assert!(m.schemas[0].properties.iter().any(|p| p.name == "id" && p.required));
        assert_eq!(m.schemas[1].values, vec!["x", "y"]);
    }
}
