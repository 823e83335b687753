from . import test_scan
