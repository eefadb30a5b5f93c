"""What each kind of view asks, in the words its author reads. The pupil's are short, with a
picture beside each (reviews/_picture.html draws them) and a face to point at; the
parent's are plain English; staff and agencies get the headings a local authority reads.

A prompt is (key, question, hint, picture). Answers are stored by key (ReviewView.answers),
so rewording a question keeps old answers under it."""

FEELINGS = {
    "happy": "Happy",
    "ok": "OK",
    "unsure": "Not sure",
    "sad": "Sad",
}

PUPIL = [
    ("feel", "How do you feel about school?", "Point to a face.", "school"),
    ("like", "What do you like at school?", "Things, people, places, lessons.", "heart"),
    ("good_at", "What are you good at?", "", "star"),
    ("hard", "What is hard for you?", "", "cloud"),
    ("helps", "What helps you?", "People or things that help.", "hand"),
    ("next", "What do you want to get better at?", "", "arrow"),
]

PARENT = [
    ("going_well", "What is going well for your child?", "At school or at home.", ""),
    ("worries", "Is anything worrying you?", "Anything at all, big or small.", ""),
    ("changes", "Has anything changed since the last review?",
     "For example at home, health, or how your child feels about school.", ""),
    ("support", "Is the support in the plan helping? Is anything missing?", "", ""),
    ("hopes", "What would you like your child to achieve next?",
     "This year, and further ahead.", ""),
]  # fmt: skip

STAFF = [
    ("progress", "Progress since the last review", "Against the outcomes and targets.", ""),
    ("works", "What works well", "Strategies, approaches, adults, times of day.", ""),
    ("difficult", "What is difficult", "", ""),
    ("next_steps", "Suggested next steps", "Targets and provision for the next year.", ""),
]

AGENCY = [
    ("advice", "Advice", "What the agency found and advises.", ""),
    ("provision", "Provision recommended", "What, how often, and who gives it.", ""),
]

BY_KIND = {"pupil": PUPIL, "parent": PARENT, "teacher": STAFF, "ta": STAFF, "agency": AGENCY}

ANSWER_MAX = 3000


def answered(kind: str, answers: dict) -> list[tuple[str, str, str]]:
    """(question, answer, picture) for each prompt answered, in the prompts' order. A
    feeling reads as its word."""
    out = []
    for key, question, _hint, picture in BY_KIND[kind]:
        value = (answers or {}).get(key, "")
        if key == "feel":
            value = FEELINGS.get(value, "")
        if value:
            out.append((question, value, picture))
    return out
