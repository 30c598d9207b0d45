"""Sphinx configuration: MyST Markdown, furo, autodoc and doctests."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

project = "tmlcfg"
author = "The tmlcfg developers"
copyright = "2026, The tmlcfg developers"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "_ext.reference",
]
sys.path.insert(0, os.path.abspath("."))
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
html_theme = "furo"
html_title = "tmlcfg"
exclude_patterns = ["_build"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True
nitpicky = False

ROOT = os.path.abspath("..")
# Each page's examples run in a folder of their own, removed when the page is done, so
# that the files they write go nowhere fixed and the build leaves nothing behind.
doctest_global_setup = f"""
import os, sys, tempfile
import tmlcfg
ROOT = {ROOT!r}
sys.path.insert(0, ROOT)
_doc_home = os.getcwd()
_doc_dir = tempfile.mkdtemp(prefix="tmlcfg-doc-")
os.chdir(_doc_dir)
"""
doctest_global_cleanup = """
import shutil
os.chdir(_doc_home)
shutil.rmtree(_doc_dir, ignore_errors=True)
"""

# Exception messages in the docs are checked too (Sphinx ignores them by default).
import doctest  # noqa: E402

doctest_default_flags = doctest.ELLIPSIS | doctest.DONT_ACCEPT_TRUE_FOR_1
