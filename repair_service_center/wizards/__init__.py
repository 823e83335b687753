from . import repair_deadline_wizard
