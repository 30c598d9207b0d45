"""Every bound tmlcfg puts on its input, in one place; ``docs/limits.md`` lists them for users.

Crossing a bound is a problem at the path where it is crossed (or, for a
definition, a ``DefinitionError``), never a ``RecursionError``,
``MemoryError`` or a minutes-long wait.
"""

#: TOML integers are signed 64-bit; anything outside is refused from files, dicts,
#: overrides and constructors alike, so every file tmlcfg writes other readers can read.
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1

#: How deep tables and arrays may nest in a document or a value, counted from the top.
MAX_DEPTH = 100

#: The most parts one dotted key or table header may have (``a.b.c`` has 3), checked before the
#: document is parsed: Python's own TOML reader takes time quadratic in a key's parts, and the compiled
#: one gives up past this many. A key of fewer parts that nests deeper than ``MAX_DEPTH`` is refused
#: at the path where it crosses it, as any value is.
MAX_KEY_PARTS = 1000

#: The longest key or value shown whole in a message; longer ones are shortened.
MAX_SHOWN = 80

#: The most digits an index in a key path (``items[12]``) may have.
MAX_INDEX_DIGITS = 9

#: The most bytes read from a key file (``WandbConfig.key_path``): API keys are short.
MAX_KEY_FILE_BYTES = 64 * 1024

#: The most nodes a YAML document may expand to through aliases before ``convert`` refuses it.
MAX_YAML_NODES = 1_000_000

#: How deep the syntax tree of a Python file ``port`` reads may nest: deeper code is refused, since
#: libcst recurses (or, in its native parser, crashes) on it.
MAX_CODE_DEPTH = 200

#: The most bytes read from a run's ``run.toml`` or ``config.toml`` (``tmlcfg.runs.load``).
MAX_RUN_FILE_BYTES = 16 * 1024 * 1024
