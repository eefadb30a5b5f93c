"""Word lists for synthetic schools: common first and last names in England, and the
phrases a SENCO or TA would write. Nothing here is, or comes from, a real pupil's record."""

import re

BOYS = [
    "Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Archie", "Henry", "Jack",
    "Charlie", "Freddie", "Alfie", "Jacob", "Thomas", "Isaac", "Edward", "Adam", "Max", "Ethan",
    "Joshua", "James", "William", "Samuel", "Daniel", "Joseph", "Reuben", "Harrison", "Elijah",
    "Mohammed", "Lucas", "Finley", "Theodore", "Alexander", "Benjamin", "Frederick", "Louis",
    "Toby", "Dylan", "Ryan", "Zain", "Aarav", "Kai", "Riley", "Mason", "Jude",
]  # fmt: skip

GIRLS = [
    "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence", "Mia", "Willow",
    "Rosie", "Sophia", "Isabella", "Grace", "Daisy", "Poppy", "Elsie", "Emily", "Ella", "Evie",
    "Charlotte", "Millie", "Matilda", "Maya", "Sophie", "Alice", "Ruby", "Maisie", "Phoebe",
    "Eliza", "Ada", "Violet", "Esme", "Imogen", "Jessica", "Hannah", "Elizabeth", "Penelope",
    "Zara", "Aisha", "Chloe", "Megan", "Layla", "Harriet", "Erin", "Nia",
]  # fmt: skip

SURNAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell",
    "Rose", "Cox", "Morgan", "Moore", "Martin", "Price", "Scott", "Turner", "Hill", "Cooper",
    "Ward", "Morris", "King", "Watson", "Harris", "Baker", "Allen", "Young", "Hughes",
    "Edwards", "Hussain", "Ali", "Begum", "Parker", "Collins",
    "Stewart", "Bailey", "Murphy", "Kelly", "Ellis", "Marshall", "Fisher", "Holmes", "Lloyd",
    "Webb", "Reid", "Palmer", "Gray", "Fox", "Barnes", "Knight", "Russell", "Owen", "Dixon",
]  # fmt: skip

# Adults (staff, parents, carers) were born about 1965-2000: names common for births then,
# not today's baby names. WOMEN and MEN also give the generator each adult's sex, which the
# User model does not hold, so care plans' "female staff only" can be honoured.
WOMEN = [
    "Sarah", "Claire", "Emma", "Lisa", "Rachel", "Nicola", "Helen", "Joanne", "Karen",
    "Michelle", "Louise", "Kelly", "Gemma", "Laura", "Amy", "Hayley", "Victoria", "Rebecca",
    "Kirsty", "Donna", "Natalie", "Jennifer", "Stephanie", "Samantha", "Lucy", "Katie",
    "Leanne", "Julie", "Tracey", "Zoe", "Nadia", "Shabana", "Jodie", "Carly", "Priya",
]  # fmt: skip

MEN = [
    "David", "Paul", "Mark", "Andrew", "Richard", "Stephen", "Darren", "Lee", "Jason",
    "Craig", "Christopher", "Matthew", "Gareth", "Neil", "Simon", "Ian", "Martin", "Jonathan",
    "Wayne", "Carl", "Scott", "Kevin", "Gavin", "Imran", "Dean", "Stuart",
]  # fmt: skip

# Staff surnames are drawn from a list with no name in common with the pupils' (SURNAMES),
# so no adult shares a surname with a pupil they support.
STAFF_SURNAMES = [
    "Carter", "Shah", "Bennett", "Adams", "Atkinson", "Bell", "Booth", "Chapman", "Cole",
    "Dawson", "Doyle", "Elliott", "Ferguson", "Foster", "Gibson", "Graham", "Hamilton",
    "Harvey", "Hayes", "Henderson", "Howard", "Hunt", "Jenkins", "Kennedy", "Lawrence",
    "Mills", "Newman", "Nicholson", "Pearce", "Powell", "Richards", "Saunders", "Shaw",
    "Simpson", "Spencer", "Stevens", "Sutton", "Walsh", "Wells", "West", "Wilkinson", "Yates",
    "Chowdhury", "Ahmed", "Kaur", "Mistry",
]  # fmt: skip

# Legal name -> the name a child often goes by.
PREFERRED = {
    "Alexander": "Alex", "William": "Will", "Thomas": "Tom", "Samuel": "Sam", "Joseph": "Joe",
    "Daniel": "Dan", "Theodore": "Teddy", "Frederick": "Freddie", "Benjamin": "Ben",
    "Isabella": "Bella", "Elizabeth": "Lizzie", "Charlotte": "Lottie", "Matilda": "Tilly",
    "Florence": "Flo", "Penelope": "Penny", "Harriet": "Hattie", "Jessica": "Jess",
}  # fmt: skip

CONTACT_RELATIONSHIPS = [
    ("Mother", 10), ("Father", 7), ("Grandmother", 2), ("Stepfather", 1), ("Foster carer", 1),
    ("Aunt", 1), ("Special guardian", 1),
]  # fmt: skip

