//! Kubernetes label selectors (`-l`), accepted exactly as kubectl accepts them and evaluated here for manifest
//! files. kube has no selector parser, so this module ports apimachinery's (`pkg/labels/selector.go`: its lexer,
//! its recursive-descent parser with the `in`/`notin`-as-value context, and the key/value validation of
//! `pkg/api/validate/content`); matching and the server's `labelSelector` string are kube-core's
//! [`kube::core::Selector`] and [`kube::core::Expression`]. Only `key>N`/`key<N` (apimachinery's Gt/Lt, which
//! kube-core's `Expression` lacks) are matched and rendered here.

use std::collections::{BTreeMap, BTreeSet};

use kube::core::{Expression, SelectorExt};

/// A parsed `-l` selector: every requirement must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selector {
    expressions: kube::core::Selector,
    comparisons: Vec<Comparison>,
    /// The requirements as the API server's `labelSelector` parameter.
    query: String,
}

/// `key>N` / `key<N`: the label's value, read as an integer, is greater / less than N.
#[derive(Debug, Clone, PartialEq)]
struct Comparison {
    key: String,
    greater: bool,
    bound: i64,
}

impl Comparison {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        // apimachinery: a missing label or a value that is not an integer matches neither Gt nor Lt.
        labels
            .get(&self.key)
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|v| {
                if self.greater {
                    v > self.bound
                } else {
                    v < self.bound
                }
            })
    }
}

impl std::fmt::Display for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let operator = if self.greater { '>' } else { '<' };
        write!(f, "{}{operator}{}", self.key, self.bound)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("invalid label selector {selector:?}: {reason}")]
pub struct SelectorError {
    selector: String,
    reason: String,
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let requirements = Parser::new(text).parse().map_err(|reason| SelectorError {
            selector: text.to_string(),
            reason,
        })?;
        let mut expressions = Vec::new();
        let mut comparisons = Vec::new();
        for requirement in requirements {
            match requirement {
                Requirement::Expression(e) => expressions.push(e),
                Requirement::Comparison(c) => comparisons.push(c),
            }
        }
        let expressions: kube::core::Selector = expressions.into_iter().collect();
        let mut parts = Vec::new();
        if !expressions.selects_all() {
            parts.push(expressions.to_string());
        }
        parts.extend(comparisons.iter().map(Comparison::to_string));
        Ok(Selector {
            expressions,
            comparisons,
            query: parts.join(","),
        })
    }

    /// The selector as the API server's `labelSelector` parameter (kube-core's rendering, then Gt/Lt).
    pub fn as_str(&self) -> &str {
        &self.query
    }

    pub fn is_empty(&self) -> bool {
        self.expressions.selects_all() && self.comparisons.is_empty()
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.expressions.matches(labels) && self.comparisons.iter().all(|c| c.matches(labels))
    }
}

enum Requirement {
    Expression(Expression),
    Comparison(Comparison),
}

/// apimachinery's tokens. `in`/`notin` are keywords only where an operator may stand; elsewhere identifiers.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    End,
    OpenParen,
    CloseParen,
    Comma,
    Not,
    Equals,
    DoubleEquals,
    NotEquals,
    Greater,
    Less,
    In,
    NotIn,
    Identifier(String),
}

impl Token {
    /// The token as the error messages quote it.
    fn literal(&self) -> &str {
        match self {
            Token::End => "end of string",
            Token::OpenParen => "(",
            Token::CloseParen => ")",
            Token::Comma => ",",
            Token::Not => "!",
            Token::Equals => "=",
            Token::DoubleEquals => "==",
            Token::NotEquals => "!=",
            Token::Greater => ">",
            Token::Less => "<",
            Token::In => "in",
            Token::NotIn => "notin",
            Token::Identifier(text) => text,
        }
    }
}

