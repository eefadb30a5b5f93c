"""The demo: parent@ and ta1@ have a conversation about the child, with a photo; the child
has a week of diary entries with the family's notes from home; both see them."""

from sendesk.accounts.models import User
from sendesk.family.models import ParentLink
from sendesk.homeschool.models import Attachment, DiaryNote, Message
from tests.demo.conftest import demo, seeded  # noqa: F401 (fixtures)

from ..second_factor import verified_login
from .conftest import text


def test_parent_and_ta1_talk_about_the_child_with_a_photo(demo, client):  # noqa: F811
    link = ParentLink.objects.select_related("pupil").get(user__email="parent@oakfield.example")
    ta1 = User.objects.get(email="ta1@oakfield.example")
    messages = Message.objects.filter(pupil=link.pupil)
    assert {m.author_id for m in messages} == {link.user_id, ta1.pk}
    assert Attachment.objects.filter(message__pupil=link.pupil).count() == 1
    days = set(DiaryNote.objects.filter(pupil=link.pupil).values_list("date", flat=True))
    assert len(days) >= 5
    assert DiaryNote.objects.filter(pupil=link.pupil, from_home=True, section="morning").exists()
    page = text(verified_login(client, link.user).get(f"/messages/{link.pupil.pk}/"))
    assert "Nine blocks high" in page and "Monday to Friday, 8:30 to 4" in page
    client.logout()
    diary = text(verified_login(client, ta1).get(f"/diary/{link.pupil.pk}/"))
    assert "Slept badly, woke at 4." in diary
