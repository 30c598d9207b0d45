"""Secrets stay secret: no output of a config, its class or its errors shows a secret value or default."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import pathlib
import sys
import tempfile
import types
import uuid
from collections.abc import Iterator, Mapping
from typing import Annotated, Any

import annotated_types as at
import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tmlcfg
from tmlcfg.__main__ import main
from tmlcfg._base.wording import PIECE
from tmlcfg._cli.reference import markdown_reference
from tmlcfg._cli.template import template
from tmlcfg.wandb import sweep_config

from .strategies import Generated, config_classes

_modules = itertools.count()


def _app(secret: str, generated: type) -> type:
    """A class around a generated one whose every secret, default or nested, holds ``secret``."""

    def no_bang(value: str) -> None:
        if value.endswith("!"):
            raise ValueError(f"token {value} may not end in '!'")

    @tmlcfg.config
    class Creds:
        user: str = "me"
        password: Annotated[str, at.MaxLen(60)] = secret + "-password"

        def __attrs_post_init__(self) -> None:
            if self.user == self.password:
                raise ValueError(f"password {self.password} is the user name")

    @tmlcfg.config
    class Member:
        name: str = "m"
        key: str = tmlcfg.field(default=secret + "-member", secret=True)

    @tmlcfg.config
    class App:
        token: Annotated[str, at.MaxLen(60)] = tmlcfg.field(default=secret + "-token", secret=True, validator=no_bang)
        creds: Creds = tmlcfg.field(factory=Creds, secret=True)
        members: tuple[Member, ...] = (Member(),)
        team: frozenset[Member] = frozenset({Member()})
        chosen: Member | None = tmlcfg.field(default=Member(), one_of="pick", secret=True)
        other: Member | None = tmlcfg.field(default=None, one_of="pick")
        generated: generated | None = None  # type: ignore[valid-type]
        steps: int = 1

        def __attrs_post_init__(self) -> None:
            if self.steps < 0:
                raise ValueError(f"steps < 0 with token {self.token}")

    # importable by name, as the command imports module:Class
    module = types.ModuleType(f"secret_app_{next(_modules)}")
    for cls in (Creds, Member, App):
        cls.__module__ = module.__name__
        setattr(module, cls.__name__, cls)
    sys.modules[module.__name__] = module
    return App


@contextlib.contextmanager
def _captured() -> Iterator[io.StringIO]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        yield out


def _errors(secret: str, app: type) -> list[str]:
    """The text of every error whose input holds the secret."""
    bad_inputs: list[dict[str, Any]] = [
        {"token": secret + "!"},  # the validator quotes it
        {"token": secret * 3},  # too long: the constraint shows the value it got
        {"token": 5, "steps": -1},
        {"steps": -1, "token": secret + "x"},  # the cross-field check quotes it
        {"creds": {"password": secret * 3}},  # below a secret config
        {"creds": {"user": secret, "password": secret}},  # its own cross-field check quotes it
        {"creds": {"user": 5, "password": secret + "-other"}},
        {"chosen": {"name": 5, "key": secret}, "other": {"name": "o"}},
    ]
    texts = []
    for data in bad_inputs:
        for make in (lambda d: tmlcfg.from_dict(app, d), lambda d: app(**d)):
            with pytest.raises(tmlcfg.ConfigError) as info:
                make(data)
            texts += [str(info.value), repr(info.value.problems)]
    try:
        sweep_config(
            app, {"token": {"values": [secret * 3, 5]}, "creds.password": {"value": secret * 3}}, method="grid"
        )
    except tmlcfg.ConfigError as e:
        texts.append(str(e))
    else:  # pragma: no cover - the sweep must be refused
        raise AssertionError("the sweep was accepted")
    return texts


def _command_outputs(secret: str, app: type, folder: pathlib.Path) -> list[str]:
    """What the command prints for the class and for files holding the secret, stdout and stderr."""
    target = f"{app.__module__}:App"
    a = folder / "a.toml"
    b = folder / "b.toml"
    a.write_text(f'token = "{secret}-a"\nsteps = 2\n[creds]\npassword = "{secret}-pa"\n[chosen]\nkey = "{secret}-ka"\n')
    b.write_text(f'token = "{secret}-b"\nsteps = 3\n[creds]\npassword = "{secret}-pb"\n[other]\nkey = "{secret}-kb"\n')
    bad = folder / "bad.toml"
    bad.write_text(f'token = "{secret * 3}"\n[creds]\npassword = "{secret * 3}"\n')
    runs = [
        ["show", target, str(a)],
        ["show", target, str(a), "--origins"],
        ["show", target, str(a), f"token={secret}-override"],
        ["diff", target, str(a), str(b)],
        ["template", target],
        ["docs", target],
        ["schema", target],
        ["check", target, str(bad)],
        ["show", target, str(bad)],
    ]
    texts = []
    for argv in runs:
        with _captured() as out:
            main(argv)
        texts.append(out.getvalue())
    # the diff is not empty: it says what changed, secrets included, without them
    assert "token: secret changed (values not shown)" in texts[3]
    assert "creds: secret changed (values not shown)" in texts[3]
    return texts


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config_classes(), st.data())
def test_a_unique_secret_appears_in_no_output(generated: Generated, data: st.DataObject) -> None:
    """A unique secret in a generated config reaches no repr, print, diff, error, doc, schema or command output."""
    secret = "sk-" + uuid.uuid4().hex
    app = _app(secret, generated.cls)
    inner = data.draw(generated.instances)
    config = app(generated=inner)
    changed = tmlcfg.replace(
        config,
        {"token": secret + "-2", "creds.password": secret + "-3", "members[0].key": secret + "-4", "steps": 2},
    )
    switched = tmlcfg.replace(config, {"chosen": {"key": secret + "-5"}})
    outputs = [repr(config), str(config), tmlcfg.pretty_print(config), tmlcfg.pretty_print(changed)]
    for left, right in ((config, changed), (changed, config), (config, switched), (switched, changed)):
        differences = tmlcfg.diff(left, right)
        assert differences
        outputs += [str(d) for d in differences] + [repr(d) for d in differences]
    outputs += [template(app), markdown_reference(app), json.dumps(tmlcfg.json_schema(app)), repr(app.__signature__)]
    outputs += _errors(secret, app)
    with tempfile.TemporaryDirectory() as folder:
        outputs += _command_outputs(secret, app, pathlib.Path(folder))
    for text in outputs:
        assert secret not in text, text
    # a fingerprint names the experiment, not its credentials
    assert tmlcfg.fingerprint(config) == tmlcfg.fingerprint(tmlcfg.replace(changed, steps=1))
    assert tmlcfg.fingerprint(config) != tmlcfg.fingerprint(changed)


@tmlcfg.config
class Login:
    user: str = "me"
    key: Annotated[str, at.MinLen(8)] = tmlcfg.field(default="changeme", secret=True)


@tmlcfg.config
class Service:
    login: Login = tmlcfg.field(factory=Login, secret=True)
    url: str = "https://example.com"


def test_diff_says_a_secret_was_set_changed_or_unset() -> None:
    """One difference per secret field, its values '***' or None, however deep the change below it."""

    @tmlcfg.config
    class Holder:
        token: str | None = tmlcfg.field(default=None, secret=True)
        service: Service = Service()

    unset = Holder()
    one = Holder(token="aaaaaaaa", service=Service(login=Login(key="k" * 8)))
    two = Holder(token="bbbbbbbb", service=Service(login=Login(key="j" * 8)))
    assert [str(d) for d in tmlcfg.diff(unset, one)] == [
        "token: secret set (value not shown)",
        "service.login: secret changed (values not shown)",
    ]
    assert str(tmlcfg.diff(one, unset)[0]) == "token: secret unset (value not shown)"
    assert [(d.path, d.left, d.right, d.secret) for d in tmlcfg.diff(one, two)] == [
        ("token", "***", "***", True),
        ("service.login", "***", "***", True),
    ]


def test_a_set_of_configs_differing_only_in_secrets() -> None:
    """When only secrets inside a frozenset differ, diff says so and shows the masked sets."""

    @tmlcfg.config
    class Key:
        name: str = "a"
        token: str = tmlcfg.field(default="", secret=True)

    @tmlcfg.config
    class Ring:
        keys: frozenset[Key] = frozenset()

    (d,) = tmlcfg.diff(Ring(keys=[Key(token="x")]), Ring(keys=[Key(token="y")]))
    assert (d.path, d.left, d.right, d.secret) == (
        "keys",
        [{"name": "a", "token": "***"}],
        [{"name": "a", "token": "***"}],
        True,
    )
    assert str(d) == "keys: secret changed (values not shown)"


def test_errors_below_a_secret_keep_their_paths() -> None:
    """A problem inside a secret config names its path and what is wrong, never the value."""
    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.from_dict(Service, {"login": {"key": "short", "user": 5, "nope": 1}})
    assert [str(p) for p in info.value.problems] == [
        'login."***": unknown key; expected one of user, key',
        "login.user: expected str, got int (the value is secret and not shown)",
        "login.key: must have at least 8 characters, got ***",
    ]


def test_template_docs_and_schema_hide_defaults_below_a_secret() -> None:
    """Below a secret config-typed field, template, docs and schema show no default."""

    @tmlcfg.config
    class Defaults:
        login: Login = tmlcfg.field(factory=lambda: Login(user="admin", key="hunter2hunter2"), secret=True)
        public: Login = Login(user="visible")

    text = template(Defaults)
    assert "# [login]" in text and '# user = "***"' in text and "admin" not in text
    assert 'user = "visible"' in text
    assert tmlcfg.loads(Defaults, text) == Defaults()  # the hidden table takes its default
    docs = markdown_reference(Defaults)
    assert "| `login.user` | `str` | `'***'` |" in docs and "admin" not in docs
    schema = tmlcfg.json_schema(Defaults)
    assert schema["$defs"]["Login"]["properties"]["user"] == {"type": "string"}
    assert schema["$defs"]["Login_"]["properties"]["user"] == {"type": "string", "default": "me"}


def test_keys_below_a_secret_are_hidden_but_field_names_are_not() -> None:
    """A secret mapping's keys and unknown keys below a secret show as ***; field names and indexes stay."""

    @tmlcfg.config
    class Headers:
        headers: Mapping[str, int] = tmlcfg.field(factory=dict, secret=True)
        login: Login = tmlcfg.field(factory=Login, secret=True)
        free: Mapping[str, Any] = tmlcfg.field(factory=dict, secret=True)

    with pytest.raises(tmlcfg.ConfigError) as info:
        tmlcfg.loads(
            Headers,
            '[headers]\n"Bearer sk-1" = "x"\n[login]\n"sk-2" = 1\nkey = 5\n[free]\n"sk-3" = [{ "sk-4" = nan }]\n',
            source="h.toml",
        )
    assert [str(p) for p in info.value.problems] == [
        'h.toml:1: headers."***": expected int, got str (the value is secret and not shown)',
        'h.toml:3: login."***": unknown key; expected one of user, key',
        "h.toml:5: login.key: expected str, got int (the value is secret and not shown)",
        'h.toml:6: free."***"[0]."***": nan is not allowed; use inf or a number',
    ]
    assert "sk-" not in str(info.value)


