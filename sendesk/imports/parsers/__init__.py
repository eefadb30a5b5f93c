"""The parsers, by the `kind` an upload names (the API's `kind` values). Each is
`parse(fileobj, filename) -> Parsed` (sendesk.imports.rows) and never touches the database."""

from . import ctf

PARSERS = {
    "ctf": ctf.parse,
}
