"""Tags: the names under ``kind`` that choose a variant field's class in a file."""

from __future__ import annotations

import re

_TAG = r"[A-Za-z0-9_]+"
#: where a class name's words meet (re caches the compiled pattern; compiling it at import would cost
#: every `import tmlcfg`)
_WORDS = r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])"


def default_tag(name: str) -> str:
    """A class name in snake_case, a trailing ``Config`` dropped: ``HTTPRetryConfig`` -> ``http_retry``.

    >>> default_tag("LinearRampToCosine"), default_tag("SgdConfig"), default_tag("HTTPRetryConfig")
    ('linear_ramp_to_cosine', 'sgd', 'http_retry')
    """
    if name.endswith("Config") and len(name) > len("Config"):
        name = name[: -len("Config")]
    return re.sub(_WORDS, "_", name).lower()


def tag_problem(tag: object) -> str | None:
    """Why ``tag`` cannot name a variant, or ``None`` when it can."""
    if type(tag) is not str or not re.fullmatch(_TAG, tag):
        return f"a tag is a non-empty str of ASCII letters, digits and _, not {tag!r}"
    return None