def test_what_the_class_allows_is_still_shown() -> None:
    """For a secret Literal or enum, the allowed values (the class's, not the input's) stay in the message."""
    import enum
    from typing import Literal

    class Tier(enum.Enum):
        free = "free"
        paid = "paid"

    @tmlcfg.config
    class Plan:
        tier: Tier = tmlcfg.field(default=Tier.free, secret=True)
        code: Literal["a", "b"] = tmlcfg.field(default="a", secret=True)

    with pytest.raises(tmlcfg.ConfigError) as info:
        Plan(tier="gold-sk-9", code="c-sk-9")
    assert [str(p) for p in info.value.problems] == [
        "tier: expected one of 'free', 'paid', got str (the value is secret and not shown)",
        "code: expected one of 'a', 'b', got str (the value is secret and not shown)",
    ]


class _Token:
    """A field type of the user's whose structure function quotes the text it refuses."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Token) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def _token(text: str) -> _Token:
    if not text.startswith("tk-"):
        raise ValueError(f"bad token {text!r}, expected tk-...")
    return _Token(text)


tmlcfg.register_type(_Token, toml=str, structure=_token, unstructure=lambda t: t.text)


def test_a_registered_types_message_does_not_quote_a_secret() -> None:
    """A registered type's own message quoting the refused value is scrubbed below a secret, as a validator's is."""

    @tmlcfg.config
    class Api:
        token: _Token = tmlcfg.field(default=_Token("tk-0"), secret=True)
        tokens: Mapping[str, _Token] = tmlcfg.field(factory=dict, secret=True)
        public: _Token = _Token("tk-1")

    for build in (
        lambda: tmlcfg.loads(Api, 'token = "hunter2"\ntokens = {a = "hunter2"}'),
        lambda: tmlcfg.replace(Api(), token="hunter2"),
        lambda: Api(token="hunter2"),  # type: ignore[arg-type]
    ):
        with pytest.raises(tmlcfg.ConfigError) as info:
            build()
        assert "hunter2" not in str(info.value)
        assert "bad token ***, expected tk-..." in str(info.value)
    with pytest.raises(tmlcfg.ConfigError, match="bad token 'plain'"):
        tmlcfg.loads(Api, 'public = "plain"')  # not a secret: the message is the user's, whole


class _Key:
    """A registered type read from text by ``int()``, whose message quotes at most 200 characters of it."""

    def __init__(self, number: int) -> None:
        self.number = number

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and other.number == self.number

    def __hash__(self) -> int:
        return hash(self.number)


tmlcfg.register_type(_Key, toml=str, structure=lambda text: _Key(int(text)), unstructure=lambda k: str(k.number))


def _quote_cut(value: str) -> None:
    """A validator that quotes its value the ways Python's own messages do: cut, sliced, repr'd."""
    int(value)


def _quote_middle(value: Any) -> None:
    """A validator that fails with a lookup, quoting a slice from the middle of its value."""
    text = str(value)
    if len(text) > 1:
        raise KeyError(text[len(text) // 3 : len(text) // 3 + 40])


@tmlcfg.config
class _Inner:
    note: str = "n"

    def __attrs_post_init__(self) -> None:
        if self.note.startswith("Q"):
            raise ValueError(f"note {self.note[1:90]!r}... is not a note")


@tmlcfg.config
class _Vault:
    token: str = tmlcfg.field(default="1", secret=True, validator=_quote_cut)
    tail: str = tmlcfg.field(default="1", secret=True, validator=_quote_middle)
    key: _Key = tmlcfg.field(default=_Key(1), secret=True)
    keys: Mapping[str, _Key] = tmlcfg.field(factory=dict, secret=True)
    inner: _Inner = tmlcfg.field(factory=_Inner, secret=True)
    plain: str = "p"

    def __attrs_post_init__(self) -> None:
        if self.plain == "check":
            int(self.token + self.key.number.__str__())  # the cross-field check fails on the secret's text


_SECRET_CHARS = st.text(alphabet="QZXJKVW#\\'\"é\u2028", min_size=1)


@settings(max_examples=60, deadline=None)
@given(
    secret=st.builds(lambda head, body: "Q" + head + body * 40, _SECRET_CHARS, _SECRET_CHARS),
    field=st.sampled_from(["token", "tail", "key", "keys", "inner", "check"]),
)
def test_no_piece_of_a_long_secret_reaches_a_message(secret: str, field: str) -> None:
    """Python cuts long values in its messages (int() quotes 200 characters): no piece of a secret shows, whole
    or cut, through a validator, a registered type's structure, a nested check, a mapping, or a cross-field check."""
    data: dict[str, Any] = {
        "token": {"token": secret},
        "tail": {"tail": secret},
        "key": {"key": secret},
        "keys": {"keys": {"a": secret}},
        "inner": {"inner": {"note": secret}},
        "check": {"token": secret, "plain": "check"},
    }[field]
    text = "\n".join(f"{k} = {json.dumps(v)}" for k, v in data.items() if not isinstance(v, dict))
    text += "".join(
        f"\n[{k}]\n" + "\n".join(f"{a} = {json.dumps(b)}" for a, b in v.items())
        for k, v in data.items()
        if isinstance(v, dict)
    )
    messages = []
    for build in (
        lambda: tmlcfg.from_dict(_Vault, data),
        lambda: tmlcfg.loads(_Vault, text),
        lambda: tmlcfg.replace(_Vault(), **data),
        lambda: _Vault(**data),
    ):
        with pytest.raises(tmlcfg.ConfigError) as info:
            build()
        messages += [str(info.value), repr(info.value.problems)]
    shown = [secret, json.dumps(secret)[1:-1], repr(secret)[1:-1]]
    for message in messages:
        for form in shown:
            for i in range(len(form) - PIECE + 1):
                assert form[i : i + PIECE] not in message


