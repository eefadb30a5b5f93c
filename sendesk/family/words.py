"""Plain English for parents. Staff pages speak in minutes, codes and plan sections; a
parent reading on a phone needs whole sentences about their child. Everything a family
page says in words is made here, from figures the selectors count, so the wording is in
one place and tested once (tests/family).

The child is named by first name, never a pronoun: the record holds no gender."""

import datetime as dt

from sendesk.provision import progress
from sendesk.provision.models import MissedReason, Provision, Rating

# Why a session did not happen, as it reads after a number ("2 when Ben was off school").
# Every MissedReason code has its words here (a test keeps it so); "{name}" is the child.
REASONS = {
    MissedReason.STAFF_ABSENT: "because the member of staff was away",
    MissedReason.PUPIL_ABSENT: "when {name} was off school",
    MissedReason.TRIP: "because of a school trip or event",
    MissedReason.TIMETABLE: "because another school activity was on at the same time",
    MissedReason.OTHER: "for another reason",
}
# A delivered session the child was marked absent from: not "off school", which the
# record does not say; only that they were not in the session.
NOT_THERE = "not_there"
REASONS_EXTRA = {NOT_THERE: "when {name} was not there"}
OTHER_REASON = "for another reason"

# How the child did on a target in one session: the heading a rating gives, and what the
# child did. The order is the rating scale's, lowest first.
PROGRESS = {
    Rating.NOT_YET: ("Not yet", "could not do this yet"),
    Rating.EMERGING: ("Making a start", "managed this with a lot of help"),
    Rating.DEVELOPING: ("Getting there", "managed this with some help"),
    Rating.SECURE: ("Nearly there", "managed this with very little help"),
    Rating.ACHIEVED: ("Can do this", "managed this without help"),
}
NO_PROGRESS = ("No progress recorded yet", "staff have not recorded progress on this yet.")

KINDS = {
    Provision.Kind.ONE_TO_ONE: "One-to-one with an adult.",
    Provision.Kind.GROUP: "In a small group.",
    Provision.Kind.THERAPY: "A therapy programme.",
    Provision.Kind.CARE: "Care support.",
    Provision.Kind.EQUIPMENT: "Equipment or an adaptation.",
    Provision.Kind.ACCESS: "An access arrangement.",
}
DAY_NAMES = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays"]


def first_name(child) -> str:
    return child.preferred_name or child.legal_first_name


def staff_name(user) -> str:
    """A member of staff by full name; never their e-mail address."""
    return (user.full_name if user is not None else "") or "a member of staff"


def day_words(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def days_words(first: dt.date, last: dt.date) -> str:
    """'Monday 16 November', 'Saturday 14 and Sunday 15 November', 'Saturday 24 October
    to Sunday 1 November'."""
    if first == last:
        return day_words(first)
    joint = " and " if (last - first).days == 1 else " to "
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%A} {first.day}{joint}{day_words(last)}"
    return f"{day_words(first)}{joint}{day_words(last)}"


def join_words(parts) -> str:
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def count(n: int, singular: str, plural: str = "") -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def duration(minutes: int) -> str:
    """'45 minutes', '1 hour', '12½ hours': to the half hour from an hour up."""
    if minutes < 60:
        return count(minutes, "minute")
    halves = round(minutes / 30)
    whole, half = divmod(halves, 2)
    if half:
        return f"{whole}½ hours"
    return count(whole, "hour")


def reason_words(reason: str, name: str) -> str:
    text = REASONS.get(reason) or REASONS_EXTRA.get(reason) or OTHER_REASON
    return text.format(name=name)


def how_often(provision) -> str:
    """'30 minutes, 5 times a week, every school day.' or '15 hours a week, on Mondays.'"""
    days = provision.days
    if days == "12345":
        when = "every school day"
    else:
        when = "on " + join_words(DAY_NAMES[int(d) - 1] for d in days)
    if provision.sessions_per_week:
        n = provision.sessions_per_week
        every = f"{times(n)} a week"
        return f"{duration(provision.session_minutes)}, {every}, {when}."
    return f"{duration(provision.weekly_minutes)} a week, {when}."


def promised_in(provision, name: str) -> str:
    if provision.source == Provision.Source.EHCP_F:
        return f"Promised in {name}'s Education, Health and Care (EHC) plan."
    return f"Part of the school's SEN support plan for {name}."


def _missed_sentence(missed: dict, name: str, noun: str = "") -> str:
    """'3 were missed: 2 when Ben was off school, 1 because of a school trip or event.'"""
    total = sum(missed.values())
    if not total:
        return ""
    head = count(total, noun) if noun else str(total)
    verb = "was" if total == 1 else "were"
    parts = sorted(missed.items(), key=lambda kv: (-kv[1], reason_words(kv[0], name)))
    if len(parts) == 1:
        return f"{head} {verb} missed {reason_words(parts[0][0], name)}."
    listed = join_words(f"{n} {reason_words(reason, name)}" for reason, n in parts)
    return f"{head} {verb} missed: {listed}."


def _after_missed(summary, name: str, noun: str) -> list[str]:
    """The sessions the child refused and the days with no record, each as a number that
    stands on its own: not "in 4 of them", which could read as 4 of the missed ones."""
    said = []
    if summary.refused:
        # "other": these are neither among the sessions had nor among those missed.
        other = "other " if summary.had or summary.missed else ""
        said.append(
            f"{name} was there for {count(summary.refused, other + 'session')} "
            "but did not want to take part."
        )
    if summary.not_recorded:
        n = summary.not_recorded
        said.append(
            f"{count(n, noun)} {'has' if n == 1 else 'have'} no record from the school yet."
        )
    return said


