"""Barcodes drawn into reports as inline SVG (no HTTP round trip to /report/barcode)."""

import io
import logging
import re

from markupsafe import Markup, escape

_logger = logging.getLogger(__name__)

try:
    import barcode
    from barcode.writer import SVGWriter
except ImportError:  # pragma: no cover - declared in external_dependencies
    barcode = None

_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?")


def code128_svg(value, module_width=0.25, module_height=10.0, show_text=True):
    """Return ``value`` as a Code 128 barcode, an inline ``<svg>`` element.

    A value that Code 128 cannot encode comes back as escaped text.
    """
    if not value:
        return Markup("")
    if barcode is None:
        raise RuntimeError("python-barcode is required to draw barcodes")
    output = io.BytesIO()
    try:
        code = barcode.get("code128", str(value), writer=SVGWriter())
    except barcode.errors.BarcodeError as error:
        # Code 128 draws Latin-1 only: a reference in another script is printed
        # as text instead of failing the whole receipt.
        _logger.info("No barcode for %r, printed as text: %s", value, error)
        return Markup('<span class="o_sc_barcode_text">%s</span>') % escape(value)
    code.write(
        output,
        options={
            "module_width": module_width,
            "module_height": module_height,
            "quiet_zone": 2.0,
            "font_size": 8 if show_text else 0,
            "text_distance": 3.0,
            "write_text": show_text,
        },
    )
    svg = _XML_DECLARATION.sub(b"", output.getvalue())
    return Markup(svg.decode("utf-8"))
