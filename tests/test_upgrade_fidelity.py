"""tmlcfg upgrade: a secret's whole value masked, every comment and the file's own bytes kept."""

from __future__ import annotations

import pathlib
import tomllib
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tmlcfg
from tmlcfg._cli.main import main
from tmlcfg._migrate.upgrade import unified_diff, upgrade_text


@tmlcfg.config
class Sgd:
    lr: float = 0.1


@tmlcfg.config
class Adam:
    lr: float = 0.01


@tmlcfg.config
class Creds:
    user: str = "u"


@tmlcfg.config(
    migrations=(
        tmlcfg.renamed("tok", "token"),
        tmlcfg.removed("api_key", reason="read from the environment", secret=True),
        tmlcfg.removed("creds.password", reason="use a key file"),
        tmlcfg.removed("sgd.nesterov", reason="never used"),
        tmlcfg.removed("legacy.flag", reason="gone"),
        tmlcfg.renamed("old.deep.key", "name"),
        tmlcfg.renamed("steps", "num_steps"),
        tmlcfg.renamed("Mode", "mode", convert=str.lower),
    )
)
class Exp:
    name: str = "n"
    mode: str = "train"
    num_steps: int = 1
    token: str = tmlcfg.field(default="", secret=True)
    creds: Creds = tmlcfg.field(factory=Creds, secret=True)
    sgd: Sgd | None = None
    adam: Adam | None = None


def _upgrade(text: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tmlcfg.MigrationWarning)
        out, _ = upgrade_text(Exp, text)
    return out


def _diff(text: str) -> str:
    return unified_diff(Exp, text, _upgrade(text), "exp.toml")


def _load(text: str) -> Exp:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tmlcfg.MigrationWarning)
        return tmlcfg.loads(Exp, text)


# -- secrets ---------------------------------------------------------------------------------

SECRET_FORMS = [
    'tok = """\nsk-AAAA-1\nsk-AAAA-2"""\n',
    "tok = '''\nsk-AAAA-1\nsk-AAAA-2'''\n",
    'tok = """sk-AAAA-1 \\\n    sk-AAAA-2"""\n',
    'tok = "sk-AAAA-1"\r\n',
    'api_key = [\n  "sk-AAAA-1",  # the first\n  "sk-AAAA-2",\n]\n',
    'api_key = { value = "sk-AAAA-1", more = [\n "sk-AAAA-2"] }\n',
    'api_key = """\n"sk-AAAA-1" = 1\n[sk-AAAA-2]"""\n',
    '[creds]\nuser = "me"\npassword = """sk-AAAA-1\nsk-AAAA-2\n"""\n',
    'creds.password = [\n"sk-AAAA-1",\n"sk-AAAA-2"]\n',
    'creds = { password = "sk-AAAA-1", user = "sk-AAAA-2" }\n',
    'steps = 2\n"api_key" = """sk-AAAA-1\n\nsk-AAAA-2"""\nname = "x"\n',
]


@pytest.mark.parametrize("text", SECRET_FORMS)
def test_upgrade_diff_masks_every_line_of_a_secret(text: str) -> None:
    """Continuation lines of multi-line strings and arrays, removed keys declared secret, keys below secret tables."""
    shown = _diff(text)
    # a line that holds only secrets is masked the same before and after, and so may show no change
    assert shown.startswith("--- a/exp.toml") or text.startswith("creds = {")
    assert "AAAA" not in shown, shown


def test_removed_below_a_secret_table_is_masked_without_being_declared() -> None:
    shown = _diff('[creds]\npassword = "sk-AAAA-1"\n')
    assert '-password = "***"' in shown
    assert "AAAA" not in shown


@settings(max_examples=60, deadline=None)
@given(
    secret=st.lists(st.text("ABCDEFGHJK0123456789-", min_size=4, max_size=12), min_size=1, max_size=4),
    form=st.sampled_from(["basic", "literal", "array", "inline"]),
    key=st.sampled_from(["tok", "api_key", "creds.password"]),
    before=st.sampled_from(["", "steps = 1\n", "# note\n", "name = 'x'\n\n"]),
)
def test_no_part_of_a_secret_in_any_upgrade_diff(secret: list[str], form: str, key: str, before: str) -> None:
    parts = [f"sk{p}Z" for p in secret]
    if form == "basic":
        value = '"""\n' + "\n".join(parts) + '"""'
    elif form == "literal":
        value = "'''" + "\n".join(parts) + "\n'''"
    elif form == "array":
        value = "[\n" + "".join(f'  "{p}",  # c\n' for p in parts) + "]"
    else:
        value = "{ " + ", ".join(f'k{i} = "{p}"' for i, p in enumerate(parts)) + " }"
    if form == "inline" and key == "tok":
        return  # a token is a string: an inline table would not load
    text = f"{before}{key} = {value}\n"
    shown = _diff(text)
    for p in parts:
        assert p not in shown, (text, shown)


