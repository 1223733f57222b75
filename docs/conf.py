"""Sphinx configuration for the geomkit documentation (``tox -e docs``)."""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

project = "geomkit"
author = "the geomkit developers"
copyright = "2026, the geomkit developers"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]
myst_enable_extensions = ["dollarmath", "amsmath"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
autodoc_member_order = "bysource"
autodoc_mock_imports = []
napoleon_numpy_docstring = True
html_theme = "alabaster"
suppress_warnings = ["myst.header"]
