"""What a demo part's ``build(initiative, users, out)`` needs in a test: the demo's users by the
local part of their address, and an ``out`` that keeps the lines it is given."""

from django.contrib.auth import get_user_model

from commonground.demo.build import ACCOUNTS


def demo_users() -> dict:
    User = get_user_model()
    return {a.local_part: User.objects.get(username=a.username) for a in ACCOUNTS}


class Lines:
    def __init__(self):
        self.lines = []

    def line(self, text):
        self.lines.append(text)
