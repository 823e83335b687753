from . import test_terminal_bridge
from . import test_till_payment
from . import test_handover
from . import test_ui
from . import test_prepayment
from . import test_handover_rule
from . import test_query_counts
from . import test_demo
