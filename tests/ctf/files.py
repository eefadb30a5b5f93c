"""Common Transfer Files built by the tests. Made by the SENDesk project for its tests (no
public sample CTF with SEN content is known): element names from the DfE's CTF, as
../shared/docs/interop.md lists them; every pupil and school is invented."""

from xml.sax.saxutils import escape

from sendesk.pupils.upn import make_upn

AVA = make_upn("999", "2001", 2017, 1)

MADE_BY = "<!-- Made by the SENDesk project for its tests: synthetic data, not a real CTF. -->"

HEADER = """<Header>
  <DocumentName>Common Transfer File</DocumentName>
  <CTFversion>25.0</CTFversion>
  <DateTime>2026-11-17T09:30:00</DateTime>
  <DocumentQualifier>full</DocumentQualifier>
  <SupplierID>Test MIS</SupplierID>
  <SourceSchool><LEA>999</LEA><Estab>2001</Estab><URN>199999</URN>
    <SchoolName>Elsewhere Primary</SchoolName><AcademicYear>2026</AcademicYear></SourceSchool>
  <DestSchool><LEA>123</LEA><Estab>4567</Estab><URN>100001</URN></DestSchool>
</Header>"""


def el(name, value):
    return "" if value is None else f"<{name}>{escape(str(value))}</{name}>"


def pupil(
    upn=AVA,
    forename="Ava",
    surname="Ash",
    dob="2017-04-02",
    sex="F",
    sex_tag="Sex",
    year="4",
    preferred=None,
    periods=(),
    needs=(),
    extra="",
):
    """One <Pupil>. `periods`: [(provision, start)]; `needs`: [(rank, code)]."""
    history = ""
    if periods or needs:
        history = "<SENhistory>"
        for provision, start in periods:
            history += f"<SEN>{el('StartDate', start)}{el('SENprovision', provision)}</SEN>"
        if needs:
            history += (
                "<SENneeds>"
                + "".join(
                    f"<SENneed>{el('SENtypeRank', r)}{el('SENtype', c)}</SENneed>" for r, c in needs
                )
                + "</SENneeds>"
            )
        history += "</SENhistory>"
    return (
        f"<Pupil>{el('UPN', upn)}<UniqueLearnerNumber/><UCI>X1234567890</UCI>"
        f"{el('Surname', surname)}{el('Forename', forename)}{el('DOB', dob)}{el(sex_tag, sex)}"
        f"<BasicDetails>{el('PreferredForename', preferred)}{el('NCyearActual', year)}"
        f"<Ethnicity>WBRI</Ethnicity><MedicalFlag>false</MedicalFlag></BasicDetails>"
        f"{history}{extra}</Pupil>"
    )


def ctf(*pupils, header=HEADER, declaration=True) -> bytes:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if declaration else ""
    body = "\n".join(pupils)
    return (
        f"{head}{MADE_BY}\n<CTfile>{header}<CTFpupilData>\n{body}\n</CTFpupilData></CTfile>\n"
    ).encode()
