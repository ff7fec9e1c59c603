"""PDF: the HTML layouts printed by WeasyPrint with CSS paged media (A4, embedded fonts,
page numbers, running headers). No browser, no network: WeasyPrint lays the page out
itself, and any outside resource is refused, so a document never depends on the machine
or its connection.

WeasyPrint is imported only here, when a PDF is asked for: it takes a moment to load and
needs Pango, a system library; without it the user gets one line that says what to install.
"""

from __future__ import annotations

from typing import Callable

from .errors import AdieuError

INSTALL_HINT = "on Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"


class PrintingUnavailable(AdieuError):
    """This machine cannot write PDFs (WeasyPrint or a system library it needs is missing)."""

    status = 3


def _weasyprint():
    try:
        import weasyprint
    except ImportError as error:
        raise PrintingUnavailable(f"cannot write a PDF: WeasyPrint is not installed ({error}); "
                                  f"reinstall Adieu with its dependencies") from None
    except OSError as error:  # cffi could not load Pango, HarfBuzz or fontconfig
        raise PrintingUnavailable(f"cannot write a PDF: a system library is missing ({error}); "
                                  f"{INSTALL_HINT}") from None
    return weasyprint


def pdf_document(html_for: Callable[[bool], str], numbered: bool) -> bytes:
    """The PDF of `html_for(numbered)`, numbered ("1/2") only when it runs to more than one
    page. `numbered` is the first guess (a letter usually fits one page, a memo rarely):
    numbers sit in the page margins and never change the layout, so a wrong guess costs one
    more rendering, never a different page count."""
    weasyprint = _weasyprint()

    def render(with_numbers: bool):
        # Self-contained documents: any outside resource (file, http) is refused, never fetched.
        fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
        html = weasyprint.HTML(string=html_for(with_numbers), url_fetcher=fetcher)
        return html.render()

    document = render(numbered)
    if (len(document.pages) > 1) != numbered:
        document = render(not numbered)
    return document.write_pdf()

