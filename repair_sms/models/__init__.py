from . import repair_sms_gateway
from . import repair_sms_notification
from . import repair_sms_report
from . import sms_sms
from . import sms_resend
from . import stock_warehouse
from . import repair_order