/// Where the parser stands: `in`/`notin` are operators only after a key (`x in (a)`), values anywhere else
/// (`in in (in)` is the key `in` in the set {`in`}).
#[derive(Clone, Copy, PartialEq)]
enum Context {
    KeyAndOperator,
    Values,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn special_token(text: &str) -> Option<Token> {
    Some(match text {
        "(" => Token::OpenParen,
        ")" => Token::CloseParen,
        "," => Token::Comma,
        "!" => Token::Not,
        "=" => Token::Equals,
        "==" => Token::DoubleEquals,
        "!=" => Token::NotEquals,
        ">" => Token::Greater,
        "<" => Token::Less,
        _ => return None,
    })
}

/// The lexer of `selector.go`: whitespace separates, operator characters end identifiers, and the longest run
/// of operator characters that is an operator wins (`a!=b` is `a`, `!=`, `b`; `a==b` is `a`, `==`, `b`).
fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut position = 0;
    let mut tokens = Vec::new();
    loop {
        while position < bytes.len() && is_whitespace(bytes[position]) {
            position += 1;
        }
        if position == bytes.len() {
            tokens.push(Token::End);
            return tokens;
        }
        let start = position;
        if is_special(bytes[position]) {
            // Every operator character is a token on its own, so a longest match always exists.
            let mut longest = (Token::Comma, start + 1);
            while position < bytes.len() && is_special(bytes[position]) {
                match special_token(&text[start..=position]) {
                    Some(token) => longest = (token, position + 1),
                    None => break,
                }
                position += 1;
            }
            tokens.push(longest.0);
            position = longest.1;
        } else {
            while position < bytes.len()
                && !is_special(bytes[position])
                && !is_whitespace(bytes[position])
            {
                position += 1;
            }
            // Boundaries are ASCII bytes, so the slice is valid UTF-8.
            tokens.push(match &text[start..position] {
                "in" => Token::In,
                "notin" => Token::NotIn,
                word => Token::Identifier(word.to_string()),
            });
        }
    }
}

struct Parser {
    tokens: Vec<Token>,
    position: usize,
}

impl Parser {
    fn new(text: &str) -> Parser {
        Parser {
            tokens: tokens(text),
            position: 0,
        }
    }

    fn lookahead(&self, context: Context) -> Token {
        let token = self.tokens[self.position.min(self.tokens.len() - 1)].clone();
        match (context, token) {
            (Context::Values, Token::In) => Token::Identifier("in".into()),
            (Context::Values, Token::NotIn) => Token::Identifier("notin".into()),
            (_, token) => token,
        }
    }

    fn consume(&mut self, context: Context) -> Token {
        let token = self.lookahead(context);
        self.position = (self.position + 1).min(self.tokens.len() - 1);
        token
    }