def test_removed_takes_secret() -> None:
    assert repr(tmlcfg.removed("k", reason="r", secret=True)) == "removed('k', reason='r', secret=True)"
    with pytest.raises(tmlcfg.DefinitionError, match="secret= takes True or False"):

        @tmlcfg.config(migrations=(tmlcfg.removed("k", reason="r", secret="yes"),))  # type: ignore[arg-type]
        class Bad:
            x: int = 1


# -- comments, bytes and spacing kept ----------------------------------------------------------

PRUNED = """\
# top
steps = 3 # s

[legacy] # the legacy table
# inside legacy
flag = true # flag itself
# after flag

[sgd]
lr = 0.5
"""


def test_comments_on_and_inside_a_pruned_table_are_kept() -> None:
    out = _upgrade(PRUNED)
    assert "[legacy]" not in out and "flag" not in out.replace("# after flag", "")
    for comment in ("# top", "# s", "# the legacy table", "# inside legacy", "# after flag"):
        assert comment in out
    assert "# flag itself" not in out  # the removed key's own line goes
    assert (
        out.index("# the legacy table") < out.index("# inside legacy") < out.index("# after flag") < out.index("[sgd]")
    )
    assert _load(out) == _load(PRUNED)


@pytest.mark.parametrize(
    "text",
    [
        "[old.deep] # deep\nkey = 'v' # k\n# trailing\n",
        "[old]\n# about old\n[old.deep]\n# about deep\nkey = 'v'\n",
        "[creds] # secret things\n# rotate often\npassword = 'x'\n# end of creds\nuser = 'me'\n",
        "[[x]]\n[legacy]\n  # indented\n  flag = 1\n",
    ],
)
def test_no_comment_is_lost_but_the_old_keys_own(text: str) -> None:
    out = _upgrade(text)
    own = {"# k"}
    for line in text.splitlines():
        if "#" in line:
            comment = line[line.index("#") :]
            assert comment in out or comment in own, (comment, out)


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_line_endings_are_kept(newline: str) -> None:
    text = "# top\nsteps = 3\nold = { deep = { key = 'v' } }\n[legacy]\nflag = 1\n# c\n".replace("\n", newline)
    out = _upgrade(text)
    assert out.count("\n") == out.count(newline)
    assert _load(out) == _load(text)


def test_in_place_keeps_the_byte_order_mark(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exp.toml").write_bytes(b"\xef\xbb\xbf# top\r\nsteps = 3\r\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tmlcfg.MigrationWarning)
        assert main(["upgrade", "tests.test_upgrade_fidelity:Exp", "exp.toml", "--in-place"]) == 0
    assert (tmp_path / "exp.toml").read_bytes() == b"\xef\xbb\xbf# top\r\nnum_steps = 3\r\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sgd = {nesterov = true, lr = 0.5}\n", "sgd = {lr = 0.5}\n"),
        ("sgd = {lr = 0.5, nesterov = true}\n", "sgd = {lr = 0.5}\n"),
        ("sgd = { lr = 0.5, nesterov = true }\n", "sgd = { lr = 0.5 }\n"),
        ("sgd = { nesterov = true , lr = 0.5 } # c\n", "sgd = { lr = 0.5 } # c\n"),
        ("sgd = {lr=0.5,nesterov=true}\n", "sgd = {lr=0.5}\n"),
        ("sgd = {nesterov = true}\n", "sgd = {}\n"),
        ("x = 1\nold = { deep = { key = 'v' } }\nz = 2\n", "x = 1\nz = 2\nname = 'v'\n"),
    ],
)
def test_inline_tables_keep_their_spacing(text: str, expected: str) -> None:
    assert _upgrade(text) == expected


