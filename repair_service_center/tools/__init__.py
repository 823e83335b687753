from .barcode_svg import code128_svg
