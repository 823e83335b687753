from . import account_move_line
from . import account_payment
from . import pos_payment
from . import pos_payment_method
from . import pos_order
from . import repair_order
from . import repair_pos_settlement
from . import repair_pos_transaction
