from . import repair_handover_wizard
