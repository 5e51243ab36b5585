"""Framework files (docs/framework-file.md): load an initiative's registry from YAML, export it.

``load_framework_text`` / ``load_framework_file`` check a whole file, then create or update the
initiative in one transaction; ``export_framework`` writes the registry back in the same format.
"""

from commonground.measurement.framework.errors import FrameworkError
from commonground.measurement.framework.exporter import export_framework
from commonground.measurement.framework.loader import (
    LoadResult,
    load_framework_file,
    load_framework_text,
)

__all__ = [
    "FrameworkError",
    "LoadResult",
    "export_framework",
    "load_framework_file",
    "load_framework_text",
]