def test_a_cut_secret_leaves_the_message_around_it() -> None:
    """The 323-character token of the report: its 192 shown characters are hidden, the message is kept."""
    token = "sk-" + "x7Q" * 106 + "zz"
    assert len(token) == 323
    with pytest.raises(tmlcfg.ConfigError) as info:
        _Vault(token=token)
    [problem] = info.value.problems
    assert (problem.path, problem.message) == ("token", "invalid literal for int() with base 10: ***")


def test_help_shows_no_secret_default_and_no_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    """help() and pydoc of a config show no secret default (attrs' own attributes and initialiser included), and
    help() of load shows no environment, which it still reads when called."""
    import pydoc

    @tmlcfg.config
    class Login:
        token: str = tmlcfg.field(default="sk-DEFAULT-TOKEN-1", secret=True)
        tokens: tuple[str, ...] = tmlcfg.field(factory=lambda: ("sk-DEFAULT-TOKEN-2",), secret=True)
        backup: str | None = tmlcfg.field(default=None, secret=True)
        user: str = "visible-default"

    monkeypatch.setenv("TMLCFG_TEST_API_KEY", "sk-ENVIRONMENT-VALUE")
    pages = [
        pydoc.render_doc(Login, renderer=pydoc.plaintext),
        pydoc.HTMLDoc().docclass(Login),
        repr(Login.__attrs_attrs__),
        pydoc.render_doc(tmlcfg.load, renderer=pydoc.plaintext),
        pydoc.render_doc(tmlcfg, renderer=pydoc.plaintext),
    ]
    for page in pages:
        assert "sk-" not in page
    assert "visible-default" in pages[0]
    assert "env: 'Mapping[str, str] | None' = os.environ" in pages[3]
    assert not hasattr(Login, "__attrs_init__")  # attrs' initialiser would also skip every check
    assert Login().token == "sk-DEFAULT-TOKEN-1" and Login().tokens == ("sk-DEFAULT-TOKEN-2",)
    assert attrs.fields(Login).token.default.factory() == "sk-DEFAULT-TOKEN-1"

    @tmlcfg.config
    class Job:
        key: str = "k"

    path = tmp_path / "job.toml"
    path.write_text('key = "${TMLCFG_TEST_API_KEY}"\n')
    assert tmlcfg.load(Job, path).key == "sk-ENVIRONMENT-VALUE"  # the default is the environment of the call
    assert tmlcfg.load(Job, path, env={"TMLCFG_TEST_API_KEY": "given"}).key == "given"


