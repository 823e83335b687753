from . import res_partner
from . import res_users
from . import stock_warehouse
from . import repair_service_work
from . import repair_stage_history
from . import repair_deadline_log
from . import repair_order
from . import stock_move
