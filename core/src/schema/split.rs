//! Splits a migration file into statements, each with the line and column where it starts.
//!
//! Statements are parsed one by one so that an error names the statement's own line and one
//! statement sqlparser cannot read (a `DO` block, say) need not sink the whole file.

/// One statement of a file, without its terminating `;`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement<'a> {
    pub text: &'a str,
    /// 1-based line of the statement's first character.
    pub line: u64,
    /// 1-based column (in characters) of the statement's first character.
    pub column: u64,
}

/// Splits `sql` on `;` outside strings, quoted identifiers, dollar quotes and comments.
/// Stretches holding only whitespace and comments are left out.
pub(crate) fn statements(sql: &str) -> Vec<Statement<'_>> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let rest = &sql[i..];
        let next = match bytes[i] {
            b'-' if rest.starts_with("--") => {
                rest.find('\n').map_or(bytes.len(), |n| i + n + 1) - i
            }
            b'/' if rest.starts_with("/*") => block_comment_len(rest),
            byte if byte.is_ascii_whitespace() => 1,
            b';' => {
                if let Some(s) = start.take() {
                    out.push(statement(sql, s, i));
                }
                1
            }
            byte => {
                start.get_or_insert(i);
                match byte {
                    b'\'' => quoted_len(rest, b'\'', escapes_backslash(sql, i)),
                    b'"' => quoted_len(rest, b'"', false),
                    b'$' if !follows_identifier(sql, i) => dollar_quoted_len(rest),
                    _ => rest.chars().next().map_or(1, char::len_utf8),
                }
            }
        };
        i += next;
    }
    if let Some(s) = start {
        out.push(statement(sql, s, sql.len()));
    }
    out
}

fn statement(sql: &str, start: usize, end: usize) -> Statement<'_> {
    let before = &sql[..start];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    Statement {
        text: sql[start..end].trim_end(),
        line: before.matches('\n').count() as u64 + 1,
        column: before[line_start..].chars().count() as u64 + 1,
    }
}

/// Length of a (nestable) `/* ... */` comment at the start of `s`; to the end if unclosed.
fn block_comment_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut depth = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if bytes[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Length of a string or identifier quoted by `quote` at the start of `s` (a doubled quote
/// is part of it); to the end if unclosed, so that the parser reports it.
fn quoted_len(s: &str, quote: u8, backslash: bool) -> usize {
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if backslash => i += 2,
            b if b == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Whether the quote at `i` opens an `E'...'` string, where a backslash escapes.
fn escapes_backslash(sql: &str, i: usize) -> bool {
    i > 0 && matches!(sql.as_bytes()[i - 1], b'e' | b'E') && !follows_identifier(sql, i - 1)
}

/// Whether the byte before `i` continues an identifier (or number), as in `a$1` or `x$y`.
fn follows_identifier(sql: &str, i: usize) -> bool {
    sql[..i]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// Length of a `$tag$ ... $tag$` string at the start of `s`; 1 when `s` starts with a `$`
/// that opens none (a parameter such as `$1`).
fn dollar_quoted_len(s: &str) -> usize {
    let tag_len = s[1..]
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len() - 1);
    let tag_ok = s.as_bytes().get(1 + tag_len) == Some(&b'$')
        && !s[1..].starts_with(|c: char| c.is_ascii_digit());
    if !tag_ok {
        return 1;
    }
    let delimiter = &s[..tag_len + 2];
    s[delimiter.len()..]
        .find(delimiter)
        .map_or(s.len(), |n| delimiter.len() + n + delimiter.len())
}