# By broad area of the pupil's primary need: ci, cl, semh, sp, other.
WHAT_MATTERS = {
    "ci": [
        "Knowing what is happening next. I like my visual timetable.",
        "Having time to answer. I know the answer, I need a moment.",
        "My dinosaur books and talking about them.",
        "Quiet places when the classroom is noisy.",
    ],
    "cl": [
        "Feeling proud of my work and taking it home to show.",
        "Playing football at break with my friends.",
        "Drawing comics and making up characters.",
        "Helping in the school garden.",
    ],
    "semh": [
        "Having a grown-up I can go to when I feel cross.",
        "My dog, Biscuit, and talking about what he did.",
        "Being trusted with jobs like taking the register.",
        "Starting the day calmly with a check-in.",
    ],
    "sp": [
        "Being able to do things by myself.",
        "Getting to lessons on time with everyone else.",
        "Swimming and being in the water.",
        "Joining in at playtime with everyone else.",
    ],
    "other": [
        "My family and my friends in class.",
        "Lego and building things.",
        "Music, especially singing in assembly.",
        "Knowing the adults around me.",
    ],
}

GOOD_AT = [
    "Remembering facts about animals.",
    "Making people laugh.",
    "Building with Lego and construction kits.",
    "Looking after younger children.",
    "Drawing and colouring carefully.",
    "Running fast and sports day.",
    "Singing and remembering songs.",
    "Using the tablet and computers.",
    "Being kind to friends who are upset.",
]

HOW_TO_SUPPORT = {
    "ci": [
        "Use my name before giving an instruction, and one instruction at a time.",
        "Show me with pictures as well as words.",
        "Give me a five-minute warning before changes.",
    ],
    "cl": [
        "Break tasks into small steps and check in after each one.",
        "Let me use my number line and word mat.",
        "Give me extra time and praise my effort.",
    ],
    "semh": [
        "Speak calmly and quietly; give me time to calm down before talking.",
        "Let me use my time-out card to go to the calm corner.",
        "Notice when I am doing well and tell me privately.",
    ],
    "sp": [
        "Check my equipment is set up before the lesson.",
        "Give me time to move about; I get there.",
    ],
    "other": [
        "Check I have understood by asking me to tell you back.",
        "Let me know who to go to if I need help.",
        "Keep routines the same where you can.",
    ],
}

STRATEGIES = {
    "ci": [
        "Give a five-minute warning before changes, with the timer.",
        "Use the now-and-next board for every transition.",
        "Keep language short: name first, then one instruction.",
        "Offer a choice of two rather than an open question.",
        "Ear defenders are in the blue tray for assemblies.",
    ],
    "cl": [
        "Pre-teach key vocabulary before the lesson.",
        "Use coloured overlays and a reading ruler.",
        "Provide a word mat and sentence starters for writing.",
        "Chunk tasks into three steps on a whiteboard; tick each off.",
        "Use concrete objects (cubes, number line) for maths.",
    ],
    "semh": [
        "Meet and greet at the door every morning.",
        "Use the feelings thermometer to check in after break.",
        "Offer a movement break before signs of stress build.",
        "Praise privately; public praise can overwhelm.",
        "Calm corner with a sand timer: five minutes, then back.",
    ],
    "sp": [  # physical; hearing and vision have their own pools (NEED_STRATEGIES)
        "Use the writing slope and chunky pencil.",
        "Allow extra time to move between rooms; leave a minute early.",
        "Keep the route to the door clear of bags and chairs.",
    ],
    "other": [
        "Check understanding by asking for the instruction back.",
        "Give a visual checklist for the routine.",
        "Pair with a supportive buddy.",
    ],
}

OUTCOMES = {
    "ci": [
        "will communicate their needs and ideas to adults and friends in class.",
        "will take part in group learning and play with growing independence.",
    ],
    "cl": [
        "will read and write with growing confidence at their own level.",
        "will use number facts to solve everyday problems.",
    ],
    "semh": [
        "will recognise and manage strong feelings with less adult help.",
        "will build and keep friendships in class and at play.",
    ],
    "sp": [
        "will move around school and take part in lessons as independently as possible.",
        "will use their equipment to access learning alongside their classmates.",
    ],
    "other": [
        "will take part in all parts of the school day with confidence.",
        "will make progress in reading, writing and maths at their own level.",
    ],
}

