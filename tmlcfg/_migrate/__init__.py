"""Migrations: a class's declared history, compiled into a plan and applied on every way in.

The engine below needs two services of this package: compiling a class's plan
when it is defined, and moving old paths when it structures. Both are handed
down here, when the package loads, which any ``renamed()`` or ``removed()`` does.
"""

from .._engine import converter as _converter
from .._engine import define as _define
from . import plan, ways

_define.use_plan_compiler(plan.compile_plan)
_converter.use_migrations(_converter.Migrations(ways.migrate_input, plan.walker_of, ways.migrate_value))
