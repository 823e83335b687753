from . import pbx_signatures
