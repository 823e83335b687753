from . import repair_scan
from . import repair_scan_log
from . import repair_order
from . import stock_location
from . import stock_warehouse
