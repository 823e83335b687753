from . import demo
from . import models
from . import report
from . import tools
from . import wizards