# (SMART target, baseline, success criteria)
TARGETS = {
    "ci": [
        ("Uses 4-word sentences to ask an adult for help", "Uses 2-word phrases",
         "4 out of 5 times, in class, three weeks running"),
        ("Takes turns in a game with two peers for 5 minutes", "Leaves the game after a minute",
         "Three sessions in a row without adult prompts"),
        ("Answers 'who' and 'where' questions about a short story", "Answers 'what' questions",
         "8 out of 10 questions correct"),
        ("Follows a two-part instruction given to the whole class", "Follows one-part instructions",
         "Observed on 4 of 5 days"),
        ("Greets a familiar adult or peer when prompted", "Needs a model to greet",
         "Every morning for two weeks"),
        ("Explains a new topic word in their own words", "Repeats the word after an adult",
         "5 topic words each half term"),
        ("Retells a short story in order using 'first', 'next' and 'then'",
         "Retells two events", "Three stories in a row, in order"),
    ],
    "cl": [
        ("Reads 30 high-frequency words on sight", "Reads 12 words",
         "30 words read correctly in one sitting, twice"),
        ("Recalls number bonds to 10", "Recalls bonds to 5 with cubes",
         "All bonds to 10 in under 2 minutes"),
        ("Writes a sentence with a capital letter and full stop", "Writes words in a list",
         "4 out of 5 independent sentences correct"),
        ("Blends CVC words to read them", "Knows 20 letter sounds",
         "Reads 8 out of 10 unseen CVC words"),
        ("Counts reliably to 20 and back", "Counts to 10",
         "Correct three days running"),
        ("Recalls the 2, 5 and 10 times tables", "Counts in 2s, 5s and 10s on a number line",
         "20 facts in under 2 minutes"),
        ("Writes a paragraph of three linked sentences", "Writes single sentences",
         "3 out of 4 independent paragraphs"),
        ("Adds two 3-digit numbers with a written method", "Adds 2-digit numbers with cubes",
         "8 out of 10 correct"),
    ],
    "semh": [
        ("Uses the calm corner instead of leaving the room when upset",
         "Leaves the room 3 times a week", "No more than once in a fortnight"),
        ("Names how they feel using the feelings chart", "Points to a face with help",
         "Names a feeling unprompted at each check-in"),
        ("Stays on task for 10 minutes with one reminder", "On task for 3 minutes",
         "10 minutes with at most one reminder, 4 days in 5"),
        ("Joins a structured game at lunchtime", "Plays alone at lunchtime",
         "Joins in on 3 days a week"),
        ("Accepts a 'no' from an adult without an outburst", "Outburst most times",
         "Calm response 4 out of 5 times"),
    ],
    "sp": [
        ("Forms letters correctly using a tripod grip", "Uses a fist grip",
         "Correct grip for a whole writing task"),
        ("Dresses independently for PE within 10 minutes", "Needs help with buttons and laces",
         "Ready in 10 minutes, 3 weeks running"),
        ("Navigates from class to the hall independently", "Walks with an adult",
         "Independent on 5 days running"),
        ("Uses scissors to cut along a straight line", "Snips with help",
         "Cuts a 15 cm line within 5 mm"),
        ("Asks an adult for help with equipment when it is needed", "Waits to be noticed",
         "Asks unprompted on 4 days in 5"),
    ],
    "other": [
        ("Starts a task within 2 minutes of the instruction", "Needs 3 or more prompts",
         "4 days out of 5"),
        ("Packs their bag using a visual checklist", "Adult packs the bag",
         "Independent every day for a week"),
        ("Asks for help using the help card", "Waits without asking",
         "Uses the card at least once a day"),
    ],
}  # fmt: skip

# Targets that fit only some year groups (Reception is 0): a Reception target is not copied
# to Year 6. Targets not named here fit any year of a primary school.
TARGET_YEARS = {
    "Uses 4-word sentences to ask an adult for help": (0, 3),
    "Answers 'who' and 'where' questions about a short story": (0, 3),
    "Greets a familiar adult or peer when prompted": (0, 3),
    "Explains a new topic word in their own words": (2, 6),
    "Retells a short story in order using 'first', 'next' and 'then'": (1, 4),
    "Reads 30 high-frequency words on sight": (0, 3),
    "Recalls number bonds to 10": (0, 3),
    "Writes a sentence with a capital letter and full stop": (0, 3),
    "Blends CVC words to read them": (0, 2),
    "Counts reliably to 20 and back": (0, 1),
    "Recalls the 2, 5 and 10 times tables": (2, 6),
    "Writes a paragraph of three linked sentences": (3, 6),
    "Adds two 3-digit numbers with a written method": (3, 6),
    "Forms letters correctly using a tripod grip": (0, 3),
    "Uses scissors to cut along a straight line": (0, 2),
    "Packs their bag using a visual checklist": (0, 4),
}

# Sensory and physical needs differ too much for one pool: a pupil whose only need is PD
# has no hearing-aid target. For these need codes the pools below replace the area's.
NEED_TARGETS = {
    "HI": [
        ("Uses the radio aid and checks it works each morning", "Adult checks the aid",
         "Self-checks every morning for two weeks"),
        ("Tells an adult when they have not heard an instruction", "Carries on without asking",
         "Asks for a repeat 4 out of 5 times"),
        ("Sits where they can see the speaker's face without a reminder",
         "Needs reminding each lesson", "No reminders for two weeks"),
    ],
    "VI": [
        ("Uses enlarged print and a magnifier to read independently", "An adult reads aloud",
         "Reads a page unaided in 4 of 5 sessions"),
        ("Moves around the classroom safely using the clear routes", "Walks with an adult",
         "Independent on 5 days running"),
        ("Uses bold-lined paper and a sloped board for written work",
         "Writing drifts off the line", "Writing on the line in 4 of 5 tasks"),
    ],
    "PD": None,  # the area's physical pool (motor skills, dressing, moving about)
    "PMLD": [
        ("Makes a choice between two objects by looking or reaching", "Looks at one object",
         "A clear choice 4 out of 5 times"),
        ("Anticipates a familiar routine from its object of reference",
         "No sign of anticipation", "Shows anticipation on 4 days in 5"),
        ("Stays calm through a hoist transfer with a spoken countdown",
         "Cries during transfers", "Calm in 4 of 5 transfers"),
    ],
    "MSI": [
        ("Anticipates a familiar routine from its object of reference",
         "No sign of anticipation", "Shows anticipation on 4 days in 5"),
        ("Uses the radio aid and checks it works each morning", "Adult checks the aid",
         "Self-checks every morning for two weeks"),
        ("Uses enlarged print and a magnifier to read independently", "An adult reads aloud",
         "Reads a page unaided in 4 of 5 sessions"),
    ],
}  # fmt: skip

