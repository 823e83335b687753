from . import test_gateways
from . import test_stage_sms
from . import test_kannel
from . import test_callbacks
from . import test_workers
from . import test_crash
