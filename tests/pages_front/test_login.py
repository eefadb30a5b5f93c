import re

from ..world import PASSWORD


def test_login_with_any_case_lands_on_my_day(world, client):
    response = client.post("/login/", {"username": "  Alice@Test.Example ", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").url == "/my-day/"


def test_a_wrong_password_says_so_and_keeps_the_address(world, client):
    response = client.post("/login/", {"username": "alice@test.example", "password": "nope"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "don&#x27;t match an account" in text or "don't match an account" in text
    assert 'value="alice@test.example"' in text
    assert 'aria-describedby="login-error"' in text


def test_each_role_lands_where_their_work_is(world, as_user):
    for person, page in [
        (world.alice, "/my-day/"), (world.hana, "/my-day/"), (world.senco, "/overview/"),
        (world.head, "/overview/"), (world.tess, "/feed/"), (world.dsl, "/safeguarding/"),
        (world.theo, "/therapy/"), (world.pat, "/family/"),
    ]:  # fmt: skip
        assert as_user(person).get("/").url == page


def test_pages_need_a_login(db, client):
    for path in ["/my-day/", "/feed/", "/overview/", "/pupils/", "/deployment/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_the_navigation_offers_each_person_their_own_work(world, as_user):
    def nav(person):
        body = as_user(person).get("/pupils/" if person != world.pat else "/family/")
        return body.content.decode().split("<nav", 1)[1].split("</nav>", 1)[0]

    alice, sam, pat = nav(world.alice), nav(world.senco), nav(world.pat)
    assert "My day" in alice and "Medicines" in alice and "Overview" not in alice
    assert "Overview" in sam and "Deployment" in sam and "My day" not in sam
    assert "My children" in pat and "Pupils" not in pat and "Report a concern" not in pat


def _references(body):
    """Every id named by aria-describedby / aria-labelledby, and whether it is on the page."""
    ids = set(re.findall(r'\bid="([^"]+)"', body))
    named = {
        ref
        for value in re.findall(r'aria-(?:describedby|labelledby)="([^"]+)"', body)
        for ref in value.split()
    }
    return named, named - ids


def test_empty_fields_say_what_is_missing_beside_each_field(world, client):
    response = client.post("/login/", {"username": "", "password": ""})
    assert response.status_code == 200
    body = response.content.decode()
    summary = body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Enter your e-mail address." in summary and "Enter your password." in summary
    assert 'href="#id_username"' in summary and 'href="#id_password"' in summary
    assert 'id="id_username_error">Enter your e-mail address.<' in body
    assert 'id="id_password_error">Enter your password.<' in body
    named, dangling = _references(body)
    assert {"id_username_error", "id_password_error"} <= named
    assert dangling == set()


def test_every_description_the_login_form_points_at_exists(world, client):
    for data in (
        {"username": "alice@test.example", "password": "nope"},
        {"username": "alice@test.example", "password": ""},
        {"username": "", "password": PASSWORD},
    ):
        body = client.post("/login/", data).content.decode()
        named, dangling = _references(body)
        assert named and dangling == set(), data
        assert 'aria-invalid="true"' in body
