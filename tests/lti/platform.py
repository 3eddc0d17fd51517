"""A real LTI 1.3 platform for the tests, built on PyPI's ``lti1p3platform`` (not ours).

The library signs launches (OIDC login, id_token), serves its key set, checks deep-linking
responses, grants access tokens and takes AGS scores; this module only puts it behind a
small real HTTP server (Werkzeug, on 127.0.0.1 and a free port) so Groundwork reaches it
over the network as it would reach Moodle or Canvas.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify
from flask import request as flask_request
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService
from werkzeug.serving import make_server

from tests.loopback import Serving

CLIENT_ID = "groundwork-tool"
DEPLOYMENT_ID = "deployment-1"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def new_private_key() -> str:
    """A fresh RSA key as PKCS#8 PEM, as the library wants its platform key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(private: str) -> str:
    """The public half of a PEM private key."""
    key = serialization.load_pem_private_key(private.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class FlaskRequest(Request):
    """The library's request adapter for the Flask request in hand."""

    def build_metadata(self, request: Any) -> TRequest:
        """What the library reads from a request."""
        return {
            "method": request.method,
            "form_data": request.form.to_dict(),
            "get_data": request.args.to_dict(),
            "headers": dict(request.headers),
            "content_type": request.content_type,
            "path": request.path,
            "json": request.get_json(silent=True),
        }


class PlatformConf(LTI1P3PlatformConfAbstract):
    """The library's platform configuration: one registration (this test platform's)."""

    def init_platform_config(self, **kwargs: Any) -> None:
        """Keep the registration built by TestPlatform."""
        self.registration: Registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        """The one registration."""
        return self.registration


class Login(OIDCLoginAbstract):
    """The library's OIDC login initiation: builds the tool's login URL."""

    def set_lti_message_hint(self, **kwargs: Any) -> None:
        """Name the scenario the launch will play."""
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        """Return the URL (the test or the page follows it)."""
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    """The library's launch: renders the auto-submitting form to the tool."""

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> str:
        """The form_post response of OIDC: id_token and state to the redirect URI."""
        fields = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(str(launch_data[name]))}">'
            for name in ("id_token", "state")
        )
        return (
            "<!doctype html><html lang=en><title>Launching</title><body>"
            f'<form id="launch" method="post" action="{html.escape(launch_data["launch_url"])}">'
            f'{fields}<button type="submit">Continue</button></form>'
            "<script>document.getElementById('launch').submit()</script></body></html>"
        )


class Grades(AssignmentsGradesService):
    """The library's AGS service; scores land in the platform's gradebook."""

    def __init__(self, platform: TestPlatform, request: Request, lineitem: str) -> None:
        super().__init__(
            request,
            platform.conf,
            lineitems_url=f"{platform.url}/lineitems",
            lineitem_url=f"{platform.url}/lineitems/{lineitem}",
        )
        self.platform = platform

    def update_score(self, line_item_id: str, score: Any) -> UpdateScoreStatus:
        """Record the score under its line item."""
        self.platform.scores.setdefault(line_item_id, []).append(score)
        return UpdateScoreStatus.SUCCESS

    def find_lineitems(self, *args: Any, **kwargs: Any) -> Any:
        return {"content": [], "has_next": False}

    def find_lineitem(self, line_item_id: str) -> Any:
        return {"id": line_item_id}

    def create_lineitem(self, creation_data: Any) -> Any:
        return creation_data

    def update_lineitem(self, update_data: Any) -> Any:
        return update_data

    def delete_lineitem(self, line_item_id: str) -> None:
        return None

    def get_results(self, *args: Any, **kwargs: Any) -> Any:
        return {"content": [], "has_next": False}


@dataclass
class Scenario:
    """One launch the platform will make: who, in which role, into what."""

    sub: str = "platform-user-1"
    roles: tuple[str, ...] = (LEARNER,)
    name: str = "Pat Platform"
    email: str = "pat@hospital.example"
    target: str = ""
    link_id: str = "link-1"
    lineitem: str | None = "item-1"
    deep_link: bool = False
    extra_claims: dict[str, Any] = field(default_factory=dict)
    expires_in: int = 300


