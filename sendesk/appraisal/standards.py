"""The school's band descriptors for appraisal, from the seed's matrix (job description 003):
five areas, each tied to Teaching Assistant Standards, with what each band looks like. Every
school starts from these words; they are the pattern the line manager judges against."""

AREAS = [
    ("practice", "Professional practice"),
    ("outcomes", "Professional outcomes"),
    ("relationships", "Professional relationships"),
    ("development", "Professional development"),
    ("conduct", "Professional conduct"),
]

# The Teaching Assistant Standards each area is judged against (the seed's second column).
STANDARDS = {
    "practice": "1.5, 2.1, 2.3, 2.4, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6, 4.5, 4.6",
    "outcomes": "1.5, 2.2, 2.4, 3.1, 3.4, 3.5, 4.1, 4.5",
    "relationships": "1.2, 1.4, 1.5, 2.4, 4.1, 4.2, 4.3, 4.4, 4.5",
    "development": "1.5, 2.1, 2.3, 4.3, 4.4, 4.5",
    "conduct": "1.1, 1.3, 1.4, 3.2, 3.6, 4.4",
}

# Every standard the matrix names, for checking an objective's "standards" field.
ALL_STANDARDS = frozenset(f"{part}.{n}" for part in range(1, 5) for n in range(1, 7))

BANDS = [
    ("not_yet", "Not yet at band 1"),
    ("band1", "Band 1 (induction)"),
    ("band2", "Band 2 (post induction)"),
    ("band3", "Band 3 (HLTA)"),
]

DESCRIPTORS = {
    "practice": {
        "band1": "Many – but not all – aspects of teaching and support over time are good.",
        "band2": "All aspects of teaching and support over time are good.",
        "band3": "Many aspects of teaching and support over time are outstanding.",
    },
    "outcomes": {
        "band1": "With appropriate additional support, most pupils progress in line with "
        "school expectations.",
        "band2": "Most pupils engage with learning and make progress in line with school "
        "expectations without additional support.",
        "band3": "Significant numbers of pupils engage with learning and make progress "
        "which exceeds school expectations.",
    },
    "relationships": {
        "band1": "Positive working relationships established with pupils, colleagues and parents.",
        "band2": "These working relationships result in good progress by all groups of "
        "pupils and productive sharing of professional practice with others.",
        "band3": "Working relationships with colleagues are characterised by an "
        "enthusiastic commitment to helping them overcome professional challenges.",
    },
    "development": {
        "band1": "Develops professional practice in line with advice from more experienced "
        "colleagues.",
        "band2": "Takes a proactive role in identifying areas for professional development "
        "and accessing advice.",
        "band3": "Proactively leads the professional development of others in a way which "
        "leads to improved outcomes for pupils.",
    },
    "conduct": {
        "band1": "Professional conduct meets the expectations set out within the Teaching "
        "Assistant Standards.",
        "band2": "Professional conduct meets and often exceeds the expectations set out "
        "within the Teaching Assistant Standards.",
        "band3": "Professional conduct meets the expectations set out within the Teaching "
        "Assistant Standards and positively influences others' everyday practice.",
    },
}

# The induction checklist a new TA starts with; the mentor ticks each item off.
INDUCTION_ITEMS = [
    "Read the child protection and safeguarding policy and KCSIE part 1",
    "Met the designated safeguarding lead and knows how to report a concern",
    "Fire, first aid and lockdown procedures explained",
    "Read the behaviour policy and the positive handling policy",
    "Met the SENCO: the pupils supported, their plans and one-page profiles",
    "Read the healthcare and intimate care plans of the pupils supported",
    "Shadowed an experienced TA for a week of sessions",
    "Shown how to record sessions in SENDesk",
    "Confidentiality, data protection and the code of conduct explained",
    "Training booked: safeguarding and any the pupils supported need",
]
