from . import test_scan
from . import test_concurrency
from . import test_parts
from . import test_labels
from . import test_ui
from . import test_rpc