# -- removed keys written dotted ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sgd.nesterov = true\n", "sgd = {}\n"),
        ("sgd.nesterov = true # old\nsgd.lr = 0.2\n", "sgd.lr = 0.2\n"),
        ("steps = 1\nsgd . nesterov = true\n", "num_steps = 1\nsgd = {}\n"),
        ("legacy.flag = true\nsteps = 1\n", "num_steps = 1\n"),
        ('creds.password = "x"\n', "creds = {}\n"),
    ],
)
def test_a_removed_key_written_dotted_is_removed(text: str, expected: str) -> None:
    """The commonest spelling: the key goes, a current config it named stays named."""
    out = _upgrade(text)
    assert out == expected
    assert _load(out) == _load(text)
    assert tomllib.loads(out) is not None


# -- references are never converted ------------------------------------------------------------


@pytest.mark.parametrize("value", ["${MODE}", "${MODE:-Train}", "$$Train", "pre-${A}"])
def test_upgrade_never_writes_a_converted_reference(value: str) -> None:
    with pytest.raises(tmlcfg.ConfigError) as info:
        _upgrade(f"steps = 1\nMode = '{value}'\n")
    (problem,) = info.value.problems
    assert (problem.path, problem.line) == ("Mode", 2)
    assert "cannot write the converted value; rename the key by hand" in problem.message


def test_upgrade_renames_a_reference_it_need_not_convert() -> None:
    assert _upgrade("tok = '${TOKEN}'\nMode = 'Eval'\n") == "token = '${TOKEN}'\nmode = \"eval\"\n"


@tmlcfg.config
class Vault:
    user: str = "u"


@tmlcfg.config(
    migrations=(
        tmlcfg.renamed("token", "vault.token"),
        tmlcfg.removed("vault.token", reason="read from the vault"),
        tmlcfg.renamed("pw", "old_pw"),
        tmlcfg.removed("old_pw", reason="gone", secret=True),
    )
)
class Chained:
    vault: Vault = tmlcfg.field(factory=Vault, secret=True)


@pytest.mark.parametrize("text", ['token = "sk-AAAA-1"\n', 'pw = """sk-AAAA-1\nsk-AAAA-2"""\n'])
def test_a_key_renamed_then_removed_where_it_was_secret_is_masked(text: str) -> None:
    """The last place a removed key lived decides: inside a secret field, or declared secret at its removal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tmlcfg.MigrationWarning)
        out, _ = upgrade_text(Chained, text)
    shown = unified_diff(Chained, text, out, "exp.toml")
    assert shown.startswith("--- a/exp.toml")
    assert "AAAA" not in shown


@st.composite
def commented_documents(draw: st.DrawFn) -> tuple[str, set[str]]:
    """A file of old and current keys, with numbered comments anywhere a comment may go; the ones that must stay."""
    counter = iter(range(1000))
    keep: set[str] = set()

    def comment(own: bool = False) -> str:
        text = f"# c{next(counter)}"
        if not own:
            keep.add(text)
        return text

    def maybe(own: bool = False) -> list[str]:
        return [comment(own)] if draw(st.booleans()) else []

    parts: list[list[str]] = []
    if draw(st.booleans()):
        parts.append([*maybe(), f"steps = 3 {comment(own=True)}" if draw(st.booleans()) else "steps = 3"])
    parts.append(["mode = 'x'" + (f"  {comment()}" if draw(st.booleans()) else "")])
    tables = draw(st.permutations(["legacy", "old", "sgd"]))
    for table in tables:
        header = f"[{table}]" + (f" {comment()}" if draw(st.booleans()) else "")
        if table == "legacy":
            body = [*maybe(), f"flag = true {comment(own=True)}", *maybe()]
        elif table == "old":
            header = "[old.deep]" + header[len("[old]") :]
            body = [*maybe(), "key = 'v'", *maybe()]
        else:
            body = [*maybe(), "lr = 0.5", *maybe(), "nesterov = true", *maybe()]
        parts.append(["", header, *body])
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(line for part in parts for line in part) + newline
    return text, keep


@settings(max_examples=60, deadline=None)
@given(commented_documents())
def test_every_comment_but_the_old_keys_own_is_kept(document: tuple[str, set[str]]) -> None:
    text, keep = document
    out = _upgrade(text)
    assert _load(out) == _load(text)
    for comment in keep:
        assert comment in out, (comment, text, out)
    newline = "\r\n" if "\r\n" in text else "\n"
    assert out.count("\n") == out.count(newline)
