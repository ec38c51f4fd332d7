//! Statements sqlparser cannot read. The few whose effect the model needs are recognized from
//! their words (`ALTER CONSTRAINT`, `SET SCHEMA`, `ALTER INDEX IF EXISTS ... RENAME`, the DDL
//! inside a guarded `DO` block); any other taints the tables it names, so that nothing is
//! silently modelled wrong.

use sqlparser::tokenizer::{Token, Tokenizer};

use super::Schema;
use super::dialect::Dialect;
use super::replay::{parse_one, unqualified};
use super::split;

/// A word of a statement: upper-cased for matching keywords, and as an identifier.
#[derive(Debug, Clone)]
struct Word {
    keyword: String,
    name: String,
}

/// The statement's words, and the text of its dollar-quoted or plain strings in order.
fn words(dialect: Dialect, text: &str) -> (Vec<Option<Word>>, Vec<String>) {
    let Ok(tokens) = Tokenizer::new(dialect.parser(), text).tokenize() else {
        return (Vec::new(), Vec::new());
    };
    let mut words = Vec::new();
    let mut strings = Vec::new();
    for token in tokens {
        match token {
            Token::Whitespace(_) => {}
            Token::Word(w) => words.push(Some(Word {
                keyword: w.value.to_uppercase(),
                name: dialect.word(&w.value, w.quote_style.is_some()),
            })),
            Token::Period => words.push(Some(Word {
                keyword: ".".into(),
                name: ".".into(),
            })),
            Token::DollarQuotedString(s) => strings.push(s.value),
            Token::SingleQuotedString(s) => strings.push(s),
            _ => words.push(None),
        }
    }
    (words, strings)
}

/// Reads `words` from the front.
struct Cursor<'a> {
    words: &'a [Option<Word>],
    at: usize,
}

impl Cursor<'_> {
    fn keyword(&mut self, keyword: &str) -> bool {
        let found = matches!(self.words.get(self.at), Some(Some(w)) if w.keyword == keyword);
        self.at += usize::from(found);
        found
    }

    fn keywords(&mut self, keywords: &[&str]) -> bool {
        let start = self.at;
        if keywords.iter().all(|k| self.keyword(k)) {
            return true;
        }
        self.at = start;
        false
    }

    /// A possibly qualified name, as the model spells it (`public.` dropped).
    fn name(&mut self) -> Option<(Option<String>, String)> {
        let Some(Some(first)) = self.words.get(self.at) else {
            return None;
        };
        self.at += 1;
        if self.keyword(".")
            && let Some(Some(second)) = self.words.get(self.at)
        {
            self.at += 1;
            return Some((Some(first.name.clone()), second.name.clone()));
        }
        Some((None, first.name.clone()))
    }
}

type Unfollowed = (Vec<String>, String);

impl Schema {
    /// Follows a statement sqlparser could not parse; `Err` holds the tables it taints.
    pub(crate) fn apply_unreadable(
        &mut self,
        text: &str,
        parse_error: &str,
    ) -> Result<(), Unfollowed> {
        let (words, strings) = words(self.dialect, text);
        let mut cursor = Cursor {
            words: &words,
            at: 0,
        };
        let unfollowed = |tables: Vec<String>| Err((tables, parse_error.to_owned()));
        if cursor.keyword("DO") {
            return self.do_block(&strings.concat());
        }
        if cursor.keywords(&["CREATE", "DOMAIN"]) {
            return self
                .create_domain_not_null(text)
                .map_err(|e| (Vec::new(), e));
        }
        if cursor.keywords(&["ALTER", "TABLE"]) {
            cursor.keywords(&["IF", "EXISTS"]);
            cursor.keyword("ONLY");
            let Some(name) = cursor.name() else {
                return unfollowed(Vec::new());
            };
            let table = self.resolve_words(&name, |s, n| s.tables.contains_key(n));
            if cursor.keywords(&["ALTER", "CONSTRAINT"])
                && let Some((_, constraint)) = cursor.name()
                && self.alter_constraint(&table, &constraint, &mut cursor)
            {
                return Ok(());
            }
            if cursor.keywords(&["SET", "SCHEMA"])
                && let Some((_, schema)) = cursor.name()
                && self.tables.contains_key(&table)
            {
                let moved = self.dialect.in_schema(&schema, unqualified(&table));
                return self
                    .rename_table(&table, &moved)
                    .map_err(|e| (vec![table], e));
            }
            return unfollowed(vec![table]);
        }
        if (cursor.keywords(&["ALTER", "TYPE"]) || cursor.keywords(&["ALTER", "DOMAIN"]))
            && let Some(name) = cursor.name()
        {
            let ty = self.resolve_words(&name, Schema::has_type);
            if cursor.keywords(&["SET", "SCHEMA"])
                && let Some((_, schema)) = cursor.name()
            {
                self.move_type(&ty, &self.dialect.in_schema(&schema, unqualified(&ty)));
                return Ok(());
            }
            return unfollowed(self.users_of_type(&ty));
        }
        if cursor.keywords(&["ALTER", "INDEX"]) {
            cursor.keywords(&["IF", "EXISTS"]);
            if let Some(old) = cursor.name()
                && cursor.keywords(&["RENAME", "TO"])
                && let Some((_, new)) = cursor.name()
            {
                let old = self.resolve_words(&old, |s, n| s.unique_indexes.contains_key(n));
                return self.rename_index(&old, &new).map_err(|e| (Vec::new(), e));
            }
            return Ok(());
        }
        // Any other statement: the tables it names after TABLE are in doubt.
        let mut tables = Vec::new();
        for at in 0..words.len() {
            let mut cursor = Cursor { words: &words, at };
            if cursor.keyword("TABLE") {
                cursor.keywords(&["IF", "NOT", "EXISTS"]);
                cursor.keywords(&["IF", "EXISTS"]);
                cursor.keyword("ONLY");
                if let Some(name) = cursor.name() {
                    tables.push(self.resolve_words(&name, |s, n| s.tables.contains_key(n)));
                }
            }
        }
        if tables.is_empty() {
            return Ok(());
        }
        unfollowed(tables)
    }