@tmlcfg.config
class _Login:
    user: str = "me"
    password: str = tmlcfg.field(default="pw-default-000", secret=True)


def _no_reuse(logins: tuple[_Login, ...]) -> None:
    for login in logins:
        if login.password.endswith("!"):
            raise ValueError(f"password {login.password!r} of {login.user} ends in '!'")


class _Opaque:
    """A registered type whose unstructure fails on some values, quoting what it holds."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Opaque) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def _write_opaque(value: _Opaque) -> str:
    if value.text.startswith("sk-"):
        raise LookupError(f"cannot write {value.text}")
    return value.text


tmlcfg.register_type(_Opaque, toml=str, structure=_Opaque, unstructure=_write_opaque)


@tmlcfg.config
class _Team:
    """No field of its own is secret: the secrets sit in the configs it holds."""

    owner: _Login = _Login()
    logins: tuple[_Login, ...] = tmlcfg.field(default=(), validator=_no_reuse)
    by_name: Mapping[str, _Login] = tmlcfg.field(factory=dict)
    opaque: _Opaque = tmlcfg.field(default=_Opaque("ok"), secret=True)
    size: int = 1

    def __attrs_post_init__(self) -> None:
        for login in (self.owner, *self.by_name.values()):
            if self.size > 1 and login.password.endswith("0"):
                raise ValueError(f"weak password {login.password[2:]} for a team")


def test_secrets_of_nested_configs_stay_hidden_from_a_parents_checks() -> None:
    """A validator or cross-field check of a config holding secret fields further down (in a nested config, a
    tuple or a mapping of them) cannot quote them; nor can a registered type's failing unstructure below a secret."""
    secret = "sk-NESTED-" + "Q7" * 60 + "0"
    cases = [
        {"logins": [{"user": "a", "password": "a-pw"}, {"user": "b", "password": secret[:-1] + "!"}]},
        {"owner": {"password": secret}, "size": 2},
        {"by_name": {"x": {"password": secret}}, "size": 2},
        {"opaque": secret},
    ]
    for data in cases:
        for build in (lambda d: tmlcfg.from_dict(_Team, d), lambda d: _Team(**d)):
            with pytest.raises(tmlcfg.ConfigError) as info:
                build(data)
            text = str(info.value)
            assert all(secret[i : i + PIECE] not in text for i in range(len(secret) - PIECE))
    with pytest.raises(tmlcfg.ConfigError) as info:
        _Team(opaque=_Opaque(secret))
    assert (
        str(info.value).splitlines()[1]
        == "  opaque: the unstructure function registered for _Opaque failed: LookupError"
    )


def _quote_almost_all(value: str) -> None:
    if len(value) > 100:
        raise ValueError(f"too long: {value[1:-1]}")


@tmlcfg.config
class _Huge:
    token: str = tmlcfg.field(default="t", secret=True, validator=_quote_almost_all)


def test_a_huge_secret_quoted_almost_whole_is_hidden_whole() -> None:
    """A 2 MB secret that a validator quotes but for its ends is not searched piece by piece (time in proportion
    to both lengths): the message is hidden whole."""
    secret = "sk-" + "Zq9" * 700_000
    with pytest.raises(tmlcfg.ConfigError) as info:
        _Huge(token=secret)
    assert [p.message for p in info.value.problems] == ["the message is not shown, as it may quote a secret value"]