NEED_STRATEGIES = {
    "HI": [
        "Check hearing aids are switched on at the start of the day.",
        "Face the class when speaking; keep hands away from your mouth.",
        "Use the radio aid for every whole-class input.",
        "Seat near the front, away from the noisy door.",
    ],
    "VI": [
        "Seat at the front, away from the window glare.",
        "Enlarge worksheets to A3.",
        "Keep the classroom layout the same; say when anything moves.",
        "Give their own copy of anything shown on the board.",
    ],
    "PD": [
        "Use the writing slope and chunky pencil.",
        "Allow extra time to move between rooms; leave a minute early.",
        "Keep the route to the door clear of bags and chairs.",
        "Offer a seated alternative in PE.",
    ],
    "PMLD": [
        "Use an object of reference before each change of activity.",
        "Change position every 30 minutes, as the physiotherapist's plan says.",
        "Allow extra time to move between rooms; leave a minute early.",
    ],
    "MSI": [
        "Use an object of reference before each change of activity.",
        "Check hearing aids are switched on at the start of the day.",
        "Enlarge worksheets to A3.",
    ],
}

NEED_HOW_TO_SUPPORT = {
    "HI": ["Sit me near the front, facing the teacher.", "Check my radio aid is on."],
    "VI": ["Give me enlarged print and good lighting.", "Tell me when things in class move."],
    "PD": ["Check my equipment is set up before the lesson.", "Give me time to move about."],
    "PMLD": ["Show me what is coming next with my object of reference."],
    "MSI": ["Show me what is coming next with my object of reference."],
}

NEED_DAILY_PROGRAMMES = {
    "HI": ["Listening skills 1:1", "Pre-teaching topic vocabulary"],
    "VI": ["Touch-typing 1:1", "Visual skills programme"],
    "PMLD": ["Sensory story and choice-making", "Physiotherapy exercises"],
    "MSI": ["Objects of reference routine", "Listening skills 1:1"],
}

NEED_THERAPIES = {
    "HI": ("Hearing support programme (teacher of the deaf)", "teacher"),
    "VI": ("Vision support programme (qualified teacher of the visually impaired)", "teacher"),
}

NEED_GROUP_INTERVENTIONS = {
    "HI": ["Listening skills group"],
    "VI": ["Touch-typing group"],
}


def for_needs(needs, by_area, by_need, area):
    """The phrases that fit a pupil's needs: the need-specific pool of each sensory or
    physical need, else their area's pool. `needs` are census codes, primary first."""
    pool = []
    for code in needs or [None]:
        specific = by_need.get(code) if code else None
        for item in specific if specific else by_area[area]:
            if item not in pool:
                pool.append(item)
    return pool


def fits_year(text: str, ordinal: int) -> bool:
    low, high = TARGET_YEARS.get(text, (0, 6))
    return low <= ordinal <= high


# A daily 1:1 programme for every pupil with an EHC plan, by area.
DAILY_PROGRAMMES = {
    "ci": ["Talk Boost 1:1", "Language for Thinking", "Attention Autism (bucket time)"],
    "cl": ["Precision teaching", "Daily reading 1:1", "Numicon 1:1"],
    "semh": ["Morning check-in and regulation", "Zones of Regulation 1:1"],
    "sp": ["Fine motor programme", "Sensory circuit"],
    "other": ["Daily reading 1:1", "Precision teaching"],
}

THERAPIES = {
    "ci": ("Speech and language therapy programme", "therapist"),
    "cl": ("Educational psychologist programme: memory skills", "ta"),
    "semh": ("Lego therapy", "ta"),
    "sp": ("Occupational therapy programme", "therapist"),
    "other": ("Lego therapy", "ta"),
}

GROUP_INTERVENTIONS = {
    "ci": ["Talk Boost group", "Language group", "Social skills group"],
    "cl": ["Phonics catch-up", "Number sense group", "Reading fluency group"],
    "semh": ["Nurture group", "Zones of Regulation group", "Friendship group"],
    "sp": ["Handwriting group", "Motor skills group"],
    "other": ["Reading fluency group", "Phonics catch-up"],
}

