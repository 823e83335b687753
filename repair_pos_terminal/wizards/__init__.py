from . import repair_handover_wizard
from . import repair_payment_waiver_wizard
from . import repair_prepayment_wizard
