"""Word lists for synthetic schools: common first and last names in England, and the
phrases a SENCO or TA would write. Nothing here is, or comes from, a real pupil's record."""

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
    "Edwards", "Hussain", "Ali", "Shah", "Begum", "Bennett", "Carter", "Parker", "Collins",
    "Stewart", "Bailey", "Murphy", "Kelly", "Ellis", "Marshall", "Fisher", "Holmes", "Lloyd",
    "Webb", "Reid", "Palmer", "Gray", "Fox", "Barnes", "Knight", "Russell", "Owen", "Dixon",
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
        "Sitting where I can see and hear the teacher.",
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
        "Sit me near the front, facing the teacher.",
        "Check my equipment is set up before the lesson.",
        "Give me enlarged print and good lighting.",
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
    "sp": [
        "Seat at the front, away from the window glare.",
        "Use the writing slope and chunky pencil.",
        "Check hearing aids are switched on at the start of the day.",
        "Allow extra time to move between rooms; leave a minute early.",
        "Enlarge worksheets to A3.",
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
        ("Uses the radio aid and checks it works each morning", "Adult checks the aid",
         "Self-checks every morning for two weeks"),
        ("Navigates from class to the hall independently", "Walks with an adult",
         "Independent on 5 days running"),
        ("Uses scissors to cut along a straight line", "Snips with help",
         "Cuts a 15 cm line within 5 mm"),
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

SESSION_NOTES = [
    "Settled quickly and worked well.",
    "Needed several prompts to start, then focused.",
    "Tired today; shortened the last activity.",
    "Used the visual timetable without being asked.",
    "Great effort: asked for help with the help card.",
    "Found the noise in the corridor hard; moved to the quiet room.",
    "Proud of their work and wanted to show the class teacher.",
    "Distracted after break; a movement break helped.",
    "Got all of today's words right first time.",
    "Worked well with a partner.",
]

FLAG_NOTES = [
    "Upset after lunch; please check in with them this afternoon.",
    "Mentioned not sleeping well; worth a word with home.",
    "Breakthrough today: read the whole page independently.",
    "Refused to start; something seemed to be worrying them.",
    "Used a new strategy brilliantly; could we try it in class?",
]

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
