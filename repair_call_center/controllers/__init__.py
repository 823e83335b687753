from . import main
from . import web_request