    /// `requirement ("," requirement)*`, or nothing at all (an empty selector selects everything).
    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            match self.lookahead(Context::Values) {
                Token::Identifier(_) | Token::Not => {
                    requirements.push(self.requirement()?);
                    match self.consume(Context::Values) {
                        Token::End => return Ok(requirements),
                        Token::Comma => match self.lookahead(Context::Values) {
                            Token::Identifier(_) | Token::Not => {}
                            other => {
                                return Err(format!(
                                    "found '{}' after ',', expected a requirement",
                                    other.literal()
                                ));
                            }
                        },
                        other => {
                            return Err(format!(
                                "found '{}', expected ',' or end of string",
                                other.literal()
                            ));
                        }
                    }
                }
                Token::End => return Ok(requirements),
                other => {
                    return Err(format!(
                        "found '{}', expected a label key, '!key' or end of string",
                        other.literal()
                    ));
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let negated = self.lookahead(Context::Values) == Token::Not;
        if negated {
            self.consume(Context::Values);
        }
        let key = match self.consume(Context::Values) {
            Token::Identifier(key) => key,
            other => {
                return Err(format!("found '{}', expected a label key", other.literal()));
            }
        };
        validate_key(&key)?;
        // `!key` takes no operator; what follows must end the requirement (checked by the caller).
        if negated {
            return Ok(Requirement::Expression(Expression::DoesNotExist(key)));
        }
        if matches!(self.lookahead(Context::Values), Token::End | Token::Comma) {
            return Ok(Requirement::Expression(Expression::Exists(key)));
        }
        let operator = self.consume(Context::KeyAndOperator);
        let requirement = match operator {
            Token::In | Token::NotIn => {
                let values = self.set()?;
                for value in &values {
                    validate_value(&key, value)?;
                }
                if operator == Token::In {
                    Expression::In(key, values)
                } else {
                    Expression::NotIn(key, values)
                }
            }
            Token::Equals | Token::DoubleEquals | Token::NotEquals => {
                let value = self.exact_value()?;
                validate_value(&key, &value)?;
                if operator == Token::NotEquals {
                    Expression::NotEqual(key, value)
                } else {
                    Expression::Equal(key, value)
                }
            }
            Token::Greater | Token::Less => {
                let value = self.exact_value()?;
                validate_value(&key, &value)?;
                let bound = value.parse::<i64>().map_err(|_| {
                    format!(
                        "value {value:?} of {key:?}: '{}' needs an integer",
                        operator.literal()
                    )
                })?;
                return Ok(Requirement::Comparison(Comparison {
                    key,
                    greater: operator == Token::Greater,
                    bound,
                }));
            }
            other => {
                return Err(format!(
                    "found '{}' after key {key:?}, expected one of in, notin, =, ==, !=, >, <",
                    other.literal()
                ));
            }
        };
        Ok(Requirement::Expression(requirement))
    }

    /// `( v1, v2, … )`. As in apimachinery, `()` and empty items are the empty value: `in ()` matches `k=`.
    fn set(&mut self) -> Result<BTreeSet<String>, String> {
        match self.consume(Context::Values) {
            Token::OpenParen => {}
            other => return Err(format!("found '{}', expected '('", other.literal())),
        }
        let mut values = BTreeSet::new();
        match self.lookahead(Context::Values) {
            Token::CloseParen => {
                self.consume(Context::Values);
                values.insert(String::new());
                return Ok(values);
            }
            Token::Identifier(_) | Token::Comma => {}
            other => {
                return Err(format!(
                    "found '{}', expected a value, ',' or ')'",
                    other.literal()
                ));
            }
        }
        loop {
            match self.consume(Context::Values) {
                Token::Identifier(value) => {
                    values.insert(value);
                    match self.lookahead(Context::Values) {
                        Token::Comma => {}
                        Token::CloseParen => break,
                        other => {
                            return Err(format!(
                                "found '{}', expected ',' or ')'",
                                other.literal()
                            ));
                        }
                    }
                }
                Token::Comma => {
                    // `(,a)`, `(a,,b)` and `(a,)` hold the empty value.
                    if values.is_empty() {
                        values.insert(String::new());
                    }
                    match self.lookahead(Context::Values) {
                        Token::CloseParen => {
                            values.insert(String::new());
                            break;
                        }
                        Token::Comma => {
                            values.insert(String::new());
                        }
                        _ => {}
                    }
                }
                other => {
                    return Err(format!(
                        "found '{}', expected a value or ','",
                        other.literal()
                    ));
                }
            }
        }
        self.consume(Context::Values);
        Ok(values)
    }

    /// The one value after `=`, `==`, `!=`, `>` or `<`; nothing before `,` or the end is the empty value.
    fn exact_value(&mut self) -> Result<String, String> {
        match self.lookahead(Context::Values) {
            Token::End | Token::Comma => Ok(String::new()),
            _ => match self.consume(Context::Values) {
                Token::Identifier(value) => Ok(value),
                other => Err(format!("found '{}', expected a value", other.literal())),
            },
        }
    }
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`: a label name, and a non-empty label value.
fn is_label_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    let edge = |b: &u8| b.is_ascii_alphanumeric();
    bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// RFC 1123 subdomain, lower case, at most 253 characters.
fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253
        && text.split('.').all(|label| {
            let bytes = label.as_bytes();
            let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
            bytes.first().is_some_and(edge)
                && bytes.last().is_some_and(edge)
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        })
}

const KEY_SHAPE: &str = "a key is [DNS-subdomain prefix/]name, e.g. app.kubernetes.io/instance";
const NAME_SHAPE: &str = "at most 63 characters: letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

/// apimachinery's `IsLabelKey`.
fn validate_key(key: &str) -> Result<(), String> {
    let parts: Vec<&str> = key.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                return Err(format!(
                    "key {key:?}: empty prefix before '/' ({KEY_SHAPE})"
                ));
            }
            if !is_dns_subdomain(prefix) {
                return Err(format!(
                    "key {key:?}: prefix {prefix:?} is not a lower-case DNS subdomain of at most 253 characters ({KEY_SHAPE})"
                ));
            }
            *name
        }
        _ => return Err(format!("key {key:?} has more than one '/' ({KEY_SHAPE})")),
    };
    if name.len() > 63 || !is_label_name(name) {
        return Err(format!("key {key:?}: name {name:?} must be {NAME_SHAPE}"));
    }
    Ok(())
}

/// apimachinery's `IsValidLabelValue`: empty, or a label name.
fn validate_value(key: &str, value: &str) -> Result<(), String> {
    if value.is_empty() || (value.len() <= 63 && is_label_name(value)) {
        Ok(())
    } else {
        Err(format!(
            "value {value:?} of {key:?} must be empty or {NAME_SHAPE}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn parse(text: &str) -> Selector {
        Selector::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    #[test]
    fn evaluates_every_operator() {
        let l = labels(&[("app", "tidb"), ("tier", "db"), ("replicas", "3")]);
        for (sel, want) in [
            ("app=tidb", true),
            ("app==tidb", true),
            ("app!=tidb", false),
            ("app in (x, tidb)", true),
            ("app notin (tidb)", false),
            ("tier", true),
            ("!tier", false),
            ("!missing,app=tidb", true),
            ("app in (a,b),tier=db", false),
            ("missing!=x", true),
            ("missing notin (x)", true),
            ("missing in (x)", false),
            ("replicas>2", true),
            ("replicas<3", false),
            ("app>1", false),
            ("missing<5", false),
            ("", true),
            ("  ", true),
        ] {
            assert_eq!(parse(sel).matches(&l), want, "{sel}");
        }
    }

    #[test]
    fn accepts_kubectl_spacing_and_keyword_positions() {
        let prod = labels(&[("env", "prod")]);
        for sel in [
            "env in (prod)",
            "env in(prod)",
            "env in ( prod , dev )",
            "env\tin\t(prod)",
            " env = prod ",
            "env==prod",
            "env notin(dev)",
            "! x",
            "!x,env",
            "x!=y",
        ] {
            assert!(parse(sel).matches(&prod), "{sel}");
        }
        // `in` and `notin` are values and keys outside the operator position.
        let words = labels(&[("in", "notin")]);
        assert!(parse("in in (notin)").matches(&words));
        assert!(parse("in=notin").matches(&words));
        // The empty value: `k=`, `k in ()`, `k in (a,)`.
        let empty = labels(&[("k", "")]);
        for sel in [
            "k=",
            "k==",
            "k in ()",
            "k in (a,)",
            "k in (,a)",
            "k in (a,,b)",
        ] {
            assert!(parse(sel).matches(&empty), "{sel}");
        }
        assert!(!parse("k!=").matches(&empty));
    }

    #[test]
    fn the_server_gets_kube_cores_rendering() {
        assert_eq!(parse("env in(prod,dev)").as_str(), "env in (dev,prod)");
        assert_eq!(parse(" a == b , !c ,d").as_str(), "a=b,!c,d");
        assert_eq!(parse("a!=b,n>10").as_str(), "a!=b,n>10");
        assert_eq!(parse("k in ()").as_str(), "k in ()");
        assert!(parse("").is_empty() && parse("").as_str().is_empty());
        // What is sent parses back to the same selector.
        for sel in ["env in (a,,b)", "x notin (in)", "k=", "!a,b,c>3,d<4"] {
            let once = parse(sel);
            assert_eq!(parse(once.as_str()), once, "{sel}");
        }
    }

    #[test]
    fn every_short_selector_parses_or_is_refused_and_round_trips() {
        // Every string of up to four characters over the grammar's alphabet (plus a non-ASCII one): the parser
        // never panics, and what it accepts renders to a query that parses back to the same selector.
        let alphabet = [
            "a", "b", "=", "!", "(", ")", ",", " ", "in", "notin", "<", ">", "1", "/", "\u{e9}",
        ];
        let mut texts = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            frontier = frontier
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(frontier.iter().cloned());
        }
        let mut accepted = 0;
        for text in &texts {
            if let Ok(selector) = Selector::parse(text) {
                accepted += 1;
                let again = Selector::parse(selector.as_str())
                    .unwrap_or_else(|e| panic!("{text:?} -> {:?}: {e}", selector.as_str()));
                assert_eq!(again, selector, "{text:?}");
            }
        }
        assert!(accepted > 1000, "{accepted}");
    }

    fn reason(text: &str) -> String {
        let e = Selector::parse(text).expect_err(text).to_string();
        assert!(!e.contains('\n'), "{e}");
        assert!(
            e.starts_with(&format!("invalid label selector {text:?}: ")),
            "{e}"
        );
        e
    }

    #[test]
    fn rejects_what_kubectl_rejects_naming_the_bad_part() {
        for (sel, part) in [
            ("a=b=c", "found '='"),
            ("env=pr od", "found 'od'"),
            ("x/y/z=1", "\"x/y/z\" has more than one '/'"),
            ("/x=1", "empty prefix"),
            ("Example.com/x=1", "prefix \"Example.com\""),
            ("-x=1", "name \"-x\""),
            ("a=-b", "value \"-b\""),
            ("a=b.", "value \"b.\""),
            ("a in (b c)", "found 'c'"),
            ("a in b", "found 'b', expected '('"),
            ("a in (b", "found 'end of string'"),
            ("a b", "found 'b' after key \"a\""),
            ("a,", "found 'end of string' after ','"),
            (",a", "found ','"),
            ("!a=b", "found '='"),
            ("!=a", "found '!='"),
            ("a=(b)", "found '('"),
            ("a=!b", "found '!'"),
            ("a<=1", "found '=', expected a value"),
            ("n>x", "needs an integer"),
            ("n>", "needs an integer"),
            ("n>-1", "value \"-1\""),
            ("a=b,,c", "after ','"),
            ("a b c", "found 'b'"),
            ("=x", "found '='"),
            ("a=\u{e9}", "value \"\u{e9}\""),
        ] {
            let e = reason(sel);
            assert!(e.contains(part), "{sel:?}: {e} lacks {part:?}");
        }
        let long = format!("a={}", "v".repeat(64));
        assert!(reason(&long).contains("at most 63"));
        let long_key = format!("{}=v", "k".repeat(64));
        assert!(reason(&long_key).contains("at most 63"));
    }
}
