from . import terminal_bridge
