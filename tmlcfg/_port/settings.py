"""pydantic's model settings (v1 ``class Config``, v2 ``model_config = ConfigDict(...)``) weighed one by one.

Each setting is either what a tmlcfg config does anyway (said nothing of), a
reason the class cannot be a config at all, or a TODO for a person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from .._port.types import Unportable

#: settings whose behaviour every tmlcfg config has: frozen, strict, checked defaults, no private state
_NATURAL = frozenset(
    {
        "frozen",
        "allow_mutation",
        "validate_assignment",
        "validate_default",
        "validate_all",
        "strict",
        "protected_namespaces",
        "title",
        "json_schema_extra",
        "schema_extra",
        "use_attribute_docstrings",
        "revalidate_instances",
        "underscore_attrs_are_private",
        "smart_union",
        "copy_on_model_validation",
        "from_attributes",
        "orm_mode",
        "ser_json_timedelta",
        "hide_input_in_errors",
    }
)
#: settings that change what a value read from a file becomes
_VALUES = {
    "str_strip_whitespace": "pydantic stripped whitespace from every str",
    "anystr_strip_whitespace": "pydantic stripped whitespace from every str",
    "str_to_lower": "pydantic lowered every str",
    "anystr_lower": "pydantic lowered every str",
    "str_to_upper": "pydantic upper-cased every str",
    "anystr_upper": "pydantic upper-cased every str",
    "use_enum_values": "pydantic held enum fields as their values; tmlcfg holds the members",
    "coerce_numbers_to_str": "pydantic read numbers into str fields",
    "str_max_length": "pydantic bounded every str",
    "str_min_length": "pydantic bounded every str",
    "max_anystr_length": "pydantic bounded every str",
    "min_anystr_length": "pydantic bounded every str",
    "alias_generator": "pydantic read the fields from other keys",
    "populate_by_name": "pydantic read the fields from their aliases too",
    "allow_population_by_field_name": "pydantic read the fields from their aliases too",
    "allow_inf_nan": "pydantic refused inf and nan in float fields",
}


@dataclass
class Settings:
    """What one class's settings came to."""

    #: None where the class does not say (its ancestors may); else forbid, ignore or allow
    extra: str | None = None
    todos: list[str] | None = None


def weigh(key: str, value: str, spelled: str, settings: Settings, where: str = "class Config said") -> None:
    """One setting ``key`` with the value ``value`` (its canonical name or code), written as ``spelled``."""
    todos = settings.todos if settings.todos is not None else []
    settings.todos = todos
    if key == "extra":
        word = value.rpartition(".")[2].strip("'\"")
        if word not in ("forbid", "ignore", "allow"):
            todos.append(f"{where} `{spelled}`; tmlcfg always refuses unknown keys")
            return
        settings.extra = word
        if word == "allow":
            todos.append(f"{where} `{spelled}`; tmlcfg always refuses unknown keys")
        return
    if key == "arbitrary_types_allowed":
        if value != "False":
            raise Unportable("it allows arbitrary types (arbitrary_types_allowed), which a config cannot hold")
        return
    if key in _NATURAL:
        return
    if key in _VALUES:
        todos.append(f"{where} `{spelled}`; {_VALUES[key]}; tmlcfg has no such setting, check what relied on it")
        return
    todos.append(f"{where} `{spelled}`; tmlcfg has no such setting, check what relied on it")


def known(key: str) -> bool:
    """A pydantic setting (which may also be given as a class keyword)."""
    return key in ("extra", "arbitrary_types_allowed") or key in _NATURAL or key in _VALUES


def extra_said(node: cst.ClassDef, resolve: Callable[[cst.BaseExpression], str | None]) -> str | None:
    """What a class's own settings say of unknown keys (forbid, ignore, allow), or None where they are silent."""
    found: list[cst.BaseExpression] = [k.value for k in node.keywords if k.keyword and k.keyword.value == "extra"]
    statements = node.body.body if isinstance(node.body, cst.IndentedBlock) else []
    for statement in statements:
        if isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
            inner = statement.body.body if isinstance(statement.body, cst.IndentedBlock) else []
            for line in inner:
                for small in line.body if isinstance(line, cst.SimpleStatementLine) else ():
                    if isinstance(small, cst.Assign) and any(
                        isinstance(t.target, cst.Name) and t.target.value == "extra" for t in small.targets
                    ):
                        found.append(small.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if not isinstance(small, (cst.Assign, cst.AnnAssign)) or small.value is None:
                    continue
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                if not any(isinstance(t, cst.Name) and t.value == "model_config" for t in targets):
                    continue
                value = small.value
                if isinstance(value, cst.Call):
                    found.extend(a.value for a in value.args if a.keyword and a.keyword.value == "extra")
                elif isinstance(value, cst.Dict):
                    found.extend(
                        e.value
                        for e in value.elements
                        if isinstance(e, cst.DictElement)
                        and isinstance(e.key, cst.SimpleString)
                        and e.key.evaluated_value == "extra"
                    )
    for value in found:
        spelled = resolve(value) or (str(value.evaluated_value) if isinstance(value, cst.SimpleString) else "")
        word = spelled.rpartition(".")[2]
        if word in ("forbid", "ignore", "allow"):
            return word
    return None