    /// `ALTER CONSTRAINT name [NOT] DEFERRABLE [INITIALLY DEFERRED | IMMEDIATE]` on a foreign
    /// key; false when the words say something else.
    fn alter_constraint(&mut self, table: &str, constraint: &str, cursor: &mut Cursor) -> bool {
        let deferrable = if cursor.keywords(&["NOT", "DEFERRABLE"]) {
            Some(false)
        } else if cursor.keyword("DEFERRABLE") {
            Some(true)
        } else {
            None
        };
        let initially = if cursor.keywords(&["INITIALLY", "DEFERRED"]) {
            Some(true)
        } else if cursor.keywords(&["INITIALLY", "IMMEDIATE"]) {
            Some(false)
        } else {
            None
        };
        let rest_is_empty = cursor.words[cursor.at..].iter().all(Option::is_none);
        let Some(fk) = self.tables.get_mut(table).and_then(|t| {
            t.foreign_keys
                .iter_mut()
                .find(|fk| fk.name.as_deref() == Some(constraint))
        }) else {
            return false;
        };
        if (deferrable.is_none() && initially.is_none()) || !rest_is_empty {
            return false;
        }
        if let Some(deferrable) = deferrable {
            fk.deferrable = deferrable;
            if !deferrable {
                fk.initially_deferred = false;
            }
        }
        if let Some(initially) = initially {
            fk.initially_deferred = initially;
            fk.deferrable |= initially;
        }
        true
    }

    /// A `DO` block. Guarded by an existence check (`IF NOT EXISTS`, `EXCEPTION WHEN
    /// duplicate_object`), its DDL is the idempotent form of plain DDL, and is replayed: a
    /// failure taints the tables it names. Unguarded, its effect depends on what it tests, so
    /// the tables its DDL names are in doubt; types it creates are still known.
    fn do_block(&mut self, body: &str) -> Result<(), Unfollowed> {
        let upper = body.to_uppercase();
        let guarded = upper.contains("EXISTS") || upper.contains("EXCEPTION");
        let mut tainted = Vec::new();
        let mut reason = String::new();
        for (start, _) in upper
            .match_indices("CREATE ")
            .chain(upper.match_indices("ALTER "))
            .chain(upper.match_indices("DROP "))
        {
            let Some(statement) = split::statements(&body[start..]).into_iter().next() else {
                continue;
            };
            let Ok(parsed) = parse_one(self.dialect, statement.text) else {
                continue;
            };
            let is_type = parsed.iter().all(|p| {
                matches!(
                    p,
                    sqlparser::ast::Statement::CreateType { .. }
                        | sqlparser::ast::Statement::CreateDomain(_)
                )
            });
            for parsed in &parsed {
                let tables = self.named_tables(parsed);
                if guarded || is_type {
                    if let Err(message) = self.apply(parsed)
                        && !is_type
                    {
                        reason = message;
                        tainted.extend(tables);
                    }
                } else if !tables.is_empty() {
                    reason = "a DO block changes it under a condition the schema loader does not evaluate".into();
                    tainted.extend(tables);
                }
            }
        }
        if tainted.is_empty() {
            Ok(())
        } else {
            Err((tainted, reason))
        }
    }

    /// `CREATE DOMAIN ... NOT NULL ...`, which sqlparser does not read: the domain without the
    /// words `NOT NULL`, then marked not null.
    fn create_domain_not_null(&mut self, text: &str) -> Result<(), String> {
        let upper = text.to_uppercase();
        let Some(at) = upper.find(" NOT NULL") else {
            return Ok(());
        };
        let without = format!("{}{}", &text[..at], &text[at + " NOT NULL".len()..]);
        for parsed in parse_one(self.dialect, &without)? {
            if let sqlparser::ast::Statement::CreateDomain(domain) = &parsed {
                self.create_domain(domain)?;
                let name = self.new_name(&domain.name)?;
                if let Some(domain) = self.domains.get_mut(&name) {
                    domain.not_null = true;
                }
            }
        }
        Ok(())
    }

    /// A name read from words, resolved on the search path against what `exists` finds.
    fn resolve_words(
        &self,
        (schema, name): &(Option<String>, String),
        exists: impl Fn(&Schema, &str) -> bool,
    ) -> String {
        match schema {
            Some(schema) => self.dialect.in_schema(schema, name),
            None => {
                let path: Vec<&str> = self.search_path.iter().map(String::as_str).collect();
                path.iter()
                    .filter(|s| **s != "$user")
                    .map(|s| self.dialect.in_schema(s, name))
                    .find(|candidate| exists(self, candidate))
                    .unwrap_or_else(|| {
                        self.dialect.in_schema(
                            path.first()
                                .copied()
                                .unwrap_or(self.dialect.default_schema()),
                            name,
                        )
                    })
            }
        }
    }
}
