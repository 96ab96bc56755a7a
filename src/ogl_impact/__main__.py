"""Allow ``python -m ogl_impact``."""

from ogl_impact.cli import main

raise SystemExit(main())
