from . import test_terminal_bridge
from . import test_till_payment
from . import test_handover
from . import test_ui
