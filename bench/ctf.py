"""`make bench` (CTF part): reading a 1,000-pupil Common Transfer File, as an upload is read
(sendesk.imports.parsers.ctf.parse), each pupil with an SEN history and two ranked needs.
The file is synthetic, made by the SENDesk project for this bench.

Reports the median time of a few reads and the memory the reading used beyond the rows it
kept (tracemalloc), at 1,000 and at 5,000 pupils: streaming keeps that flat. Aim (issue 12):
the whole import of 1,000 pupils under 20 s; reading is the part measured here, and the
import engine's preview and apply (sendesk.imports) add their own.

    .venv/bin/python bench/ctf.py [--pupils 1000] [--reads 3]
"""

import argparse
import io
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AIM_SECONDS = 20.0
NEEDS = ["ASD", "SLCN", "SPLD", "MLD", "SEMH", "HI", "VI", "PD"]


def build(count: int) -> bytes:
    from sendesk.pupils.upn import make_upn

    pupils = []
    for n in range(count):
        first, second = NEEDS[n % len(NEEDS)], NEEDS[(n + 3) % len(NEEDS)]
        pupils.append(
            f"<Pupil><UPN>{make_upn('999', '2001', 2000 + n // 1000, n % 1000)}</UPN>"
            f"<Surname>Pupil{n}</Surname><Forename>Bench</Forename>"
            f"<DOB>{2015 + n % 6}-0{1 + n % 9}-1{n % 9}</DOB><Sex>{'MF'[n % 2]}</Sex>"
            f"<BasicDetails><NCyearActual>{1 + n % 6}</NCyearActual></BasicDetails>"
            "<SENhistory><SEN><StartDate>2023-09-05</StartDate><SENprovision>K</SENprovision>"
            "</SEN><SEN><StartDate>2025-09-04</StartDate><SENprovision>E</SENprovision></SEN>"
            f"<SENneeds><SENneed><SENtypeRank>1</SENtypeRank><SENtype>{first}</SENtype>"
            f"</SENneed><SENneed><SENtypeRank>2</SENtypeRank><SENtype>{second}</SENtype>"
            "</SENneed></SENneeds></SENhistory></Pupil>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- Made by the SENDesk project for its bench: synthetic data, not a real CTF. -->\n"
        "<CTfile><Header><DocumentName>Common Transfer File</DocumentName>"
        "<CTFversion>25.0</CTFversion></Header><CTFpupilData>"
        + "\n".join(pupils)
        + "</CTFpupilData></CTfile>"
    ).encode()


def working_memory(data: bytes) -> int:
    """Bytes used while reading beyond the rows kept at the end."""
    from sendesk.imports.parsers.ctf import parse

    tracemalloc.start()
    try:
        parsed = parse(io.BytesIO(data), "bench.xml")
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not parsed.problems, parsed.problems[:3]
    return peak - kept


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--reads", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendesk.settings")
    import django

    django.setup()
    from sendesk.imports.parsers.ctf import parse

    data = build(args.pupils)
    times = []
    for _ in range(max(args.reads, 1)):
        started = time.perf_counter()
        parsed = parse(io.BytesIO(data), "bench.xml")
        times.append(time.perf_counter() - started)
    assert len(parsed.pupils) == args.pupils and not parsed.problems, parsed.problems[:3]
    median = statistics.median(times)
    small, large = working_memory(data), working_memory(build(args.pupils * 5))
    verdict = "within" if median <= AIM_SECONDS else "OVER"
    print(
        f"CTF read, {args.pupils} pupils ({len(data) // 1024} KiB): median {median:.2f} s of "
        f"{len(times)}; {verdict} the {AIM_SECONDS:g} s aim for the whole import. Working "
        f"memory {small // 1024} KiB, and {large // 1024} KiB for {args.pupils * 5} pupils "
        "(one pupil in memory at a time; what grows is the UPNs seen, to find one twice)"
    )


if __name__ == "__main__":
    main()
