from . import test_intake
from . import test_stages
from . import test_security
from . import test_workload
from . import test_parts
from . import test_reports
from . import test_catalog
from . import test_ui
