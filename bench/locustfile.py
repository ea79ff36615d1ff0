"""Locust users for `make bench` (bench/load.py runs them headless against gunicorn, in a
process of their own, with no think time). Sessions come from the bench process in
BENCH_SESSIONS (JSON): {"drc": [session keys], "leads": [[session key, update id], ...]}.

- FloorUser: the logged-in /healthz (the floor every page is compared with);
- AnonymousUser: /healthz without a cookie;
- ReaderUser: a DRC user reading the dashboard (MixReaderUser: four of them, in the mix);
- BasePageUser: a DRC user reading the lightest page with the portal's frame (the password
  form: the session, the user, the menu and nothing else), the ceiling of any page
  (MixBasePageUser: four of them, in the mix);
- LeadUser: a lead unit autosaving its draft, as the form does while someone types."""

import itertools
import json
import os
import re

from locust import HttpUser, constant, task

SESSIONS = json.loads(os.environ.get("BENCH_SESSIONS", '{"drc": [], "leads": []}'))
_drc = itertools.cycle(SESSIONS["drc"] or [""])
_leads = itertools.cycle(SESSIONS["leads"] or [["", 0]])

TEXT = "本月召开专班会议，推进重点项目建设，兑现扶持政策，开展精准招商活动。"
SECTIONS = (
    "progress_organisation",
    "progress_roadmap",
    "progress_policy",
    "progress_platform",
    "progress_projects",
    "progress_investment",
    "suggestions",
    "next_plan",
)


class _Base(HttpUser):
    abstract = True
    wait_time = constant(0)

    def login(self, session_key: str) -> None:
        self.client.cookies.set("sessionid", session_key)


class FloorUser(_Base):
    def on_start(self):
        self.login(next(_drc))

    @task
    def healthz(self):
        self.client.get("/healthz", name="floor")


class AnonymousUser(_Base):
    @task
    def healthz(self):
        self.client.get("/healthz", name="anonymous")


class ReaderUser(_Base):
    def on_start(self):
        self.login(next(_drc))

    @task
    def dashboard(self):
        self.client.get("/dashboard/", name="dashboard")


class MixReaderUser(ReaderUser):
    fixed_count = 4  # in the mix: four DRC staff reading


class BasePageUser(_Base):
    def on_start(self):
        self.login(next(_drc))

    @task
    def base_page(self):
        self.client.get("/accounts/password/", name="base page")


class MixBasePageUser(BasePageUser):
    fixed_count = 4  # in the mix: four DRC staff reading the lightest page instead


class LeadUser(_Base):
    fixed_count = 16  # in the mix: sixteen lead units writing

    def on_start(self):
        session, self.update = next(_leads)
        self.login(session)
        page = self.client.get(f"/updates/{self.update}/edit/", name="edit page")
        self.version = int(re.search(r'name="version" value="(\d+)"', page.text).group(1))
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.n = 0

    @task
    def autosave(self):
        self.n += 1
        form = {
            "csrfmiddlewaretoken": self.token,
            "version": self.version,
            **{field: f"{TEXT}（第{self.n}稿）" for field in SECTIONS},
            "projects_signed": "3",
            "signed_amount": "12.5",
            "projects-TOTAL_FORMS": "0",
            "projects-INITIAL_FORMS": "0",
            "projects-MIN_NUM_FORMS": "0",
            "projects-MAX_NUM_FORMS": "50",
            "problems-TOTAL_FORMS": "0",
            "problems-INITIAL_FORMS": "0",
            "problems-MIN_NUM_FORMS": "0",
            "problems-MAX_NUM_FORMS": "50",
        }
        with self.client.post(
            f"/updates/{self.update}/autosave/",
            data=form,
            name="autosave",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 409):
                self.version = response.json()["version"]
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
