"""The network analysis report: self-contained HTML, its Markdown twin, and PDF.

Built from the current graph (its projection) and the latest analysis run; one module
per topic: `overview`, `brokerage`, `duplicates`, `opportunities` (opportunities and
supply–demand channels), `coverage`, `profiles` (national centres, like the study's
Table 3), `country` (one country's page), `quality`, `methods`; `charts` draws the
figures, `render`/`pdf`/`write` turn a `Report` into files.  Every table and figure
names the function (and run-record key) that produced it.
"""

from viz.i18n import TITLES
from viz.report.build import ShaclTooLargeError, build, shacl_fits
from viz.report.country import UnknownCountryError
from viz.report.model import Figure, Report, Section, Table
from viz.report.pdf import PdfUnavailableError, render_pdf
from viz.report.quality import SHACL_GRAPH_LIMIT
from viz.report.render import figure_files, render_html, render_markdown
from viz.report.write import FORMATS, report_stem, write_report

__all__ = [
    "FORMATS",
    "SHACL_GRAPH_LIMIT",
    "TITLES",
    "Figure",
    "PdfUnavailableError",
    "Report",
    "Section",
    "ShaclTooLargeError",
    "Table",
    "UnknownCountryError",
    "build",
    "figure_files",
    "render_html",
    "render_markdown",
    "render_pdf",
    "report_stem",
    "shacl_fits",
    "write_report",
]