class TestPlatform:
    """The platform: a registration, scenarios by hint, a gradebook and deep-link returns."""

    __test__ = False  # not a pytest class

    def __init__(self, tool_base: str, issuer: str | None = None) -> None:
        self.private_key = new_private_key()
        self.scenarios: dict[str, Scenario] = {}
        self.scores: dict[str, list[dict[str, Any]]] = {}
        self.deep_link_items: list[dict[str, Any]] = []
        self.token_requests = 0
        self.pages: dict[str, str] = {}
        self.tool_base = tool_base
        self.app = Flask("test_platform")
        self._routes()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.issuer = issuer or self.url
        self.registration = (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID)
            .set_oidc_login_url(f"{tool_base}/lti/login")
            .set_launch_url(f"{tool_base}/lti/launch")
            .set_deeplink_launch_url(f"{tool_base}/lti/launch")
            .set_platform_public_key(public_pem(self.private_key))
            .set_platform_private_key(self.private_key)
            .set_tool_key_set_url(f"{tool_base}/lti/jwks.json")
        )
        self.conf = PlatformConf(registration=self.registration)
        self.conf.get_registration()

    # The details an administrator types into Groundwork's registration form.
    @property
    def details(self) -> dict[str, str]:
        """Groundwork's registration form, filled in for this platform."""
        return {
            "name": "Test platform",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "deployment_ids": DEPLOYMENT_ID,
            "auth_url": f"{self.url}/auth",
            "token_url": f"{self.url}/token",
            "jwks_url": f"{self.url}/jwks",
        }

    def login_url(self, scenario: Scenario) -> str:
        """Start a launch: the tool's login initiation URL the library builds."""
        hint = secrets.token_hex(8)
        self.scenarios[hint] = scenario
        login = Login(None, self.conf)
        login.set_lti_message_hint(hint=hint)
        if scenario.deep_link:
            login.set_deeplinking_launch_url()
        else:
            login.set_launch_url(f"{self.tool_base}/lti/launch")
        return login.initiate_login(scenario.sub)

    def start_page(self, scenario: Scenario) -> str:
        """The platform's page for a launch: it POSTs the login initiation to the tool."""
        hint = secrets.token_hex(8)
        self.pages[hint] = self.login_url(scenario)
        return f"{self.url}/start/{hint}"

    def _routes(self) -> None:
        app = self.app

        @app.get("/start/<hint>")
        def start(hint: str) -> Any:
            parts = urlsplit(self.pages[hint])
            fields = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                for k, v in parse_qsl(parts.query)
            )
            action = html.escape(urlunsplit(parts._replace(query="")))
            return (
                "<!doctype html><html lang=en><title>Hospital LMS</title><body>"
                f'<form id="login" method="post" action="{action}">{fields}'
                '<button type="submit">Open Groundwork</button></form>'
                "<script>document.getElementById('login').submit()</script></body></html>"
            )

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify(self.conf.get_jwks())

        @app.get("/auth")
        def auth() -> Any:
            scenario = self.scenarios[flask_request.args["lti_message_hint"]]
            launch = Launch(FlaskRequest(flask_request), self.conf)
            launch.set_user_data(scenario.sub, list(scenario.roles), scenario.name, scenario.email)
            launch.set_id_token_expiration(scenario.expires_in)
            launch.set_launch_context_claim("course-ctx-1", context_title="Hospital CE")
            if scenario.deep_link:
                launch.set_dl(f"{self.url}/deep-link-return", title="Groundwork", extra_data=None)
            else:
                launch.set_resource_link_claim(scenario.link_id, title="Groundwork link")
                launch.set_custom_parameters_claim({"target": scenario.target})
                if scenario.lineitem:
                    launch.set_ags(
                        f"{self.url}/lineitems", f"{self.url}/lineitems/{scenario.lineitem}"
                    )
            if scenario.extra_claims:
                launch.set_extra_claims(scenario.extra_claims)
            return launch.lti_launch()

        @app.post("/token")
        def token() -> Any:
            self.token_requests += 1
            self.conf.get_registration()
            return jsonify(self.conf.get_access_token(flask_request.form.to_dict()))

        @app.post("/lineitems/<lineitem>/scores")
        def scores(lineitem: str) -> Any:
            service = Grades(self, FlaskRequest(flask_request), lineitem)
            try:
                answer = service.handle_update_score(lineitem)
            except Exception as error:  # the library raises for a bad token
                return jsonify({"error": str(error)}), 401
            return jsonify({"message": answer.message}), answer.code

        @app.post("/deep-link-return")
        def deep_link_return() -> Any:
            items = self.conf.validate_deeplinking_resp({"JWT": flask_request.form["JWT"]})
            self.deep_link_items.extend(items)
            return "<!doctype html><html lang=en><title>Linked</title><h1>Linked</h1></html>"

    @contextmanager
    def serving(self) -> Iterator[TestPlatform]:
        """Serve until the block ends."""
        serving = Serving(self.server)
        try:
            yield self
        finally:
            serving.stop()


FORM_FIELD = re.compile(r'name="(id_token|state)" value="([^"]*)"')


def form_fields(page: str) -> dict[str, str]:
    """The hidden id_token and state of the platform's auto-submitting form."""
    return {name: html.unescape(value) for name, value in FORM_FIELD.findall(page)}