def _had_sentence(summary, name: str, title: str) -> str:
    """How many sessions the child had against how many were due."""
    due, had = summary.due, summary.had
    if had >= due and summary.not_recorded:
        # Sessions given on other days (a catch-up) while a day due has no record: "all
        # of them" would contradict the day with no record that follows, and "some on
        # the same day" may not be true (a catch-up can be on a day not due).
        were = "was" if due == 1 else "were"
        return (
            f"{name} had {count(had, f'{title} session')} this term ({due} {were} due), "
            "counting catch-up sessions."
        )
    if had == due:
        if due == 1:
            return f"{name} had the {title} session due this term."
        return f"{name} had all {due} {title} sessions due this term."
    if had > due:
        more = f", more than the {due} due." if due else "."
        return f"{name} had {count(had, f'{title} session')} this term{more}"
    if had == 0:
        if due == 1:
            return f"{name} has not had the {title} session due this term."
        return f"{name} has not had any of the {due} {title} sessions due this term."
    return f"{name} had {had} of the {due} {title} sessions due this term."


def provision_sentences(summary, name: str) -> list[str]:
    """What a parent reads about one provision this term, as sentences. `summary` is a
    family.selectors.ProvisionSummary."""
    title = summary.provision.title
    if not summary.by_sessions:
        return _hours_sentences(summary, name)
    due, had = summary.due, summary.had
    if due == 0 and not summary.recorded:
        return [f"No {title} sessions were due yet this term."]
    said = [_had_sentence(summary, name, title)]
    if summary.partial and had == 1:
        said.append(f"{name} was there for only part of it.")
    elif summary.partial:
        which = "one" if summary.partial == 1 else str(summary.partial)
        said.append(f"In {which} of these, {name} was there for only part of the session.")
    if missed := _missed_sentence(summary.missed, name):
        said.append(missed)
    return said + _after_missed(summary, name, "session")


def _hours_sentences(summary, name: str) -> list[str]:
    """Support promised as hours a week: time had against time due, then what was missed."""
    title = summary.provision.title
    due, had = summary.due_minutes, summary.had_minutes
    if due == 0 and not summary.recorded:
        return [f"No {title} time was due yet this term."]
    if had >= due:
        said = [f"{name} had {duration(had)} of {title} this term"]
        said[0] += f", all of the {duration(due)} due." if due else "."
    else:
        said = [f"{name} had {duration(had)} of the {duration(due)} of {title} due this term."]
    if missed := _missed_sentence(summary.missed, name, "session"):
        said.append(missed)
    return said + _after_missed(summary, name, "school day")


def session_sentence(sp, name: str) -> str:
    """One recent session as a parent reads it: what, with whom, and how it went."""
    session = sp.session
    title = sp.provision.title if sp.provision else "Extra support"
    who = staff_name(session.delivered_by)
    if not session.delivered:
        return f"{title} did not happen {reason_words(session.missed_reason, name)}."
    attendance = sp.attendance
    if attendance == "partial":
        return f"{title} with {who}: {name} was there for part of it ({duration(sp.minutes)})."
    if attendance == "absent":
        return f"{title} with {who}: {name} was not there."
    if attendance == "refused":
        return f"{title} with {who}: {name} did not want to take part."
    return f"{title} with {who}, {duration(sp.minutes)}."


def rating_words(rating: str, name: str) -> str:
    """'Ben managed this with some help.' for one session's rating."""
    return f"{name} {PROGRESS[rating][1]}." if rating in PROGRESS else ""


def target_progress(ratings: list[str], name: str) -> tuple[str, str]:
    """(heading, what follows it) for a target from its latest ratings, newest first:
    ('Getting there', 'in the last 4 sessions Ben managed this with some help.'). The
    heading is the result seen most often; of equals, the most recent."""
    ratings = [r for r in ratings if r in PROGRESS]
    if not ratings:
        return NO_PROGRESS
    commonest = max(ratings, key=lambda r: (ratings.count(r), -ratings.index(r)))
    heading = PROGRESS[commonest][0]
    n = len(ratings)
    when = "in the last session" if n == 1 else f"in the last {n} sessions"
    if len(set(ratings)) == 1:
        return heading, f"{when} {name} {PROGRESS[ratings[0]][1]}."
    # Mixed: each kind of result and how often, best first.
    order = list(PROGRESS)
    seen = sorted(set(ratings), key=order.index, reverse=True)
    managed = [r for r in seen if r != Rating.NOT_YET]
    parts = []
    if managed:
        manners = [
            f"{PROGRESS[r][1].removeprefix('managed this ')} {times(ratings.count(r))}"
            for r in managed
        ]
        parts.append("managed this " + join_words(manners))
    if Rating.NOT_YET in seen:
        parts.append(f"could not do it yet {times(ratings.count(Rating.NOT_YET))}")
    return heading, f"{when} {name} " + ", and ".join(parts) + "."


def progress_over_time(weeks, name: str) -> str:
    """How a target's ratings have changed, from the week-by-week averages of
    provision.progress.weekly (oldest first): where it began and where it is now, in the
    parent page's words for the ratings. Nothing until there are two weeks to compare."""
    if len(weeks) < 2:
        return ""
    levels = list(PROGRESS)
    first, latest = levels[progress.nearest(weeks[0][1])], levels[progress.nearest(weeks[-1][1])]
    since = f"Since the week of {weeks[0][0].day} {weeks[0][0]:%B}"
    was, now = PROGRESS[first][0], PROGRESS[latest][0]
    if levels.index(latest) > levels.index(first):
        return f"{since}, {name} has moved on from “{was}” to “{now}”."
    if levels.index(latest) < levels.index(first):
        return (
            f"{since}, this has gone from “{was}” to “{now}”: it has been harder for {name} lately."
        )
    return f"{since}, this has stayed at “{now}”."
