from . import repair_deadline_wizard
from . import repair_serial_wizard
