"""Everything the package writes goes through here.

``tables``: frames -> German spreadsheet CSV, text cells escaped against
formula injection. ``target``: the safe writer (staging, swap, marker file,
refusal of the project root, the input and foreign folders).
"""

from ogl_impact.write.tables import escape_cell, table_csv_text, write_tables
from ogl_impact.write.target import (
    MARKER,
    TargetError,
    check_target,
    claim_folder,
    read_marker,
    replace_file,
    replace_folder,
    update_files,
    write_marker,
)

__all__ = [
    "MARKER",
    "TargetError",
    "check_target",
    "claim_folder",
    "escape_cell",
    "read_marker",
    "replace_file",
    "replace_folder",
    "table_csv_text",
    "update_files",
    "write_marker",
    "write_tables",
]
