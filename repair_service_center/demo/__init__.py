from . import repair_demo