# A target is worked on (and rated) only in a provision of its own area (or sensory need),
# and a subject's provision only works on that subject: no number bonds in phonics.
MATHS = re.compile(r"number|count|times tables|adds|numicon", re.I)
LITERACY = re.compile(r"read|writes a|blends|phonics|words on sight", re.I)
SKILL = re.compile(r"\bpage\b|\bbooks?\b|phonics|blend", re.I)


def _areas(text: str) -> set:
    """The areas (and sensory needs) whose pools hold a target or a provision's title."""
    found = set()
    for pools in (TARGETS, NEED_TARGETS):
        for key, pool in pools.items():
            if any(item[0] == text for item in pool or []):
                found.add(key)
    for pools in (
        DAILY_PROGRAMMES,
        NEED_DAILY_PROGRAMMES,
        GROUP_INTERVENTIONS,
        NEED_GROUP_INTERVENTIONS,
    ):
        found |= {key for key, pool in pools.items() if text in pool}
    for pools in (THERAPIES, NEED_THERAPIES):
        found |= {key for key, (title, _) in pools.items() if title == text}
    return found


def _subject(text: str) -> str:
    maths, literacy = bool(MATHS.search(text)), bool(LITERACY.search(text))
    return "maths" if maths and not literacy else "literacy" if literacy and not maths else ""


def text_fits_provision(text: str, provision: str) -> bool:
    """A note or adaptation about a subject (cubes and number lines) only where that
    subject is taught: no number line in Talk Boost."""
    # "Read the instructions aloud" fits anywhere; a page or a book is a reading lesson.
    subject = "maths" if MATHS.search(text) else "literacy" if SKILL.search(text) else ""
    return not subject or subject == _subject(provision) or provision == "Precision teaching"


def target_fits(target: str, provision: str) -> bool:
    """Does a target belong in (and get rated in) a provision with this title?"""
    if not _areas(target) & _areas(provision):
        return False
    subjects = {_subject(target), _subject(provision)} - {""}
    return len(subjects) <= 1


SESSION_NOTES = [
    "Settled quickly and worked well.",
    "Needed several prompts to start, then focused.",
    "Tired today; shortened the last activity.",
    "Used the visual timetable without being asked.",
    "Great effort: asked for help with the help card.",
    "Found the noise in the corridor hard; moved to the quiet room.",
    "Proud of their work and wanted to show the class teacher.",
    "Distracted after break; a movement break helped.",
    "Got today's task right first time.",
    "Took turns well and waited patiently.",
    "Left part-way through for an appointment; worked well until then.",
]

FLAG_NOTES = [
    "Upset after lunch; please check in with them this afternoon.",
    "Upset when they arrived this morning; please check in with them at break.",
    "Mentioned not sleeping well; worth a word with home.",
    "Breakthrough today: managed the whole task independently.",
    "Refused to start; something seemed to be worrying them.",
    "Used a new strategy brilliantly; could we try it in class?",
]

# What the teacher should look at, for each flagged note (SessionPupil.flag_note): the
# product asks for one whenever a record is flagged.
FLAG_LOOK_AT = {
    "Upset after lunch; please check in with them this afternoon.": (
        "Check in with them this afternoon."),
    "Upset when they arrived this morning; please check in with them at break.": (
        "Check in with them at break."),
    "Mentioned not sleeping well; worth a word with home.": "A word with home about sleep.",
    "Breakthrough today: managed the whole task independently.": (
        "Try the same task in class without help."),
    "Refused to start; something seemed to be worrying them.": (
        "Find out what is worrying them."),
    "Used a new strategy brilliantly; could we try it in class?": (
        "Try the new strategy in class."),
}  # fmt: skip

# When a note fits its own record: (lowest response, highest response, attendances, the
# earliest and latest start "HH:MM"). A note not named here fits a pupil who took part, at
# any time. No "upset after lunch" at 10:50, no praise beside "refused to start".
NOTE_RULES = {
    "Settled quickly and worked well.": (4, 5, ("present",), "", ""),
    "Needed several prompts to start, then focused.": (2, 4, ("present",), "", ""),
    "Tired today; shortened the last activity.": (1, 3, ("present", "partial"), "", ""),
    "Used the visual timetable without being asked.": (3, 5, ("present",), "", ""),
    "Great effort: asked for help with the help card.": (3, 5, ("present",), "", ""),
    "Found the noise in the corridor hard; moved to the quiet room.": (1, 3, ("present",), "", ""),
    "Proud of their work and wanted to show the class teacher.": (4, 5, ("present",), "", ""),
    "Distracted after break; a movement break helped.": (2, 4, ("present",), "10:45", "12:00"),
    "Got today's task right first time.": (4, 5, ("present",), "", ""),
    "Took turns well and waited patiently.": (3, 5, ("present",), "", ""),
    "Left part-way through for an appointment; worked well until then.": (
        3, 5, ("partial",), "", ""),
    "Upset after lunch; please check in with them this afternoon.": (
        1, 2, ("present", "partial"), "13:00", "14:45"),
    "Upset when they arrived this morning; please check in with them at break.": (
        1, 2, ("present", "partial"), "", "10:15"),
    "Mentioned not sleeping well; worth a word with home.": (1, 3, ("present", "partial"), "", ""),
    "Breakthrough today: managed the whole task independently.": (4, 5, ("present",), "", ""),
    "Refused to start; something seemed to be worrying them.": (1, 1, ("refused",), "", ""),
    "Used a new strategy brilliantly; could we try it in class?": (4, 5, ("present",), "", ""),
}  # fmt: skip


