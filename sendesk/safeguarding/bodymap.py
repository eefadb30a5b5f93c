"""The body map: a front and a back outline on which marks and injuries are placed.

A mark is {side: "front"|"back", x, y, note}, x and y from 0 to 100 across the width and
down the height of the outline (the figure is drawn in a 100 × 200 SVG box, so the SVG
y is twice the stored y). Regions give a keyboard (and screen-reader) alternative to
tapping: choose a side and a named position; each mark is also described in words by
the region nearest to it. "Left" and "right" are the pupil's: on the front view the
pupil's right is on the viewer's left."""

from dataclasses import dataclass

SIDES = (("front", "Front"), ("back", "Back"))

# The outline, drawn once per side: the head, and the body as one path.
HEAD = {"cx": 50, "cy": 18, "r": 12}
BODY_PATH = (
    "M44 30 L56 30 L57 37 L72 39 Q78 41 79 48 L88 104 L81 106 L71 60 L69 100 L66 186 "
    "L54 188 L51 112 L49 112 L46 188 L34 186 L31 100 L29 60 L19 106 L12 104 L21 48 "
    "Q22 41 28 39 L43 37 Z"
)


@dataclass(frozen=True)
class Region:
    key: str
    label: str
    dx: float  # distance from the midline, 0 for a central region
    y: float  # 0-100 down the figure
    paired: bool = False  # one on each side of the body: label gets "right"/"left"


_REGIONS = (
    Region("head", "Head", 0, 9),
    Region("neck", "Neck", 0, 16.5),
    Region("shoulder", "shoulder", 20, 20.5, True),
    Region("chest", "Chest / upper back", 0, 27),
    Region("upper_arm", "upper arm", 26, 28, True),
    Region("tummy", "Tummy / lower back", 0, 38),
    Region("forearm", "forearm", 30, 40, True),
    Region("hip", "hip", 14, 47, True),
    Region("hand", "hand", 34, 51, True),
    Region("groin", "Groin / bottom", 0, 52),
    Region("thigh", "thigh", 10, 62, True),
    Region("knee", "knee", 10, 72, True),
    Region("lower_leg", "lower leg", 10, 82, True),
    Region("foot", "foot", 10, 92, True),
)


def _positions():
    """(key, label, dx signed for the pupil's right = -1 on the front) for every position."""
    out = []
    for region in _REGIONS:
        if region.paired:
            out.append((f"r_{region.key}", f"Right {region.label}", region, 1))
            out.append((f"l_{region.key}", f"Left {region.label}", region, -1))
        else:
            out.append((region.key, region.label, region, 0))
    return out


POSITIONS = _positions()
POSITION_CHOICES = [(key, label) for key, label, _, _ in POSITIONS]
_BY_KEY = {key: (label, region, hand) for key, label, region, hand in POSITIONS}


def _x(region: Region, hand: int, side: str) -> float:
    """The pupil's right (hand=1) is the viewer's left on the front, right on the back."""
    toward = -1 if side == "front" else 1
    return 50 + toward * hand * region.dx


def mark_at(side: str, position: str, note: str = "") -> dict | None:
    """The mark for a named position on a side, or None if either is unknown."""
    if side not in dict(SIDES) or position not in _BY_KEY:
        return None
    _, region, hand = _BY_KEY[position]
    return {"side": side, "x": float(_x(region, hand, side)), "y": float(region.y), "note": note}


def describe(mark: dict) -> str:
    """Where a mark is, in words: its side and the nearest named position."""

    def distance(item):
        _, _, region, hand = item
        return (_x(region, hand, mark["side"]) - mark["x"]) ** 2 + ((region.y - mark["y"]) * 2) ** 2

    label = min(POSITIONS, key=distance)[1]
    return f"{dict(SIDES).get(mark['side'], mark['side'])}, {label[0].lower()}{label[1:]}"


def figures(marks: list[dict]) -> list[dict]:
    """Both outlines with their numbered marks (numbered across the whole map), as the
    template draws them: SVG coordinates and a description per mark."""
    out = []
    for side, side_label in SIDES:
        placed = [
            {
                "n": i,
                "cx": m["x"],
                "cy": m["y"] * 2,
                "note": m.get("note", ""),
                "where": describe(m),
            }
            for i, m in enumerate(marks, start=1)
            if m.get("side") == side
        ]
        out.append({"side": side, "label": side_label, "marks": placed})
    return out


def listed(marks: list[dict]) -> list[dict]:
    """The marks as a numbered list in words (the text alternative to the drawing)."""
    return [
        {"n": i, "where": describe(m), "note": m.get("note", ""), "mark": m}
        for i, m in enumerate(marks, start=1)
    ]


def positions_for_script() -> list[dict]:
    """The named positions with their place on each side, for bodymap.js (json_script)."""
    out = []
    for key, label, region, hand in POSITIONS:
        out.append(
            {
                "key": key,
                "label": label,
                "front": [_x(region, hand, "front"), region.y],
                "back": [_x(region, hand, "back"), region.y],
            }
        )
    return out
