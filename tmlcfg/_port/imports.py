"""Imports a port made unused (pydantic, the base class's module, ``typing.List``) removed; nothing else."""

from __future__ import annotations

from collections import Counter

import libcst as cst
import libcst.helpers


def names_used(tree: cst.Module) -> Counter[str]:
    """How often each name is read outside import statements (attribute names and keywords aside)."""
    counts: Counter[str] = Counter()
    skip: set[int] = set()

    class Counting(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> bool:
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

        def visit_Attribute(self, node: cst.Attribute) -> None:
            skip.add(id(node.attr))

        def visit_Arg(self, node: cst.Arg) -> None:
            if node.keyword is not None:
                skip.add(id(node.keyword))

        def visit_Name(self, node: cst.Name) -> None:
            if id(node) not in skip:
                counts[node.value] += 1

    tree.visit(Counting())
    return counts


def _bound(alias: cst.ImportAlias, from_import: bool) -> str | None:
    if alias.asname is not None:
        return alias.asname.name.value if isinstance(alias.asname.name, cst.Name) else None
    name = alias.name
    if from_import:
        return name.value if isinstance(name, cst.Name) else None
    while isinstance(name, cst.Attribute):
        name = name.value  # type: ignore[assignment]
    return name.value if isinstance(name, cst.Name) else None


def _without(statement: cst.BaseSmallStatement, names: set[str]) -> cst.BaseSmallStatement | None:
    if isinstance(statement, cst.Import):
        every = list(statement.names)
        aliases = [a for a in every if _bound(a, False) not in names]
    elif isinstance(statement, cst.ImportFrom) and not isinstance(statement.names, cst.ImportStar):
        every = list(statement.names)
        aliases = [a for a in every if _bound(a, True) not in names]
    else:
        return statement
    if not aliases:
        return None
    if len(aliases) == len(every):
        return statement
    if isinstance(statement, cst.ImportFrom) and statement.lpar is not None:
        return _one_a_line(statement, aliases)
    aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return statement.with_changes(names=aliases)


def _one_a_line(statement: cst.ImportFrom, aliases: list[cst.ImportAlias]) -> cst.ImportFrom:
    """A parenthesized import laid out one name a line, as such imports usually are."""
    comma = cst.Comma(
        whitespace_after=cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(), indent=True, last_line=cst.SimpleWhitespace("    ")
        )
    )
    last = cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace()))
    laid = [a.with_changes(comma=comma) for a in aliases[:-1]] + [aliases[-1].with_changes(comma=last)]
    assert statement.lpar is not None
    lpar = statement.lpar.with_changes(
        whitespace_after=cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(), indent=True, last_line=cst.SimpleWhitespace("    ")
        )
    )
    return statement.with_changes(names=laid, lpar=lpar)


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )


def update_imports(tree: cst.Module, unused: set[str], needed: set[tuple[str, str | None]]) -> cst.Module:
    """Top-level imports binding ``unused`` removed and ``needed`` ones added where the removed ones were.

    A removed line's comments stay, and so does the blank line that set its group apart.
    """
    body: list[cst.BaseStatement] = []
    carried: list[cst.EmptyLine] = []
    anchor: int | None = None
    blanks_at_anchor: list[cst.EmptyLine] = []
    anchored_at_pydantic = False
    for statement in tree.body:
        if carried:
            own = list(statement.leading_lines)
            comments = [line for line in carried if line.comment is not None]
            blanks = [line for line in carried if line.comment is None]
            statement = statement.with_changes(leading_lines=[*comments, *(own or blanks)])
            carried = []
        if isinstance(statement, cst.SimpleStatementLine) and unused:
            kept = [s for s in (_without(small, unused) for small in statement.body) if s is not None]
            if not kept:
                carried = [*carried, *statement.leading_lines]
                # tmlcfg's imports go where pydantic's were, else where the first removed one was
                if anchor is None or (_imports_pydantic(statement) and not anchored_at_pydantic):
                    anchor, blanks_at_anchor = len(body), [line for line in carried if line.comment is None]
                    anchored_at_pydantic = _imports_pydantic(statement)
                continue
            kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            statement = statement.with_changes(body=kept)
        body.append(statement)
    return tree.with_changes(body=_add(body, needed, anchor, blanks_at_anchor))


def _add(
    body: list[cst.BaseStatement],
    needed: set[tuple[str, str | None]],
    anchor: int | None,
    blanks: list[cst.EmptyLine],
) -> list[cst.BaseStatement]:
    missing: dict[str, list[str]] = {}
    plain: list[str] = []
    for module, name in sorted(needed, key=lambda n: (n[0], n[1] or "")):
        if name is None:
            if not any(_imports_module(s, module) for s in body):
                plain.append(module)
            continue
        for i, statement in enumerate(body):
            merged = _merge_name(statement, module, name)
            if merged is not None:
                body[i] = merged
                break
        else:
            missing.setdefault(module, []).append(name)
    lines = [f"from {module} import {', '.join(names)}\n" for module, names in missing.items()]
    lines += [f"import {module}\n" for module in plain]
    if not lines:
        return body
    new = [cst.parse_statement(line) for line in lines]
    if anchor is None:
        imports = [i for i, s in enumerate(body) if _is_import(s)]
        anchor = imports[-1] + 1 if imports else (1 if body and _is_docstring(body[0]) else 0)
        if anchor < len(body) and not imports:
            new[0] = new[0].with_changes(leading_lines=[cst.EmptyLine()] if anchor else [])
    else:
        # the added block takes the place of the first removed line, and its blank line
        new[0] = new[0].with_changes(leading_lines=blanks if anchor else [])
    return [*body[:anchor], *new, *body[anchor:]]


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _imports_module(statement: cst.BaseStatement, module: str) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Import):
            for alias in small.names:
                if alias.asname is None and cst.helpers.get_full_name_for_node(alias.name) == module:
                    return True
    return False


def _merge_name(statement: cst.BaseStatement, module: str, name: str) -> cst.BaseStatement | None:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, cst.ImportFrom) or small.relative or isinstance(small.names, cst.ImportStar):
        return None
    if small.module is None or cst.helpers.get_full_name_for_node(small.module) != module:
        return None
    if any(isinstance(a.name, cst.Name) and a.name.value == name and a.asname is None for a in small.names):
        return statement
    names = [*small.names, cst.ImportAlias(cst.Name(name))]
    if small.lpar is not None:
        return statement.with_changes(body=[_one_a_line(small, names)])
    names[-2] = names[-2].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return statement.with_changes(body=[small.with_changes(names=names)])


def _imports_pydantic(statement: cst.SimpleStatementLine) -> bool:
    for small in statement.body:
        names: list[cst.BaseExpression] = []
        if isinstance(small, cst.Import):
            names = [a.name for a in small.names]
        elif isinstance(small, cst.ImportFrom) and small.module is not None:
            names = [small.module]
        if any((cst.helpers.get_full_name_for_node(n) or "").split(".")[0] == "pydantic" for n in names):
            return True
    return False
