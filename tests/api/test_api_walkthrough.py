"""The documented walk-through works: a new user creates a token on their account page and,
following only the curl steps of the API reference, submits a period of values that then
appears in the data manager's approval queue. The steps are read from the reference page and
run, one by one, through the test client; docs/api.md carries the same steps."""

import html
import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

from commonground.api.tokens import create_token

DOCS_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"
CODE_BLOCK = re.compile(r"<pre><code[^>]*>(.*?)</code></pre>", re.S)
SECRET = re.compile(r'value="(cg_[A-Za-z0-9_-]{43})"')


def documented_blocks(page: str) -> list[str]:
    section = page.split('id="walkthrough"', 1)[1].split("</section>", 1)[0]
    return [html.unescape(block) for block in CODE_BLOCK.findall(section)]


def commands(block: str) -> list[str]:
    """The shell commands of a block: a line ends one unless a backslash or a quote runs on."""
    found, pending = [], ""
    for line in block.replace("\\\n", " ").split("\n"):
        pending = f"{pending}\n{line}" if pending else line
        try:
            shlex.split(pending)
        except ValueError:  # an open quotation: the command goes on
            continue
        if pending.strip():
            found.append(pending.strip())
        pending = ""
    return found


def expand(text: str, env: dict) -> str:
    return re.sub(r"\$([A-Z]+)", lambda m: env[m.group(1)], text)


def curl(command: str, env: dict):
    """Run a documented curl command through the test client; its answer."""
    args = [expand(arg, env) for arg in shlex.split(command)[1:]]
    method, headers, data, url = "GET", {}, None, None
    while args:
        arg = args.pop(0)
        if arg == "-s":
            continue
        if arg == "-X":
            method = args.pop(0)
        elif arg == "-H":
            name, _, value = args.pop(0).partition(": ")
            headers["HTTP_" + name.upper().replace("-", "_")] = value
        elif arg == "-d":
            data = args.pop(0)
            method = "POST" if method == "GET" else method
        else:
            url = arg
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    content_type = headers.pop("HTTP_CONTENT_TYPE", "application/x-www-form-urlencoded")
    client = Client(enforce_csrf_checks=True)  # like curl: no CSRF cookie, only the token
    if method == "GET":
        return client.get(path, **headers)
    return client.generic(method, path, data or "", content_type=content_type, **headers)


# What a person reads off the previous answer for each variable the steps ask them to set.
READ_OFF = {
    "SLUG": lambda answers: answers["me"]["initiative"],
    "PARTNER": lambda answers: answers["me"]["partner"],
    "PERIOD": lambda answers: answers["periods"]["reports"][0]["period"],
    "SUBMISSION": lambda answers: str(answers["submissions"]["id"]),
}


def test_a_new_user_follows_the_walkthrough(api):
    world = api.world
    person = world.client("reporter_a")
    created = person.post(
        reverse("api_tokens"), {"name": "my first script", "initiative": world.alpha.pk}
    )
    secret = SECRET.search(created.content.decode()).group(1)

    page = Client().get(reverse("api_docs")).content.decode()
    env, answers, statuses = {}, {}, []
    for block in documented_blocks(page):
        for command in commands(block):
            if command.startswith("export "):
                name, _, value = command.removeprefix("export ").partition("=")
                env[name] = {"TOKEN": secret, "CG": value}.get(name) or READ_OFF[name](answers)
            else:
                assert command.startswith("curl "), command
                response = curl(command, env)
                statuses.append(response.status_code)
                path = urlsplit(expand(command.split()[-1], env).strip('"')).path
                answers[path.rstrip("/").rsplit("/", 1)[-1]] = response.json()
                answers["last"] = response.json()
    assert statuses == [200, 200, 201, 200, 200], answers["last"]
    assert answers["last"]["status"] == "submitted"
    assert len(answers["last"]["values"]) == 3

    queue = world.client("data_manager").get(reverse("review_queue", args=["alpha"]))
    content = queue.content.decode()
    assert world.partners["a"].organization.name in content
    assert reverse("review_submission", args=["alpha", answers["last"]["id"]]) in content


def test_docs_api_md_carries_the_same_steps(client):
    """docs/api.md repeats the reference page's walk-through for readers of the repository."""
    page = client.get(reverse("api_docs"), HTTP_HOST="127.0.0.1:8000").content.decode()
    written = DOCS_MD.read_text()
    for block in documented_blocks(page):
        assert f"```sh\n{block.strip()}\n```" in written, block


def test_a_token_acting_for_another_partner_cannot_follow_it_into_partner_a(api):
    """The same steps with reporter B's token cannot reach partner A's report."""
    _token, secret = create_token(
        actor=api.world.users["reporter_b"], initiative=api.world.alpha, name="b"
    )
    response = Client().post(
        "/api/v1/initiatives/alpha/submissions",
        json.dumps({"partner": "a", "period": api.reporting.period}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 404
