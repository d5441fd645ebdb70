"""List file formats: one module per official format.

Each module defines:

- ``TITLE``: a one-line description shown to users;
- ``input_files(path) -> list[Path]``: the files it would read, given a file
  or a folder (companion files included when present); raises
  ``ListDataError`` when the main file is missing;
- ``parse(path, report) -> Iterator[ListRecord]``: a pure generator that
  reads those files and yields one record per list entry, noting the file's
  publication date, declared count and unreadable parts on ``report``;
- ``sniff(path) -> bool``: whether a file looks like this format.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Protocol, cast

from compliance.domain import ListRecord, ParseReport
from compliance.errors import ConfigError

FORMATS: dict[str, str] = {
    "ofac_csv": "compliance.lists.formats.ofac_csv",
    "ofac_xml": "compliance.lists.formats.ofac_xml",
    "ofac_enhanced_xml": "compliance.lists.formats.ofac_enhanced_xml",
    "ofac_advanced_xml": "compliance.lists.formats.ofac_advanced_xml",
    "csl_csv": "compliance.lists.formats.csl_csv",
    "csl_json": "compliance.lists.formats.csl_json",
    "bis_dpl": "compliance.lists.formats.bis_dpl",
    "un_xml": "compliance.lists.formats.un_xml",
    "ofsi_csv": "compliance.lists.formats.ofsi_csv",
    "ofsi_2022": "compliance.lists.formats.ofsi_2022",
    "uk_fcdo_xml": "compliance.lists.formats.uk_fcdo_xml",
    "eu_csv": "compliance.lists.formats.eu_csv",
    "eu_fsf_xml": "compliance.lists.formats.eu_fsf_xml",
    "ftm": "compliance.lists.formats.ftm",
}


class ListFormat(Protocol):
    TITLE: str

    def input_files(self, path: Path) -> list[Path]: ...

    def parse(self, path: Path, report: ParseReport) -> Iterator[ListRecord]: ...

    def sniff(self, path: Path) -> bool: ...


def get_format(name: str) -> ListFormat:
    """The parser module for a format name from a source's YAML."""
    try:
        module_name = FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ConfigError(f"Unknown list format {name!r}; known formats: {known}.") from None
    module: ModuleType = importlib.import_module(module_name)
    return cast(ListFormat, module)