def note_fits(text: str, attendance: str, response, start) -> bool:
    """Does a session note agree with its record (attendance, response 1-5, start time)?"""
    low, high, attendances, earliest, latest = NOTE_RULES.get(
        text, (1, 5, ("present", "partial"), "", "")
    )
    at = f"{start:%H:%M}"
    return (
        attendance in attendances
        and response is not None
        and low <= response <= high
        and (not earliest or at >= earliest)
        and (not latest or at <= latest)
    )


ADAPTATIONS = [
    "Shortened the task to three questions.",
    "Used cubes instead of the number line.",
    "Moved to the quiet room.",
    "Added a movement break half-way.",
    "Read the instructions aloud.",
]

MISSED_OTHER = [
    "Fire drill during the session.",
    "Class assembly overran.",
    "School photographer in the hall.",
]

# -- behaviour -------------------------------------------------------------------------
# An IBP's triggers, early signs and what to avoid, by broad area of need.
IBP_TRIGGERS = {
    "semh": [
        "Coming back into class after lunch and break; losing at games; being told off in front "
        "of others.",
        "Unstructured times (lunch, wet play); a change of adult without warning.",
    ],
    "ci": [
        "Noisy, busy rooms (hall, dinner hall); sudden changes to the timetable; the return to "
        "class after lunch.",
        "Waiting without knowing how long for; being touched without warning.",
    ],
    "other": [
        "Long writing tasks without a break; transitions between lessons.",
        "Being rushed; not knowing what happens next.",
    ],
}
IBP_EARLY_SIGNS = [
    "Goes quiet, pulls hood or jumper over face, taps the table.",
    "Covers ears, rocks on the chair, asks the same question again and again.",
    "Louder voice, leaves seat, starts to pace near the door.",
]
IBP_AVOID = [
    "Raised voices; long explanations in the moment; touching without warning.",
    "Public reprimands; sanctions that take away the afternoon movement break.",
    "Standing over them; giving several instructions at once.",
]
# The focus pupil's agreed strategies: (text, how well it tends to work, 1-3).
FOCUS_STRATEGIES = [
    ("Offer the calm corner with ear defenders and a five-minute sand timer", 3),
    ("First/then board for the next task", 2),
    ("Meet at the classroom door after lunch and walk in together", 3),
    ("Reminder of the class rules in front of the group", 1),
]
IBP_STRATEGIES = [
    "Offer a movement break before signs of stress build.",
    "Use the feelings thermometer to check in after break.",
    "Give a five-minute warning before changes, with the timer.",
    "Offer a choice of two rather than an open question.",
    "Calm corner with a sand timer: five minutes, then back.",
    "Praise privately; public praise can overwhelm.",
]

