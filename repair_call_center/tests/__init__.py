from . import test_phone
from . import test_lead
from . import test_caller_card
from . import test_webhooks
from . import test_web_request
from . import test_ui
from . import test_click_to_call
