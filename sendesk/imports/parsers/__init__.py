"""The parsers, by the `kind` an upload names (the API's `kind` values). Each is
`parse(fileobj, filename) -> Parsed` (sendesk.imports.rows) and never touches the database."""

from . import csvfiles, ctf, oneroster

PARSERS = {
    "ctf": ctf.parse,
    "csv-pupils": csvfiles.parse_pupils,
    "csv-staff": csvfiles.parse_staff,
    "csv-classes": csvfiles.parse_classes,
    "oneroster": oneroster.parse,
}