# The school day: (start, end, lesson, location); the lesson names the incident's setting.
DAY_BLOCKS = [
    ("09:00", "10:15", "English", "Classroom"),
    ("10:15", "10:30", "Assembly", "Hall"),
    ("10:30", "10:45", "Break", "Playground"),
    ("10:45", "12:00", "Maths", "Classroom"),
    ("12:00", "13:00", "Lunchtime", "Dinner hall"),
    ("13:00", "14:00", "Science", "Classroom"),
    ("14:00", "15:00", "PE", "Hall"),
    ("15:00", "15:20", "Story time", "Classroom"),
]
ANTECEDENTS = {
    "English": ["Asked to start independent writing.", "Asked to read aloud to the group."],
    "Assembly": [
        "Loud music and a crowded hall.",
        "Asked to sit still on the floor for a long time.",
    ],
    "Break": ["Lost a game of football.", "Another pupil took the ball."],
    "Maths": ["Asked to stop a preferred activity.", "Got a question wrong in front of the group."],
    "Lunchtime": ["Queue in the dinner hall was noisy and slow.", "Seat taken by another pupil."],
    "Science": [
        "Transition back into class after lunch.",
        "Unexpected change: a supply teacher for the afternoon.",
        "Working in a group of four, sharing equipment.",
    ],
    "PE": [
        "Transition to the hall and changing for PE.",
        "Lost a race in front of the class.",
        "Waiting for a turn on the apparatus.",
    ],
    "Story time": ["Tidy-up time before home.", "Asked to put away a toy from home."],
}
CONCERN_BEHAVIOURS = [
    ("Left the classroom without asking and went to the corridor.", 1),
    ("Shouted at an adult and pushed the chair away.", 2),
    ("Threw pencils and a ruler on the floor.", 1),
    ("Hid under the table and would not come out.", 1),
    ("Tore up their worksheet.", 1),
    ("Pushed another pupil in the line.", 2),
    ("Kicked out at an adult's leg while being guided back to class.", 3),
    ("Ran from the line towards the school gate.", 3),
]
CONCERN_RESPONSES = [
    "Adult lowered their voice, gave space and offered the calm corner.",
    "Offered a choice of two tasks; used the first/then board.",
    "Walked with them to the quiet room; timer for five minutes.",
    "Class moved to the carpet; adult stayed nearby without talking.",
]
CONCERN_OUTCOMES = [
    "Calm after about ten minutes; returned to the lesson.",
    "Returned to class after the calm corner and finished two questions.",
    "Stayed in the quiet room until the end of the lesson.",
    "Apologised to the other pupil with adult support.",
]
FOLLOW_UPS = [
    "Class teacher to mention it at home time.",
    "SENCO informed; discuss at the IBP review.",
    "",
    "",
]
POSITIVE_BEHAVIOURS = [
    "Used the calm card to ask for a break, and came back by themselves.",
    "Came back into class after lunch calmly and started work straight away.",
    "Helped a classmate who was upset at break.",
    "Finished the writing task independently.",
    "Waited for a turn on the apparatus without prompts.",
    "Told an adult they were getting cross instead of leaving the room.",
]
# What ABC entries look like: (antecedent, behaviour, consequence).
ABC_ENTRIES = [
    ("Teacher asked the class to start writing.", "Put head on the table, said 'no'.",
     "TA offered the first/then board; started after two minutes."),
    ("Class lined up to go to the hall.", "Pushed to the front of the line.",
     "TA asked them to walk with her at the back; complied."),
    ("Peer sat in their usual seat.", "Shouted and knocked the pencil pot over.",
     "Adult gave space; pupil picked up the pencils after a minute."),
    ("Noise rose during group work.", "Covered ears and left the table.",
     "Offered ear defenders and the calm corner; returned after five minutes."),
    ("Asked to stop drawing and move on.", "Tore the corner of the worksheet.",
     "Adult gave a two-minute warning and a new sheet; carried on."),
    ("Praised in front of the class.", "Hid under the table.",
     "Adult praised privately instead; came out and joined in."),
]  # fmt: skip
OBSERVED_BEHAVIOURS = {
    "frequency": ["Calls out", "Leaves seat", "Taps or bangs the table"],
    "duration": ["Out of seat", "Under the table", "Off task, head down"],
}

# Restrictive interventions: restrained, factual wording in the register of the 2025
# regulations' record.
RI_NOTIFIED = {
    "incident": "Would not come into class and ran along the corridor towards the side exit.",
    "antecedent": "Transition back into class after lunch.",
    "kind": "reasonable_force",
    "minutes": 3,
    "location": "Corridor by the side exit",
    "before": "{name} came back from lunch upset about a game, would not come into class and "
    "ran along the corridor towards the side exit, which opens onto the car park.",
    "deescalation": "Calm voice and few words; offered the calm corner and ear defenders; "
    "{adult} walked alongside at a distance; the first/then board was shown.",
    "holds": "Guided by the arm (Team Teach friendly hold), two adults, about three minutes, "
    "back to the calm room.",
    "reason": "To stop {name} leaving the building onto the car park, where cars were moving: "
    "a risk of serious injury.",
    "support_after": "Quiet time in the calm room with {adult}, a drink and a snack; back in "
    "class by 14:20.",
    "debrief": "{adult} and the SENCO talked it through with {name} the next morning using a "
    "comic strip; the IBP now includes meeting {name} at the door after lunch.",
}
RI_OVERDUE = {
    "incident": "Hit out at another pupil after losing a race.",
    "antecedent": "Lost a race in front of the class.",
    "kind": "restraint",
    "minutes": 2,
    "location": "Hall",
    "before": "Lost a race in PE; shouted and began to hit out at another pupil standing close by.",
    "deescalation": "Other pupils moved away; {adult} used {name}'s name and the calm card, "
    "and offered the calm corner.",
    "holds": "Held {name}'s hands for about two minutes (Team Teach) until calmer, then "
    "walked to the calm room together.",
    "reason": "To stop {name} hurting another pupil who could not move away in time.",
    "support_after": "Calm room with {adult}; returned to class for story time.",
}
PARENT_NOTES = [
    "Explained what happened, the hold used and that there were no injuries; {contact} thanked "
    "us and will talk to {name} at home.",
]

# Safeguarding concerns: synthetic, restrained, factual. {name} is the pupil's first name.
CONCERNS = [
    {
        "location": "Breakfast club",
        "concern": "{name} asked for a second and third slice of toast and put one in their "
        "bag. Said there had not been any tea at home last night. Uniform has looked unwashed "
        "for about a week and {name} has seemed tired in the mornings.",
        "words_used": "'There wasn't anything in for tea. Mum said we'd get something "
        "tomorrow.'",
        "action_taken": "Gave {name} breakfast and told the DSL before registration.",
        "body_map": [],
        "actions": [
            ("triage", "Spoke to the class teacher: tiredness noticed for a fortnight; no "
             "previous concerns on file. Risk assessed as low."),
            ("early_help", "Met mum after school; she agreed to an early help assessment. "
             "Family hub contacted about food support."),
        ],
    },
    {
        "location": "Classroom, changing for PE",
        "concern": "While {name} was changing for PE I noticed a bruise about 2 cm across on "
        "the upper left arm. When I asked, {name} said it happened at the weekend. {name} did "
        "not seem upset and joined in with PE.",
        "words_used": "'I fell off my scooter at the park.'",
        "action_taken": "Did not ask further questions; recorded what {name} said and told the "
        "DSL after the last lesson.",
        "body_map": [{"side": "front", "x": 68, "y": 30,
                      "note": "Bruise about 2 cm, yellowish, upper left arm."}],
        "actions": [
            ("triage", "Explanation is consistent with the mark. No previous concerns on file. "
             "Risk assessed as low."),
            ("monitor", "Class teacher to pass on any further marks or comments; DSL to check "
             "in with {name} weekly for four weeks."),
        ],
    },
]  # fmt: skip

