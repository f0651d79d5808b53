"""CSV cells that a spreadsheet would run as formulas, neutralised as OWASP recommends.

Excel, LibreOffice and Google Sheets read a cell starting with =, +, -, @, tab or carriage
return as a formula: "=1+1" runs, and harmless text like "-30 degrees" becomes #NAME?. Every
CSV the site serves (the build's exports, article_facts/exports.py, and Datasette's own
answers, article_facts/web/csv_guard.py) gets such a cell with a single quote in front and
double quotes around it ("'=1+1"): the spreadsheet shows text and runs nothing. JSON is never
touched, and `_raw=on` on a CSV URL gives the cells as stored.

The functions read CSV as Python's csv.writer writes it (Datasette's writer and ours): a
record ends with CRLF, and a field is quoted only when it holds a comma, a double quote, CR or
LF. Records without such a cell come out byte for byte as they went in.
"""
import csv
import io
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The query parameter that asks for the cells as stored (documented in README.md, metadata.yml).
RAW_PARAMETER = "_raw"

# Where a field may start in csv.writer's text: at a record's start, after a comma, or after a
# line feed (a new record, or a line inside a quoted field: a false alarm that only costs the
# careful path); its first character, or in a quoted field the one after the quote. A CR at
# the start of an unquoted field is a record's end: csv.writer quotes every field holding CR.
MAYBE_FORMULA = re.compile(r'(?:^|[,\n])(?:[=+\-@\t]|"[=+\-@\t\r])')
NEEDS_QUOTES = re.compile(r'[,"\r\n]').search


def is_formula(text):
    return text.startswith(FORMULA_STARTS)


def cells_have_formula(rows):
    """True when a cell of rows (SQLite values) would be written starting with a formula
    character: a fast test on the values themselves, before any text is written."""
    firsts = {cell[:1] for row in rows for cell in row if cell.__class__ is str}
    if not firsts.isdisjoint(FORMULA_STARTS):
        return True
    return any(cell < 0 for row in rows for cell in row if cell.__class__ in (int, float))


def field_text(field):
    """One field as csv.writer writes it, except that a formula is neutralised and quoted."""
    if field.startswith(FORMULA_STARTS):
        return "\"'" + field.replace('"', '""') + '"'
    if NEEDS_QUOTES(field):
        return '"' + field.replace('"', '""') + '"'
    return field


def record_text(fields):
    """One record: its fields, then CRLF (csv.writer quotes a record that is one empty field)."""
    if fields == [""]:
        return '""\r\n'
    return ",".join(map(field_text, fields)) + "\r\n"


def safe_csv(text):
    """Whole CSV records -> the same records with every formula cell neutralised; the text
    itself (unchanged, fast) when no field can start with a formula character."""
    if not MAYBE_FORMULA.search(text):
        return text
    return "".join(record_text(fields) for fields in csv.reader(io.StringIO(text, newline="")))


def complete_length(data):
    """How many bytes of data (CSV bytes, UTF-8) make whole records: up to the last CRLF
    outside double quotes (quotes never occur inside a UTF-8 sequence), or 0."""
    quotes = data.count(b'"')
    end = len(data)
    while True:
        index = data.rfind(b"\r\n", 0, end)
        if index < 0:
            return 0
        quotes -= data.count(b'"', index, end)
        if quotes % 2 == 0:
            return index + 2
        end = index