# Care and health (issue 4). Synthetic wording, in the voice of a school's records.
ASTHMA_PLAN = {
    "conditions": "Asthma (moderate): a blue reliever inhaler with a spacer. Chronic "
    "constipation: lactulose every day at lunchtime.",
    "triggers": "Cold air, running games and PE, dust, colds.",
    "signs": "Wheeze, coughing, a tight chest, finding it hard to speak in full sentences.",
    "daily_care": "Inhaler and spacer go with {name} to PE, the field and on trips. Lactulose "
    "at lunchtime from the office.",
    "emergency": "Sit {name} upright and stay calm. Two puffs of salbutamol through the "
    "spacer, one puff at a time; one puff every 30-60 seconds up to 10 puffs. If no better, "
    "or you are worried at any point, call 999, then the parents.",
}
INHALER_WHEN = "Wheeze, cough or tight chest; before PE if {name} asks"
REFUSALS = [
    "Would not take it; said it tastes horrible. Offered again after 10 minutes, still no.",
    "Upset after lunch and would not take it. Parent told at home time.",
    "Refused; wanted to go out to play first. Parent told at home time.",
]
CARE_ROUTINES = {
    "toileting": "Prompt to use the toilet after morning break and after lunch. Changing bed "
    "in the hygiene room; pads and wipes in {name}'s named box. Two adults; talk {name} "
    "through each step and keep the door closed.",
    "moving_handling": "Ceiling hoist in the hygiene room for the changing bed; mobile hoist "
    "in the physio room for the standing frame. {name}'s own sling. Two adults for every "
    "transfer; check the sling loops and the hoist's inspection label first.",
}
TRANSFERS = (
    "Wheelchair to changing bed and back (ceiling hoist). Wheelchair to standing frame and "
    "back (mobile hoist). Never a manual lift."
)
CARE_KINDS = {"toileting": [("pad change", 6), ("toilet visit", 3)], "moving_handling": [
    ("hoist transfer", 1)]}  # fmt: skip
HOIST_NOTES = [
    "Wheelchair to changing bed and back.",
    "Wheelchair to standing frame for 20 minutes, then back.",
]
CARE_OBSERVATIONS = [
    "Skin intact, no redness.",
    "Skin intact, no redness.",
    "Skin intact, no redness.",
    "Slight redness; barrier cream applied.",
    "Settled and chatty throughout.",
    "A little unsettled; calmed with the song.",
]
CARE_PRODUCTS = ["Pad (size 5), wipes", "Pad (size 5), wipes, barrier cream", "Wipes"]

SLT_REASONS = [
    "Understanding and using spoken language; following instructions with two key words.",
    "Expressive language: short sentences, and joining in with talk in class.",
]
SLT_PROGRAMMES = [
    {
        "title": "Attention and listening",
        "goals": [
            "Shares attention with an adult for a 5-minute activity.",
            "Shares attention with an adult for a 10-minute activity and follows a "
            "one-step instruction.",
        ],
        "activities": [
            "1. Bucket time: three objects, one at a time. 2. Wait for eye contact before "
            "the next. 3. Name each object once, simply.",
            "1. Bucket time: three objects, one at a time. 2. Wait for eye contact before "
            "the next. 3. Give a one-step instruction with each ('give me the ball'); "
            "praise the doing, not the looking.",
        ],
    },
    {
        "title": "Building sentences",
        "goals": [
            "Uses 3-word sentences to describe a picture.",
            "Uses 4-word sentences to describe a picture, with a colour or size word.",
        ],
        "activities": [
            "1. Colourful semantics cards: who, doing, what. 2. Model the sentence, then "
            "the pupil says it. 3. Barrier game with the same pictures.",
            "1. Colourful semantics cards: who, doing, what, where. 2. Model, then the pupil "
            "says it. 3. Barrier game with describing words (big, red).",
        ],
    },
]
SLT_REVIEWS = [
    "Read the session records: attending well and the activity is working. Moving on to "
    "one-step instructions.",
    "Good progress in the records; goal updated. Keep to Tuesdays and Thursdays.",
]
SHARED_NOTES = "{name} likes {likes}. Parents keen to hear what to practise at home."
LIKES = ["trains", "dinosaurs", "animals", "bubbles", "music", "football"]
